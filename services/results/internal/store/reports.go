package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/report"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// ReportPublish makes the report of the advice a, from the responses and
// what the projections know of its process, read in the store's
// transaction.
type ReportPublish func(a advice.Advice, responses []response.Response, raw evidence.Raw) (report.Report, []events.Event, error)

// CreateReport publishes the report of the process with processID. The
// process's advice is locked meanwhile; a process has one report.
func (s *Store) CreateReport(ctx context.Context, processID string, publish ReportPublish) (report.Report, error) {
	var out report.Report
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := readProcess(ctx, tx, processID, false); err != nil {
			return err
		}
		var adviceID string
		err := tx.QueryRow(ctx, `SELECT id FROM advices WHERE process_id = $1`, processID).Scan(&adviceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return &errs.Error{Code: errs.FailedPrecondition, Message: "the process has no advice; a report tells what came of it",
				Fields: []errs.Field{{Path: "/processId", Reason: "names a process whose advice was not sent"}}}
		}
		if err != nil {
			return fmt.Errorf("reading the advice of process %s: %w", processID, err)
		}
		a, err := readAdvice(ctx, tx, adviceID, true)
		if err != nil {
			return err
		}
		responses, err := readResponses(ctx, tx, adviceID)
		if err != nil {
			return err
		}
		raw, err := rawEvidence(ctx, tx, processID)
		if err != nil {
			return err
		}
		r, evs, err := publish(a, responses, raw)
		if err != nil {
			return err
		}
		summaries, err := json.Marshal(r.Responses)
		if err != nil {
			return fmt.Errorf("encoding responses: %w", err)
		}
		ev, err := json.Marshal(r.Evidence)
		if err != nil {
			return fmt.Errorf("encoding evidence: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO reports (id, process_id, tenant, participants, advice_id, advice_version, advice_hash, summary,
    responses, evidence, content_hash, published_by, published_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, r.ID, r.ProcessID, r.Tenant, textArray(r.Participants), r.AdviceID,
			r.AdviceVersion, r.AdviceHash, r.Summary, summaries, ev, r.ContentHash, r.PublishedBy, r.PublishedAt)
		if isUniqueViolation(err, "reports_process_id_key") {
			return &errs.Error{Code: errs.Conflict, Message: "the process's report was published already",
				Fields: []errs.Field{{Path: "/processId", Reason: "names a process whose report was published already"}}}
		}
		if err != nil {
			return fmt.Errorf("storing report: %w", err)
		}
		if err := changedFigures(ctx, tx); err != nil {
			return err
		}
		out = r
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

// Report returns the report with id.
func (s *Store) Report(ctx context.Context, id string) (report.Report, error) {
	if !validID(id) {
		return report.Report{}, notFound("report", id)
	}
	r, err := scanReport(s.pool.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return report.Report{}, notFound("report", id)
	}
	return r, err
}

// ReportOfProcess returns the report of the process with processID, and
// false if it has none.
func (s *Store) ReportOfProcess(ctx context.Context, processID string) (report.Report, bool, error) {
	r, err := scanReport(s.pool.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports WHERE process_id = $1`, processID))
	if errors.Is(err, pgx.ErrNoRows) {
		return report.Report{}, false, nil
	}
	return r, err == nil, err
}

// ReportFilter narrows a list of reports. Empty fields do not filter.
type ReportFilter struct {
	// Tenant keeps the reports of one municipality, including shared
	// processes it took part in, or of one region.
	Tenant    string
	ProcessID string
}

// Reports lists the reports f lets through, newest first.
func (s *Store) Reports(ctx context.Context, f ReportFilter, p Page) ([]report.Report, string, error) {
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
	rows, err := s.pool.Query(ctx, `SELECT `+reportColumns+` FROM reports
WHERE ($1 = '' OR tenant = $1 OR $1 = ANY(participants)) AND ($2::uuid IS NULL OR process_id = $2)
  AND ($3::uuid IS NULL OR id < $3)
ORDER BY id DESC LIMIT $4`, f.Tenant, process, before, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing reports: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (report.Report, error) { return scanReport(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing reports: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, func(r report.Report) string { return r.ID })
	return list, next, nil
}

// Feedback is how many participants were told of a report, as the
// mailing services reported it.
type Feedback struct {
	Delivered, Failed int
	ReportedBy        []string
}

// FeedbackOf returns the deliveries reported for the report with id.
func (s *Store) FeedbackOf(ctx context.Context, reportID string) (Feedback, error) {
	var f Feedback
	err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(delivered), 0), coalesce(sum(failed), 0),
coalesce(array_agg(DISTINCT service ORDER BY service) FILTER (WHERE service IS NOT NULL), '{}')
FROM feedback_deliveries WHERE report_id = $1`, reportID).Scan(&f.Delivered, &f.Failed, &f.ReportedBy)
	if err != nil {
		return Feedback{}, fmt.Errorf("reading the feedback of report %s: %w", reportID, err)
	}
	return f, nil
}

const reportColumns = `id, process_id, tenant, participants, advice_id, advice_version, advice_hash, summary, responses, evidence,
content_hash, published_by, published_at`

func scanReport(row pgx.Row) (report.Report, error) {
	var r report.Report
	var responses, ev []byte
	err := row.Scan(&r.ID, &r.ProcessID, &r.Tenant, &r.Participants, &r.AdviceID, &r.AdviceVersion, &r.AdviceHash, &r.Summary, &responses, &ev,
		&r.ContentHash, &r.PublishedBy, &r.PublishedAt)
	if err != nil {
		return report.Report{}, err
	}
	r.PublishedAt = r.PublishedAt.UTC()
	if err := json.Unmarshal(responses, &r.Responses); err != nil {
		return report.Report{}, fmt.Errorf("decoding the responses of report %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(ev, &r.Evidence); err != nil {
		return report.Report{}, fmt.Errorf("decoding the evidence of report %s: %w", r.ID, err)
	}
	return r, nil
}
