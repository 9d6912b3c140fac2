package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/notice"
)

// maxInvitees bounds one request's invitations.
const maxInvitees = 200

// Invitee is someone to invite to join a group by mail.
type Invitee struct {
	Email, Name, Role, Language string
}

// Invitation is a mailed invitation to join.
type Invitation struct {
	ID        string
	Email     string
	Role      string
	CreatedAt time.Time
}

// InvitationNotFound is the error for a token that is not a working
// invitation's: unknown, used, or of another group, alike.
func InvitationNotFound() error {
	return &errs.Error{Code: errs.NotFound, Message: "invitation not found: the link is unknown or was used",
		Fields: []errs.Field{{Path: "/token", Reason: "is not a working invitation link"}}}
}

// LinkNotFound is the error for a token that is not a working member or
// feed link.
func LinkNotFound() error {
	return &errs.Error{Code: errs.NotFound, Message: "link not found: it is unknown, or its member left the group",
		Fields: []errs.Field{{Path: "/token", Reason: "is not a working link"}}}
}

// InviteResidents mails invitees an invitation each to join the group with
// groupID, if access allows and the group takes members; an address that
// is an active member's already is skipped and counted. Every invitee is
// checked before anything is stored. With once's key, a repeat returns the
// first call's invitations and count, and mails nobody again; an invitation
// accepted since comes back without its address, which the member has now.
func (s *Store) InviteResidents(ctx context.Context, groupID string, invitees []Invitee, access Access, once ...Once) ([]Invitation, int, error) {
	var v errs.Violations
	switch {
	case len(invitees) == 0:
		v.Add("/invitees", "must name at least one resident")
	case len(invitees) > maxInvitees:
		v.Add("/invitees", fmt.Sprintf("must name at most %d residents", maxInvitees))
	}
	for i, in := range invitees {
		at := fmt.Sprintf("/invitees/%d", i)
		invitees[i].Email = strings.TrimSpace(in.Email)
		invitees[i].Name = strings.TrimSpace(in.Name)
		if err := member.CheckEmail(at+"/email", invitees[i].Email); err != nil {
			var e *errs.Error
			if errors.As(err, &e) {
				v = append(v, e.Fields...)
			}
		}
		if n := len([]rune(invitees[i].Name)); n == 0 || n > 200 {
			v.Add(at+"/name", "must be 1 to 200 characters")
		}
		switch in.Language {
		case "":
			invitees[i].Language = "nl"
		case "nl", "en":
		default:
			v.Add(at+"/language", "must be nl or en")
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	var out []Invitation
	skipped := 0
	o := onceOf(once)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		c, err := s.claimKey(ctx, tx, o, opInviteResidents, g.ID())
		if err != nil {
			return err
		}
		if !c.fresh {
			skipped = c.skipped
			out, err = readInvitations(ctx, tx, g.ID(), c.resourceIDs)
			return err
		}
		if err := g.CheckOpen("invite residents to"); err != nil {
			return err
		}
		paths, keys := make([]string, len(invitees)), make([]string, len(invitees))
		for i, in := range invitees {
			paths[i], keys[i] = fmt.Sprintf("/invitees/%d/role", i), in.Role
		}
		if err := s.checkRoles(g.Tenant(), paths, keys); err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		seen := map[string]bool{}
		for _, in := range invitees {
			key := strings.ToLower(in.Email)
			var active bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE group_id = $1 AND status = 'active' AND lower(email) = $2)`,
				g.ID(), key).Scan(&active); err != nil {
				return fmt.Errorf("checking members: %w", err)
			}
			if active || seen[key] {
				skipped++
				continue
			}
			seen[key] = true
			id, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("new invitation id: %w", err)
			}
			token, hash, err := resident.NewInvitationToken()
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO invitations (id, group_id, token_hash, email, name, role, language, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, g.ID(), hash, in.Email, in.Name, in.Role, in.Language, now); err != nil {
				return fmt.Errorf("storing invitation: %w", err)
			}
			role := s.Roles(g.Tenant()).Label(in.Role)
			l := notice.JoinInvitation(letterGroup(g),
				notice.Recipient{Name: in.Name, Email: in.Email, Link: s.cfg.PublicURL + invitationLinkPath + token, Language: in.Language}, role.NL, role.EN)
			if err := enqueue(ctx, tx, KindJoinInvitation, g.ID(), recipient{name: in.Name, email: in.Email, language: in.Language}, l); err != nil {
				return err
			}
			out = append(out, Invitation{ID: id.String(), Email: in.Email, Role: in.Role, CreatedAt: now})
		}
		ids := make([]string, len(out))
		for i, inv := range out {
			ids[i] = inv.ID
		}
		return keep(ctx, tx, o, opInviteResidents, ids, skipped)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, skipped, nil
}

// readInvitations returns the group's invitations with ids, in the order
// of ids.
func readInvitations(ctx context.Context, q querier, groupID string, ids []string) ([]Invitation, error) {
	rows, err := q.Query(ctx, `SELECT id::text, email, role, created_at FROM invitations
WHERE group_id = $1 AND id = ANY($2::uuid[]) ORDER BY array_position($2::uuid[], id)`, groupID, ids)
	if err != nil {
		return nil, fmt.Errorf("reading invitations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Invitation, error) {
		var inv Invitation
		err := r.Scan(&inv.ID, &inv.Email, &inv.Role, &inv.CreatedAt)
		inv.CreatedAt = inv.CreatedAt.UTC()
		return inv, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading invitations: %w", err)
	}
	return list, nil
}

// InvitationView is what an invitation offers, for its page.
type InvitationView struct {
	Group    group.Group
	Name     string
	Role     string
	Language string
}

// Invitation returns what the working invitation with token offers.
func (s *Store) Invitation(ctx context.Context, token string) (InvitationView, error) {
	if resident.CheckInvitationToken(token) != nil {
		return InvitationView{}, InvitationNotFound()
	}
	var out InvitationView
	var groupID string
	err := s.pool.QueryRow(ctx, `SELECT group_id::text, name, role, language FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL`,
		resident.HashInvitationToken(token)).Scan(&groupID, &out.Name, &out.Role, &out.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		return InvitationView{}, InvitationNotFound()
	}
	if err != nil {
		return InvitationView{}, fmt.Errorf("reading invitation: %w", err)
	}
	if out.Group, err = readGroup(ctx, s.pool, groupID, ""); err != nil {
		return InvitationView{}, err
	}
	if out.Group.Status().Ended() {
		return InvitationView{}, InvitationNotFound()
	}
	return out, nil
}

// AcceptInvitation makes the resident invited with token a member, with
// their consent given through the link, and returns them with a token of
// their member link. The invitation stops working: its hash, address and
// name are cleared, as the member has them now.
func (s *Store) AcceptInvitation(ctx context.Context, token string) (member.Member, string, error) {
	if resident.CheckInvitationToken(token) != nil {
		return member.Member{}, "", InvitationNotFound()
	}
	var out member.Member
	var link string
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var id, groupID string
		var in Invitee
		err := tx.QueryRow(ctx, `SELECT id::text, group_id::text, email, name, role, language FROM invitations
WHERE token_hash = $1 AND accepted_at IS NULL FOR UPDATE`, resident.HashInvitationToken(token)).
			Scan(&id, &groupID, &in.Email, &in.Name, &in.Role, &in.Language)
		if errors.Is(err, pgx.ErrNoRows) {
			return InvitationNotFound()
		}
		if err != nil {
			return fmt.Errorf("reading invitation: %w", err)
		}
		g, err := readGroup(ctx, tx, groupID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if g.Status().Ended() {
			return InvitationNotFound()
		}
		now := s.now()
		var existing string
		err = tx.QueryRow(ctx, `SELECT id::text FROM members WHERE group_id = $1 AND status = 'active' AND lower(email) = lower($2)`,
			g.ID(), in.Email).Scan(&existing)
		switch {
		case err == nil:
			// Joined meanwhile (added by staff, or another invitation):
			// the invitation is used up, and the link is theirs.
			if out, err = readMember(ctx, tx, g.ID(), existing, ""); err != nil {
				return err
			}
		case errors.Is(err, pgx.ErrNoRows):
			m, err := member.New(member.Spec{GroupID: g.ID(), Kind: member.Resident, Role: in.Role, Name: in.Name, Email: in.Email,
				Language: in.Language, Consent: member.Consent{Method: member.ByInvitationLink, At: now},
				// The role was checked when the invitation was made; one the
				// operator has removed since is kept, as members keep it.
				Roles: s.Roles(g.Tenant()).Keeping(in.Role)}, now)
			if err != nil {
				return err
			}
			if err := s.join(ctx, tx, g, m); err != nil {
				return err
			}
			out = m
		default:
			return fmt.Errorf("checking members: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET token_hash = NULL, email = '', name = '', accepted_at = $2, member_id = $3
WHERE id = $1`, id, now.UTC(), out.ID()); err != nil {
			return fmt.Errorf("using invitation: %w", err)
		}
		link, err = s.newMemberToken(ctx, tx, out.ID(), "link")
		return err
	})
	if err != nil {
		return member.Member{}, "", err
	}
	return out, link, nil
}

// newMemberToken stores a new token of purpose for the member with
// memberID and returns it.
func (s *Store) newMemberToken(ctx context.Context, tx pgx.Tx, memberID, purpose string) (string, error) {
	token, hash, err := resident.NewInvitationToken()
	if err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO member_tokens (hash, member_id, purpose, created_at) VALUES ($1, $2, $3, $4)`,
		hash, memberID, purpose, s.now().UTC()); err != nil {
		return "", fmt.Errorf("storing a member link: %w", err)
	}
	return token, nil
}
