package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Changes are when what the open data sets show last changed; zero when
// nothing has yet.
type Changes struct {
	// Results is the last advice sent or response recorded: what the
	// public results show.
	Results time.Time
	// Figures is the later of Results and the last change to a process
	// or a published report, which the figures count too.
	Figures time.Time
}

// LastChanges returns when the public results and the figures last
// changed. A draft's changes do not count: they are not public.
func (s *Store) LastChanges(ctx context.Context) (Changes, error) {
	var sent, recorded, process, report *time.Time
	err := s.pool.QueryRow(ctx, `SELECT (SELECT max(sent_at) FROM advices),
  (SELECT max(recorded_at) FROM response_versions),
  (SELECT max(updated_at) FROM processes WHERE tenant <> ''),
  (SELECT max(published_at) FROM reports)`).Scan(&sent, &recorded, &process, &report)
	if err != nil {
		return Changes{}, fmt.Errorf("reading the last changes: %w", err)
	}
	var c Changes
	for _, t := range []*time.Time{sent, recorded} {
		if t != nil && t.After(c.Results) {
			c.Results = *t
		}
	}
	c.Figures = c.Results
	for _, t := range []*time.Time{process, report} {
		if t != nil && t.After(c.Figures) {
			c.Figures = *t
		}
	}
	return c, nil
}

// TenantName returns the name of the municipality with CBS code tenant,
// or of the region with that id; "" when neither is known.
func (s *Store) TenantName(ctx context.Context, tenant string) (string, error) {
	var name string
	err := s.pool.QueryRow(ctx, `SELECT name FROM tenant_municipalities WHERE code = $1
UNION ALL SELECT name FROM tenant_regions WHERE id = $1 LIMIT 1`, tenant).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the name of %s: %w", tenant, err)
	}
	return name, nil
}
