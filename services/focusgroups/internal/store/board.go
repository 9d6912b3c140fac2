package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// boardContext is a session's board with what a decision on it reads.
type boardContext struct {
	board   *seating.Board
	session session.Session
}

// seatedRsvp is a seat given from the waitlist, whose member is mailed.
type seatedRsvp struct{ rsvp seating.Rsvp }

func promotions(rs []seating.Rsvp) []seatedRsvp {
	out := make([]seatedRsvp, len(rs))
	for i, r := range rs {
		out[i] = seatedRsvp{rsvp: r}
	}
	return out
}

// onBoard locks the session with id of g and decides on its board with
// decide, then stores the answers that changed with a line each in the
// log, and mails the members seated from the waitlist. The session's row
// lock is what keeps two decisions from giving the same seat.
func (s *Store) onBoard(ctx context.Context, tx pgx.Tx, g group.Group, id string,
	decide func(b boardContext) ([]seatedRsvp, error)) (boardContext, error) {
	ss, rsvps, seats, err := lockBoard(ctx, tx, g.ID(), id)
	if err != nil {
		return boardContext{}, err
	}
	b := boardContext{board: seating.NewBoard(seats, ss.Capacity(), rsvps), session: ss}
	seated, err := decide(b)
	if err != nil {
		return boardContext{}, err
	}
	if err := writeAnswers(ctx, tx, id, b.board.Changed(), b.board.Changed(), s.now()); err != nil {
		return boardContext{}, err
	}
	for _, p := range seated {
		if err := s.mailSeated(ctx, tx, g, ss, p.rsvp.MemberID); err != nil {
			return boardContext{}, err
		}
	}
	return b, nil
}

// Answer is an answer to set, as given.
type Answer struct {
	Answer      seating.Answer
	AccessNeeds []seating.AccessNeed
	AccessNote  string
}

// SetRsvp sets the answer of the member with memberID to a session of the
// group with groupID, if access allows, on behalf of by (a staff subject).
// The answer is decided with the others to the session that arrive with it
// (answers.go).
func (s *Store) SetRsvp(ctx context.Context, groupID, sessionID, memberID string, a Answer, by string, access Access) (Rsvp, error) {
	if !isUUID(groupID) {
		return Rsvp{}, GroupNotFound(groupID)
	}
	return s.submitAnswer(&answerReq{ctx: ctx, groupID: groupID, sessionID: sessionID, memberID: memberID, answer: a, by: by,
		access: access, path: "/memberId", reason: "is not an active member of this focus group"})
}

// Promote seats a waiting member of a session of the group with groupID
// out of turn, if access allows, recording reason and by.
func (s *Store) Promote(ctx context.Context, groupID, sessionID, memberID, reason, by string, access Access) (Rsvp, error) {
	var out Rsvp
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		_, err = s.onBoard(ctx, tx, g, sessionID, func(b boardContext) ([]seatedRsvp, error) {
			if err := b.session.CheckAnswers(s.now()); err != nil {
				return nil, err
			}
			if !isUUID(memberID) {
				return nil, invalid("/memberId", "is not on this session's waitlist")
			}
			r, err := b.board.Promote(memberID, reason, by, s.now())
			if err != nil {
				return nil, err
			}
			out = Rsvp{Rsvp: r, SessionID: sessionID}
			return promotions([]seating.Rsvp{r}), nil
		})
		return err
	})
	return out, err
}

// Rsvp is an answer with its session and place in line.
type Rsvp struct {
	seating.Rsvp
	SessionID string
	// Position is the place on the waitlist, from 1; 0 when not waiting.
	Position int
}

// Rsvps returns a session's answers: seated, waiting in line, maybe, no.
func (s *Store) Rsvps(ctx context.Context, groupID, sessionID string, access Access) ([]Rsvp, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return nil, err
	}
	if err := access(g); err != nil {
		return nil, err
	}
	ss, err := readSession(ctx, s.pool, g.ID(), sessionID, "")
	if err != nil {
		return nil, err
	}
	rs, err := readRsvps(ctx, s.pool, sessionID)
	if err != nil {
		return nil, err
	}
	b := seating.NewBoard(g.Seating(), ss.Capacity(), rs)
	var out []Rsvp
	for _, r := range b.Ordered() {
		out = append(out, Rsvp{Rsvp: r, SessionID: sessionID, Position: b.Position(r.MemberID)})
	}
	return out, nil
}

// OneRsvp returns one member's answer to a session.
func (s *Store) OneRsvp(ctx context.Context, groupID, sessionID, memberID string, access Access) (Rsvp, error) {
	all, err := s.Rsvps(ctx, groupID, sessionID, access)
	if err != nil {
		return Rsvp{}, err
	}
	i := slices.IndexFunc(all, func(r Rsvp) bool { return r.MemberID == memberID })
	if i < 0 {
		return Rsvp{}, RsvpNotFound(memberID)
	}
	return all[i], nil
}

// lockBoard locks the session with id of the group with groupID and reads
// its answers and the group's seats as they stand once the lock is held,
// in one round trip: the answers to a session take turns on its lock, so
// what happens while it is held decides how many answers a second a
// session takes. The seats are read after the lock, so that a change of
// the group's seats that seated this session's waitlist (and held its
// lock to do so) is seen; a change still on its way to this session seats
// its waitlist after this answer.
func lockBoard(ctx context.Context, tx pgx.Tx, groupID, id string) (session.Session, []seating.Rsvp, group.Seating, error) {
	if !isUUID(id) {
		return session.Session{}, nil, group.Seating{}, SessionNotFound(id)
	}
	var sessions []session.Session
	var rsvps []seating.Rsvp
	var seats group.Seating
	b := &pgx.Batch{}
	b.Queue(`SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND group_id = $2 FOR UPDATE`, id, groupID).Query(func(rows pgx.Rows) error {
		var err error
		sessions, err = pgx.CollectRows(rows, scanSession)
		return err
	})
	b.Queue(rsvpsSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		rsvps, err = pgx.CollectRows(rows, scanRsvp)
		return err
	})
	b.Queue(`SELECT seats, total_seats FROM focus_groups WHERE id = $1`, groupID).QueryRow(func(row pgx.Row) error {
		var raw []byte
		if err := row.Scan(&raw, &seats.Total); err != nil {
			return err
		}
		var err error
		seats.Groups, err = seatGroupsOf(raw)
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return session.Session{}, nil, group.Seating{}, fmt.Errorf("reading session %s with its answers: %w", id, err)
	}
	if len(sessions) != 1 {
		return session.Session{}, nil, group.Seating{}, SessionNotFound(id)
	}
	return sessions[0], rsvps, seats, nil
}

const rsvpsSQL = `SELECT r.member_id::text, m.role, r.answer, r.state, r.arrival, r.access_needs, r.access_note,
    r.answered_at, r.changed_by, r.promoted_at, r.promotion_reason
FROM rsvps r JOIN members m ON m.id = r.member_id WHERE r.session_id = $1`

func readRsvps(ctx context.Context, q querier, sessionID string) ([]seating.Rsvp, error) {
	rows, err := q.Query(ctx, rsvpsSQL, sessionID)
	if err != nil {
		return nil, fmt.Errorf("reading answers: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanRsvp)
	if err != nil {
		return nil, fmt.Errorf("reading answers: %w", err)
	}
	return list, nil
}

func scanRsvp(row pgx.CollectableRow) (seating.Rsvp, error) {
	var r seating.Rsvp
	var answer, state string
	var needs []string
	var promoted *time.Time
	err := row.Scan(&r.MemberID, &r.Role, &answer, &state, &r.Arrival, &needs, &r.AccessNote, &r.AnsweredAt, &r.ChangedBy,
		&promoted, &r.PromotionReason)
	r.Answer, r.State, r.AnsweredAt, r.PromotedAt = seating.Answer(answer), seating.State(state), r.AnsweredAt.UTC(), timeOf(promoted)
	for _, n := range needs {
		r.AccessNeeds = append(r.AccessNeeds, seating.AccessNeed(n))
	}
	return r, err
}

// writeAnswers stores the answers as changed and a line in the log for
// each change in logged, in its order, in one round trip.
func writeAnswers(ctx context.Context, tx pgx.Tx, sessionID string, changed, logged []seating.Rsvp, now time.Time) error {
	if len(changed) == 0 && len(logged) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, r := range changed {
		needs := make([]string, len(r.AccessNeeds))
		for i, n := range r.AccessNeeds {
			needs[i] = string(n)
		}
		b.Queue(`INSERT INTO rsvps (session_id, member_id, answer, state, arrival, access_needs, access_note, answered_at, changed_by,
    promoted_at, promotion_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (session_id, member_id) DO UPDATE SET answer = excluded.answer, state = excluded.state, arrival = excluded.arrival,
    access_needs = excluded.access_needs, access_note = excluded.access_note, answered_at = excluded.answered_at,
    changed_by = excluded.changed_by, promoted_at = excluded.promoted_at, promotion_reason = excluded.promotion_reason`,
			sessionID, r.MemberID, string(r.Answer), string(r.State), r.Arrival, needs, r.AccessNote, r.AnsweredAt, r.ChangedBy,
			timeOrNull(r.PromotedAt), r.PromotionReason)
	}
	for _, r := range logged {
		b.Queue(`INSERT INTO rsvp_log (session_id, member_id, answer, state, changed_by, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			sessionID, r.MemberID, string(r.Answer), string(r.State), r.ChangedBy, r.PromotionReason, now.UTC())
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("storing answers: %w", err)
	}
	return nil
}

// withdrawUpcoming turns m's answers to g's upcoming sessions into "no"s,
// seating the first in line where they had a seat.
func (s *Store) withdrawUpcoming(ctx context.Context, tx pgx.Tx, g group.Group, m member.Member, now time.Time) error {
	ids, err := upcomingSessions(ctx, tx, g.ID(), now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.onBoard(ctx, tx, g, id, func(b boardContext) ([]seatedRsvp, error) {
			return promotions(b.board.Withdraw(m.ID(), now)), nil
		}); err != nil {
			return err
		}
	}
	return nil
}
