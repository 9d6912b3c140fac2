package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway"
)

// initHTTP binds the process's one HTTP listener and serves the
// operations endpoints on it; the gateway's routes join them when the
// gateway runs (initGateway). Its base URL is the public URL, or the
// listener's address.
func (a *app) initHTTP(context.Context) (component, error) {
	a.mux = http.NewServeMux()
	a.mux.Handle("GET /healthz", a.health.LiveHandler())
	a.mux.Handle("GET /readyz", a.health.ReadyHandler(a.log))
	a.mux.Handle("GET /metrics", a.tel.MetricsHandler())
	if a.cfg.Dev {
		// Profiles for the load tool and whoever measures (docs/benchmarks.md);
		// development only, since a profile shows internals.
		a.mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		a.mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	}
	lis, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return component{}, fmt.Errorf("listening on %s: %w", a.cfg.HTTPAddr, err)
	}
	a.listener = lis
	if a.base = strings.TrimSuffix(a.cfg.PublicURL, "/"); a.base == "" {
		a.base = "http://" + lis.Addr().String()
	}
	srv := &http.Server{
		// The head limits come before the telemetry, so that no span or
		// log line carries a 70 KB URL around.
		Handler:           gateway.WithAPIVersion(apiVersion, gateway.LimitHead(a.tel.HTTPMiddleware(a.mux, "meedoen"))),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// Only the outer bound: LimitHead answers the limits clients meet.
		MaxHeaderBytes: gateway.MaxHeadBytes,
		ErrorLog:       slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	return component{
		run: func(ctx context.Context) error {
			// Normally drain has shut the server down by the time ctx
			// ends; this ends it in any case.
			unwatch := context.AfterFunc(ctx, func() { _ = srv.Close() })
			defer unwatch()
			// net/http's own answers (a head beyond MaxHeaderBytes, a
			// request it cannot parse) go out as problems too.
			if err := srv.Serve(gateway.CannedProblems(lis)); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serving HTTP: %w", err)
			}
			return nil
		},
		// In-flight requests finish before the services stop.
		drain: func(ctx context.Context) {
			if err := srv.Shutdown(ctx); err != nil {
				a.log.Warn("HTTP shutdown", "error", err)
			}
		},
		stop: func() { _ = lis.Close() },
	}, nil
}
