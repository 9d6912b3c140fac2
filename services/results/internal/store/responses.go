package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// ResponseEffects is what a change of a response writes besides it: the
// events, the mail, and, for a recorded response, who recorded it (the
// store keeps each version of the response with them).
type ResponseEffects struct {
	Events     []events.Event
	Mail       []mailq.Mail
	RecordedBy string
}

// ResponseChange changes a response, read with its row locked, of the
// advice a. r is nil when the advice has no response of the municipality:
// the change then says only whether the caller may know that (the store
// answers not found when it returns nil).
type ResponseChange func(a advice.Advice, r *response.Response) (ResponseEffects, error)

// ChangeResponse changes the response of municipality to the advice with
// adviceID. The advice is read (not locked: a response never changes its
// advice) and the response locked; a municipality the advice is not
// addressed to, or an advice not sent, has no response: not found.
func (s *Store) ChangeResponse(ctx context.Context, adviceID, municipality string, change ResponseChange) (advice.Advice, response.Response, error) {
	var outA advice.Advice
	var outR response.Response
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := readAdvice(ctx, tx, adviceID, false)
		if err != nil {
			return err
		}
		r, err := readResponse(ctx, tx, adviceID, municipality, true)
		if errors.Is(err, errNoResponse) {
			// The caller learns nothing from a missing response they
			// could not see either: the change decides what to say, with
			// a response of none.
			_, err = change(a, nil)
			if err == nil {
				err = notFound("response of municipality", municipality)
			}
			return err
		}
		if err != nil {
			return err
		}
		before := r.Version()
		fx, err := change(a, &r)
		if err != nil {
			return err
		}
		if err := writeResponse(ctx, tx, r); err != nil {
			return err
		}
		if r.Version() != before {
			answers, err := json.Marshal(r.Answers())
			if err != nil {
				return fmt.Errorf("encoding answers: %w", err)
			}
			_, err = tx.Exec(ctx, `INSERT INTO response_versions (advice_id, municipality, version, decided_on, answers, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, adviceID, municipality, r.Version(), r.DecidedOn().Date(), answers, fx.RecordedBy, r.AnsweredAt())
			if err != nil {
				return fmt.Errorf("storing version %d of the response of %s: %w", r.Version(), municipality, err)
			}
		}
		for _, m := range fx.Mail {
			if err := mailq.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		if err := changedFigures(ctx, tx); err != nil {
			return err
		}
		outA, outR = a, r
		return events.Enqueue(ctx, tx, fx.Events...)
	})
	return outA, outR, err
}

// Response returns the response of municipality to the advice with
// adviceID, with the advice.
func (s *Store) Response(ctx context.Context, adviceID, municipality string) (advice.Advice, response.Response, error) {
	a, err := readAdvice(ctx, s.pool, adviceID, false)
	if err != nil {
		return advice.Advice{}, response.Response{}, err
	}
	r, err := readResponse(ctx, s.pool, adviceID, municipality, false)
	if errors.Is(err, errNoResponse) {
		return a, response.Response{}, notFound("response of municipality", municipality)
	}
	return a, r, err
}

// ResponsesOf returns every response to the advice with adviceID, by
// municipality.
func (s *Store) ResponsesOf(ctx context.Context, adviceID string) ([]response.Response, error) {
	return readResponses(ctx, s.pool, adviceID)
}

// ResponseFilter narrows a list of responses. Empty fields do not filter.
type ResponseFilter struct {
	Visibility
	// Tenant keeps the responses of one municipality, or of the
	// municipalities of one region.
	Tenant   string
	AdviceID string
	Status   response.Status
	// OverdueAt keeps the responses awaited and overdue at that instant.
	OverdueAt time.Time
}

// Listed is a response with the advice it answers, for lists.
type Listed struct {
	Advice   advice.Advice
	Response response.Response
}

// Responses lists the responses f lets through, the earliest due first.
func (s *Store) Responses(ctx context.Context, f ResponseFilter, p Page) ([]Listed, string, error) {
	after, err := cursor.Decode(p.Cursor, validResponseKey)
	if err != nil {
		return nil, "", err
	}
	var adviceID *string
	if f.AdviceID != "" {
		if !validID(f.AdviceID) {
			return nil, "", nil
		}
		adviceID = &f.AdviceID
	}
	var overdue *time.Time
	if !f.OverdueAt.IsZero() {
		overdue = &f.OverdueAt
	}
	afterDue, afterAdvice, afterMunicipality := splitResponseKey(after)
	rows, err := s.pool.Query(ctx, `SELECT `+responseColumns+`, `+adviceColumns+` FROM responses r
JOIN advices a ON a.id = r.advice_id
JOIN advice_versions v ON v.advice_id = a.id AND v.number = a.latest_version
JOIN processes p ON p.id = a.process_id
LEFT JOIN tenant_municipalities m ON m.code = r.municipality
WHERE ($1 OR r.municipality = ANY($2) OR a.tenant = ANY($2) OR a.participants && $2)
  AND ($3 = '' OR r.municipality = $3 OR m.region_id = $3)
  AND ($4::uuid IS NULL OR r.advice_id = $4)
  AND ($5 = '' OR r.status = $5)
  AND ($6::timestamptz IS NULL OR (r.status <> 'answered' AND r.due_at <= $6))
  AND ($7::timestamptz IS NULL OR (r.due_at, r.advice_id, r.municipality) > ($7, $8::uuid, $9))
ORDER BY r.due_at, r.advice_id, r.municipality LIMIT $10`,
		f.All, textArray(f.Tenants), f.Tenant, adviceID, string(f.Status), overdue, afterDue, afterAdvice, afterMunicipality, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing responses: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Listed, error) {
		var l Listed
		var rr responseRow
		var ar adviceRow
		if err := row.Scan(append(rr.targets(), ar.targets()...)...); err != nil {
			return l, err
		}
		var err error
		if l.Response, err = rr.response(); err != nil {
			return l, err
		}
		l.Advice, err = ar.advice()
		return l, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing responses: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, func(l Listed) string {
		return responseKey(l.Response.Term().Due(), l.Response.AdviceID(), l.Response.Municipality())
	})
	return list, next, nil
}

// writeResponse upserts r.
func writeResponse(ctx context.Context, tx pgx.Tx, r response.Response) error {
	answers, err := json.Marshal(nonNil(r.Answers()))
	if err != nil {
		return fmt.Errorf("encoding answers: %w", err)
	}
	revisions, err := json.Marshal(nonNil(r.Revisions()))
	if err != nil {
		return fmt.Errorf("encoding revision requests: %w", err)
	}
	name, email := r.Owner()
	var decided *time.Time
	if !r.DecidedOn().IsZero() {
		d := r.DecidedOn().Date()
		decided = &d
	}
	t := r.Term()
	_, err = tx.Exec(ctx, `INSERT INTO responses (advice_id, municipality, advice_version, recommendations, status, term_days, deadline,
    due_at, received_at, acknowledged_at, owner_name, owner_email, version, decided_on, answers, answered_at, on_time, revisions, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (advice_id, municipality) DO UPDATE SET advice_version = excluded.advice_version, status = excluded.status,
    term_days = excluded.term_days, deadline = excluded.deadline, due_at = excluded.due_at,
    acknowledged_at = excluded.acknowledged_at, owner_name = excluded.owner_name, owner_email = excluded.owner_email,
    version = excluded.version, decided_on = excluded.decided_on, answers = excluded.answers, answered_at = excluded.answered_at,
    on_time = excluded.on_time, revisions = excluded.revisions, updated_at = excluded.updated_at`,
		r.AdviceID(), r.Municipality(), r.AdviceVersion(), r.Recommendations(), string(r.Status()), t.Days, t.Deadline.Date(),
		t.Due(), r.ReceivedAt(), timeOrNull(r.AcknowledgedAt()), name, email, r.Version(), decided, answers,
		timeOrNull(r.AnsweredAt()), r.OnTime(), revisions, r.UpdatedAt())
	if err != nil {
		return fmt.Errorf("storing the response of %s to advice %s: %w", r.Municipality(), r.AdviceID(), err)
	}
	return nil
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// errNoResponse means the advice has no response of the municipality.
var errNoResponse = errors.New("no such response")

const responseColumns = `r.advice_id, r.municipality, r.advice_version, r.recommendations, r.status, r.term_days, r.deadline,
r.received_at, r.acknowledged_at, r.owner_name, r.owner_email, r.version, r.decided_on, r.answers, r.answered_at, r.on_time,
r.revisions, r.updated_at`

func readResponse(ctx context.Context, q querier, adviceID, municipality string, lock bool) (response.Response, error) {
	if !validID(adviceID) {
		return response.Response{}, errNoResponse
	}
	sql := `SELECT ` + responseColumns + ` FROM responses r WHERE advice_id = $1 AND municipality = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	var rr responseRow
	err := q.QueryRow(ctx, sql, adviceID, municipality).Scan(rr.targets()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return response.Response{}, errNoResponse
	}
	if err != nil {
		return response.Response{}, fmt.Errorf("reading the response of %s to advice %s: %w", municipality, adviceID, err)
	}
	return rr.response()
}

func readResponses(ctx context.Context, q querier, adviceID string) ([]response.Response, error) {
	if !validID(adviceID) {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT `+responseColumns+` FROM responses r WHERE advice_id = $1 ORDER BY municipality`, adviceID)
	if err != nil {
		return nil, fmt.Errorf("reading the responses to advice %s: %w", adviceID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (response.Response, error) {
		var rr responseRow
		if err := row.Scan(rr.targets()...); err != nil {
			return response.Response{}, err
		}
		return rr.response()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the responses to advice %s: %w", adviceID, err)
	}
	return list, nil
}

type responseRow struct {
	r                      response.Record
	status                 string
	deadline               time.Time
	acknowledged, answered *time.Time
	decided                *time.Time
	answers, revisions     []byte
}

func (rr *responseRow) targets() []any {
	r := &rr.r
	return []any{&r.AdviceID, &r.Municipality, &r.AdviceVersion, &r.Recommendations, &rr.status, &r.Term.Days, &rr.deadline,
		&r.ReceivedAt, &rr.acknowledged, &r.OwnerName, &r.OwnerEmail, &r.Version, &rr.decided, &rr.answers, &rr.answered, &r.OnTime,
		&rr.revisions, &r.UpdatedAt}
}

func (rr *responseRow) response() (response.Response, error) {
	r := rr.r
	r.Status = response.Status(rr.status)
	r.Term.Deadline = response.DayFromDate(rr.deadline)
	r.AcknowledgedAt, r.AnsweredAt = timeOf(rr.acknowledged), timeOf(rr.answered)
	r.ReceivedAt, r.UpdatedAt = r.ReceivedAt.UTC(), r.UpdatedAt.UTC()
	if rr.decided != nil {
		r.DecidedOn = response.DayFromDate(*rr.decided)
	}
	if err := json.Unmarshal(rr.answers, &r.Answers); err != nil {
		return response.Response{}, fmt.Errorf("decoding answers: %w", err)
	}
	if err := json.Unmarshal(rr.revisions, &r.Revisions); err != nil {
		return response.Response{}, fmt.Errorf("decoding revision requests: %w", err)
	}
	return response.Restore(r), nil
}

// adviceRow scans the columns of adviceColumns.
type adviceRow struct {
	r               advice.Record
	firstSent, sent *time.Time
	v               versionRow
}

func (ar *adviceRow) targets() []any {
	r, v := &ar.r, &ar.v
	return []any{&r.ID, &r.Reference, &r.Addressees, &r.SentVersion, &ar.firstSent, &ar.sent, &r.ContentHash, &r.CreatedAt, &r.UpdatedAt,
		&r.Process.ID, &r.Process.Tenant, &r.Process.Participants, &r.Process.Origin, &r.Process.Theme, &r.Process.Closed,
		&v.number, &v.content, &v.note, &v.correction, &v.status, &v.createdBy, &v.createdAt, &v.adoptedBy, &v.adoptedAt, &v.sentAt, &v.evidence, &v.hash}
}

func (ar *adviceRow) advice() (advice.Advice, error) {
	r := ar.r
	r.FirstSentAt, r.SentAt = timeOf(ar.firstSent), timeOf(ar.sent)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	var err error
	if r.Latest, err = ar.v.version(); err != nil {
		return advice.Advice{}, err
	}
	return advice.Restore(r), nil
}

// A response list's cursor is the due time, advice and municipality of a
// page's last response.
func responseKey(due time.Time, adviceID, municipality string) string {
	return due.UTC().Format(time.RFC3339Nano) + " " + adviceID + " " + municipality
}

func splitResponseKey(key string) (*time.Time, *string, string) {
	if key == "" {
		return nil, nil, ""
	}
	var due, id, m string
	if _, err := fmt.Sscan(key, &due, &id, &m); err != nil {
		return nil, nil, ""
	}
	t, _ := time.Parse(time.RFC3339Nano, due)
	return &t, &id, m
}

func validResponseKey(key string) bool {
	var due, id, m string
	if n, err := fmt.Sscan(key, &due, &id, &m); err != nil || n != 3 {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, due)
	return err == nil && validID(id) && responseKey(t, id, m) == key
}
