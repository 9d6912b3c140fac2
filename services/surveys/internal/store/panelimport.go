package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

// ImportResult is what an import did, or on a dry run would do.
type ImportResult struct {
	// Imported counts new members; Updated existing members whose data or
	// consent changed (a pending sign-up becomes active); Unchanged rows
	// that matched a member and changed nothing.
	Imported, Updated, Unchanged int
	// Refused are rows the panel's state refuses: an address that
	// unsubscribed after the consent in the file.
	Refused []panel.Problem
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// existing is a member an import row matches.
type existing struct {
	id        string
	status    panel.Status
	attrs     panel.Attributes
	consentAt time.Time
	version   string
}

// ImportPanel adds rows to municipality's panel as active members who
// consented to the text of consentVersion, in one transaction: all of it
// or, on error, none. A row's empty attributes keep the member's; a row
// whose consent is older than the member's changes nothing but its
// attributes. dryRun works it all out and stores nothing.
func (s *Store) ImportPanel(ctx context.Context, municipality, consentVersion string, rows []panel.Row, dryRun bool, now time.Time) (ImportResult, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var res ImportResult
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		res = ImportResult{}
		before, err := lockPanel(ctx, tx, municipality)
		if err != nil {
			return err
		}
		members, tombstones, err := importMatches(ctx, tx, municipality, rows)
		if err != nil {
			return err
		}
		var ins, upd memberBatch
		var consents consentBatch
		for _, r := range rows {
			key := panel.EmailKey(r.Email)
			if left, ok := tombstones[string(emailHash(r.Email))]; ok && !r.ConsentAt.After(left) {
				res.Refused = append(res.Refused, panel.Problem{Line: r.Line, Reason: panel.Reason{
					NL: fmt.Sprintf("dit adres heeft zich op %s afgemeld, na de toestemming in het bestand", left.Format("2006-01-02")),
					EN: fmt.Sprintf("this address unsubscribed on %s, after the consent in the file", left.Format("2006-01-02")),
				}})
				continue
			}
			m, ok := members[key]
			if !ok {
				id, err := uuid.NewV7()
				if err != nil {
					return fmt.Errorf("new panel member id: %w", err)
				}
				ins.add(id.String(), r.Email, r.Attributes, r.ConsentAt, consentVersion)
				consents.add(id.String(), r.ConsentAt, consentVersion)
				res.Imported++
				continue
			}
			attrs := merge(m.attrs, r.Attributes)
			newer := m.status == panel.Pending || r.ConsentAt.After(m.consentAt)
			if !newer && attrs == m.attrs {
				res.Unchanged++
				continue
			}
			at, version := m.consentAt, m.version
			if newer {
				at, version = r.ConsentAt, consentVersion
				consents.add(m.id, at, version)
			}
			upd.add(m.id, "", attrs, at, version)
			res.Updated++
		}
		if err := ins.insert(ctx, tx, municipality, now); err != nil {
			return err
		}
		if err := upd.update(ctx, tx, now); err != nil {
			return err
		}
		if err := consents.insert(ctx, tx); err != nil {
			return err
		}
		if err := announceSize(ctx, tx, municipality, before); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importMatches returns the members that rows' addresses match, by
// EmailKey, and when each tombstone among them unsubscribed, by email hash.
func importMatches(ctx context.Context, tx pgx.Tx, municipality string, rows []panel.Row) (map[string]existing, map[string]time.Time, error) {
	keys := make([]string, len(rows))
	hashes := make([][]byte, len(rows))
	for i, r := range rows {
		keys[i], hashes[i] = panel.EmailKey(r.Email), emailHash(r.Email)
	}
	q, err := tx.Query(ctx, `SELECT id::text, lower(email), status, coalesce(postcode, ''), coalesce(neighbourhood, ''),
coalesce(age_band, ''), consent_at, consent_version
FROM panel_members WHERE municipality = $1 AND lower(email) = ANY($2)
FOR UPDATE`, municipality, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("matching imported members: %w", err)
	}
	members := map[string]existing{}
	var (
		m      existing
		key    string
		status string
	)
	_, err = pgx.ForEachRow(q, []any{&m.id, &key, &status, &m.attrs.Postcode, &m.attrs.Neighbourhood, &m.attrs.AgeBand, &m.consentAt, &m.version}, func() error {
		m.status = panel.Status(status)
		members[key] = m
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching imported members: %w", err)
	}
	q, err = tx.Query(ctx, `SELECT email_hash, max(unsubscribed_at) FROM panel_members
WHERE municipality = $1 AND status = 'unsubscribed' AND email_hash = ANY($2) GROUP BY email_hash`, municipality, hashes)
	if err != nil {
		return nil, nil, fmt.Errorf("matching unsubscribed addresses: %w", err)
	}
	tombstones := map[string]time.Time{}
	var (
		hash []byte
		left time.Time
	)
	_, err = pgx.ForEachRow(q, []any{&hash, &left}, func() error {
		tombstones[string(hash)] = left.UTC()
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching unsubscribed addresses: %w", err)
	}
	return members, tombstones, nil
}

// merge is a member's attributes after an import row: what the row gives
// replaces, what it leaves empty stays.
func merge(have, row panel.Attributes) panel.Attributes {
	if row.Postcode != "" {
		have.Postcode = row.Postcode
	}
	if row.Neighbourhood != "" {
		have.Neighbourhood = row.Neighbourhood
	}
	if row.AgeBand != "" {
		have.AgeBand = row.AgeBand
	}
	return have
}

// memberBatch is members to insert or update in one statement.
type memberBatch struct {
	ids, emails, postcodes, neighbourhoods, ageBands, versions []string
	consentAt                                                  []time.Time
}

func (b *memberBatch) add(id, email string, a panel.Attributes, consentAt time.Time, version string) {
	b.ids = append(b.ids, id)
	b.emails = append(b.emails, email)
	b.postcodes = append(b.postcodes, a.Postcode)
	b.neighbourhoods = append(b.neighbourhoods, a.Neighbourhood)
	b.ageBands = append(b.ageBands, a.AgeBand)
	b.consentAt = append(b.consentAt, consentAt)
	b.versions = append(b.versions, version)
}

func (b *memberBatch) insert(ctx context.Context, tx pgx.Tx, municipality string, now time.Time) error {
	if len(b.ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO panel_members (id, municipality, email, postcode, neighbourhood, age_band,
status, source, consent_at, consent_version, created_at, updated_at)
SELECT id, $1, email, NULLIF(postcode, ''), NULLIF(neighbourhood, ''), NULLIF(age_band, ''),
    'active', 'import', consent_at, version, $2, $2
FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
    AS t(id, email, postcode, neighbourhood, age_band, consent_at, version)`,
		municipality, now, b.ids, b.emails, b.postcodes, b.neighbourhoods, b.ageBands, b.consentAt, b.versions)
	if err != nil {
		return fmt.Errorf("inserting imported members: %w", err)
	}
	return nil
}

func (b *memberBatch) update(ctx context.Context, tx pgx.Tx, now time.Time) error {
	if len(b.ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE panel_members m SET status = 'active',
    postcode = NULLIF(t.postcode, ''), neighbourhood = NULLIF(t.neighbourhood, ''), age_band = NULLIF(t.age_band, ''),
    consent_at = t.consent_at, consent_version = t.version, updated_at = $1
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
    AS t(id, postcode, neighbourhood, age_band, consent_at, version)
WHERE m.id = t.id`, now, b.ids, b.postcodes, b.neighbourhoods, b.ageBands, b.consentAt, b.versions)
	if err != nil {
		return fmt.Errorf("updating imported members: %w", err)
	}
	return nil
}

// consentBatch is consents given by import, to log in one statement.
type consentBatch struct {
	members, versions []string
	at                []time.Time
}

func (b *consentBatch) add(member string, at time.Time, version string) {
	b.members = append(b.members, member)
	b.at = append(b.at, at)
	b.versions = append(b.versions, version)
}

func (b *consentBatch) insert(ctx context.Context, tx pgx.Tx) error {
	if len(b.members) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO panel_consents (member_id, kind, consent_version, source, at)
SELECT member, 'given', version, 'import', at
FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) WITH ORDINALITY AS t(member, at, version, n)
ORDER BY n`, b.members, b.at, b.versions)
	if err != nil {
		return fmt.Errorf("logging imported consents: %w", err)
	}
	return nil
}
