package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
	"github.com/meedoen/meedoen/internal/tenancy"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

// Resident panels. Every change of a municipality's number of active
// members emits PanelSizeChanged with the new number, in the transaction
// of the change. Changes to one municipality's panel serialise on an
// advisory lock, so that the numbers in successive events are the true
// ones in commit order.

// ConfirmationTTL is how long a sign-up's confirmation link works.
const ConfirmationTTL = 7 * 24 * time.Hour

// signUpMailInterval is the least time between two sign-up mails to one
// address: the sign-up form answers the same for any address, so without
// it anyone could flood someone's mailbox.
const signUpMailInterval = 5 * time.Minute

// Letter is a panel mail to compose, with its links' tokens. The store
// makes the tokens; the caller writes the text and the links.
type Letter struct {
	// Kind is the mail's kind: "panel_confirm", "panel_already_member",
	// "invitation" or "reminder".
	Kind         string
	To           string
	Municipality string
	// ActionToken is the confirmation or invitation link's token; empty
	// for "panel_already_member".
	ActionToken string
	// UnsubscribeToken is the token of the mail's unsubscribe link.
	UnsubscribeToken string
	// PollID is the poll of an invitation or reminder.
	PollID string
}

// Compose turns a Letter into the mail to queue.
type Compose func(Letter) mailq.Mail

const memberColumns = `id::text, municipality, coalesce(email, ''), coalesce(postcode, ''), coalesce(neighbourhood, ''),
coalesce(age_band, ''), status, source, consent_at, consent_version, language, created_at, updated_at, unsubscribed_at`

func scanMember(row pgx.Row) (panel.Member, error) {
	var (
		m              panel.Member
		status, source string
		unsubscribedAt *time.Time
	)
	err := row.Scan(&m.ID, &m.Municipality, &m.Email, &m.Postcode, &m.Neighbourhood, &m.AgeBand, &status, &source,
		&m.ConsentAt, &m.ConsentVersion, &m.Language, &m.CreatedAt, &m.UpdatedAt, &unsubscribedAt)
	m.Status, m.Source = panel.Status(status), panel.Source(source)
	m.ConsentAt, m.CreatedAt, m.UpdatedAt = m.ConsentAt.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	m.UnsubscribedAt = timeOf(unsubscribedAt)
	return m, err
}

// memberNotFound is what a member that does not exist, or is not in the
// municipality asked about, answers.
func memberNotFound(id string) error { return errs.New(errs.NotFound, "panel member %q not found", id) }

// emailHash is the tombstone's form of an address.
func emailHash(email string) []byte {
	h := sha256.Sum256([]byte(panel.EmailKey(email)))
	return h[:]
}

// nullIfEmpty stores an absent attribute as NULL.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// lockPanel serialises changes to municipality's panel until tx ends and
// returns its number of active members.
func lockPanel(ctx context.Context, tx pgx.Tx, municipality string) (int, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('surveys.panel:' || $1, 0))`, municipality); err != nil {
		return 0, fmt.Errorf("locking the panel of %s: %w", municipality, err)
	}
	return activeMembers(ctx, tx, municipality)
}

func activeMembers(ctx context.Context, tx pgx.Tx, municipality string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM panel_members WHERE municipality = $1 AND status = 'active'`, municipality).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting the panel of %s: %w", municipality, err)
	}
	return n, nil
}

// announceSize enqueues PanelSizeChanged if the panel's number of active
// members is no longer before. Call it after lockPanel, in the same
// transaction.
func announceSize(ctx context.Context, tx pgx.Tx, municipality string, before int) error {
	after, err := activeMembers(ctx, tx, municipality)
	if err != nil || after == before {
		return err
	}
	ev, err := events.New(ctx, municipality, municipality, &eventsv1.PanelSizeChanged{
		MunicipalityCode: municipality, Members: int32(after)})
	if err != nil {
		return fmt.Errorf("announcing the panel size of %s: %w", municipality, err)
	}
	return events.Enqueue(ctx, tx, ev)
}

// addToken stores the hash of a new token for member's links and returns
// the token.
// queueToken is addToken for many: it adds the token's insert to b.
func queueToken(b *pgx.Batch, memberID, purpose string, now time.Time, ttl time.Duration) (string, error) {
	token, hash, err := resident.NewInvitationToken()
	if err != nil {
		return "", fmt.Errorf("new %s token: %w", purpose, err)
	}
	var expires *time.Time
	if ttl > 0 {
		t := now.Add(ttl)
		expires = &t
	}
	b.Queue(`INSERT INTO panel_tokens (token_hash, member_id, purpose, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)`, hash, memberID, purpose, now, expires)
	return token, nil
}

func addToken(ctx context.Context, tx pgx.Tx, memberID, purpose string, now time.Time, ttl time.Duration) (string, error) {
	token, hash, err := resident.NewInvitationToken()
	if err != nil {
		return "", fmt.Errorf("new %s token: %w", purpose, err)
	}
	var expires *time.Time
	if ttl > 0 {
		t := now.Add(ttl)
		expires = &t
	}
	if _, err := tx.Exec(ctx, `INSERT INTO panel_tokens (token_hash, member_id, purpose, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)`, hash, memberID, purpose, now, expires); err != nil {
		return "", fmt.Errorf("storing a %s token: %w", purpose, err)
	}
	return token, nil
}

func logConsent(ctx context.Context, tx pgx.Tx, memberID, kind, version, source string, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO panel_consents (member_id, kind, consent_version, source, at)
VALUES ($1, $2, $3, $4, $5)`, memberID, kind, version, source, at); err != nil {
		return fmt.Errorf("logging consent: %w", err)
	}
	return nil
}

// MunicipalityName returns the name of the municipality with code, as the
// councils service announced it; not found if it is not known.
func (s *Store) MunicipalityName(ctx context.Context, code string) (string, error) {
	m, err := tenancy.LookupMunicipality(ctx, s.pool, code)
	if errors.Is(err, tenancy.ErrUnknown) {
		return "", errs.New(errs.NotFound, "municipality %q not found", code)
	}
	if err != nil {
		return "", err
	}
	return m.Name, nil
}

// MunicipalityRegion returns the region of the municipality with code, as
// the councils service announced it; not found if it is not known.
func (s *Store) MunicipalityRegion(ctx context.Context, code string) (string, error) {
	m, err := tenancy.LookupMunicipality(ctx, s.pool, code)
	if errors.Is(err, tenancy.ErrUnknown) {
		return "", errs.New(errs.NotFound, "municipality %q not found", code)
	}
	if err != nil {
		return "", err
	}
	return m.RegionID, nil
}

// SignUp adds a pending member for a (normalised) and queues the
// confirmation mail. An address on the panel already changes nothing but
// gets a mail: a pending member a new confirmation link, an active member
// the news that they are a member already. Either way the caller learns
// nothing, and an address gets at most one such mail per few minutes.
func (s *Store) SignUp(ctx context.Context, a panel.Application, compose Compose, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			id, status string
			mailedAt   *time.Time
		)
		err := tx.QueryRow(ctx, `SELECT id::text, status, last_mailed_at FROM panel_members
WHERE municipality = $1 AND lower(email) = lower($2) FOR UPDATE`, a.Municipality, a.Email).Scan(&id, &status, &mailedAt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return s.addApplicant(ctx, tx, a, compose, now)
		case err != nil:
			return fmt.Errorf("looking up a sign-up: %w", err)
		}
		if mailedAt != nil && now.Sub(*mailedAt) < signUpMailInterval {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE panel_members SET last_mailed_at = $2 WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("noting a sign-up mail: %w", err)
		}
		unsubscribe, err := addToken(ctx, tx, id, "unsubscribe", now, 0)
		if err != nil {
			return err
		}
		l := Letter{Kind: "panel_already_member", To: a.Email, Municipality: a.Municipality, UnsubscribeToken: unsubscribe}
		if panel.Status(status) == panel.Pending {
			// The latest sign-up is what the resident wants now.
			if _, err := tx.Exec(ctx, `UPDATE panel_members SET postcode = $2, neighbourhood = $3, age_band = $4,
consent_at = $5, consent_version = $6, language = $7, updated_at = $5 WHERE id = $1`,
				id, nullIfEmpty(a.Postcode), nullIfEmpty(a.Neighbourhood), nullIfEmpty(a.AgeBand), now, a.ConsentVersion, a.Language); err != nil {
				return fmt.Errorf("updating a sign-up: %w", err)
			}
			if err := logConsent(ctx, tx, id, "given", a.ConsentVersion, "sign_up", now); err != nil {
				return err
			}
			l.Kind = "panel_confirm"
			if l.ActionToken, err = addToken(ctx, tx, id, "confirm", now, ConfirmationTTL); err != nil {
				return err
			}
		}
		return mailq.Enqueue(ctx, tx, compose(l))
	})
	// Two sign-ups of one new address at once: the other one mails.
	if isUniqueViolation(err, "panel_members_email") {
		return nil
	}
	return err
}

func (s *Store) addApplicant(ctx context.Context, tx pgx.Tx, a panel.Application, compose Compose, now time.Time) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("new panel member id: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO panel_members (id, municipality, email, postcode, neighbourhood, age_band,
status, source, consent_at, consent_version, language, created_at, updated_at, last_mailed_at)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', 'sign_up', $7, $8, $9, $7, $7, $7)`,
		id, a.Municipality, a.Email, nullIfEmpty(a.Postcode), nullIfEmpty(a.Neighbourhood), nullIfEmpty(a.AgeBand),
		now, a.ConsentVersion, a.Language); err != nil {
		return fmt.Errorf("adding a sign-up: %w", err)
	}
	if err := logConsent(ctx, tx, id.String(), "given", a.ConsentVersion, "sign_up", now); err != nil {
		return err
	}
	confirm, err := addToken(ctx, tx, id.String(), "confirm", now, ConfirmationTTL)
	if err != nil {
		return err
	}
	unsubscribe, err := addToken(ctx, tx, id.String(), "unsubscribe", now, 0)
	if err != nil {
		return err
	}
	return mailq.Enqueue(ctx, tx, compose(Letter{Kind: "panel_confirm", To: a.Email, Municipality: a.Municipality,
		ActionToken: confirm, UnsubscribeToken: unsubscribe}))
}

// memberByToken locks and returns the member whose link for purpose
// carries token. A token that is unknown, expired or malformed is not
// found.
func memberByToken(ctx context.Context, tx pgx.Tx, token, purpose string, now time.Time) (panel.Member, error) {
	notFound := errs.New(errs.NotFound, "link not valid: unknown, used or expired")
	if err := resident.CheckInvitationToken(token); err != nil {
		return panel.Member{}, notFound
	}
	m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM panel_members WHERE id = (
    SELECT member_id FROM panel_tokens
    WHERE token_hash = $1 AND purpose = $2 AND (expires_at IS NULL OR expires_at > $3))
FOR UPDATE`, resident.HashInvitationToken(token), purpose, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return panel.Member{}, notFound
	}
	if err != nil {
		return panel.Member{}, fmt.Errorf("reading a panel member by %s token: %w", purpose, err)
	}
	return m, nil
}

// ConfirmSignUp makes the pending member whose confirmation link carries
// token active and returns their municipality. The link works once.
func (s *Store) ConfirmSignUp(ctx context.Context, token string, now time.Time) (string, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var municipality string
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		m, err := memberByToken(ctx, tx, token, "confirm", now)
		if err != nil {
			return err
		}
		municipality = m.Municipality
		if _, err := tx.Exec(ctx, `DELETE FROM panel_tokens WHERE member_id = $1 AND purpose = 'confirm'`, m.ID); err != nil {
			return fmt.Errorf("using a confirmation token: %w", err)
		}
		if m.Status != panel.Pending {
			return nil
		}
		before, err := lockPanel(ctx, tx, m.Municipality)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE panel_members SET status = 'active', updated_at = $2 WHERE id = $1`, m.ID, now); err != nil {
			return fmt.Errorf("confirming a sign-up: %w", err)
		}
		if err := logConsent(ctx, tx, m.ID, "confirmed", m.ConsentVersion, "confirmation", now); err != nil {
			return err
		}
		return announceSize(ctx, tx, m.Municipality, before)
	})
	return municipality, err
}

// Unsubscribe takes the member whose unsubscribe link carries token off
// their panel and returns their municipality. Their address and
// attributes are erased at once: no reason remains to hold them, and a
// member who leaves expects to be gone. What remains is a tombstone —
// status, dates, consent history, the hash of the address so that an old
// import file cannot bring them back — which keeps the panel's figures
// honest. Unsubscribing twice is fine.
func (s *Store) Unsubscribe(ctx context.Context, token string, now time.Time) (string, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var municipality string
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		m, err := memberByToken(ctx, tx, token, "unsubscribe", now)
		if err != nil {
			return err
		}
		municipality = m.Municipality
		if m.Status == panel.Unsubscribed {
			return nil
		}
		before, err := lockPanel(ctx, tx, m.Municipality)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE panel_members SET status = 'unsubscribed', email = NULL, email_hash = $2,
postcode = NULL, neighbourhood = NULL, age_band = NULL, unsubscribed_at = $3, updated_at = $3 WHERE id = $1`,
			m.ID, emailHash(m.Email), now); err != nil {
			return fmt.Errorf("unsubscribing: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM panel_tokens WHERE member_id = $1 AND purpose = 'confirm'`, m.ID); err != nil {
			return fmt.Errorf("unsubscribing: %w", err)
		}
		if err := withdrawPanelMail(ctx, tx, m.Email); err != nil {
			return err
		}
		if err := logConsent(ctx, tx, m.ID, "withdrawn", m.ConsentVersion, "unsubscribe", now); err != nil {
			return err
		}
		return announceSize(ctx, tx, m.Municipality, before)
	})
	return municipality, err
}

// ErasePanelMember deletes the member with id from municipality's panel,
// with their tokens and consent history, and returns how many of their
// invitations were kept without the link to them.
func (s *Store) ErasePanelMember(ctx context.Context, municipality, id string) (int, error) {
	if err := checkID("panel member", id); err != nil {
		return 0, err
	}
	var unlinked int
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := lockPanel(ctx, tx, municipality)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE invitations SET panel_member_id = NULL WHERE panel_member_id = $1
AND EXISTS (SELECT 1 FROM panel_members WHERE id = $1 AND municipality = $2)`, id, municipality)
		if err != nil {
			return fmt.Errorf("unlinking invitations: %w", err)
		}
		unlinked = int(tag.RowsAffected())
		var email *string
		err = tx.QueryRow(ctx, `DELETE FROM panel_members WHERE id = $1 AND municipality = $2 RETURNING email`, id, municipality).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return memberNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("erasing a panel member: %w", err)
		}
		if email != nil {
			if err := withdrawPanelMail(ctx, tx, *email); err != nil {
				return err
			}
		}
		return announceSize(ctx, tx, municipality, before)
	})
	return unlinked, err
}

// withdrawPanelMail deletes the panel's mails to address that are still
// queued: someone who leaves or is erased gets no invitation, reminder or
// confirmation afterwards. Feedback mails are the respondent's own
// request, apart from the panel, and stay.
func withdrawPanelMail(ctx context.Context, tx pgx.Tx, address string) error {
	if address == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `DELETE FROM outgoing_mail WHERE lower(to_address) = lower($1)
AND kind IN ('invitation', 'reminder', 'panel_confirm', 'panel_already_member')`, address)
	if err != nil {
		return fmt.Errorf("withdrawing queued mail: %w", err)
	}
	return nil
}

// PanelMember returns the member with id of municipality's panel.
func (s *Store) PanelMember(ctx context.Context, municipality, id string) (panel.Member, error) {
	if err := checkID("panel member", id); err != nil {
		return panel.Member{}, err
	}
	m, err := scanMember(s.pool.QueryRow(ctx, `SELECT `+memberColumns+` FROM panel_members
WHERE id = $1 AND municipality = $2`, id, municipality))
	if errors.Is(err, pgx.ErrNoRows) {
		return panel.Member{}, memberNotFound(id)
	}
	if err != nil {
		return panel.Member{}, fmt.Errorf("reading panel member %s: %w", id, err)
	}
	return m, nil
}

// MemberFilter narrows a list of panel members; zero fields take all.
type MemberFilter struct {
	Status panel.Status
	// PostcodePrefix matches postcodes starting with it, spaces ignored.
	PostcodePrefix string
	// Neighbourhood matches regardless of case.
	Neighbourhood string
	AgeBand       string
}

// PanelMembers returns one page of municipality's panel members, oldest
// first, and the cursor of the next page ("" on the last).
func (s *Store) PanelMembers(ctx context.Context, municipality string, f MemberFilter, p Page) ([]panel.Member, string, error) {
	after, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	prefix := strings.ToUpper(strings.Join(strings.Fields(f.PostcodePrefix), ""))
	rows, err := s.pool.Query(ctx, `SELECT `+memberColumns+` FROM panel_members
WHERE municipality = $1
  AND ($2::uuid IS NULL OR id > $2)
  AND ($3 = '' OR status = $3)
  AND ($4 = '' OR replace(postcode, ' ', '') LIKE $4 || '%')
  AND ($5 = '' OR lower(neighbourhood) = lower($5))
  AND ($6 = '' OR age_band = $6)
ORDER BY id
LIMIT $7`, municipality, after, string(f.Status), likeEscape(prefix), f.Neighbourhood, f.AgeBand, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing panel members: %w", err)
	}
	members, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (panel.Member, error) { return scanMember(r) })
	if err != nil {
		return nil, "", fmt.Errorf("listing panel members: %w", err)
	}
	next := ""
	if len(members) > p.Limit {
		members = members[:p.Limit]
		next = cursor.Encode(members[len(members)-1].ID)
	}
	return members, next, nil
}

// likeEscape makes s match itself in a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Consent is one entry of a member's consent history.
type Consent struct {
	Kind    string // "given", "confirmed" or "withdrawn"
	Version string
	Source  string // "import", "sign_up", "confirmation" or "unsubscribe"
	At      time.Time
}

// MemberInvitation is an invitation a member received.
type MemberInvitation struct {
	PollID     string
	InvitedAt  time.Time
	RemindedAt time.Time // zero when no reminder went out
	Used       bool
}

// MemberRecord is everything held on one panel member.
type MemberRecord struct {
	Member      panel.Member
	Consents    []Consent
	Invitations []MemberInvitation
}

// PanelMemberRecord returns everything held on the member with id of
// municipality's panel, for their access request.
func (s *Store) PanelMemberRecord(ctx context.Context, municipality, id string) (MemberRecord, error) {
	if err := checkID("panel member", id); err != nil {
		return MemberRecord{}, err
	}
	var rec MemberRecord
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// One snapshot for the three reads: the export is of one moment.
		if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return fmt.Errorf("exporting a panel member: %w", err)
		}
		m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM panel_members WHERE id = $1 AND municipality = $2`, id, municipality))
		if errors.Is(err, pgx.ErrNoRows) {
			return memberNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("exporting panel member %s: %w", id, err)
		}
		rec.Member = m
		rows, err := tx.Query(ctx, `SELECT kind, consent_version, source, at FROM panel_consents WHERE member_id = $1 ORDER BY id`, id)
		if err != nil {
			return fmt.Errorf("exporting consents: %w", err)
		}
		rec.Consents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Consent, error) {
			var c Consent
			err := r.Scan(&c.Kind, &c.Version, &c.Source, &c.At)
			c.At = c.At.UTC()
			return c, err
		})
		if err != nil {
			return fmt.Errorf("exporting consents: %w", err)
		}
		rows, err = tx.Query(ctx, `SELECT poll_id::text, created_at, reminded_at, used_on IS NOT NULL
FROM invitations WHERE panel_member_id = $1 ORDER BY created_at, id`, id)
		if err != nil {
			return fmt.Errorf("exporting invitations: %w", err)
		}
		rec.Invitations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MemberInvitation, error) {
			var (
				inv      MemberInvitation
				reminded *time.Time
			)
			err := r.Scan(&inv.PollID, &inv.InvitedAt, &reminded, &inv.Used)
			inv.InvitedAt, inv.RemindedAt = inv.InvitedAt.UTC(), timeOf(reminded)
			return inv, err
		})
		if err != nil {
			return fmt.Errorf("exporting invitations: %w", err)
		}
		return nil
	})
	return rec, err
}

// Count is a number of active members with one attribute value.
type Count struct {
	Value   string // "" for members without one
	Members int
}

// PanelSize is the size of a municipality's panel.
type PanelSize struct {
	Active, Pending, Unsubscribed int
	// ByAgeBand counts active members per age band, in the bands' order,
	// then those without; ByNeighbourhood per neighbourhood,
	// alphabetically, then those without. Values without members are left
	// out.
	ByAgeBand, ByNeighbourhood []Count
}

// PanelSize returns the size of municipality's panel.
func (s *Store) PanelSize(ctx context.Context, municipality string) (PanelSize, error) {
	var size PanelSize
	err := s.pool.QueryRow(ctx, `SELECT
    count(*) FILTER (WHERE status = 'active'),
    count(*) FILTER (WHERE status = 'pending'),
    count(*) FILTER (WHERE status = 'unsubscribed')
FROM panel_members WHERE municipality = $1`, municipality).Scan(&size.Active, &size.Pending, &size.Unsubscribed)
	if err != nil {
		return PanelSize{}, fmt.Errorf("counting the panel of %s: %w", municipality, err)
	}
	count := func(column string) ([]Count, error) {
		// column is one of two constants below, never input.
		rows, err := s.pool.Query(ctx, `SELECT coalesce(`+column+`, ''), count(*) FROM panel_members
WHERE municipality = $1 AND status = 'active' GROUP BY 1`, municipality)
		if err != nil {
			return nil, fmt.Errorf("counting the panel of %s by %s: %w", municipality, column, err)
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
			var c Count
			return c, r.Scan(&c.Value, &c.Members)
		})
	}
	if size.ByAgeBand, err = count("age_band"); err != nil {
		return PanelSize{}, err
	}
	if size.ByNeighbourhood, err = count("neighbourhood"); err != nil {
		return PanelSize{}, err
	}
	slices.SortFunc(size.ByAgeBand, func(a, b Count) int {
		return cmp.Compare(panel.AgeBandOrder(a.Value), panel.AgeBandOrder(b.Value))
	})
	slices.SortFunc(size.ByNeighbourhood, func(a, b Count) int {
		switch {
		case a.Value == "" && b.Value != "":
			return 1
		case a.Value != "" && b.Value == "":
			return -1
		}
		return cmp.Compare(strings.ToLower(a.Value), strings.ToLower(b.Value))
	})
	return size, nil
}
