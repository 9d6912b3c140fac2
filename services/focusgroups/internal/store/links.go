package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// Linked is a member reached through one of their links, with their group.
type Linked struct {
	Member member.Member
	Group  group.Group
}

// byToken finds the active member whose link of purpose has token, with
// lock on the member's row.
func byToken(ctx context.Context, q querier, token, purpose, lock string) (Linked, error) {
	if resident.CheckInvitationToken(token) != nil {
		return Linked{}, LinkNotFound()
	}
	var memberID, groupID string
	err := q.QueryRow(ctx, `SELECT m.id::text, m.group_id::text FROM member_tokens t JOIN members m ON m.id = t.member_id
WHERE t.hash = $1 AND t.purpose = $2 AND m.status = 'active'`, resident.HashInvitationToken(token), purpose).Scan(&memberID, &groupID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Linked{}, LinkNotFound()
	}
	if err != nil {
		return Linked{}, fmt.Errorf("reading link: %w", err)
	}
	g, err := readGroup(ctx, q, groupID, "")
	if err != nil {
		return Linked{}, err
	}
	m, err := readMember(ctx, q, groupID, memberID, lock)
	if err != nil {
		return Linked{}, err
	}
	return Linked{Member: m, Group: g}, nil
}

// MemberSession is a session as a member sees it, with their answer.
type MemberSession struct {
	Session session.Session
	// Rsvp is the member's answer; nil until they answer.
	Rsvp *Rsvp
}

// MemberView is a member's page.
type MemberView struct {
	Linked
	Sessions []MemberSession
}

// MemberView returns the page of the member whose link has token: their
// group and its sessions with their own answers.
func (s *Store) MemberView(ctx context.Context, token string) (MemberView, error) {
	l, err := byToken(ctx, s.pool, token, "link", "")
	if err != nil {
		return MemberView{}, err
	}
	out := MemberView{Linked: l}
	rows, err := s.pool.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1 ORDER BY starts_at, id`, l.Group.ID())
	if err != nil {
		return MemberView{}, fmt.Errorf("listing sessions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return MemberView{}, fmt.Errorf("listing sessions: %w", err)
	}
	for _, ss := range list {
		rs, err := readRsvps(ctx, s.pool, ss.ID())
		if err != nil {
			return MemberView{}, err
		}
		ms := MemberSession{Session: ss}
		b := seating.NewBoard(l.Group.Seating(), ss.Capacity(), rs)
		if r, ok := b.Get(l.Member.ID()); ok {
			ms.Rsvp = &Rsvp{Rsvp: r, SessionID: ss.ID(), Position: b.Position(r.MemberID)}
		}
		out.Sessions = append(out.Sessions, ms)
	}
	return out, nil
}

// Respond sets the answer of the member whose link has token to a session
// of their group, as SetRsvp does; a session of another group is not
// found.
func (s *Store) Respond(ctx context.Context, token, sessionID string, a Answer) (Rsvp, error) {
	l, err := byToken(ctx, s.pool, token, "link", "")
	if err != nil {
		return Rsvp{}, err
	}
	// The batch's transaction checks again that the member is an active
	// one of the group, and the session the group's.
	return s.submitAnswer(&answerReq{ctx: ctx, groupID: l.Group.ID(), sessionID: sessionID, memberID: l.Member.ID(), answer: a,
		by: seating.ByMember, path: "/token", reason: "is not a working link", sessionField: true})
}

// Leave takes the member whose link has token out of their group, as
// RemoveMember does; their links stop working.
func (s *Store) Leave(ctx context.Context, token string) (Linked, error) {
	var out Linked
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := byToken(ctx, tx, token, "link", "")
		if err != nil {
			return err
		}
		g, err := readGroup(ctx, tx, l.Group.ID(), "FOR KEY SHARE")
		if err != nil {
			return err
		}
		m, err := s.leave(ctx, tx, g, l.Member.ID())
		if err != nil {
			return err
		}
		out = Linked{Member: m, Group: g}
		return nil
	})
	return out, err
}

// LinkedSession returns one session of the group of the member whose link
// has token, with that member's answer.
func (s *Store) LinkedSession(ctx context.Context, token, sessionID string) (Linked, MemberSession, error) {
	l, err := byToken(ctx, s.pool, token, "link", "")
	if err != nil {
		return Linked{}, MemberSession{}, err
	}
	ss, err := readSession(ctx, s.pool, l.Group.ID(), sessionID, "")
	if err != nil {
		return Linked{}, MemberSession{}, err
	}
	out := MemberSession{Session: ss}
	rs, err := readRsvps(ctx, s.pool, ss.ID())
	if err != nil {
		return Linked{}, MemberSession{}, err
	}
	for _, r := range rs {
		if r.MemberID == l.Member.ID() {
			out.Rsvp = &Rsvp{Rsvp: r, SessionID: ss.ID()}
		}
	}
	return l, out, nil
}

// RenewFeed makes the member whose link has token a new calendar feed
// token; the old feed stops working.
func (s *Store) RenewFeed(ctx context.Context, token string) (string, error) {
	var feed string
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := byToken(ctx, tx, token, "link", "FOR UPDATE")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM member_tokens WHERE member_id = $1 AND purpose = 'feed'`, l.Member.ID()); err != nil {
			return fmt.Errorf("ending the old feed: %w", err)
		}
		feed, err = s.newMemberToken(ctx, tx, l.Member.ID(), "feed")
		return err
	})
	return feed, err
}

// Feed returns the member whose calendar feed has token, with every
// session of their group and their answers.
func (s *Store) Feed(ctx context.Context, token string) (MemberView, error) {
	l, err := byToken(ctx, s.pool, token, "feed", "")
	if err != nil {
		return MemberView{}, err
	}
	out := MemberView{Linked: l}
	rows, err := s.pool.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1 ORDER BY starts_at, id`, l.Group.ID())
	if err != nil {
		return MemberView{}, fmt.Errorf("listing sessions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return MemberView{}, fmt.Errorf("listing sessions: %w", err)
	}
	answers := map[string]*Rsvp{}
	rows, err = s.pool.Query(ctx, `SELECT session_id::text, answer, state FROM rsvps WHERE member_id = $1`, l.Member.ID())
	if err != nil {
		return MemberView{}, fmt.Errorf("reading answers: %w", err)
	}
	for rows.Next() {
		var id, answer, state string
		if err := rows.Scan(&id, &answer, &state); err != nil {
			rows.Close()
			return MemberView{}, fmt.Errorf("reading answers: %w", err)
		}
		answers[id] = &Rsvp{Rsvp: seating.Rsvp{MemberID: l.Member.ID(), Answer: seating.Answer(answer), State: seating.State(state)}, SessionID: id}
	}
	if err := rows.Err(); err != nil {
		return MemberView{}, fmt.Errorf("reading answers: %w", err)
	}
	for _, ss := range list {
		out.Sessions = append(out.Sessions, MemberSession{Session: ss, Rsvp: answers[ss.ID()]})
	}
	return out, nil
}

// FeedURL is the address of a calendar feed with token.
func (s *Store) FeedURL(token string) string { return s.cfg.PublicURL + feedLinkPath + token + ".ics" }

// MemberURL is the address of a member's page with token.
func (s *Store) MemberURL(token string) string { return s.cfg.PublicURL + memberLinkPath + token }
