package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/revision"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// Access decides, on a group read in the transaction that writes, whether
// the caller may go on: nil, or the error to answer with.
type Access func(group.Group) error

// UnknownProcess is the reason given for a process that does not exist,
// or that the caller may not see.
const UnknownProcess = "is not a participation process known to the focus groups service"

// ProcessDone is the reason given for a process that takes no new groups.
const ProcessDone = "is past its analyse phase or closed: it takes no new focus groups"

// Process returns the projected process with id, or process.ErrUnknown.
func (s *Store) Process(ctx context.Context, id string) (process.Process, error) {
	if !isUUID(id) {
		return process.Process{}, process.ErrUnknown
	}
	return process.Lookup(ctx, s.pool, id, false)
}

// NewGroup makes a group for the process with processID, read and
// share-locked in the transaction, so that a group formed while its process
// moves on is ended with the others: make builds it from the process, and
// may refuse it (the caller's access). A process that is unknown, or past
// its analysis, is refused at /processId; make must refuse one the caller
// may not work in with the same error, UnknownProcess. With once's key, a
// repeat returns the group the first call formed.
func (s *Store) NewGroup(ctx context.Context, processID string, make func(process.Process) (group.Group, error), once ...Once) (group.Group, error) {
	var out group.Group
	o := onceOf(once)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if !isUUID(processID) {
			return invalid("/processId", UnknownProcess)
		}
		c, err := s.claimKey(ctx, tx, o, opCreateGroup, processID)
		if err != nil {
			return err
		}
		if !c.fresh {
			out, err = readGroup(ctx, tx, c.resourceIDs[0], "")
			return err
		}
		p, err := process.Lookup(ctx, tx, processID, true)
		switch {
		case errors.Is(err, process.ErrUnknown):
			return invalid("/processId", UnknownProcess)
		case err != nil:
			return err
		case !p.TakesGroups():
			return invalid("/processId", ProcessDone)
		}
		g, err := make(p)
		if err != nil {
			return err
		}
		rec := g.Record()
		seats, err := json.Marshal(seatsJSON(rec.Seating))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO focus_groups (id, process_id, tenant, participants, theme, question_id, name, purpose,
    planned_sessions, seats, total_seats, reminder_hours, organisers, status, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
			rec.ID, rec.Process.ID, rec.Process.Tenant, textArray(rec.Process.Participants), rec.Process.Theme,
			nullIfEmpty(rec.Process.QuestionID), rec.Name, rec.Purpose, rec.Planned, seats, rec.Seating.Total, rec.ReminderHours,
			textArray(rec.Organisers), string(rec.Status), rec.CreatedBy, rec.CreatedAt)
		if err != nil {
			return fmt.Errorf("storing focus group: %w", err)
		}
		formed := &eventsv1.FocusGroupFormed{FocusGroupId: rec.ID, ProcessId: rec.Process.ID, TotalSeats: int32(rec.Seating.Total),
			PlannedSessions: int32(rec.Planned)}
		for _, sg := range rec.Seating.Groups {
			formed.Seats = append(formed.Seats, &eventsv1.FocusGroupSeats{Roles: sg.Roles, Seats: int32(sg.Seats)})
		}
		if err := emit(ctx, tx, g, formed); err != nil {
			return err
		}
		out = g
		return keep(ctx, tx, o, opCreateGroup, []string{rec.ID}, 0)
	})
	return out, err
}

// emit stores one event of g's in the outbox, with g's id as its subject.
func emit(ctx context.Context, tx pgx.Tx, g group.Group, msg eventsProto) error {
	ev, err := events.New(ctx, g.Tenant(), g.ID(), msg)
	if err != nil {
		return err
	}
	return events.Enqueue(ctx, tx, ev)
}

// Group returns the group with id if access allows it.
func (s *Store) Group(ctx context.Context, id string, access Access) (group.Group, error) {
	g, err := readGroup(ctx, s.pool, id, "")
	if err != nil {
		return group.Group{}, err
	}
	if err := access(g); err != nil {
		return group.Group{}, err
	}
	return g, nil
}

// GroupFilter narrows a list of groups.
type GroupFilter struct {
	Visibility Visibility
	Tenant     string
	ProcessID  string
	Status     group.Status
}

// Groups returns a page of the groups f lets through, newest first, and
// the cursor of the next page.
func (s *Store) Groups(ctx context.Context, f GroupFilter, p Page) ([]group.Group, string, error) {
	after, err := cursor.Decode(p.Cursor, cursor.UUID)
	if err != nil {
		return nil, "", err
	}
	var processID *string
	if f.ProcessID != "" {
		processID = &f.ProcessID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+groupColumns+` FROM focus_groups
WHERE ($1 OR tenant = ANY($2) OR participants && $2 OR ($8 <> '' AND $8 = ANY(organisers)))
  AND ($3 = '' OR tenant = $3)
  AND ($4::uuid IS NULL OR process_id = $4)
  AND ($5 = '' OR status = $5)
  AND ($6 = '' OR id < $6::uuid)
ORDER BY id DESC
LIMIT $7`, f.Visibility.All, textArray(f.Visibility.Tenants), f.Tenant, processID, string(f.Status), after, p.Limit+1,
		f.Visibility.Organiser)
	if err != nil {
		return nil, "", fmt.Errorf("listing focus groups: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanGroup)
	if err != nil {
		return nil, "", fmt.Errorf("listing focus groups: %w", err)
	}
	next := ""
	if len(list) > p.Limit {
		list = list[:p.Limit]
		next = cursor.Encode(list[len(list)-1].ID())
	}
	return list, next, nil
}

// MemberCounts returns the active members per role of each group in ids.
func (s *Store) MemberCounts(ctx context.Context, ids []string) (map[string]map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT group_id::text, role, count(*) FROM members
WHERE group_id = ANY($1::uuid[]) AND status = 'active' GROUP BY 1, 2`, ids)
	if err != nil {
		return nil, fmt.Errorf("counting members: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var id, role string
		var n int
		if err := rows.Scan(&id, &role, &n); err != nil {
			return nil, fmt.Errorf("counting members: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][role] = n
	}
	return out, rows.Err()
}

// GroupChange changes a group locked in the transaction; it checks who may
// change it first.
type GroupChange func(g *group.Group) error

// UpdateGroup changes the group with id, checking the version it was based
// on after change has checked the caller. What follows from the change is
// done in the same transaction: new seats seat the first in line of
// upcoming sessions, a dissolved group's upcoming sessions are cancelled,
// and an ended group is announced.
func (s *Store) UpdateGroup(ctx context.Context, id string, change GroupChange, expected ...revision.Expected) (group.Group, error) {
	var out group.Group
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		before := g
		if err := change(&g); err != nil {
			return err
		}
		if err := revision.Check("focus group", before.UpdatedAt(), expected...); err != nil {
			return err
		}
		out, err = s.writeGroup(ctx, tx, before, g, false)
		return err
	})
	return out, err
}

// writeGroup stores g, changed from before, with what follows from the
// change.
func (s *Store) writeGroup(ctx context.Context, tx pgx.Tx, before, g group.Group, byProcess bool) (group.Group, error) {
	now := s.now()
	rec := g.Record()
	seats, err := json.Marshal(seatsJSON(rec.Seating))
	if err != nil {
		return group.Group{}, err
	}
	var stored time.Time
	err = tx.QueryRow(ctx, `UPDATE focus_groups SET name = $2, purpose = $3, planned_sessions = $4, seats = $5, total_seats = $6,
    reminder_hours = $7, organisers = $8, status = $9, dissolve_reason = $10, ended_at = $11,
    updated_at = greatest($12, updated_at + interval '1 microsecond')
WHERE id = $1 RETURNING updated_at`, rec.ID, rec.Name, rec.Purpose, rec.Planned, seats, rec.Seating.Total, rec.ReminderHours,
		textArray(rec.Organisers), string(rec.Status), rec.DissolveReason, timeOrNull(rec.EndedAt), rec.UpdatedAt).Scan(&stored)
	if err != nil {
		return group.Group{}, fmt.Errorf("storing focus group: %w", err)
	}
	g.Saved(stored.UTC())
	if !sameSeating(before.Seating(), g.Seating()) {
		if err := s.refillUpcoming(ctx, tx, g, now); err != nil {
			return group.Group{}, err
		}
	}
	if g.Status() == group.Dissolved && before.Status() != group.Dissolved {
		if err := s.cancelUpcoming(ctx, tx, g, now); err != nil {
			return group.Group{}, err
		}
	}
	if g.Status().Ended() && !before.Status().Ended() {
		var held int32
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE group_id = $1 AND status = 'held'`, g.ID()).Scan(&held); err != nil {
			return group.Group{}, fmt.Errorf("counting sessions held: %w", err)
		}
		if err := emit(ctx, tx, g, &eventsv1.FocusGroupConcluded{FocusGroupId: g.ID(), ProcessId: g.Process().ID,
			Dissolved: g.Status() == group.Dissolved, ByProcess: byProcess, SessionsHeld: held}); err != nil {
			return group.Group{}, err
		}
	}
	return g, nil
}

// ProcessEnded is the process projection's process.EndedFunc: it
// concludes a process's groups in the consumer's transaction, so it needs
// no pool of its own.
func ProcessEnded(cfg Config) process.EndedFunc { return New(nil, cfg).EndForProcess }

// EndForProcess concludes, in the consumer's transaction tx, the groups of
// a process that left the analyse phase or closed.
func (s *Store) EndForProcess(ctx context.Context, tx pgx.Tx, processID string) error {
	rows, err := tx.Query(ctx, `SELECT id::text FROM focus_groups WHERE process_id = $1 AND status IN ('forming', 'active') ORDER BY id`, processID)
	if err != nil {
		return fmt.Errorf("finding the focus groups of process %s: %w", processID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("finding the focus groups of process %s: %w", processID, err)
	}
	for _, id := range ids {
		g, err := readGroup(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		before := g
		if err := g.Conclude(s.now()); err != nil {
			continue // ended meanwhile
		}
		if _, err := s.writeGroup(ctx, tx, before, g, true); err != nil {
			return err
		}
	}
	return nil
}

// refillUpcoming seats the first in line of every upcoming session of g
// after its seats changed.
func (s *Store) refillUpcoming(ctx context.Context, tx pgx.Tx, g group.Group, now time.Time) error {
	ids, err := upcomingSessions(ctx, tx, g.ID(), now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.onBoard(ctx, tx, g, id, func(b boardContext) ([]seatedRsvp, error) {
			return promotions(b.board.Fill(now)), nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// cancelUpcoming cancels every upcoming session of a dissolved group and
// mails the cancellations.
func (s *Store) cancelUpcoming(ctx context.Context, tx pgx.Tx, g group.Group, now time.Time) error {
	ids, err := upcomingSessions(ctx, tx, g.ID(), now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.changeSession(ctx, tx, g, id, func(ss *session.Session) (sessionEffects, error) {
			return sessionEffects{cancelled: true}, ss.Cancel(g.DissolveReason(), now)
		}); err != nil {
			return err
		}
	}
	return nil
}

// upcomingSessions lists the ids of a group's scheduled sessions that have
// not started, in id order (the order sessions are locked in).
func upcomingSessions(ctx context.Context, tx pgx.Tx, groupID string, now time.Time) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT id::text FROM sessions WHERE group_id = $1 AND status = 'scheduled' AND starts_at > $2 ORDER BY id`,
		groupID, now)
	if err != nil {
		return nil, fmt.Errorf("finding upcoming sessions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("finding upcoming sessions: %w", err)
	}
	return ids, nil
}

const groupColumns = `id::text, process_id::text, tenant, participants, theme, coalesce(question_id::text, ''), name, purpose,
    planned_sessions, seats, total_seats, reminder_hours, organisers, status, dissolve_reason, created_by, created_at, updated_at, ended_at`

// readGroup reads the group with id, with lock ("FOR UPDATE", "FOR
// SHARE" or "") on its row.
func readGroup(ctx context.Context, q querier, id, lock string) (group.Group, error) {
	if !isUUID(id) {
		return group.Group{}, GroupNotFound(id)
	}
	rows, err := q.Query(ctx, `SELECT `+groupColumns+` FROM focus_groups WHERE id = $1 `+lock, id)
	if err != nil {
		return group.Group{}, fmt.Errorf("reading focus group %s: %w", id, err)
	}
	g, err := pgx.CollectExactlyOneRow(rows, scanGroup)
	if errors.Is(err, pgx.ErrNoRows) {
		return group.Group{}, GroupNotFound(id)
	}
	if err != nil {
		return group.Group{}, fmt.Errorf("reading focus group %s: %w", id, err)
	}
	return g, nil
}

func scanGroup(row pgx.CollectableRow) (group.Group, error) {
	var r group.Record
	var seats []byte
	var status string
	var ended *time.Time
	err := row.Scan(&r.ID, &r.Process.ID, &r.Process.Tenant, &r.Process.Participants, &r.Process.Theme, &r.Process.QuestionID,
		&r.Name, &r.Purpose, &r.Planned, &seats, &r.Seating.Total, &r.ReminderHours, &r.Organisers, &status, &r.DissolveReason,
		&r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &ended)
	if err != nil {
		return group.Group{}, err
	}
	if r.Seating.Groups, err = seatGroupsOf(seats); err != nil {
		return group.Group{}, fmt.Errorf("reading seats of focus group %s: %w", r.ID, err)
	}
	r.Status = group.Status(status)
	r.CreatedAt, r.UpdatedAt, r.EndedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), timeOf(ended)
	return group.Restore(r), nil
}

// seatGroupsOf reads seat groups as stored.
func seatGroupsOf(raw []byte) ([]group.SeatGroup, error) {
	var sg []seatGroupJSON
	if err := json.Unmarshal(raw, &sg); err != nil {
		return nil, err
	}
	var out []group.SeatGroup
	for _, g := range sg {
		out = append(out, group.SeatGroup{Roles: g.Roles, Seats: g.Seats})
	}
	return out, nil
}

// seatGroupJSON is a seat group as stored.
type seatGroupJSON struct {
	Roles []string `json:"roles"`
	Seats int      `json:"seats"`
}

func seatsJSON(s group.Seating) []seatGroupJSON {
	out := make([]seatGroupJSON, 0, len(s.Groups))
	for _, g := range s.Groups {
		out = append(out, seatGroupJSON{Roles: g.Roles, Seats: g.Seats})
	}
	return out
}

func sameSeating(a, b group.Seating) bool {
	x, _ := json.Marshal(seatsJSON(a))
	y, _ := json.Marshal(seatsJSON(b))
	return a.Total == b.Total && string(x) == string(y)
}

// textArray keeps "= ANY($n)" and "&&" false rather than NULL for an empty
// list.
func textArray(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ts is a timestamp for an event.
func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }
