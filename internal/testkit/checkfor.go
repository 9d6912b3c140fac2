package testkit

import (
	"context"
	"sync"
	"testing"
	"time"
)

// CheckFor calls fn every sleep until it returns nil, and fails the test
// with fn's last error if that has not happened within wait. Tests use it
// to wait for something asynchronous instead of sleeping a guessed time.
func CheckFor(t testing.TB, wait, sleep time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(wait)
	var err error
	for {
		if err = fn(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(sleep)
	}
	t.Fatalf("testkit: still failing after %s: %v", wait, err)
}

// Start runs fn in a goroutine until the test ends or stop is called,
// whichever comes first, then cancels its context and waits for it; an
// error fn returns fails the test. It is how a test runs a relay, a
// consumer or a server that stops with its context.
func Start(t testing.TB, fn func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run returned %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
