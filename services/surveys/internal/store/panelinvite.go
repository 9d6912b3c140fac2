package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
)

// PanelFilter chooses whom of the panels to invite; an empty list takes
// everyone.
type PanelFilter struct {
	// Municipalities are the panels to invite from; at least one.
	Municipalities []string
	AgeBands       []string
	// Neighbourhoods match regardless of case.
	Neighbourhoods []string
	// PostcodePrefixes match postcodes starting with one of them, spaces
	// ignored.
	PostcodePrefixes []string
}

// InvitePanel invites the active members of the panels that f chooses and
// who were not invited to the poll with pollID before, and queues a mail
// with their link for each, all in one transaction. Each invitation
// records the member's municipality, age band and neighbourhood. It
// returns how many were invited now and how many chosen members had been
// invited before. Concurrent calls invite nobody twice: the unique index
// on (poll, member) decides, and only the invitations that one call
// inserted are mailed by it.
func (s *Store) InvitePanel(ctx context.Context, pollID string, f PanelFilter, compose Compose, now time.Time) (invited, skipped int, err error) {
	if err := checkID("poll", pollID); err != nil {
		return 0, 0, err
	}
	now = now.UTC().Truncate(time.Microsecond)
	neighbourhoods, prefixes := inviteMatch(f)
	err = pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT m.id::text, m.municipality, m.email, m.age_band, m.neighbourhood,
    EXISTS (SELECT 1 FROM invitations i WHERE i.poll_id = $1 AND i.panel_member_id = m.id)
FROM panel_members m
WHERE m.status = 'active' AND m.municipality = ANY($2)
  AND (cardinality($3::text[]) = 0 OR m.age_band = ANY($3))
  AND (cardinality($4::text[]) = 0 OR lower(m.neighbourhood) = ANY($4))
  AND (cardinality($5::text[]) = 0 OR replace(m.postcode, ' ', '') LIKE ANY($5))
ORDER BY m.id`, pollID, textArray(f.Municipalities), textArray(f.AgeBands), neighbourhoods, prefixes)
		if err != nil {
			return fmt.Errorf("choosing panel members to invite: %w", err)
		}
		type invitee struct {
			member, municipality, email string
			ageBand, neighbourhood      *string
			token                       string
		}
		var todo []invitee
		var (
			in      invitee
			already bool
		)
		_, err = pgx.ForEachRow(rows, []any{&in.member, &in.municipality, &in.email, &in.ageBand, &in.neighbourhood, &already}, func() error {
			if already {
				skipped++
				return nil
			}
			todo = append(todo, in)
			return nil
		})
		if err != nil {
			return fmt.Errorf("choosing panel members to invite: %w", err)
		}
		if len(todo) == 0 {
			return nil
		}
		ids := make([]string, len(todo))
		hashes := make([][]byte, len(todo))
		members := make([]string, len(todo))
		places := make([]string, len(todo))
		bands := make([]*string, len(todo))
		hoods := make([]*string, len(todo))
		for i := range todo {
			id, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("new invitation id: %w", err)
			}
			token, hash, err := resident.NewInvitationToken()
			if err != nil {
				return fmt.Errorf("new invitation token: %w", err)
			}
			todo[i].token = token
			ids[i], hashes[i], members[i], places[i] = id.String(), hash, todo[i].member, todo[i].municipality
			bands[i], hoods[i] = todo[i].ageBand, todo[i].neighbourhood
		}
		rows, err = tx.Query(ctx, `INSERT INTO invitations (id, poll_id, token_hash, panel_member_id, municipality, age_band, neighbourhood, created_at)
SELECT id, $1, hash, member, municipality, age_band, neighbourhood, $2
FROM unnest($3::uuid[], $4::bytea[], $5::uuid[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
    AS t(id, hash, member, municipality, age_band, neighbourhood, n)
ORDER BY n
ON CONFLICT (poll_id, panel_member_id) WHERE panel_member_id IS NOT NULL DO NOTHING
RETURNING panel_member_id::text`, pollID, now, ids, hashes, members, places, bands, hoods)
		if err != nil {
			return fmt.Errorf("inserting invitations to poll %s: %w", pollID, err)
		}
		created, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("inserting invitations to poll %s: %w", pollID, err)
		}
		isNew := make(map[string]bool, len(created))
		for _, m := range created {
			isNew[m] = true
		}
		mails := make([]memberMail, 0, len(created))
		for _, in := range todo {
			if !isNew[in.member] {
				// Another call invited them between our read and insert.
				skipped++
				continue
			}
			mails = append(mails, memberMail{member: in.member, letter: Letter{Kind: "invitation", To: in.email,
				Municipality: in.municipality, ActionToken: in.token, PollID: pollID}})
			invited++
		}
		return mailMembers(ctx, tx, compose, mails, now)
	})
	if err != nil {
		return 0, 0, err
	}
	return invited, skipped, nil
}

// memberMail is a mail to a panel member.
type memberMail struct {
	letter Letter
	member string
}

// mailBatch is how many panel mails go to PostgreSQL in one round trip.
const mailBatch = 500

// mailMembers queues each letter to its member with a fresh unsubscribe
// link, mailBatch at a time in one round trip: a panel of 50,000 took
// 100,000 round trips inside one transaction before.
func mailMembers(ctx context.Context, tx pgx.Tx, compose Compose, mails []memberMail, now time.Time) error {
	for len(mails) > 0 {
		n := min(len(mails), mailBatch)
		b := &pgx.Batch{}
		for _, m := range mails[:n] {
			l := m.letter
			var err error
			if l.UnsubscribeToken, err = queueToken(b, m.member, "unsubscribe", now, 0); err != nil {
				return err
			}
			if err := mailq.Queue(b, compose(l)); err != nil {
				return err
			}
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("queueing %d panel mails: %w", n, err)
		}
		mails = mails[n:]
	}
	return nil
}

// RemindPanel mails a reminder for every invitation to the poll with
// pollID that is not used nor reminded yet and whose member is still
// active, and returns how many went out.
//
// Only a token's hash is stored, so the first link cannot be mailed
// again. A reminder gets a fresh token whose hash replaces the old one:
// the first mail's link stops working, which the reminder says. Keeping
// the raw token encrypted instead would put working links, and the key
// to read them, in the service's hands: a leak of both would let anyone
// answer in the residents' names, which hashes alone never allow.
func (s *Store) RemindPanel(ctx context.Context, pollID string, compose Compose, now time.Time) (int, error) {
	if err := checkID("poll", pollID); err != nil {
		return 0, err
	}
	now = now.UTC().Truncate(time.Microsecond)
	reminded := 0
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Rows by key only, whatever plan was cached while the tables
		// were nearly empty (see lockAndClaim).
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return fmt.Errorf("reminding: %w", err)
		}
		// SKIP LOCKED leaves an invitation being used right now to its
		// submit; it is skipped rather than reminded after its answer. The
		// poll's invitations are read through invitations_member (an index
		// on used_on would make every answer's update of its invitation
		// write every index, see migration 00009).
		rows, err := tx.Query(ctx, `SELECT i.id::text, m.id::text, m.municipality, m.email
FROM invitations i JOIN panel_members m ON m.id = i.panel_member_id
WHERE i.poll_id = $1 AND i.panel_member_id IS NOT NULL AND i.used_on IS NULL AND i.reminded_at IS NULL
    AND m.status = 'active'
ORDER BY i.id
FOR UPDATE OF i SKIP LOCKED`, pollID)
		if err != nil {
			return fmt.Errorf("choosing invitations to remind: %w", err)
		}
		type due struct{ invitation, member, municipality, email, token string }
		var todo []due
		var d due
		if _, err := pgx.ForEachRow(rows, []any{&d.invitation, &d.member, &d.municipality, &d.email}, func() error {
			todo = append(todo, d)
			return nil
		}); err != nil {
			return fmt.Errorf("choosing invitations to remind: %w", err)
		}
		if len(todo) == 0 {
			return nil
		}
		ids := make([]string, len(todo))
		hashes := make([][]byte, len(todo))
		for i := range todo {
			token, hash, err := resident.NewInvitationToken()
			if err != nil {
				return fmt.Errorf("new invitation token: %w", err)
			}
			todo[i].token, ids[i], hashes[i] = token, todo[i].invitation, hash
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations i SET token_hash = t.hash, reminded_at = $1
FROM unnest($2::uuid[], $3::bytea[]) AS t(id, hash) WHERE i.id = t.id`, now, ids, hashes); err != nil {
			return fmt.Errorf("renewing reminded invitations: %w", err)
		}
		mails := make([]memberMail, len(todo))
		for i, d := range todo {
			mails[i] = memberMail{member: d.member, letter: Letter{Kind: "reminder", To: d.email, Municipality: d.municipality,
				ActionToken: d.token, PollID: pollID}}
		}
		reminded = len(todo)
		return mailMembers(ctx, tx, compose, mails, now)
	})
	if err != nil {
		return 0, err
	}
	return reminded, nil
}

// Reach is how many members of one municipality's panel an invitation
// would reach.
type Reach struct {
	Municipality string
	// New are the members it would invite; Already those it would skip
	// because they were invited to the poll before.
	New, Already int
}

// ReachPanel counts whom InvitePanel with the same filter would invite to
// the poll with pollID and whom it would skip, per municipality of f in
// its order, a municipality without matching members included. It
// invites nobody.
func (s *Store) ReachPanel(ctx context.Context, pollID string, f PanelFilter) ([]Reach, error) {
	if err := checkID("poll", pollID); err != nil {
		return nil, err
	}
	neighbourhoods, prefixes := inviteMatch(f)
	rows, err := s.pool.Query(ctx, `SELECT m.municipality,
    count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM invitations i WHERE i.poll_id = $1 AND i.panel_member_id = m.id)),
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM invitations i WHERE i.poll_id = $1 AND i.panel_member_id = m.id))
FROM panel_members m
WHERE m.status = 'active' AND m.municipality = ANY($2)
  AND (cardinality($3::text[]) = 0 OR m.age_band = ANY($3))
  AND (cardinality($4::text[]) = 0 OR lower(m.neighbourhood) = ANY($4))
  AND (cardinality($5::text[]) = 0 OR replace(m.postcode, ' ', '') LIKE ANY($5))
GROUP BY m.municipality`, pollID, textArray(f.Municipalities), textArray(f.AgeBands), neighbourhoods, prefixes)
	if err != nil {
		return nil, fmt.Errorf("counting panel members to invite: %w", err)
	}
	counts := map[string]Reach{}
	var r Reach
	if _, err := pgx.ForEachRow(rows, []any{&r.Municipality, &r.New, &r.Already}, func() error {
		counts[r.Municipality] = r
		return nil
	}); err != nil {
		return nil, fmt.Errorf("counting panel members to invite: %w", err)
	}
	out := make([]Reach, 0, len(f.Municipalities))
	for _, m := range f.Municipalities {
		c := counts[m]
		c.Municipality = m
		out = append(out, c)
	}
	return out, nil
}

// inviteMatch is f's neighbourhoods and postcode prefixes as the queries
// that choose members compare them.
func inviteMatch(f PanelFilter) (neighbourhoods, prefixes []string) {
	neighbourhoods = make([]string, len(f.Neighbourhoods))
	for i, n := range f.Neighbourhoods {
		neighbourhoods[i] = strings.ToLower(n)
	}
	prefixes = make([]string, len(f.PostcodePrefixes))
	for i, p := range f.PostcodePrefixes {
		prefixes[i] = likeEscape(strings.ToUpper(strings.Join(strings.Fields(p), ""))) + "%"
	}
	return neighbourhoods, prefixes
}
