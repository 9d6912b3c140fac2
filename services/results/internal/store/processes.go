package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
)

// Process returns the projected participation process with id; not found
// if the councils service's process.created has not arrived.
func (s *Store) Process(ctx context.Context, id string) (advice.Process, error) {
	return readProcess(ctx, s.pool, id, false)
}

func readProcess(ctx context.Context, q querier, id string, lock bool) (advice.Process, error) {
	if !validID(id) {
		return advice.Process{}, notFound("process", id)
	}
	sql := `SELECT id, tenant, participants, origin, theme, closed FROM processes WHERE id = $1 AND tenant <> ''`
	if lock {
		sql += ` FOR UPDATE`
	}
	var p advice.Process
	err := q.QueryRow(ctx, sql, id).Scan(&p.ID, &p.Tenant, &p.Participants, &p.Origin, &p.Theme, &p.Closed)
	if errors.Is(err, pgx.ErrNoRows) {
		return advice.Process{}, notFound("process", id)
	}
	if err != nil {
		return advice.Process{}, fmt.Errorf("reading process %s: %w", id, err)
	}
	return p, nil
}

// RawEvidence returns what the projections know of the process with id.
func (s *Store) RawEvidence(ctx context.Context, id string) (evidence.Raw, error) {
	return rawEvidence(ctx, s.pool, id)
}

func rawEvidence(ctx context.Context, q querier, id string) (evidence.Raw, error) {
	var raw evidence.Raw
	rows, err := q.Query(ctx, `SELECT form, municipality, coalesce(to_char(day, 'YYYY-MM-DD'), ''), residents
FROM process_activities WHERE process_id = $1`, id)
	if err != nil {
		return raw, fmt.Errorf("reading the activities of process %s: %w", id, err)
	}
	if raw.Activities, err = pgx.CollectRows(rows, pgx.RowToStructByPos[evidence.Activity]); err != nil {
		return raw, fmt.Errorf("reading the activities of process %s: %w", id, err)
	}
	var last *evidence.Poll
	// One row per poll and municipality, grouped into polls here.
	rows, err = q.Query(ctx, `SELECT p.poll_id::text, p.form, to_char(p.closed_on, 'YYYY-MM-DD'), c.municipality, c.responses
FROM process_polls p JOIN process_poll_counts c USING (poll_id) WHERE p.process_id = $1 ORDER BY p.poll_id`, id)
	if err != nil {
		return raw, fmt.Errorf("reading the polls of process %s: %w", id, err)
	}
	for rows.Next() {
		var pollID, form, closed, municipality string
		var n int64
		if err := rows.Scan(&pollID, &form, &closed, &municipality, &n); err != nil {
			rows.Close()
			return raw, fmt.Errorf("reading the polls of process %s: %w", id, err)
		}
		if last == nil || last.ID != pollID {
			raw.Polls = append(raw.Polls, evidence.Poll{ID: pollID, Form: form, ClosedOn: closed, PerMunicipality: map[string]int64{}})
			last = &raw.Polls[len(raw.Polls)-1]
		}
		last.PerMunicipality[municipality] = n
	}
	if err := rows.Err(); err != nil {
		return raw, fmt.Errorf("reading the polls of process %s: %w", id, err)
	}
	rows, err = q.Query(ctx, `SELECT coalesce(to_char(s.day, 'YYYY-MM-DD'), ''), CASE WHEN p.tenant LIKE 'GM%' THEN p.tenant ELSE '' END, s.attendees
FROM process_sessions s JOIN processes p ON p.id = s.process_id WHERE s.process_id = $1`, id)
	if err != nil {
		return raw, fmt.Errorf("reading the sessions of process %s: %w", id, err)
	}
	if raw.Sessions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[evidence.Session]); err != nil {
		return raw, fmt.Errorf("reading the sessions of process %s: %w", id, err)
	}
	if err := q.QueryRow(ctx, `SELECT coalesce(sum(findings), 0) FROM process_findings WHERE process_id = $1`, id).Scan(&raw.Findings); err != nil {
		return raw, fmt.Errorf("reading the findings of process %s: %w", id, err)
	}
	return raw, nil
}

// Evidence returns the current evidence of the process with id, small
// counts hidden as cells says.
func (s *Store) Evidence(ctx context.Context, id string, cells evidence.MinCells, now time.Time) (evidence.Snapshot, error) {
	raw, err := s.RawEvidence(ctx, id)
	if err != nil {
		return evidence.Snapshot{}, err
	}
	return evidence.Build(raw, cells, now), nil
}

// MunicipalityNames returns the names of the municipalities the tenancy
// projection knows, by code.
func (s *Store) MunicipalityNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, name FROM tenant_municipalities`)
	if err != nil {
		return nil, fmt.Errorf("reading municipality names: %w", err)
	}
	names := map[string]string{}
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error {
		names[code] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading municipality names: %w", err)
	}
	return names, nil
}
