package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/revision"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// ScheduleSession stores the session that make builds for the group with
// groupID, locked, if access allows; the group becomes active, and every
// active member with an address is mailed the invitation. With once's
// key, a repeat returns the session the first call scheduled.
func (s *Store) ScheduleSession(ctx context.Context, groupID string, access Access,
	make func(g group.Group) (session.Session, error), once ...Once) (session.Session, error) {
	var out session.Session
	o := onceOf(once)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		c, err := s.claimKey(ctx, tx, o, opScheduleSession, g.ID())
		if err != nil {
			return err
		}
		if !c.fresh {
			out, err = readSession(ctx, tx, g.ID(), c.resourceIDs[0], "")
			return err
		}
		if err := g.CheckOpen("schedule a session for"); err != nil {
			return err
		}
		ss, err := make(g)
		if err != nil {
			return err
		}
		now := s.now()
		if before := g; g.Activate(now) {
			if _, err := s.writeGroup(ctx, tx, before, g, false); err != nil {
				return err
			}
		}
		rec := ss.Record()
		_, err = tx.Exec(ctx, `INSERT INTO sessions (id, group_id, starts_at, ends_at, address, accessibility, online_url, agenda,
    capacity, notes, status, sequence, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			rec.ID, rec.GroupID, rec.Plan.StartsAt, rec.Plan.EndsAt, rec.Plan.Place.Address, rec.Plan.Place.Accessibility,
			rec.Plan.OnlineURL, rec.Plan.Agenda, rec.Capacity, rec.Notes, string(rec.Status), rec.Sequence, rec.CreatedAt)
		if err != nil {
			return fmt.Errorf("storing session: %w", err)
		}
		if err := emit(ctx, tx, g, &eventsv1.SessionScheduled{SessionId: rec.ID, FocusGroupId: g.ID(), ProcessId: g.Process().ID,
			StartsAt: ts(rec.Plan.StartsAt), EndsAt: ts(rec.Plan.EndsAt), InPerson: rec.Plan.Place.Address != "",
			Online: rec.Plan.OnlineURL != ""}); err != nil {
			return err
		}
		if err := s.mailSession(ctx, tx, g, ss, invitationMail, now); err != nil {
			return err
		}
		out = ss
		return keep(ctx, tx, o, opScheduleSession, []string{rec.ID}, 0)
	})
	return out, err
}

// Sessions returns the sessions of the group with groupID by start time,
// if access allows.
func (s *Store) Sessions(ctx context.Context, groupID string, access Access) ([]session.Session, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return nil, err
	}
	if err := access(g); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1 ORDER BY starts_at, id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	return list, nil
}

// Session returns one session of the group with groupID, if access allows.
func (s *Store) Session(ctx context.Context, groupID, id string, access Access) (session.Session, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return session.Session{}, err
	}
	if err := access(g); err != nil {
		return session.Session{}, err
	}
	return readSession(ctx, s.pool, g.ID(), id, "")
}

// RsvpCounts returns, per session in ids and role, the answers in each
// state.
func (s *Store) RsvpCounts(ctx context.Context, ids []string) (map[string]map[string]map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.session_id::text, m.role, r.state, count(*) FROM rsvps r JOIN members m ON m.id = r.member_id
WHERE r.session_id = ANY($1::uuid[]) GROUP BY 1, 2, 3`, ids)
	if err != nil {
		return nil, fmt.Errorf("counting answers: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]map[string]int{}
	for rows.Next() {
		var id, role, state string
		var n int
		if err := rows.Scan(&id, &role, &state, &n); err != nil {
			return nil, fmt.Errorf("counting answers: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]map[string]int{}
		}
		if out[id][role] == nil {
			out[id][role] = map[string]int{}
		}
		out[id][role][state] = n
	}
	return out, rows.Err()
}

// SessionChange changes a session locked in the transaction and says what
// followed.
type SessionChange func(g group.Group, ss *session.Session) (session.Outcome, error)

// UpdateSession changes a session of the group with groupID, if access
// allows, checking the version it was based on after the change's own
// checks. A change members must hear of mails them the updated
// invitation; a changed capacity seats the first in line.
func (s *Store) UpdateSession(ctx context.Context, groupID, id string, access Access, change SessionChange,
	expected ...revision.Expected) (session.Session, error) {
	return s.inGroupSession(ctx, groupID, id, access, func(tx pgx.Tx, g group.Group) (session.Session, error) {
		return s.changeSession(ctx, tx, g, id, func(ss *session.Session) (sessionEffects, error) {
			version := ss.UpdatedAt()
			out, err := change(g, ss)
			if err != nil {
				return sessionEffects{}, err
			}
			if err := revision.Check("session", version, expected...); err != nil {
				return sessionEffects{}, err
			}
			return sessionEffects{announced: out.Announced, rescheduled: out.Rescheduled, reseat: out.CapacityChanged}, nil
		})
	})
}

// CancelSession cancels a session of the group with groupID, if access
// allows, and mails every active member the cancellation.
func (s *Store) CancelSession(ctx context.Context, groupID, id, reason string, access Access) (session.Session, error) {
	return s.inGroupSession(ctx, groupID, id, access, func(tx pgx.Tx, g group.Group) (session.Session, error) {
		return s.changeSession(ctx, tx, g, id, func(ss *session.Session) (sessionEffects, error) {
			return sessionEffects{cancelled: true}, ss.Cancel(reason, s.now())
		})
	})
}

// CompleteSession marks a session of the group with groupID held, if access
// allows, and announces it with its attendance by role.
func (s *Store) CompleteSession(ctx context.Context, groupID, id string, access Access) (session.Session, error) {
	return s.inGroupSession(ctx, groupID, id, access, func(tx pgx.Tx, g group.Group) (session.Session, error) {
		return s.changeSession(ctx, tx, g, id, func(ss *session.Session) (sessionEffects, error) {
			return sessionEffects{held: true}, ss.Complete(s.now())
		})
	})
}

// inGroupSession runs fn in a transaction on the group with groupID, read
// with a key-share lock (so that it cannot end meanwhile, while other
// sessions' changes go on), if access allows.
func (s *Store) inGroupSession(ctx context.Context, groupID, id string, access Access,
	fn func(tx pgx.Tx, g group.Group) (session.Session, error)) (session.Session, error) {
	var out session.Session
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		out, err = fn(tx, g)
		return err
	})
	return out, err
}

// sessionEffects are what followed from a change of a session.
type sessionEffects struct {
	announced, rescheduled, cancelled, held, reseat bool
}

// changeSession locks the session with id of g, changes it, stores it and
// does what follows: its events, its mails, and seating the first in line
// when its capacity changed.
func (s *Store) changeSession(ctx context.Context, tx pgx.Tx, g group.Group, id string,
	change func(ss *session.Session) (sessionEffects, error)) (session.Session, error) {
	ss, err := readSession(ctx, tx, g.ID(), id, "FOR UPDATE")
	if err != nil {
		return session.Session{}, err
	}
	fx, err := change(&ss)
	if err != nil {
		return session.Session{}, err
	}
	now := s.now()
	rec := ss.Record()
	var stored time.Time
	err = tx.QueryRow(ctx, `UPDATE sessions SET starts_at = $2, ends_at = $3, address = $4, accessibility = $5, online_url = $6,
    agenda = $7, capacity = $8, notes = $9, status = $10, sequence = $11, cancel_reason = $12, held_at = $13,
    updated_at = greatest($14, updated_at + interval '1 microsecond')
WHERE id = $1 RETURNING updated_at`, rec.ID, rec.Plan.StartsAt, rec.Plan.EndsAt, rec.Plan.Place.Address, rec.Plan.Place.Accessibility,
		rec.Plan.OnlineURL, rec.Plan.Agenda, rec.Capacity, rec.Notes, string(rec.Status), rec.Sequence, rec.CancelReason,
		timeOrNull(rec.HeldAt), rec.UpdatedAt).Scan(&stored)
	if err != nil {
		return session.Session{}, fmt.Errorf("storing session: %w", err)
	}
	ss.Saved(stored.UTC())
	switch {
	case fx.cancelled:
		if err := emit(ctx, tx, g, &eventsv1.SessionCancelled{SessionId: rec.ID, FocusGroupId: g.ID(), ProcessId: g.Process().ID}); err != nil {
			return session.Session{}, err
		}
		if err := s.mailSession(ctx, tx, g, ss, cancellationMail, now); err != nil {
			return session.Session{}, err
		}
	case fx.held:
		held, err := heldEvent(ctx, tx, g, ss)
		if err != nil {
			return session.Session{}, err
		}
		if err := emit(ctx, tx, g, held); err != nil {
			return session.Session{}, err
		}
	case fx.announced:
		if fx.rescheduled {
			if err := emit(ctx, tx, g, &eventsv1.SessionRescheduled{SessionId: rec.ID, FocusGroupId: g.ID(), ProcessId: g.Process().ID,
				StartsAt: ts(rec.Plan.StartsAt), EndsAt: ts(rec.Plan.EndsAt), Sequence: int32(rec.Sequence)}); err != nil {
				return session.Session{}, err
			}
		}
		kind := updateMail
		if fx.rescheduled {
			kind = rescheduleMail
		}
		if err := s.mailSession(ctx, tx, g, ss, kind, now); err != nil {
			return session.Session{}, err
		}
	}
	if fx.reseat {
		if _, err := s.onBoard(ctx, tx, g, ss.ID(), func(b boardContext) ([]seatedRsvp, error) {
			return promotions(b.board.Fill(now)), nil
		}); err != nil {
			return session.Session{}, err
		}
	}
	return ss, nil
}

// heldEvent is the announcement of a session held, with who attended by
// role, members and walk-ins apart.
func heldEvent(ctx context.Context, tx pgx.Tx, g group.Group, ss session.Session) (*eventsv1.SessionHeld, error) {
	rows, err := tx.Query(ctx, `SELECT role, sum(members)::int, sum(walk_ins)::int FROM (
    SELECT m.role, count(*) AS members, 0 AS walk_ins FROM attendance a JOIN members m ON m.id = a.member_id
    WHERE a.session_id = $1 AND a.present GROUP BY m.role
    UNION ALL
    SELECT role, 0, count FROM walk_ins WHERE session_id = $1) t
GROUP BY role ORDER BY role`, ss.ID())
	if err != nil {
		return nil, fmt.Errorf("counting attendance: %w", err)
	}
	held := &eventsv1.SessionHeld{SessionId: ss.ID(), FocusGroupId: g.ID(), ProcessId: g.Process().ID, StartsAt: ts(ss.StartsAt())}
	for rows.Next() {
		var ra eventsv1.RoleAttendance
		if err := rows.Scan(&ra.Role, &ra.Members, &ra.WalkIns); err != nil {
			rows.Close()
			return nil, fmt.Errorf("counting attendance: %w", err)
		}
		held.Attendees += ra.Members + ra.WalkIns
		held.ByRole = append(held.ByRole, &ra)
	}
	return held, rows.Err()
}

const sessionColumns = `id::text, group_id::text, starts_at, ends_at, address, accessibility, online_url, agenda, capacity, notes,
    status, sequence, cancel_reason, created_at, updated_at, held_at`

// readSession reads the session with id of the group with groupID, with
// lock on its row.
func readSession(ctx context.Context, q querier, groupID, id, lock string) (session.Session, error) {
	if !isUUID(id) {
		return session.Session{}, SessionNotFound(id)
	}
	rows, err := q.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND group_id = $2 `+lock, id, groupID)
	if err != nil {
		return session.Session{}, fmt.Errorf("reading session %s: %w", id, err)
	}
	ss, err := pgx.CollectExactlyOneRow(rows, scanSession)
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Session{}, SessionNotFound(id)
	}
	if err != nil {
		return session.Session{}, fmt.Errorf("reading session %s: %w", id, err)
	}
	return ss, nil
}

func scanSession(row pgx.CollectableRow) (session.Session, error) {
	var r session.Record
	var status string
	var held *time.Time
	err := row.Scan(&r.ID, &r.GroupID, &r.Plan.StartsAt, &r.Plan.EndsAt, &r.Plan.Place.Address, &r.Plan.Place.Accessibility,
		&r.Plan.OnlineURL, &r.Plan.Agenda, &r.Capacity, &r.Notes, &status, &r.Sequence, &r.CancelReason, &r.CreatedAt, &r.UpdatedAt, &held)
	if err != nil {
		return session.Session{}, err
	}
	r.Status = session.Status(status)
	r.Plan.StartsAt, r.Plan.EndsAt = r.Plan.StartsAt.UTC(), r.Plan.EndsAt.UTC()
	r.CreatedAt, r.UpdatedAt, r.HeldAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), timeOf(held)
	return session.Restore(r), nil
}
