package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// Invitee is someone to invite to a poll.
type Invitee struct {
	// PanelMemberID is the invited panel member's id; empty for an
	// invitation handed out by other means, such as on paper.
	PanelMemberID string
	// Municipality is the invitee's municipality, which their response
	// will carry. A local poll's invitees may leave it empty: it is the
	// poll's tenant.
	Municipality string
}

// Invitation is a single-use invitation to answer a poll.
type Invitation struct {
	ID            string
	PollID        string
	PanelMemberID string // empty when the invitation is not a panel member's
	Municipality  string
	CreatedAt     time.Time
	// Used reports whether the invitation's response is in. Only the day is
	// kept (UsedOn, at midnight UTC): the moment would tie the invitation
	// to its response.
	Used   bool
	UsedOn time.Time
	// AgeBand and Neighbourhood are what the panel knew of the invited
	// member when inviting them, for the tally's breakdowns; empty when
	// unknown or when the invitation is not a panel member's.
	AgeBand, Neighbourhood string
}

// IssuedInvitation is a new invitation with its link's token, which exists
// only here: the store keeps its hash.
type IssuedInvitation struct {
	Invitation
	// Token goes into the link, /i/{token}.
	Token string
}

// CreateInvitations invites invitees to the poll with pollID at now and
// returns the new invitations with their tokens, in the order of
// invitees. Panel members invited to the poll before are skipped, so that
// inviting a panel again invites only its new members; an invitee listed
// twice is invited once. All are stored in one statement.
func (s *Store) CreateInvitations(ctx context.Context, pollID string, invitees []Invitee, now time.Time) ([]IssuedInvitation, error) {
	p, err := s.Poll(ctx, pollID)
	if err != nil {
		return nil, err
	}
	municipalities := p.Municipalities()
	var v errs.Violations
	issued := make([]IssuedInvitation, 0, len(invitees))
	ids := make([]string, 0, len(invitees))
	members := make([]*string, 0, len(invitees))
	places := make([]string, 0, len(invitees))
	hashes := make([][]byte, 0, len(invitees))
	now = now.UTC().Truncate(time.Microsecond)
	for i, in := range invitees {
		if in.PanelMemberID != "" {
			if _, err := uuid.Parse(in.PanelMemberID); err != nil {
				v.Add(fmt.Sprintf("/invitees/%d/panelMemberId", i), "must be a panel member's id (a UUID)")
			}
		}
		m := in.Municipality
		if m == "" && !p.Shared() {
			m = p.Tenant()
		}
		if !slices.Contains(municipalities, m) {
			v.Add(fmt.Sprintf("/invitees/%d/municipality", i), fmt.Sprintf("%q does not take part in this poll", m))
		}
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("new invitation id: %w", err)
		}
		token, hash, err := resident.NewInvitationToken()
		if err != nil {
			return nil, fmt.Errorf("new invitation token: %w", err)
		}
		inv := IssuedInvitation{Token: token, Invitation: Invitation{
			ID: id.String(), PollID: p.ID(), PanelMemberID: in.PanelMemberID, Municipality: m, CreatedAt: now}}
		issued = append(issued, inv)
		ids = append(ids, inv.ID)
		places = append(places, m)
		hashes = append(hashes, hash)
		if in.PanelMemberID == "" {
			members = append(members, nil)
		} else {
			members = append(members, &invitees[i].PanelMemberID)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(issued) == 0 {
		return nil, nil
	}
	var created []string
	err = pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := checkInvitees(ctx, tx, members, places); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `INSERT INTO invitations (id, poll_id, token_hash, panel_member_id, municipality, created_at)
SELECT id, $1, hash, member, municipality, $2
FROM unnest($3::uuid[], $4::bytea[], $5::uuid[], $6::text[]) WITH ORDINALITY AS t(id, hash, member, municipality, n)
ORDER BY n
ON CONFLICT (poll_id, panel_member_id) WHERE panel_member_id IS NOT NULL DO NOTHING
RETURNING id::text`, p.ID(), now, ids, hashes, members, places)
		if err != nil {
			return fmt.Errorf("inserting invitations to poll %s: %w", p.ID(), err)
		}
		created, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("inserting invitations to poll %s: %w", p.ID(), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(created) == len(issued) {
		return issued, nil
	}
	isNew := make(map[string]bool, len(created))
	for _, id := range created {
		isNew[id] = true
	}
	return slices.DeleteFunc(issued, func(inv IssuedInvitation) bool { return !isNew[inv.ID] }), nil
}

// checkInvitees makes sure, in the transaction that stores the
// invitations, that every panel member named is an active member of the
// panel of the municipality the invitation is for, and keeps them so until
// it commits. A member of another municipality's panel is refused in the
// same words as an id that names nobody, so that the refusal does not tell
// the caller that the id exists. members and places are the invitees'
// member ids (nil for none) and municipalities, in order.
func checkInvitees(ctx context.Context, tx pgx.Tx, members []*string, places []string) error {
	rows, err := tx.Query(ctx, `SELECT t.n FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS t(member, municipality, n)
LEFT JOIN LATERAL (
    SELECT m.id FROM panel_members m
    WHERE m.id = t.member AND m.municipality = t.municipality AND m.status = 'active'
    FOR SHARE
) AS known ON true
WHERE t.member IS NOT NULL AND known.id IS NULL
ORDER BY t.n`, members, places)
	if err != nil {
		return fmt.Errorf("checking invited panel members: %w", err)
	}
	unknown, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("checking invited panel members: %w", err)
	}
	var v errs.Violations
	for _, n := range unknown {
		v.Add(fmt.Sprintf("/invitees/%d/panelMemberId", n-1), "is not an active member of the panel of the municipality the invitation is for")
	}
	return v.Err()
}

// InvitationByToken returns the invitation whose link carries token. A
// token that is not one we issue is not looked up.
func (s *Store) InvitationByToken(ctx context.Context, token string) (Invitation, error) {
	notFound := errs.New(errs.NotFound, "invitation not found")
	if err := resident.CheckInvitationToken(token); err != nil {
		return Invitation{}, notFound
	}
	var (
		inv    Invitation
		member *string
		usedOn *time.Time
	)
	err := s.pool.QueryRow(ctx, `SELECT i.id::text, i.poll_id::text, i.panel_member_id::text, i.municipality, i.created_at, i.used_on,
    coalesce(i.age_band, ''), coalesce(i.neighbourhood, '')
FROM invitations i WHERE i.token_hash = $1`, resident.HashInvitationToken(token)).
		Scan(&inv.ID, &inv.PollID, &member, &inv.Municipality, &inv.CreatedAt, &usedOn, &inv.AgeBand, &inv.Neighbourhood)
	if errors.Is(err, pgx.ErrNoRows) {
		return Invitation{}, notFound
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("reading invitation: %w", err)
	}
	if member != nil {
		inv.PanelMemberID = *member
	}
	inv.CreatedAt = inv.CreatedAt.UTC()
	if usedOn != nil {
		inv.Used = true
		inv.UsedOn = time.Date(usedOn.Year(), usedOn.Month(), usedOn.Day(), 0, 0, 0, 0, time.UTC)
	}
	return inv, nil
}

// InvitedPoll returns the invitation whose link carries token and its
// poll, read together: every resident's page view and submit needs both.
// Concurrent calls share one query (see lookupQueue).
func (s *Store) InvitedPoll(ctx context.Context, token string) (Invitation, poll.Poll, error) {
	if err := resident.CheckInvitationToken(token); err != nil {
		return Invitation{}, poll.Poll{}, errs.New(errs.NotFound, "invitation not found")
	}
	inv, p, found, err := s.lookups.lookup(ctx, s, resident.HashInvitationToken(token))
	switch {
	case err != nil:
		return Invitation{}, poll.Poll{}, err
	case !found:
		return Invitation{}, poll.Poll{}, errs.New(errs.NotFound, "invitation not found")
	}
	return inv, p, nil
}
