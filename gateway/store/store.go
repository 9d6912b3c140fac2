// Package store is the gateway's own PostgreSQL schema, "gateway": staff
// sessions (it is the identity.SessionStore), the keys the gateway makes
// for itself, and the council members' terms it follows to end sessions.
// Like a service's schema it is migrated at start, by every gateway, in
// every mode (-target=all and -target=gateway alike).
package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
)

// Schema is the gateway's schema name.
const Schema = "gateway"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the gateway's migration sets, in order: the
// platform's event tables (the member-term consumer records its position
// there) and the gateway's own.
func Migrations() []pg.MigrationSet {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // embedded at compile time; cannot fail
	}
	return []pg.MigrationSet{events.Migrations(), {Name: "gateway", FS: sub}}
}

// sweepInterval is how often Run deletes ended sessions.
const sweepInterval = 5 * time.Minute

// Store is the gateway's schema.
type Store struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// Open migrates the gateway's schema and connects to it.
func Open(ctx context.Context, databaseURL string, log *slog.Logger) (*Store, error) {
	if err := pg.Migrate(ctx, databaseURL, Schema, Migrations()...); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	pool, err := pg.Connect(ctx, databaseURL, Schema)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{pool: pool, log: log}, nil
}

// New returns a store on a pool that works in an already migrated gateway
// schema, for tests.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, log: slog.New(slog.DiscardHandler)}
}

// Pool is the store's connection pool, for the readiness check and the
// member-term consumer.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Run deletes ended sessions now and then until ctx ends, so that the table
// holds no one's name for longer than their session lasts.
func (s *Store) Run(ctx context.Context) error {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			n, err := s.DeleteEnded(ctx)
			if err != nil {
				s.log.WarnContext(ctx, "deleting ended sessions", "error", err)
			} else if n > 0 {
				s.log.DebugContext(ctx, "deleted ended sessions", "count", n)
			}
		}
	}
}
