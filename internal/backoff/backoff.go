// Package backoff spaces the retries of a background loop whose dependency
// is away, such as the outbox relay while PostgreSQL is down: each failure
// in a row waits twice as long as the one before, up to a cap, so that a
// long outage costs a few log lines a minute instead of several a second.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff counts the failures in a row of one loop. The zero value waits a
// second, doubling up to 30 seconds. It is not safe for concurrent use.
type Backoff struct {
	// Min is the first wait; 0 means a second.
	Min time.Duration
	// Max caps the wait; 0 means 30 seconds.
	Max time.Duration

	failures int
}

// Next returns the wait after one more failure: Min, 2×Min, 4×Min, …, at
// most Max, less up to a tenth at random so that replicas that failed
// together do not retry in lockstep.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	d := lo
	for i := 0; i < b.failures && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	b.failures++
	return d - time.Duration(rand.Int64N(int64(d)/10+1))
}

// Failures is how many failures in a row Next has counted.
func (b *Backoff) Failures() int { return b.failures }

// Reset starts over after a success.
func (b *Backoff) Reset() { b.failures = 0 }

// Wait sleeps for Next or until ctx ends; it reports whether ctx is still
// going.
func (b *Backoff) Wait(ctx context.Context) bool {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
