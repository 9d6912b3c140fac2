package backoff_test

import (
	"context"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/backoff"
)

// Waits double from the first up to the cap, and start over after a
// success; each is at most a tenth shorter than its nominal value.
func TestWaitsDoubleUpToTheCap(t *testing.T) {
	b := backoff.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	nominal := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, n := range nominal {
		want := n * time.Millisecond
		if got := b.Next(); got > want || got < want-want/10 {
			t.Errorf("wait #%d = %s, want %s less at most a tenth", i+1, got, want)
		}
	}
	if b.Failures() != len(nominal) {
		t.Errorf("Failures() = %d, want %d", b.Failures(), len(nominal))
	}
	b.Reset()
	if got := b.Next(); got > 100*time.Millisecond {
		t.Errorf("wait after Reset = %s, want the first again", got)
	}
}

// The zero value waits a second, up to 30.
func TestZeroValueDefaults(t *testing.T) {
	var b backoff.Backoff
	if got := b.Next(); got > time.Second || got < 900*time.Millisecond {
		t.Errorf("first wait = %s, want about a second", got)
	}
	for range 10 {
		b.Next()
	}
	if got := b.Next(); got > 30*time.Second || got < 27*time.Second {
		t.Errorf("capped wait = %s, want about 30 s", got)
	}
}

// Wait gives up as soon as its context ends.
func TestWaitEndsWithContext(t *testing.T) {
	b := backoff.Backoff{Min: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if b.Wait(ctx) {
		t.Error("Wait reported the context going")
	}
	if time.Since(start) > time.Second {
		t.Error("Wait outlived its context")
	}
}
