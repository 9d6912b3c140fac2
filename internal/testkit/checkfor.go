package testkit

import (
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
