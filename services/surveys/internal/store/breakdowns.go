package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// applyBreakdowns adds a delta's counts per panel attribute value, one
// statement for the batch, rows locked in key order as in applyCounters.
func applyBreakdowns(ctx context.Context, tx pgx.Tx, pollID string, bs []poll.BreakdownCounter) error {
	if len(bs) == 0 {
		return nil
	}
	n := len(bs)
	attrs, values, qs, rows, cells := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	counts := make([]int64, n)
	for i, b := range bs {
		attrs[i], values[i], qs[i], rows[i], cells[i], counts[i] = b.Attribute, b.Value, b.Question, b.Row, b.Cell, b.Count
	}
	_, err := tx.Exec(ctx, `INSERT INTO tally_breakdowns (poll_id, attribute, value, question, row_key, cell_key, count)
SELECT $1, a, v, q, r, c, sum(n)::bigint
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS d(a, v, q, r, c, n)
GROUP BY a, v, q, r, c
ORDER BY a, v, q, r, c
ON CONFLICT (poll_id, attribute, value, question, row_key, cell_key) DO UPDATE SET count = tally_breakdowns.count + excluded.count`,
		pollID, attrs, values, qs, rows, cells, counts)
	if err != nil {
		return fmt.Errorf("adding to the breakdowns of poll %s: %w", pollID, err)
	}
	return nil
}

func scanBreakdown(row pgx.Row) (poll.BreakdownCounter, error) {
	var b poll.BreakdownCounter
	err := row.Scan(&b.Attribute, &b.Value, &b.Question, &b.Row, &b.Cell, &b.Count)
	return b, err
}
