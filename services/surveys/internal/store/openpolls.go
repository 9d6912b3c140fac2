package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// OpenLinkPolls returns at most limit polls of municipality (its own and
// the shared ones it takes part in) that are open at now and answered by
// an open link, closing soonest first. A scheduled poll whose opening time
// has passed counts as open: the scheduler may not have moved it yet.
func (s *Store) OpenLinkPolls(ctx context.Context, municipality string, now time.Time, limit int) ([]poll.Poll, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pollColumns+` FROM polls
WHERE (tenant = $1 OR $1 = ANY(participants))
  AND slug IS NOT NULL
  AND definition->'audience'->>'kind' = $2
  AND (status = 'open' OR (status = 'scheduled' AND opens_at <= $3))
  AND closes_at > $3
ORDER BY closes_at, id LIMIT $4`, municipality, string(poll.OpenLink), now, limit)
	if err != nil {
		return nil, fmt.Errorf("listing open polls of %s: %w", municipality, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (poll.Poll, error) { return scanPollWith(row, &s.defs) })
	if err != nil {
		return nil, fmt.Errorf("listing open polls of %s: %w", municipality, err)
	}
	return list, nil
}
