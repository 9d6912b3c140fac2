// Package store keeps the results service's data in its PostgreSQL schema:
// advice and their versions, the municipalities' responses and settings,
// reminders, reports, and the projections of the other services' events.
//
// Every change is written together with its events (the outbox) and its
// mail (the mail queue) in one transaction, and driver errors are
// translated to domain errors here. A sent version is frozen by the
// database as well: a trigger refuses any change to it.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the results schema's own migrations. The service
// applies events.Migrations, tenancy.Migrations and mailq.Migrations to
// the schema too.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "results", FS: pg.Sub(migrationFiles, "migrations")}
}

// Store reads and writes the results schema.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a store on pool, whose search_path is the results schema.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool returns the store's pool, for the service's loops.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string // opaque; empty for the first page
}

// Visibility narrows a list to what a caller may see: All for anyone (a
// platform administrator), else the tenants the caller has any staff role
// in, which see their own work, the shared work they take part in, and a
// region's work.
type Visibility struct {
	All     bool
	Tenants []string
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// validID reports whether id can name a row: PostgreSQL would refuse
// anything but a UUID with an error that is none of the caller's business.
func validID(id string) bool { return uuid.Validate(id) == nil }

// decodeIDCursor reads a cursor that holds a UUID; nil for the first page.
func decodeIDCursor(c string) (*string, error) {
	key, err := cursor.Decode(c, cursor.UUID)
	if err != nil || key == "" {
		return nil, err
	}
	return &key, nil
}

// textArray is a list as PostgreSQL's text[] wants it: never NULL.
func textArray(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// timeOrNull stores an unset time as NULL.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// timeOf reads a nullable time back, in UTC.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// changedFigures records, in tx, that something the evaluation figures
// are computed from changed, so that a cached computation is known to be
// stale (see Figures).
func changedFigures(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE figures_version SET version = version + 1`); err != nil {
		return fmt.Errorf("marking the figures changed: %w", err)
	}
	return nil
}

// ChangedFigures is changedFigures for the service's consumers, whose
// projections feed the figures too.
func ChangedFigures(ctx context.Context, tx pgx.Tx) error { return changedFigures(ctx, tx) }

// inTx runs fn in a transaction on the store's pool.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pg.InTx(ctx, s.pool, fn)
}

// notFound is the error for a thing that does not exist, in the same
// words as for one the caller may not see, so the two cannot be told
// apart.
func notFound(kind, id string) error { return errs.New(errs.NotFound, "%s %q not found", kind, id) }
