package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
)

// AdviceStart makes the advice of the process the store read, with the
// reference number it drew, and the events that announce it.
type AdviceStart func(p advice.Process, reference string) (advice.Advice, []events.Event, error)

// AdviceChange changes an advice read with its row locked and returns the
// events that announce the change.
type AdviceChange func(a *advice.Advice) ([]events.Event, error)

// CreateAdvice stores the advice start makes for the process with
// processID. The process's row is locked meanwhile; a process has one
// advice.
func (s *Store) CreateAdvice(ctx context.Context, processID string, start AdviceStart) (advice.Advice, error) {
	var out advice.Advice
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := readProcess(ctx, tx, processID, true)
		if err != nil {
			return err
		}
		ref, err := drawReference(ctx, tx, p.Tenant, time.Now())
		if err != nil {
			return err
		}
		a, evs, err := start(p, ref)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO advices (id, process_id, tenant, participants, addressees, origin, theme, reference,
    status, latest_version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			a.ID(), p.ID, p.Tenant, textArray(p.Participants), a.Addressees(), p.Origin, p.Theme, a.Reference(),
			string(a.Status()), a.Latest().Number, a.CreatedAt(), a.UpdatedAt())
		if isUniqueViolation(err, "advices_process_id_key") {
			return &errs.Error{Code: errs.Conflict, Message: "the process has an advice already; write a new version of it",
				Fields: []errs.Field{{Path: "/processId", Reason: "names a process that has an advice already"}}}
		}
		if err != nil {
			return fmt.Errorf("inserting advice: %w", err)
		}
		if err := writeVersion(ctx, tx, a); err != nil {
			return err
		}
		a.Saved()
		out = a
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

// drawReference returns the next reference number of tenant in the year
// of now (in Amsterdam's calendar, near enough at new year): PR-<tenant>-
// <year>-<nnn>. The counter row stays locked until the transaction ends,
// so numbers are never drawn twice.
func drawReference(ctx context.Context, tx pgx.Tx, tenant string, now time.Time) (string, error) {
	year := now.Year()
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO reference_counters (tenant, year, last) VALUES ($1, $2, 1)
ON CONFLICT (tenant, year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last`, tenant, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("drawing a reference number: %w", err)
	}
	return fmt.Sprintf("PR-%s-%d-%03d", tenant, year, n), nil
}

// Advice returns the advice with id, with its latest version.
func (s *Store) Advice(ctx context.Context, id string) (advice.Advice, error) {
	return readAdvice(ctx, s.pool, id, false)
}

// AdviceOfProcess returns the advice of the process with processID.
func (s *Store) AdviceOfProcess(ctx context.Context, processID string) (advice.Advice, error) {
	if !validID(processID) {
		return advice.Advice{}, notFound("advice of process", processID)
	}
	var id string
	err := s.pool.QueryRow(ctx, `SELECT id FROM advices WHERE process_id = $1`, processID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return advice.Advice{}, notFound("advice of process", processID)
	}
	if err != nil {
		return advice.Advice{}, fmt.Errorf("reading the advice of process %s: %w", processID, err)
	}
	return readAdvice(ctx, s.pool, id, false)
}

// AdviceFilter narrows a list of advice. Empty fields do not filter.
type AdviceFilter struct {
	Visibility
	// Tenant keeps the advice of one municipality, including shared
	// advice addressed to it, or of one region.
	Tenant    string
	ProcessID string
	Status    advice.Status
	// Sent keeps the advice that was sent, whatever its latest version.
	Sent bool
}

// Advices lists the advice f lets through, newest first.
func (s *Store) Advices(ctx context.Context, f AdviceFilter, p Page) ([]advice.Advice, string, error) {
	before, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	var process *string
	if f.ProcessID != "" {
		if !validID(f.ProcessID) {
			return nil, "", nil
		}
		process = &f.ProcessID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+adviceColumns+` FROM advices a
JOIN advice_versions v ON v.advice_id = a.id AND v.number = a.latest_version
JOIN processes p ON p.id = a.process_id
WHERE ($1 OR a.tenant = ANY($2) OR a.participants && $2)
  AND ($3 = '' OR a.tenant = $3 OR $3 = ANY(a.participants))
  AND ($4::uuid IS NULL OR a.process_id = $4)
  AND ($5 = '' OR a.status = $5)
  AND ($6::uuid IS NULL OR a.id < $6)
  AND (NOT $8 OR a.sent_version > 0)
ORDER BY a.id DESC LIMIT $7`, f.All, textArray(f.Tenants), f.Tenant, process, string(f.Status), before, p.Limit+1, f.Sent)
	if err != nil {
		return nil, "", fmt.Errorf("listing advice: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (advice.Advice, error) { return scanAdvice(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing advice: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, advice.Advice.ID)
	return list, next, nil
}

// ChangeAdvice changes the advice with id (a new version, an adoption).
// The row is locked while change runs, so concurrent changes serialise
// and their events reach the outbox in commit order.
func (s *Store) ChangeAdvice(ctx context.Context, id string, change AdviceChange) (advice.Advice, error) {
	var out advice.Advice
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := readAdvice(ctx, tx, id, true)
		if err != nil {
			return err
		}
		evs, err := change(&a)
		if err != nil {
			return err
		}
		if err := writeAdvice(ctx, tx, a); err != nil {
			return err
		}
		a.Saved()
		out = a
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

// writeAdvice stores a's fields and its latest version: inserted when new
// (marking the one it superseded), else its status as adopted or sent.
func writeAdvice(ctx context.Context, tx pgx.Tx, a advice.Advice) error {
	_, err := tx.Exec(ctx, `UPDATE advices SET status = $2, latest_version = $3, sent_version = $4, first_sent_at = $5,
sent_at = $6, content_hash = $7, updated_at = $8 WHERE id = $1`,
		a.ID(), string(a.Status()), a.Latest().Number, a.SentVersion(), timeOrNull(a.FirstSentAt()), timeOrNull(a.SentAt()),
		a.ContentHash(), a.UpdatedAt())
	if err != nil {
		return fmt.Errorf("updating advice %s: %w", a.ID(), err)
	}
	if n := a.Superseded(); n > 0 {
		if _, err := tx.Exec(ctx, `UPDATE advice_versions SET status = 'superseded' WHERE advice_id = $1 AND number = $2`, a.ID(), n); err != nil {
			return fmt.Errorf("superseding version %d of advice %s: %w", n, a.ID(), err)
		}
	}
	if a.Added() {
		return writeVersion(ctx, tx, a)
	}
	v := a.Latest()
	var ev []byte
	if v.Evidence != nil {
		if ev, err = json.Marshal(v.Evidence); err != nil {
			return fmt.Errorf("encoding evidence: %w", err)
		}
	}
	_, err = tx.Exec(ctx, `UPDATE advice_versions SET status = $3, adopted_by = $4, adopted_at = $5, sent_at = $6, evidence = $7,
content_hash = $8 WHERE advice_id = $1 AND number = $2 AND status <> 'sent'`,
		a.ID(), v.Number, string(v.Status), v.AdoptedBy, timeOrNull(v.AdoptedAt), timeOrNull(v.SentAt), ev, v.ContentHash)
	if err != nil {
		return fmt.Errorf("updating version %d of advice %s: %w", v.Number, a.ID(), err)
	}
	return nil
}

// writeVersion inserts a's latest version.
func writeVersion(ctx context.Context, tx pgx.Tx, a advice.Advice) error {
	v := a.Latest()
	content, err := json.Marshal(v.Content)
	if err != nil {
		return fmt.Errorf("encoding advice text: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO advice_versions (advice_id, number, content, change_note, correction, status, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID(), v.Number, content, v.ChangeNote, v.Correction, string(v.Status), v.CreatedBy, v.CreatedAt)
	if err != nil {
		return fmt.Errorf("inserting version %d of advice %s: %w", v.Number, a.ID(), err)
	}
	return nil
}

// Versions returns every version of the advice with id, oldest first.
func (s *Store) Versions(ctx context.Context, id string) ([]advice.Version, error) {
	if !validID(id) {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+versionColumns+` FROM advice_versions v WHERE advice_id = $1 ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("listing versions of advice %s: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (advice.Version, error) { return scanVersion(row) })
	if err != nil {
		return nil, fmt.Errorf("listing versions of advice %s: %w", id, err)
	}
	return list, nil
}

// Version returns version number of the advice with id.
func (s *Store) Version(ctx context.Context, id string, number int) (advice.Version, error) {
	if !validID(id) {
		return advice.Version{}, notFound("version", strconv.Itoa(number))
	}
	v, err := scanVersion(s.pool.QueryRow(ctx, `SELECT `+versionColumns+` FROM advice_versions v WHERE advice_id = $1 AND number = $2`, id, number))
	if errors.Is(err, pgx.ErrNoRows) {
		return advice.Version{}, notFound("version", strconv.Itoa(number))
	}
	if err != nil {
		return advice.Version{}, fmt.Errorf("reading version %d of advice %s: %w", number, id, err)
	}
	return v, nil
}

// SentCorrections returns the change notes of the corrections sent up to
// version upTo of the advice with id, oldest first.
func (s *Store) SentCorrections(ctx context.Context, id string, upTo int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT change_note FROM advice_versions
WHERE advice_id = $1 AND correction AND status = 'sent' AND number <= $2 ORDER BY number`, id, upTo)
	if err != nil {
		return nil, fmt.Errorf("listing corrections of advice %s: %w", id, err)
	}
	notes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("listing corrections of advice %s: %w", id, err)
	}
	return notes, nil
}

const adviceColumns = `a.id, a.reference, a.addressees, a.sent_version, a.first_sent_at, a.sent_at, a.content_hash, a.created_at, a.updated_at,
p.id, p.tenant, p.participants, p.origin, p.theme, p.closed,
v.number, v.content, v.change_note, v.correction, v.status, v.created_by, v.created_at, v.adopted_by, v.adopted_at, v.sent_at, v.evidence, v.content_hash`

const versionColumns = `v.number, v.content, v.change_note, v.correction, v.status, v.created_by, v.created_at, v.adopted_by, v.adopted_at, v.sent_at, v.evidence, v.content_hash`

// readAdvice reads the advice with id and its latest version, its row
// locked if lock.
func readAdvice(ctx context.Context, q querier, id string, lock bool) (advice.Advice, error) {
	if !validID(id) {
		return advice.Advice{}, notFound("advice", id)
	}
	sql := `SELECT ` + adviceColumns + ` FROM advices a
JOIN advice_versions v ON v.advice_id = a.id AND v.number = a.latest_version
JOIN processes p ON p.id = a.process_id WHERE a.id = $1`
	if lock {
		sql += ` FOR UPDATE OF a`
	}
	a, err := scanAdvice(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return advice.Advice{}, notFound("advice", id)
	}
	if err != nil {
		return advice.Advice{}, fmt.Errorf("reading advice %s: %w", id, err)
	}
	return a, nil
}

func scanAdvice(row pgx.Row) (advice.Advice, error) {
	var ar adviceRow
	if err := row.Scan(ar.targets()...); err != nil {
		return advice.Advice{}, err
	}
	return ar.advice()
}

type versionRow struct {
	number            int
	content, evidence []byte
	note, status      string
	correction        bool
	createdBy         string
	createdAt         time.Time
	adoptedBy, hash   string
	adoptedAt, sentAt *time.Time
}

func (v versionRow) version() (advice.Version, error) {
	out := advice.Version{Number: v.number, ChangeNote: v.note, Correction: v.correction, Status: advice.Status(v.status),
		CreatedBy: v.createdBy, CreatedAt: v.createdAt.UTC(), AdoptedBy: v.adoptedBy, AdoptedAt: timeOf(v.adoptedAt),
		SentAt: timeOf(v.sentAt), ContentHash: v.hash}
	if err := json.Unmarshal(v.content, &out.Content); err != nil {
		return advice.Version{}, fmt.Errorf("decoding the text of version %d: %w", v.number, err)
	}
	if v.evidence != nil {
		out.Evidence = &evidence.Snapshot{}
		if err := json.Unmarshal(v.evidence, out.Evidence); err != nil {
			return advice.Version{}, fmt.Errorf("decoding the evidence of version %d: %w", v.number, err)
		}
	}
	return out, nil
}

func scanVersion(row pgx.Row) (advice.Version, error) {
	var v versionRow
	if err := row.Scan(&v.number, &v.content, &v.note, &v.correction, &v.status, &v.createdBy, &v.createdAt, &v.adoptedBy,
		&v.adoptedAt, &v.sentAt, &v.evidence, &v.hash); err != nil {
		return advice.Version{}, err
	}
	return v.version()
}
