package events

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/backoff"
)

// provisionPatience is how long provisioning keeps trying while JetStream
// is not ready: a NATS cluster that starts with Meedoen elects its leaders
// in seconds, under load in tens of seconds.
const provisionPatience = 2 * time.Minute

// whileStarting calls fn until it succeeds, fails in a way a wait will not
// mend, ctx ends, or provisionPatience has passed: a component that starts
// with its NATS cluster (compose, a Kubernetes rollout) waits for JetStream
// instead of exiting at the first timeout.
func whileStarting(ctx context.Context, fn func(context.Context) error) error {
	start := time.Now()
	wait := backoff.Backoff{Min: 200 * time.Millisecond, Max: 5 * time.Second}
	for {
		err := fn(ctx)
		if err == nil || !notReadyYet(err) || time.Since(start) > provisionPatience {
			return err
		}
		if !wait.Wait(ctx) {
			return err
		}
	}
}

// notReadyYet tells the errors of a JetStream that is starting, electing a
// leader or not yet connected from those a retry cannot mend (a stream
// whose subjects overlap another's, say).
func notReadyYet(err error) bool {
	var api *jetstream.APIError
	switch {
	case errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, nats.ErrNoResponders), errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, nats.ErrConnectionReconnecting), errors.Is(err, nats.ErrDisconnected):
		return true
	case errors.As(err, &api):
		return api.Code == http.StatusServiceUnavailable
	}
	return false
}
