// Package health answers the questions an orchestrator asks: is the process
// alive (/healthz), can it serve (/readyz, which checks its dependencies),
// and, for gRPC clients and probes, the grpc.health.v1 service kept in step
// with the same checks.
package health

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"
)

// checkTimeout bounds each check so that one hung dependency cannot stall
// a probe past the orchestrator's own timeout.
const checkTimeout = time.Second

// pollInterval is how often Register re-runs the checks for gRPC health.
const pollInterval = 5 * time.Second

// Checker holds named readiness checks. It is safe for concurrent use.
type Checker struct {
	mu     sync.Mutex
	checks map[string]func(context.Context) error

	// pollEvery is pollInterval except in tests.
	pollEvery time.Duration
}

// New returns a Checker without checks; it is ready until checks are added.
func New() *Checker {
	return &Checker{checks: map[string]func(context.Context) error{}, pollEvery: pollInterval}
}

// Add registers fn as the check called name, replacing any check of that
// name. fn must return once its context is done.
func (c *Checker) Add(name string, fn func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checks[name] = fn
}

// Check runs every check concurrently, each with a one-second timeout, and
// returns each check's error by name; a nil error means the check passed.
func (c *Checker) Check(ctx context.Context) map[string]error {
	c.mu.Lock()
	checks := maps.Clone(c.checks)
	c.mu.Unlock()

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results = make(map[string]error, len(checks))
	)
	for name, fn := range checks {
		wg.Go(func() {
			err := run(ctx, fn)
			mu.Lock()
			defer mu.Unlock()
			results[name] = err
		})
	}
	wg.Wait()
	return results
}

// run calls fn under the check timeout. A panicking check counts as a
// failed one rather than taking the probe, and with it the process, down.
func run(ctx context.Context, fn func(context.Context) error) (err error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check panicked: %v", r)
		}
	}()
	return fn(ctx)
}

// LiveHandler answers 200 "ok" as long as the process can serve HTTP at
// all. It checks no dependency on purpose: a restart does not cure a
// database outage, and a liveness probe that fails with it would restart
// every replica at once.
func (c *Checker) LiveHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
}

// report is the JSON body of /readyz.
type report struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// ReadyHandler runs the checks and answers 200 with
// {"status":"ok","checks":{"postgres":"ok",…}} when all pass, or 503 with
// status "unavailable" and "unavailable" in place of each failing check's
// "ok". Anyone who reaches the port may read the body, so it names no
// cause: an error text can hold the database's user, name, host and port.
// The causes go to log, at warning level.
func (c *Checker) ReadyHandler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := report{Status: "ok", Checks: map[string]string{}}
		for name, err := range c.Check(r.Context()) {
			rep.Checks[name] = "ok"
			if err != nil {
				rep.Status = "unavailable"
				rep.Checks[name] = "unavailable"
				log.WarnContext(r.Context(), "readiness check failed", "check", name, "error", err)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if rep.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		// A failed write means the prober has gone; nobody is left to tell.
		_ = json.NewEncoder(w).Encode(rep)
	})
}
