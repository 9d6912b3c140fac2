package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
)

// The answers to one session take turns on its row lock: that is what
// keeps seats from being given twice, and it makes arrival order the order
// of the locks. So that a crowd answering at once (a mail just went out)
// does not queue for the lock one transaction at a time, the answers to a
// session that arrive while one of its transactions runs wait in this
// process and are then decided together, in arrival order, in one
// transaction: one turn on the lock for the lot. Each answer still gets
// its own result and its own refusal; across replicas the lock decides as
// before.

// answerTimeout bounds a batch's transaction, which runs on behalf of
// several callers and so not under any one caller's context.
const answerTimeout = 30 * time.Second

// answerReq is one answer waiting for its session's turn.
type answerReq struct {
	ctx                          context.Context
	groupID, sessionID, memberID string
	answer                       Answer
	by                           string
	// access checks the caller on the group as the batch reads it; nil
	// for a member's own link, whose group is theirs.
	access Access
	// path and reason refuse a member who is not an active one of the
	// group.
	path, reason string
	// sessionField names /sessionId when the session is not the group's
	// (a member link names a session of its own accord).
	sessionField bool

	out  Rsvp
	err  error
	done chan struct{} // closed when out and err are set
	turn chan struct{} // closed when it is to lead the next batch
}

// answerQueue holds, per group and session, the answers waiting for the
// batch being written to finish.
type answerQueue struct {
	mu       sync.Mutex
	sessions map[string]*sessionQueue
}

type sessionQueue struct {
	running bool
	waiting []*answerReq
}

func newAnswerQueue() *answerQueue { return &answerQueue{sessions: map[string]*sessionQueue{}} }

// submitAnswer decides r with the answers to its session that came with
// it: the first to arrive leads a batch of whoever is waiting; whoever
// arrives meanwhile waits, and the first of them leads the next.
func (s *Store) submitAnswer(r *answerReq) (Rsvp, error) {
	q, key := s.answers, r.groupID+"/"+r.sessionID
	r.done, r.turn = make(chan struct{}), make(chan struct{})
	q.mu.Lock()
	sq := q.sessions[key]
	if sq == nil {
		sq = &sessionQueue{}
		q.sessions[key] = sq
	}
	sq.waiting = append(sq.waiting, r)
	if sq.running {
		q.mu.Unlock()
		// A waiter cannot leave on its context's end: it may be the one
		// handed the next turn. The batch's own timeout bounds the wait.
		select {
		case <-r.done:
			return r.out, r.err
		case <-r.turn:
		}
		q.mu.Lock()
	} else {
		sq.running = true
	}
	batch := sq.waiting
	sq.waiting = nil
	q.mu.Unlock()

	s.answerBatch(batch)

	q.mu.Lock()
	if len(sq.waiting) > 0 {
		close(sq.waiting[0].turn)
	} else {
		sq.running = false
		delete(q.sessions, key)
	}
	q.mu.Unlock()
	for _, b := range batch {
		if b != r {
			close(b.done)
		}
	}
	return r.out, r.err
}

// answerBatch decides a batch of answers to one session of one group, in
// their order, in one transaction: each caller's access on the group, the
// members share-locked before the session (the order in which leaving
// locks them, so that a member who leaves meanwhile is not seated), then
// the session's lock with its board and seats, every answer on the board,
// the changed answers with a log line for each change, and the mails to
// those seated from the waitlist.
func (s *Store) answerBatch(batch []*answerReq) {
	first := batch[0]
	ctx, cancel := context.WithTimeout(context.WithoutCancel(first.ctx), answerTimeout)
	defer cancel()
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		for _, r := range batch {
			r.out, r.err = Rsvp{}, nil
		}
		g, err := readGroup(ctx, tx, first.groupID, "")
		if errs.CodeOf(err) == errs.NotFound {
			for _, r := range batch {
				r.err = err
			}
			return nil
		} else if err != nil {
			return err
		}
		var live []*answerReq
		var ids []string
		for _, r := range batch {
			if r.access != nil {
				if err := r.access(g); err != nil {
					r.err = err
					continue
				}
			}
			live = append(live, r)
			if isUUID(r.memberID) && !slices.Contains(ids, r.memberID) {
				ids = append(ids, r.memberID)
			}
		}
		if len(live) == 0 {
			return nil
		}
		slices.Sort(ids)
		rows, err := tx.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE group_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR SHARE`,
			g.ID(), ids)
		if err != nil {
			return fmt.Errorf("reading the answering members: %w", err)
		}
		list, err := pgx.CollectRows(rows, scanMember)
		if err != nil {
			return fmt.Errorf("reading the answering members: %w", err)
		}
		members := map[string]member.Member{}
		for _, m := range list {
			members[m.ID()] = m
		}
		ss, rsvps, seats, err := lockBoard(ctx, tx, g.ID(), first.sessionID)
		if errs.CodeOf(err) == errs.NotFound {
			for _, r := range live {
				r.err = err
				if r.sessionField {
					r.err = &errs.Error{Code: errs.NotFound, Message: fmt.Sprintf("session %q not found", r.sessionID),
						Fields: []errs.Field{{Path: "/sessionId", Reason: "is not a session of your focus group"}}}
				}
			}
			return nil
		} else if err != nil {
			return err
		}
		board := seating.NewBoard(seats, ss.Capacity(), rsvps)
		now := s.now()
		var logged, seated []seating.Rsvp
		for _, r := range live {
			if err := ss.CheckAnswers(now); err != nil {
				r.err = err
				continue
			}
			m, ok := members[r.memberID]
			if !ok || !m.Active() {
				r.err = invalid(r.path, r.reason)
				continue
			}
			res, err := board.Answer(seating.Request{MemberID: m.ID(), Role: m.Role(), Answer: r.answer.Answer,
				AccessNeeds: r.answer.AccessNeeds, AccessNote: r.answer.AccessNote, By: r.by}, now)
			if err != nil {
				r.err = err
				continue
			}
			if res.Changed {
				logged = append(logged, res.Rsvp)
			}
			logged = append(logged, res.Promoted...)
			seated = append(seated, res.Promoted...)
		}
		// Each answer as the batch left it: a member seated by a later
		// answer's "no" is told so.
		for _, r := range live {
			if r.err == nil {
				got, _ := board.Get(r.memberID)
				r.out = Rsvp{Rsvp: got, SessionID: ss.ID(), Position: board.Position(r.memberID)}
			}
		}
		if err := writeAnswers(ctx, tx, ss.ID(), board.Changed(), logged, now); err != nil {
			return err
		}
		mailed := map[string]bool{}
		for _, p := range seated {
			if cur, _ := board.Get(p.MemberID); cur.State != seating.Confirmed || mailed[p.MemberID] {
				continue
			}
			mailed[p.MemberID] = true
			if err := s.mailSeated(ctx, tx, g, ss, p.MemberID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, r := range batch {
			r.out, r.err = Rsvp{}, err
		}
	}
}
