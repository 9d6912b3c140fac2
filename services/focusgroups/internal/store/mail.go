package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/notice"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// The kinds of the mails the store queues (mailq.Mail.Kind).
const (
	KindJoinInvitation = "focusgroup_invitation"
	KindWelcome        = "focusgroup_welcome"
	KindSession        = "focusgroup_session"
	KindSeated         = "focusgroup_seated"
	KindReminder       = "focusgroup_reminder"
	KindFarewell       = "focusgroup_farewell"
)

// sessionMail is which letter about a session its members get.
type sessionMail int

const (
	invitationMail sessionMail = iota
	updateMail
	rescheduleMail
	cancellationMail
)

// Paths of the residents' pages behind the links in mails, served by the
// gateway's web pages.
const (
	memberLinkPath     = "/focusgroep/"
	invitationLinkPath = "/focusgroep/uitnodiging/"
	feedLinkPath       = "/focusgroep/agenda/"
)

// recipient is an active member with an address, as a mail addresses them.
type recipient struct {
	id, name, email, language string
}

// newMemberLink stores a new link token of the member with memberID and
// returns its URL: every mail carries a link of its own.
func (s *Store) newMemberLink(ctx context.Context, tx pgx.Tx, memberID string) (string, error) {
	token, err := s.newMemberToken(ctx, tx, memberID, "link")
	if err != nil {
		return "", err
	}
	return s.cfg.PublicURL + memberLinkPath + token, nil
}

// letterGroup is what mails say about g.
func letterGroup(g group.Group) notice.Group {
	return notice.Group{Name: g.Name(), Purpose: g.Purpose()}
}

// letterSession is what mails say about ss.
func letterSession(ss session.Session) notice.Session {
	p := ss.Plan()
	return notice.Session{ID: ss.ID(), Sequence: ss.Sequence(), Start: p.StartsAt, End: p.EndsAt, Address: p.Place.Address,
		Accessibility: p.Place.Accessibility, OnlineURL: p.OnlineURL, Agenda: p.Agenda, CancelReason: ss.CancelReason(),
		Changed: ss.UpdatedAt()}
}

// enqueue queues letter l to r.
func enqueue(ctx context.Context, tx pgx.Tx, kind, batch string, r recipient, l notice.Letter) error {
	return mailq.Enqueue(ctx, tx, mailq.Mail{To: r.email, Subject: l.Subject, Text: l.Text, Kind: kind, Batch: batch,
		Language: r.language, Attachments: l.Attachments})
}

// mailSession mails every active member of g with an address the letter
// of kind about ss, each with a link of their own and, for the calendar,
// their answer so far.
func (s *Store) mailSession(ctx context.Context, tx pgx.Tx, g group.Group, ss session.Session, kind sessionMail, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT m.id::text, m.name, m.email, m.language, coalesce(r.answer, '')
FROM members m LEFT JOIN rsvps r ON r.member_id = m.id AND r.session_id = $2
WHERE m.group_id = $1 AND m.status = 'active' AND m.email <> '' ORDER BY m.id`, g.ID(), ss.ID())
	if err != nil {
		return fmt.Errorf("finding whom to mail: %w", err)
	}
	type addressee struct {
		recipient
		answer string
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (addressee, error) {
		var a addressee
		err := row.Scan(&a.id, &a.name, &a.email, &a.language, &a.answer)
		return a, err
	})
	if err != nil {
		return fmt.Errorf("finding whom to mail: %w", err)
	}
	lg, ls, from := letterGroup(g), letterSession(ss), notice.Sender{Address: s.cfg.From}
	for _, a := range list {
		to := notice.Recipient{Name: a.name, Email: a.email, Answer: a.answer, Language: a.language}
		if kind != cancellationMail {
			if to.Link, err = s.newMemberLink(ctx, tx, a.id); err != nil {
				return err
			}
		}
		var l notice.Letter
		switch kind {
		case invitationMail:
			l = notice.SessionInvitation(lg, ls, to, from, now)
		case updateMail, rescheduleMail:
			l = notice.SessionUpdate(lg, ls, to, kind == rescheduleMail, from, now)
		case cancellationMail:
			l = notice.SessionCancellation(lg, ls, to, from, now)
		}
		if err := enqueue(ctx, tx, KindSession, ss.ID(), a.recipient, l); err != nil {
			return err
		}
	}
	return nil
}

// mailWelcome mails a new member with an address their welcome, with
// their link, and the invitation to each of g's upcoming sessions.
func (s *Store) mailWelcome(ctx context.Context, tx pgx.Tx, g group.Group, m member.Member) error {
	if m.Email() == "" {
		return nil
	}
	now := s.now()
	upcoming, err := upcomingOf(ctx, tx, g.ID(), now)
	if err != nil {
		return err
	}
	r := recipient{id: m.ID(), name: m.Name(), email: m.Email(), language: m.Language()}
	link, err := s.newMemberLink(ctx, tx, m.ID())
	if err != nil {
		return err
	}
	var planned []notice.Session
	for _, ss := range upcoming {
		planned = append(planned, letterSession(ss))
	}
	if err := enqueue(ctx, tx, KindWelcome, g.ID(), r,
		notice.Welcome(letterGroup(g), notice.Recipient{Name: r.name, Email: r.email, Link: link, Language: r.language}, planned)); err != nil {
		return err
	}
	for _, ss := range upcoming {
		link, err := s.newMemberLink(ctx, tx, m.ID())
		if err != nil {
			return err
		}
		l := notice.SessionInvitation(letterGroup(g), letterSession(ss), notice.Recipient{Name: r.name, Email: r.email, Link: link, Language: r.language},
			notice.Sender{Address: s.cfg.From}, now)
		if err := enqueue(ctx, tx, KindSession, ss.ID(), r, l); err != nil {
			return err
		}
	}
	return nil
}

// mailFarewell confirms to a member with an address that they left, with
// a calendar cancellation of every upcoming session.
func (s *Store) mailFarewell(ctx context.Context, tx pgx.Tx, g group.Group, m member.Member, now time.Time) error {
	if m.Email() == "" {
		return nil
	}
	upcoming, err := upcomingOf(ctx, tx, g.ID(), now)
	if err != nil {
		return err
	}
	var planned []notice.Session
	for _, ss := range upcoming {
		planned = append(planned, letterSession(ss))
	}
	r := recipient{id: m.ID(), name: m.Name(), email: m.Email(), language: m.Language()}
	return enqueue(ctx, tx, KindFarewell, g.ID(), r, notice.Farewell(letterGroup(g),
		notice.Recipient{Name: r.name, Email: r.email, Answer: "no", Language: r.language}, planned, notice.Sender{Address: s.cfg.From}, now))
}

// mailSeated tells the member with memberID that a seat of ss came free
// for them.
func (s *Store) mailSeated(ctx context.Context, tx pgx.Tx, g group.Group, ss session.Session, memberID string) error {
	m, err := readMember(ctx, tx, g.ID(), memberID, "")
	if err != nil {
		return err
	}
	if !m.Active() || m.Email() == "" {
		return nil
	}
	link, err := s.newMemberLink(ctx, tx, m.ID())
	if err != nil {
		return err
	}
	r := recipient{id: m.ID(), name: m.Name(), email: m.Email(), language: m.Language()}
	return enqueue(ctx, tx, KindSeated, ss.ID(), r,
		notice.Seated(letterGroup(g), letterSession(ss), notice.Recipient{Name: r.name, Email: r.email, Link: link, Language: r.language}))
}

// upcomingOf reads a group's scheduled sessions that have not started, by
// start time.
func upcomingOf(ctx context.Context, q querier, groupID string, now time.Time) ([]session.Session, error) {
	rows, err := q.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1 AND status = 'scheduled' AND starts_at > $2
ORDER BY starts_at, id`, groupID, now)
	if err != nil {
		return nil, fmt.Errorf("reading upcoming sessions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("reading upcoming sessions: %w", err)
	}
	return list, nil
}
