package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
)

// AddMember stores the member that make builds for the group with
// groupID, locked, if access allows, announces them, and mails a member
// with an address a welcome and every upcoming session's invitation.
func (s *Store) AddMember(ctx context.Context, groupID string, access Access, make func(g group.Group) (member.Member, error)) (member.Member, error) {
	var out member.Member
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		if err := g.CheckOpen("add members to"); err != nil {
			return err
		}
		m, err := make(g)
		if err != nil {
			return err
		}
		if err := s.join(ctx, tx, g, m); err != nil {
			return err
		}
		out = m
		return nil
	})
	return out, err
}

// join stores a new member of g (locked), announces them and mails them.
func (s *Store) join(ctx context.Context, tx pgx.Tx, g group.Group, m member.Member) error {
	r := m.Record()
	_, err := tx.Exec(ctx, `INSERT INTO members (id, group_id, kind, role, name, email, subject, language, consent_method, consent_at,
    consent_by, status, joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		r.ID, r.GroupID, string(r.Kind), r.Role, r.Name, r.Email, r.Subject, r.Language, string(r.Consent.Method),
		timeOrNull(r.Consent.At), r.Consent.RecordedBy, string(r.Status), r.JoinedAt)
	switch {
	case isUniqueViolation(err, "members_active_email"):
		return (errs.Violations{{Path: "/email", Reason: "is an active member's of this group already"}}).Err()
	case isUniqueViolation(err, "members_active_subject"):
		return (errs.Violations{{Path: "/subject", Reason: "is an active member's login in this group already"}}).Err()
	case err != nil:
		return fmt.Errorf("storing member: %w", err)
	}
	if err := emit(ctx, tx, g, &eventsv1.FocusGroupMemberJoined{FocusGroupId: g.ID(), MemberId: m.ID(), Role: m.Role(),
		Resident: m.Kind() == member.Resident}); err != nil {
		return err
	}
	return s.mailWelcome(ctx, tx, g, m)
}

// Members returns the members of the group with groupID, active ones
// first, by role and name, if access allows.
func (s *Store) Members(ctx context.Context, groupID string, access Access) ([]member.Member, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return nil, err
	}
	if err := access(g); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE group_id = $1
ORDER BY status <> 'active', role, lower(name), id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing members: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanMember)
	if err != nil {
		return nil, fmt.Errorf("listing members: %w", err)
	}
	return list, nil
}

// Member returns one member of the group with groupID, if access allows.
func (s *Store) Member(ctx context.Context, groupID, id string, access Access) (member.Member, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return member.Member{}, err
	}
	if err := access(g); err != nil {
		return member.Member{}, err
	}
	return readMember(ctx, s.pool, g.ID(), id, "")
}

// RemoveMember takes a member out of the group with groupID, if access
// allows: their answers to upcoming sessions become "no"s (seating the
// first in line), their links stop working, they are announced as left
// and mailed the cancellations of the sessions they were invited to.
func (s *Store) RemoveMember(ctx context.Context, groupID, id string, access Access) (member.Member, error) {
	var out member.Member
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		out, err = s.leave(ctx, tx, g, id)
		return err
	})
	return out, err
}

// leave takes the member with id out of g.
func (s *Store) leave(ctx context.Context, tx pgx.Tx, g group.Group, id string) (member.Member, error) {
	m, err := readMember(ctx, tx, g.ID(), id, "FOR UPDATE")
	if err != nil {
		return member.Member{}, err
	}
	now := s.now()
	if err := m.Leave(now); err != nil {
		return member.Member{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE members SET status = 'left', left_at = $2 WHERE id = $1`, m.ID(), m.LeftAt()); err != nil {
		return member.Member{}, fmt.Errorf("storing that a member left: %w", err)
	}
	if err := s.mailFarewell(ctx, tx, g, m, now); err != nil {
		return member.Member{}, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM member_tokens WHERE member_id = $1`, m.ID()); err != nil {
		return member.Member{}, fmt.Errorf("ending a member's links: %w", err)
	}
	if err := s.withdrawUpcoming(ctx, tx, g, m, now); err != nil {
		return member.Member{}, err
	}
	if err := emit(ctx, tx, g, &eventsv1.FocusGroupMemberLeft{FocusGroupId: g.ID(), MemberId: m.ID(), Role: m.Role()}); err != nil {
		return member.Member{}, err
	}
	return m, nil
}

// Erasure is what erasing a member removed.
type Erasure struct {
	MemberID       string
	RsvpsCleared   int
	QuotesDeleted  int
	MailsWithdrawn int
}

// EraseMember removes a member's personal data for good, if access allows:
// name, address, login, consent record, access needs, quotes attributed to
// them, invitations and queued mails to their address, and their links.
// Their role, answers and attendance remain, so the group's figures stay.
func (s *Store) EraseMember(ctx context.Context, groupID, id string, access Access) (Erasure, error) {
	var out Erasure
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		m, err := readMember(ctx, tx, g.ID(), id, "FOR UPDATE")
		if err != nil {
			return err
		}
		wasActive := m.Active()
		if wasActive {
			// Leaving first withdraws their seats and tells the group's
			// waitlists; the farewell mail is withdrawn below with the
			// rest.
			if m, err = s.leave(ctx, tx, g, id); err != nil {
				return err
			}
		}
		email := m.Email()
		m.Erase(s.now())
		r := m.Record()
		out.MemberID = m.ID()
		if _, err := tx.Exec(ctx, `UPDATE members SET status = 'erased', name = '', email = '', subject = '', consent_at = NULL,
    consent_by = '', left_at = $2 WHERE id = $1`, m.ID(), timeOrNull(r.LeftAt)); err != nil {
			return fmt.Errorf("erasing member: %w", err)
		}
		tag, err := tx.Exec(ctx, `UPDATE rsvps SET access_needs = '{}', access_note = ''
WHERE member_id = $1 AND (access_needs <> '{}' OR access_note <> '')`, m.ID())
		if err != nil {
			return fmt.Errorf("erasing access needs: %w", err)
		}
		out.RsvpsCleared = int(tag.RowsAffected())
		if out.QuotesDeleted, err = s.forgetQuotes(ctx, tx, g.ID(), m.ID()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM member_tokens WHERE member_id = $1`, m.ID()); err != nil {
			return fmt.Errorf("erasing links: %w", err)
		}
		if email != "" {
			if _, err := tx.Exec(ctx, `UPDATE invitations SET email = '', name = '', token_hash = NULL
WHERE group_id = $1 AND (member_id = $2 OR lower(email) = lower($3))`, g.ID(), m.ID(), email); err != nil {
				return fmt.Errorf("erasing invitations: %w", err)
			}
			tag, err := tx.Exec(ctx, `DELETE FROM outgoing_mail WHERE lower(to_address) = lower($1)`, email)
			if err != nil {
				return fmt.Errorf("withdrawing queued mail: %w", err)
			}
			out.MailsWithdrawn = int(tag.RowsAffected())
		}
		return emit(ctx, tx, g, &eventsv1.FocusGroupMemberLeft{FocusGroupId: g.ID(), MemberId: m.ID(), Role: m.Role(), Erased: true})
	})
	return out, err
}

// Export is everything held on a member.
type Export struct {
	Member    member.Member
	GroupName string
	Rsvps     []ExportRsvp
	Attended  []string
	Quotes    []ExportQuote
}

// ExportRsvp is one answer in an export.
type ExportRsvp struct {
	SessionID   string
	StartsAt    time.Time
	Answer      string
	State       string
	AccessNeeds []string
	AccessNote  string
}

// ExportQuote is one quote in an export.
type ExportQuote struct {
	FindingID, Text, Consent string
}

// ExportMember returns everything held on a member of the group with
// groupID, if access allows.
func (s *Store) ExportMember(ctx context.Context, groupID, id string, access Access) (Export, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return Export{}, err
	}
	if err := access(g); err != nil {
		return Export{}, err
	}
	m, err := readMember(ctx, s.pool, g.ID(), id, "")
	if err != nil {
		return Export{}, err
	}
	out := Export{Member: m, GroupName: g.Name()}
	rows, err := s.pool.Query(ctx, `SELECT r.session_id::text, s.starts_at, r.answer, r.state, r.access_needs, r.access_note
FROM rsvps r JOIN sessions s ON s.id = r.session_id WHERE r.member_id = $1 ORDER BY s.starts_at`, id)
	if err != nil {
		return Export{}, fmt.Errorf("exporting answers: %w", err)
	}
	out.Rsvps, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExportRsvp, error) {
		var r ExportRsvp
		err := row.Scan(&r.SessionID, &r.StartsAt, &r.Answer, &r.State, &r.AccessNeeds, &r.AccessNote)
		r.StartsAt = r.StartsAt.UTC()
		return r, err
	})
	if err != nil {
		return Export{}, fmt.Errorf("exporting answers: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT a.session_id::text FROM attendance a JOIN sessions s ON s.id = a.session_id
WHERE a.member_id = $1 AND a.present ORDER BY s.starts_at`, id)
	if err != nil {
		return Export{}, fmt.Errorf("exporting attendance: %w", err)
	}
	if out.Attended, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return Export{}, fmt.Errorf("exporting attendance: %w", err)
	}
	findings, err := s.findingsQuoting(ctx, s.pool, g.ID(), id)
	if err != nil {
		return Export{}, err
	}
	for _, f := range findings {
		for _, q := range f.Quotes() {
			if q.MemberID == id {
				out.Quotes = append(out.Quotes, ExportQuote{FindingID: f.ID(), Text: q.Text, Consent: string(q.Consent)})
			}
		}
	}
	return out, nil
}

const memberColumns = `id::text, group_id::text, kind, role, name, email, subject, language, consent_method, consent_at, consent_by,
    status, joined_at, left_at`

// readMember reads the member with id of the group with groupID.
func readMember(ctx context.Context, q querier, groupID, id, lock string) (member.Member, error) {
	if !isUUID(id) {
		return member.Member{}, MemberNotFound(id)
	}
	rows, err := q.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1 AND group_id = $2 `+lock, id, groupID)
	if err != nil {
		return member.Member{}, fmt.Errorf("reading member %s: %w", id, err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMember)
	if errors.Is(err, pgx.ErrNoRows) {
		return member.Member{}, MemberNotFound(id)
	}
	if err != nil {
		return member.Member{}, fmt.Errorf("reading member %s: %w", id, err)
	}
	return m, nil
}

func scanMember(row pgx.CollectableRow) (member.Member, error) {
	var r member.Record
	var kind, method, status string
	var consentAt, left *time.Time
	err := row.Scan(&r.ID, &r.GroupID, &kind, &r.Role, &r.Name, &r.Email, &r.Subject, &r.Language, &method, &consentAt,
		&r.Consent.RecordedBy, &status, &r.JoinedAt, &left)
	if err != nil {
		return member.Member{}, err
	}
	r.Kind, r.Status, r.Consent.Method = member.Kind(kind), member.Status(status), member.ConsentMethod(method)
	r.Consent.At, r.JoinedAt, r.LeftAt = timeOf(consentAt), r.JoinedAt.UTC(), timeOf(left)
	return member.Restore(r), nil
}
