// Package limited tells a web page that the gateway's rate limit refused
// its request: the gateway does not answer such a request of a person's
// browser with the API's problem JSON, but passes it on marked, so that
// the page can answer in the person's language, keep what they typed and
// say when to try again, without acting on it.
package limited

import (
	"context"
	"time"
)

type key struct{}

// With marks ctx as refused by the rate limit until retryAfter has passed.
func With(ctx context.Context, retryAfter time.Duration) context.Context {
	return context.WithValue(ctx, key{}, retryAfter)
}

// RetryAfter returns how long the client must wait, and whether the rate
// limit refused the request at all.
func RetryAfter(ctx context.Context) (time.Duration, bool) {
	d, ok := ctx.Value(key{}).(time.Duration)
	return d, ok
}
