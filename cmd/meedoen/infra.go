package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/broker"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/telemetry"
)

// databaseName is the database the private cluster holds all schemas in.
const databaseName = "meedoen"

// initTelemetry sets up logs, traces and metrics for the whole process;
// it stops last, so that the others' last words are kept.
func (a *app) initTelemetry(ctx context.Context) (component, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.cfg.LogLevel)); err != nil {
		return component{}, fmt.Errorf("-log-level: %w", err)
	}
	tcfg := telemetry.Config{ServiceName: serviceName(a.cfg.Target), ServiceVersion: version, Instance: telemetry.InstanceID(), LogLevel: level}
	if a.hooks.spans != nil {
		tcfg.SpanProcessors = append(tcfg.SpanProcessors, a.hooks.spans)
	}
	tel, err := telemetry.Setup(ctx, tcfg, a.stderr)
	if err != nil {
		return component{}, err
	}
	tel.SetGlobal()
	a.tel, a.log = tel, tel.Logger
	return component{stop: func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(sctx); err != nil {
			a.log.Warn("telemetry shutdown", "error", err)
		}
	}}, nil
}

// serviceName is the service.name a process reports: "meedoen-councils"
// and so on when it runs one component, so that each component's replicas
// are one service in a trace viewer; "meedoen" when it runs all, or
// several, in one process.
func serviceName(target string) string {
	parts := strings.FieldsFunc(target, func(r rune) bool { return r == ',' || r == ' ' })
	if len(parts) != 1 || parts[0] == "all" {
		return "meedoen"
	}
	return "meedoen-" + parts[0]
}

// initHealth makes the checker every part adds its readiness checks to;
// /readyz and the services' gRPC health serve it.
func (a *app) initHealth(context.Context) (component, error) {
	a.health = health.New()
	return component{}, a.health.RegisterMetrics(a.tel.MeterProvider)
}

// initPostgres finds PostgreSQL: DATABASE_URL or, in the embedded mode,
// the private cluster under the data directory, which it starts and, at
// the very end, stops.
func (a *app) initPostgres(ctx context.Context) (component, error) {
	if a.databaseURL = a.cfg.DatabaseURL; a.databaseURL != "" {
		return component{}, nil
	}
	if !a.cfg.embedded() {
		return component{}, errors.New("-target=" + a.cfg.Target + " needs DATABASE_URL (only -target=all starts its own PostgreSQL)")
	}
	cluster, err := pg.StartCluster(ctx, pg.ClusterConfig{Dir: filepath.Join(a.cfg.DataDir, "pg"), Logger: a.log})
	if err != nil {
		return component{}, err
	}
	stop := func() {
		if err := cluster.Stop(context.Background()); err != nil {
			a.log.Error("stopping PostgreSQL", "error", err)
		}
	}
	if err := ensureDatabase(ctx, cluster.URL("postgres"), databaseName); err != nil {
		stop()
		return component{}, err
	}
	a.databaseURL = cluster.URL(databaseName)
	return component{stop: stop}, nil
}

// ensureDatabase creates the database on first run.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("checking database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("creating database %s: %w", name, err)
	}
	return nil
}

// initNATS connects to NATS_URL or, in the embedded mode, to the server
// it starts under the data directory. At stop the connection drains
// before the server shuts down.
func (a *app) initNATS(context.Context) (component, error) {
	var srv *server.Server
	url := a.cfg.NATSURL
	if url == "" {
		if !a.cfg.embedded() {
			return component{}, errors.New("-target=" + a.cfg.Target + " needs NATS_URL (only -target=all starts its own NATS server)")
		}
		var err error
		if srv, err = broker.StartEmbedded(filepath.Join(a.cfg.DataDir, "nats"), a.log); err != nil {
			return component{}, err
		}
		url = srv.ClientURL()
	}
	shutdown := func() {
		if srv != nil {
			// So that its store is flushed and closed.
			srv.Shutdown()
			srv.WaitForShutdown()
		}
	}
	nc, js, err := broker.Connect(url, "meedoen-"+a.cfg.Target, a.log)
	if err != nil {
		shutdown()
		return component{}, err
	}
	a.nc, a.js = nc, js
	a.health.Add("nats", health.NATS(nc))
	return component{stop: func() {
		if err := nc.Drain(); err != nil {
			nc.Close()
		}
		shutdown()
	}}, nil
}

// initKeys reads or makes the keys of the internal tokens the gateway
// signs and the services verify (keys.go).
func (a *app) initKeys(context.Context) (component, error) {
	var err error
	a.signer, a.verifier, err = internalKeys(a.cfg, a.targets)
	return component{}, err
}

// initPlatform gathers what every service and the gateway run on, with
// the guard that holds every service's rules.
func (a *app) initPlatform(context.Context) (component, error) {
	a.deps = platform.Deps{
		DatabaseURL: a.databaseURL,
		NATS:        a.nc,
		JetStream:   a.js,
		Telemetry:   a.tel,
		Health:      a.health,
		Streams:     events.StreamConfig{Replicas: a.cfg.StreamReplicas},
		Outbox:      events.RelayConfig{Retention: a.cfg.OutboxRetention},
		Guard:       auth.NewGuard(a.verifier, authPolicy(), a.log),
	}
	return component{}, nil
}
