package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
)

// Visibility is whose polls a caller may see: everything (a platform-wide
// grant), or those of Tenants: the polls whose tenant is one of them, and
// the shared ones any of them takes part in.
type Visibility struct {
	All     bool
	Tenants []string
}

// PollFilter narrows a list of polls. Empty fields do not filter.
type PollFilter struct {
	Visibility
	// Tenant keeps the polls of one municipality, including the shared ones
	// it takes part in, or of one region.
	Tenant    string
	ProcessID string
	Status    poll.Status
}

// PollChange turns a poll, read with its row locked, into its changed self
// and the events that announce the change.
type PollChange func(poll.Poll) (poll.Poll, []events.Event, error)

const pollColumns = `id::text, process_id::text, tenant, participants, kind, coalesce(slug, ''), status,
opens_at, closes_at, cancel_reason, definition, created_by, created_at, updated_at`

// CreatePoll stores p and its events. A slug that another poll has is a
// Conflict naming /slug.
func (s *Store) CreatePoll(ctx context.Context, p poll.Poll, evs ...events.Event) error {
	r := p.Record()
	def, err := encodeDefinition(r)
	if err != nil {
		return err
	}
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := processTakesPolls(ctx, tx, r.ProcessID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO polls (id, process_id, tenant, participants, kind, slug, status,
opens_at, closes_at, cancel_reason, definition, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9, $10, $11, $12, $13, $14)`,
			r.ID, r.ProcessID, r.Tenant, textArray(r.Participants), string(r.Kind), r.Slug, string(r.Status),
			timeOrNull(r.OpensAt), timeOrNull(r.ClosesAt), r.CancelReason, def, r.CreatedBy, r.CreatedAt, r.UpdatedAt)
		switch {
		case isUniqueViolation(err, "polls_slug_key"):
			return slugTaken(r.Slug)
		case isUniqueViolation(err, "polls_pkey"):
			return errs.New(errs.Conflict, "poll %s already exists", r.ID)
		case err != nil:
			return fmt.Errorf("inserting poll: %w", err)
		}
		return events.Enqueue(ctx, tx, evs...)
	})
}

// processTakesPolls checks, in the transaction that stores a new poll,
// that its process is known and still open, and keeps it so until the
// transaction ends: a process.closed event applied meanwhile waits for the
// poll, and the poll does not slip into a process that has just closed.
// It returns process.ErrUnknown for a process the projection does not
// hold.
func processTakesPolls(ctx context.Context, tx pgx.Tx, id string) error {
	var closed bool
	err := tx.QueryRow(ctx, `SELECT closed FROM processes WHERE id = $1 FOR SHARE`, id).Scan(&closed)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("poll's process %s: %w", id, process.ErrUnknown)
	case err != nil:
		return fmt.Errorf("reading the poll's process %s: %w", id, err)
	case closed:
		return errs.New(errs.FailedPrecondition, "participation process %s is closed and takes no new polls", id)
	}
	return nil
}

// processTakesOpenPolls checks, in the transaction that changes p from
// status before, that a poll being scheduled or opened (by hand or by the
// scheduler) belongs to a process in the execute phase, and keeps the
// process's row so until the transaction ends, so that a phase change
// applied meanwhile waits. A process whose phase this service has not
// heard does not hold the poll back.
func processTakesOpenPolls(ctx context.Context, tx pgx.Tx, p poll.Poll, before poll.Status) error {
	action := ""
	switch {
	case before == poll.Draft && p.Status() == poll.Scheduled:
		action = "schedule"
	case (before == poll.Draft || before == poll.Scheduled) && (p.Status() == poll.Open || p.Status() == poll.Closed):
		action = "open"
	default:
		return nil
	}
	pr := process.Process{ID: p.ProcessID()}
	err := tx.QueryRow(ctx, `SELECT coalesce(phase, '') FROM processes WHERE id = $1 FOR SHARE`, p.ProcessID()).Scan(&pr.Phase)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil // a poll made before processes were projected
	case err != nil:
		return fmt.Errorf("reading the phase of process %s: %w", p.ProcessID(), err)
	case !pr.TakesOpenPolls():
		return pr.NotExecuting(action)
	}
	return nil
}

// UpdatePoll changes the poll with id. It holds the poll's lock alone
// while change runs, so concurrent changes of one poll serialise, their
// events reach the outbox in commit order, and a poll closes only once the
// submits in flight have committed, while later submits wait and then
// find it closed (see SubmitResponse). If the stored poll is not the
// version every one of expected names, nothing changes and the error is
// Stale.
func (s *Store) UpdatePoll(ctx context.Context, id string, change PollChange, expected ...revision.Expected) (poll.Poll, error) {
	if err := checkID("poll", id); err != nil {
		return poll.Poll{}, err
	}
	var out poll.Poll
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// An advisory lock rather than the row's: PostgreSQL queues new
		// shared holders behind a waiting exclusive one, so a stream of
		// submits cannot keep a poll from closing, as the key-share locks
		// they take on the row could.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pollLockKey(id)); err != nil {
			return fmt.Errorf("locking poll %s: %w", id, err)
		}
		p, err := readPoll(ctx, tx, `SELECT `+pollColumns+` FROM polls WHERE id = $1 FOR NO KEY UPDATE`, id)
		if err != nil {
			return err
		}
		version, before := p.UpdatedAt(), p.Status()
		p, evs, err := change(p)
		if err != nil {
			return err
		}
		if err := processTakesOpenPolls(ctx, tx, p, before); err != nil {
			return err
		}
		// After the change's own checks (who may see and change it comes
		// first: a version must not reveal a poll), as HTTP orders
		// preconditions (RFC 9110, 13.2.1), and before anything is written.
		if err := revision.Check("poll", version, expected...); err != nil {
			return err
		}
		r := p.Record()
		if r.ID != id {
			return fmt.Errorf("updating poll %s: the change returned poll %s", id, r.ID)
		}
		def, err := encodeDefinition(r)
		if err != nil {
			return err
		}
		// The new updated_at is the version clients see as the poll's etag:
		// the change's time, but always later than the version it replaces,
		// so that no two versions share a tag (internal/revision).
		err = tx.QueryRow(ctx, `UPDATE polls SET slug = NULLIF($2, ''), status = $3, opens_at = $4, closes_at = $5,
cancel_reason = $6, definition = $7, updated_at = greatest($8, updated_at + interval '1 microsecond')
WHERE id = $1 RETURNING updated_at`,
			id, r.Slug, string(r.Status), timeOrNull(r.OpensAt), timeOrNull(r.ClosesAt), r.CancelReason, def, r.UpdatedAt).Scan(&r.UpdatedAt)
		if isUniqueViolation(err, "polls_slug_key") {
			return slugTaken(r.Slug)
		}
		if err != nil {
			return fmt.Errorf("updating poll %s: %w", id, err)
		}
		r.UpdatedAt = r.UpdatedAt.UTC()
		out = poll.Restore(r)
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

// pollLockKey is the advisory lock that orders submits and changes of one
// poll: a hash of its id, in a namespace of its own.
func pollLockKey(pollID string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("meedoen/surveys/poll/" + pollID))
	return int64(h.Sum64())
}

func slugTaken(slug string) error {
	return &errs.Error{Code: errs.Conflict, Message: "the link is taken",
		Fields: []errs.Field{{Path: "/slug", Reason: fmt.Sprintf("%q is the link of another poll", slug)}}}
}

// Poll returns the poll with id.
func (s *Store) Poll(ctx context.Context, id string) (poll.Poll, error) {
	if err := checkID("poll", id); err != nil {
		return poll.Poll{}, err
	}
	return readPollWith(ctx, s.pool, &s.defs, `SELECT `+pollColumns+` FROM polls WHERE id = $1`, id)
}

// PollBySlug returns the poll whose open link is /p/{slug}.
func (s *Store) PollBySlug(ctx context.Context, slug string) (poll.Poll, error) {
	if slug == "" {
		return poll.Poll{}, errs.New(errs.NotFound, "poll %q not found", slug)
	}
	p, err := readPollWith(ctx, s.pool, &s.defs, `SELECT `+pollColumns+` FROM polls WHERE slug = $1`, slug)
	if errs.CodeOf(err) == errs.NotFound {
		return poll.Poll{}, errs.New(errs.NotFound, "poll %q not found", slug)
	}
	return p, err
}

// Polls lists the polls f lets through, newest first.
func (s *Store) Polls(ctx context.Context, f PollFilter, p Page) ([]poll.Poll, string, error) {
	before, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	var process *string
	if f.ProcessID != "" {
		if err := checkID("process", f.ProcessID); err != nil {
			return nil, "", invalid("processId", "must be the id (a UUID) of a participation process")
		}
		process = &f.ProcessID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+pollColumns+` FROM polls
WHERE ($1 OR tenant = ANY($2) OR participants && $2)
  AND ($3 = '' OR tenant = $3 OR $3 = ANY(participants))
  AND ($4::uuid IS NULL OR process_id = $4::uuid)
  AND ($5 = '' OR status = $5)
  AND ($6::uuid IS NULL OR id < $6::uuid)
ORDER BY id DESC LIMIT $7`,
		f.All, textArray(f.Tenants), f.Tenant, process, string(f.Status), before, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing polls: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (poll.Poll, error) { return scanPoll(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing polls: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, poll.Poll.ID)
	return list, next, nil
}

// DuePolls returns the ids of the polls with an automatic transition due
// at now (see poll.Poll.Due), at most limit of each kind, the longest
// overdue first. A scheduler passes each to UpdatePoll with Advance.
func (s *Store) DuePolls(ctx context.Context, now time.Time, limit int) ([]string, error) {
	// A scheduled poll whose process has left the execute phase (moved
	// back, or on) stays scheduled until the process is in execute again.
	rows, err := s.pool.Query(ctx, `(SELECT p.id::text FROM polls p LEFT JOIN processes pr ON pr.id = p.process_id
  WHERE p.status = 'scheduled' AND p.opens_at <= $1 AND coalesce(pr.phase, 'execute') = 'execute'
  ORDER BY p.opens_at LIMIT $2)
UNION ALL
(SELECT id::text FROM polls WHERE status = 'open' AND closes_at <= $1 ORDER BY closes_at LIMIT $2)`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("finding due polls: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("finding due polls: %w", err)
	}
	return ids, nil
}

func readPoll(ctx context.Context, q querier, query string, arg any) (poll.Poll, error) {
	return readPollWith(ctx, q, nil, query, arg)
}

// readPollWith is readPoll decoding the definition through defs (nil
// decodes it every time).
func readPollWith(ctx context.Context, q querier, defs *definitions, query string, arg any) (poll.Poll, error) {
	p, err := scanPollWith(q.QueryRow(ctx, query, arg), defs)
	if errors.Is(err, pgx.ErrNoRows) {
		return poll.Poll{}, PollNotFound(fmt.Sprint(arg))
	}
	if err != nil {
		return poll.Poll{}, fmt.Errorf("reading poll %v: %w", arg, err)
	}
	return p, nil
}

func scanPoll(row pgx.Row) (poll.Poll, error) { return scanPollWith(row, nil) }

func scanPollWith(row pgx.Row, defs *definitions) (poll.Poll, error) {
	var ps pollScan
	if err := row.Scan(ps.dests()...); err != nil {
		return poll.Poll{}, err
	}
	return ps.poll(defs)
}

// pollScan receives the pollColumns of a row, so that a query may read a
// poll beside other columns.
type pollScan struct {
	r                 poll.Record
	kind, status      string
	opensAt, closesAt *time.Time
	def               []byte
}

func (ps *pollScan) dests() []any {
	r := &ps.r
	return []any{&r.ID, &r.ProcessID, &r.Tenant, &r.Participants, &ps.kind, &r.Slug, &ps.status,
		&ps.opensAt, &ps.closesAt, &r.CancelReason, &ps.def, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt}
}

func (ps *pollScan) poll(defs *definitions) (poll.Poll, error) {
	r := ps.r
	if len(r.Participants) == 0 {
		r.Participants = nil
	}
	r.Kind, r.Status = poll.Kind(ps.kind), poll.Status(ps.status)
	r.OpensAt, r.ClosesAt = timeOf(ps.opensAt), timeOf(ps.closesAt)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if err := defs.decode(ps.def, &r); err != nil {
		return poll.Poll{}, err
	}
	return poll.Restore(r), nil
}
