// Package store keeps the focus groups service's data in its PostgreSQL
// schema: the process projection, groups, members and their link tokens,
// invitations, sessions, answers with their log, attendance, findings and
// reminders, and the mail queue (internal/mailq).
//
// Every change is written with its events (the outbox) and the mails it
// promises in one transaction, and driver errors are translated to domain
// errors here. Each write checks who may make it (the api's access
// function) on the rows it has read and locked in that transaction, so
// that a reference to another tenant's thing is refused where the write
// happens.
//
// Seats are the database's to guard: every answer to a session, every
// change of its capacity or of its group's seats, locks the session's row
// and decides on the whole board of its answers (package seating) before
// it commits, so that seats are never given twice and the waitlists are in
// the order answers were taken.
package store

import (
	"context"
	"embed"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the focus groups schema's own migrations. The service
// applies events.Migrations, tenancy.Migrations and mailq.Migrations too.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "focusgroups", FS: pg.Sub(migrationFiles, "migrations")}
}

// Config says what the mails the store queues point to and come from.
type Config struct {
	// PublicURL is the gateway's base URL as residents reach it, for the
	// links in mails.
	PublicURL string
	// From is the address the mails come from, the organiser in their
	// calendar messages.
	From string
	// Roles are the extra roles the operator configures per tenant; nil
	// leaves every tenant the built-in roles alone.
	Roles *group.Catalog
}

// Store reads and writes the focus groups schema.
type Store struct {
	pool    *pgxpool.Pool
	cfg     Config
	now     func() time.Time
	answers *answerQueue
}

// New returns a store on pool, whose search_path is the focusgroups
// schema.
func New(pool *pgxpool.Pool, cfg Config) *Store {
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	return &Store{pool: pool, cfg: cfg, now: time.Now, answers: newAnswerQueue()}
}

// WithClock returns a store that takes the time from now, for tests of
// what depends on it (reminders, sessions that have started).
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Roles returns the roles groups of tenant take: the built-in ones and
// the tenant's own.
func (s *Store) Roles(tenant string) group.RoleSet { return s.cfg.Roles.For(tenant) }

// checkRoles refuses, each under its path, the keys that name none of the
// roles groups of tenant take. It runs once the group is read and its
// access allowed, so that a caller learns nothing of another tenant's
// roles.
func (s *Store) checkRoles(tenant string, paths, keys []string) error {
	roles := s.Roles(tenant)
	var v errs.Violations
	for i, key := range keys {
		if !roles.Valid(key) {
			v.Add(paths[i], roles.Reason())
		}
	}
	return v.Err()
}

// Pool returns the store's pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string // opaque; empty for the first page
}

// Visibility is which tenants' groups a caller may see.
type Visibility struct {
	// All shows every tenant's, for a platform-wide grant.
	All bool
	// Tenants are the municipalities and regions the caller has a role in.
	Tenants []string
	// Organiser is the caller's login subject: they see the groups they
	// organise, wherever those are.
	Organiser string
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// The not-found errors, in the same words whether the thing does not exist
// or the caller may not see it, so that the two cannot be told apart.

// GroupNotFound is the error for a focus group that does not exist.
func GroupNotFound(id string) error { return errs.New(errs.NotFound, "focus group %q not found", id) }

// SessionNotFound is the error for a session that is not one of the
// group's.
func SessionNotFound(id string) error { return errs.New(errs.NotFound, "session %q not found", id) }

// MemberNotFound is the error for a member who is not one of the group's.
func MemberNotFound(id string) error { return errs.New(errs.NotFound, "member %q not found", id) }

// FindingNotFound is the error for a finding that is not one of the
// group's.
func FindingNotFound(id string) error { return errs.New(errs.NotFound, "finding %q not found", id) }

// RsvpNotFound is the error for a member who has not answered.
func RsvpNotFound(memberID string) error {
	return errs.New(errs.NotFound, "no answer of member %q to this session", memberID)
}

// isUUID reports whether id can name a row; anything else names nothing.
func isUUID(id string) bool { return uuid.Validate(id) == nil }

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// invalid is an Invalid error about one field.
func invalid(path, reason string) error {
	return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.Field{{Path: path, Reason: reason}}}
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

// nullIfEmpty stores an empty id as NULL.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// stamp moves a version past the one it replaces: greatest(now, previous +
// 1µs), so that no two versions of a row share a tag (internal/revision).
func stamp(now, previous time.Time) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if next := previous.Add(time.Microsecond); !now.After(previous) {
		return next.UTC()
	}
	return now
}

// eventsProto is an event's payload, a message of proto/meedoen/events/v1.
type eventsProto = proto.Message

// Now returns the store's time, which the service's decisions use too.
func (s *Store) Now() time.Time { return s.now() }
