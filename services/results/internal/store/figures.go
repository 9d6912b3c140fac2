package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/figures"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// FiguresVersion is the version of what the figures are computed from:
// it moves with every change to it (changedFigures), so a computation
// cached at one version is current while it stays.
func (s *Store) FiguresVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM figures_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading the figures version: %w", err)
	}
	return v, nil
}

// FiguresInput reads what the figures are computed from, in one
// repeatable-read transaction so that its parts agree, with the version
// it was read at.
func (s *Store) FiguresInput(ctx context.Context) (figures.Input, int64, error) {
	var in figures.Input
	var version int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT version FROM figures_version`).Scan(&version); err != nil {
			return fmt.Errorf("reading the figures version: %w", err)
		}
		var err error
		if in.Processes, err = figureProcesses(ctx, tx); err != nil {
			return err
		}
		if in.Responses, err = figureResponses(ctx, tx); err != nil {
			return err
		}
		if in.Reach, err = figureReach(ctx, tx); err != nil {
			return err
		}
		if in.Polls, err = figurePolls(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT code, name FROM tenant_municipalities`)
		if err != nil {
			return fmt.Errorf("reading municipality names: %w", err)
		}
		in.Names = map[string]string{}
		var code, name string
		_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error {
			in.Names[code] = name
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading municipality names: %w", err)
		}
		return nil
	})
	return in, version, err
}

func figureProcesses(ctx context.Context, tx pgx.Tx) ([]figures.Process, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, p.theme, p.tenant, p.participants, coalesce(a.sent_version > 0, false),
EXISTS (SELECT 1 FROM reports r WHERE r.process_id = p.id)
FROM processes p LEFT JOIN advices a ON a.process_id = p.id WHERE p.tenant <> '' ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("reading processes for the figures: %w", err)
	}
	var out []figures.Process
	var p figures.Process
	var tenant string
	var participants []string
	_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.Theme, &tenant, &participants, &p.AdviceSent, &p.Reported}, func() error {
		q := p
		// A local process's tenant is its municipality; a shared one's
		// is the region, and its participants are the municipalities.
		q.Municipalities = participants
		if len(participants) == 0 {
			q.Municipalities = []string{tenant}
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading processes for the figures: %w", err)
	}
	return out, nil
}

func figureResponses(ctx context.Context, tx pgx.Tx) ([]figures.Response, error) {
	rows, err := tx.Query(ctx, `SELECT r.municipality, a.theme, r.answers, r.on_time, r.received_at,
(SELECT v.recorded_at FROM response_versions v WHERE v.advice_id = r.advice_id AND v.municipality = r.municipality AND v.version = 1)
FROM responses r JOIN advices a ON a.id = r.advice_id`)
	if err != nil {
		return nil, fmt.Errorf("reading responses for the figures: %w", err)
	}
	var out []figures.Response
	var r figures.Response
	var answers []byte
	var received time.Time
	var first *time.Time
	_, err = pgx.ForEachRow(rows, []any{&r.Municipality, &r.Theme, &answers, &r.OnTime, &received, &first}, func() error {
		q := r
		var list []response.Answer
		if err := json.Unmarshal(answers, &list); err != nil {
			return fmt.Errorf("decoding answers: %w", err)
		}
		q.Answers, q.FirstDays = list, -1
		if first != nil {
			q.FirstDays = first.Sub(received).Hours() / 24
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading responses for the figures: %w", err)
	}
	return out, nil
}

func figureReach(ctx context.Context, tx pgx.Tx) ([]figures.Reach, error) {
	// Every form's reach, as an advice's evidence counts it: field
	// activities, each closed poll's responses per municipality, and each
	// held session's attendees (a local process's municipality; none for
	// a shared one, whose sessions are not told apart).
	rows, err := tx.Query(ctx, `SELECT process_id::text, form, municipality, residents FROM process_activities
UNION ALL
SELECT p.process_id::text, p.form, c.municipality, c.responses FROM process_polls p JOIN process_poll_counts c USING (poll_id)
UNION ALL
SELECT s.process_id::text, $1, CASE WHEN pr.tenant LIKE 'GM%' THEN pr.tenant ELSE '' END, s.attendees
FROM process_sessions s LEFT JOIN processes pr ON pr.id = s.process_id`, evidence.FocusGroup)
	if err != nil {
		return nil, fmt.Errorf("reading reach for the figures: %w", err)
	}
	var out []figures.Reach
	var r figures.Reach
	_, err = pgx.ForEachRow(rows, []any{&r.Process, &r.Form, &r.Municipality, &r.Residents}, func() error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading reach for the figures: %w", err)
	}
	return out, nil
}

func figurePolls(ctx context.Context, tx pgx.Tx) ([]figures.PollResponses, error) {
	rows, err := tx.Query(ctx, `SELECT municipality, responses FROM process_poll_counts`)
	if err != nil {
		return nil, fmt.Errorf("reading poll responses for the figures: %w", err)
	}
	var out []figures.PollResponses
	var p figures.PollResponses
	_, err = pgx.ForEachRow(rows, []any{&p.Municipality, &p.Responses}, func() error {
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading poll responses for the figures: %w", err)
	}
	return out, nil
}

// RegionMunicipalities returns the codes of the municipalities of region,
// as the tenancy projection knows them.
func (s *Store) RegionMunicipalities(ctx context.Context, region string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT code FROM tenant_municipalities WHERE region_id = $1 ORDER BY code`, region)
	if err != nil {
		return nil, fmt.Errorf("reading the municipalities of region %s: %w", region, err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reading the municipalities of region %s: %w", region, err)
	}
	return codes, nil
}
