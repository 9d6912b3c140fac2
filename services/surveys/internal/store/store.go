// Package store keeps the surveys service's data in its PostgreSQL schema:
// polls, invitations, responses and live tallies.
//
// Every change is written together with its events (the outbox) in one
// transaction, and driver errors are translated to domain errors here.
//
// Two guarantees are the database's, not the code's. One response per
// invitation and per browser: a submit inserts the respondent's key under
// a primary key, so of any number of concurrent submits one commits and
// the others wait for it and fail; there is no read-then-write window. And
// a retried submit returns the first result: its Idempotency-Key is
// claimed under a primary key in the same transaction.
//
// Responses are pseudonymous. The response row holds no e-mail address,
// invitation or browser id; that an invitation or browser has answered is
// kept in a table of its own that does not say which response is theirs,
// and an invitation records the day it was used, not the moment.
//
// Tallies are kept as counters, one row per option and municipality, and
// are read without touching the responses. A consumer adds whole batches
// of responses with ApplyTally, one statement per table.
package store

import (
	"context"
	"embed"
	"errors"
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

// Migrations returns the surveys schema's own migrations. The service
// applies events.Migrations and tenancy.Migrations to the schema first.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "surveys", FS: pg.Sub(migrationFiles, "migrations")}
}

// Store reads and writes the surveys schema.
type Store struct {
	pool *pgxpool.Pool
	// submits batches concurrent SubmitResponse calls (group commit).
	submits submitQueue
	// lookups batches concurrent InvitedPoll calls.
	lookups lookupQueue
	// defs caches decoded poll definitions for the residents' reads.
	defs definitions
}

// New returns a store on pool, whose search_path is the surveys schema.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string // opaque; empty for the first page
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// invalid is an Invalid error about one field.
func invalid(path, reason string) error {
	return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.Field{{Path: path, Reason: reason}}}
}

// decodeIDCursor reads a cursor that holds a UUID; nil for the first page.
func decodeIDCursor(c string) (*string, error) {
	key, err := cursor.Decode(c, cursor.UUID)
	if err != nil || key == "" {
		return nil, err
	}
	return &key, nil
}

// PollNotFound is the error for a poll that does not exist, in the same
// words as for one the caller may not see (api.notVisible), so that the two
// cannot be told apart.
func PollNotFound(id string) error { return errs.New(errs.NotFound, "poll %q not found", id) }

// checkID turns an id that is no UUID into NotFound: it names nothing,
// and PostgreSQL would reject it with an error that is none of the
// caller's business.
func checkID(what, id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return errs.New(errs.NotFound, "%s %q not found", what, id)
	}
	return nil
}

// timeOrNull stores an unset time as NULL.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// timeOf reads a nullable time back, in UTC as the domain keeps times.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// textArray keeps "= ANY($n)" and "&&" false rather than NULL for an empty
// list.
func textArray(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
