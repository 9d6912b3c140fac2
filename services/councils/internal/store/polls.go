package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// ProcessForEvent reads the process with processID in a consumer's
// transaction, for a projection that must check the event's tenant
// against it. An unknown process gives a not-found error.
func ProcessForEvent(ctx context.Context, tx pgx.Tx, processID string) (process.Process, error) {
	return readProcess(ctx, tx, processID, false)
}

// ProjectPoll records what the surveys service announced about a poll of
// processID: opened (kept once heard; a redelivery or a late duplicate
// changes nothing, nor does an opening heard after the closing), closed
// (with its counts) or cancelled (only a poll that was heard to open).
func ProjectPoll(ctx context.Context, tx pgx.Tx, processID string, pl process.Poll) error {
	var closes *time.Time
	if !pl.ClosesAt.IsZero() {
		t := pl.ClosesAt.UTC()
		closes = &t
	}
	var err error
	switch pl.Status {
	case process.PollOpen:
		_, err = tx.Exec(ctx, `INSERT INTO process_polls (poll_id, process_id, form, status, closes_at)
VALUES ($1, $2, $3, 'open', $4) ON CONFLICT (poll_id) DO NOTHING`, pl.ID, processID, string(pl.Form), closes)
	case process.PollClosed:
		per := pl.PerMunicipality
		if per == nil {
			per = map[string]int{}
		}
		b, jerr := json.Marshal(per)
		if jerr != nil {
			return fmt.Errorf("encoding the counts of poll %s: %w", pl.ID, jerr)
		}
		_, err = tx.Exec(ctx, `INSERT INTO process_polls (poll_id, process_id, form, status, closes_at, responses, per_municipality)
VALUES ($1, $2, $3, 'closed', $4, $5, $6)
ON CONFLICT (poll_id) DO UPDATE SET status = 'closed', responses = excluded.responses,
    per_municipality = excluded.per_municipality, closes_at = coalesce(excluded.closes_at, process_polls.closes_at), updated_at = now()`,
			pl.ID, processID, string(pl.Form), closes, pl.Responses, b)
	case process.PollCancelled:
		_, err = tx.Exec(ctx, `UPDATE process_polls SET status = 'cancelled', updated_at = now()
WHERE poll_id = $1 AND process_id = $2 AND status = 'open'`, pl.ID, processID)
	default:
		return fmt.Errorf("projecting poll %s: unknown status %q", pl.ID, pl.Status)
	}
	if err != nil {
		return fmt.Errorf("projecting poll %s of process %s: %w", pl.ID, processID, err)
	}
	return nil
}

// pollsColumn reads a process's polls, newest first, as one JSON array.
const pollsColumn = `coalesce((SELECT jsonb_agg(jsonb_build_object('id', pp.poll_id, 'form', pp.form, 'status', pp.status,
'closesAt', pp.closes_at, 'responses', pp.responses, 'perMunicipality', pp.per_municipality) ORDER BY pp.poll_id DESC)
FROM process_polls pp WHERE pp.process_id = p.id), '[]')`

type pollJSON struct {
	ID              string         `json:"id"`
	Form            string         `json:"form"`
	Status          string         `json:"status"`
	ClosesAt        *time.Time     `json:"closesAt"`
	Responses       int            `json:"responses"`
	PerMunicipality map[string]int `json:"perMunicipality"`
}

func decodePolls(b []byte) ([]process.Poll, error) {
	var in []pollJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("decoding a process's polls: %w", err)
	}
	out := make([]process.Poll, 0, len(in))
	for _, j := range in {
		pl := process.Poll{ID: j.ID, Form: process.FormKind(j.Form), Status: process.PollStatus(j.Status),
			Responses: j.Responses, PerMunicipality: j.PerMunicipality}
		if j.ClosesAt != nil {
			pl.ClosesAt = j.ClosesAt.UTC()
		}
		out = append(out, pl)
	}
	return out, nil
}
