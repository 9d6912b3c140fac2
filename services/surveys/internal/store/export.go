package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// exportChunk is how many rows one FETCH brings. It bounds what an early
// stop reads in vain, while round trips stay rare next to the rows.
const exportChunk = 2000

// ExportResponses calls fn with every response to the poll with pollID, in
// the order they were submitted (ties by id), and stops at fn's first
// error, which it returns. Rows come from a server-side cursor a chunk at
// a time and go to fn one by one, so memory stays constant however many
// responses there are; fn must not keep the responses it is given if that
// is to hold. The export reads one snapshot: responses that arrive while
// it runs are not in it.
func (s *Store) ExportResponses(ctx context.Context, pollID string, fn func(poll.Response) error) error {
	if err := checkID("poll", pollID); err != nil {
		return err
	}
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM polls WHERE id = $1)`, pollID).Scan(&exists); err != nil {
			return fmt.Errorf("exporting poll %s: %w", pollID, err)
		}
		if !exists {
			return PollNotFound(pollID)
		}
		_, err := tx.Exec(ctx, `DECLARE export NO SCROLL CURSOR FOR
SELECT id::text, municipality, answers, submitted_at FROM responses
WHERE poll_id = $1 ORDER BY submitted_at, id`, pollID)
		if err != nil {
			return fmt.Errorf("exporting poll %s: %w", pollID, err)
		}
		for {
			n, err := exportNextChunk(ctx, tx, pollID, fn)
			if err != nil {
				return err
			}
			if n < exportChunk {
				return nil
			}
		}
	})
}

// exportNextChunk fetches the cursor's next chunk and hands its rows to fn as
// they arrive, and returns how many there were.
func exportNextChunk(ctx context.Context, tx pgx.Tx, pollID string, fn func(poll.Response) error) (int, error) {
	rows, err := tx.Query(ctx, fmt.Sprintf(`FETCH FORWARD %d FROM export`, exportChunk))
	if err != nil {
		return 0, fmt.Errorf("exporting poll %s: %w", pollID, err)
	}
	defer rows.Close()
	n := 0
	var answers []byte
	for rows.Next() {
		n++
		r := poll.Response{PollID: pollID}
		if err := rows.Scan(&r.ID, &r.Municipality, &answers, &r.SubmittedAt); err != nil {
			return n, fmt.Errorf("exporting poll %s: %w", pollID, err)
		}
		r.SubmittedAt = r.SubmittedAt.UTC()
		if r.Replies, err = decodeReplies(answers); err != nil {
			return n, fmt.Errorf("exporting poll %s, response %s: %w", pollID, r.ID, err)
		}
		if err := fn(r); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("exporting poll %s: %w", pollID, err)
	}
	return n, nil
}
