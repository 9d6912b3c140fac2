package pg

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// pingTimeout bounds the reachability check in Connect.
const pingTimeout = 5 * time.Second

// schemaName accepts the lower-case identifiers we use for schemas and
// migration sets, which need no quoting anywhere, goose's own SQL included.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Connect opens a pool to databaseURL whose sessions see only schema (its
// search_path), name themselves meedoen-<schema> in pg_stat_activity unless
// the URL names them otherwise, and are traced with OpenTelemetry, without
// query arguments in spans since those may carry personal data. It fails if
// the database does not answer within a few seconds.
func Connect(ctx context.Context, databaseURL, schema string) (*pgxpool.Pool, error) {
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("connecting to postgresql: invalid schema name %q", schema)
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("connecting to postgresql: parsing database url: %w", err)
	}
	params := cfg.ConnConfig.RuntimeParams
	params["search_path"] = pgx.Identifier{schema}.Sanitize()
	if params["application_name"] == "" {
		params["application_name"] = "meedoen-" + schema
	}
	// Query arguments stay out of spans: otelpgx records them only on
	// request. Where the database is goes on every span as fixed attributes:
	// otelpgx would otherwise copy the pool's and the connection's whole
	// configuration for each span to read them. Acquiring a connection gets
	// no span of its own (one per query, more than 2 % of the CPU of the
	// resident's answer); the pool's waits show in the metrics
	// (RecordPoolStats).
	cc := cfg.ConnConfig
	cfg.ConnConfig.Tracer = otelpgx.NewTracer(
		otelpgx.WithDisableAcquireTracer(),
		otelpgx.WithDisableConnectionDetailsInAttributes(),
		otelpgx.WithTracerAttributes(semconv.DBSystemNamePostgreSQL, semconv.ServerAddress(cc.Host),
			semconv.ServerPort(int(cc.Port)), semconv.UserName(cc.User), semconv.DBNamespace(cc.Database)),
	)

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to postgresql: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to postgresql at %s: %w", redact(cfg.ConnConfig), err)
	}
	return pool, nil
}

// redact names a server without its password, for error messages.
func redact(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
