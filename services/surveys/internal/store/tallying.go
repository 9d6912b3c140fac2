package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// What the tally consumer reads in its own transaction, beside ApplyTally:
// the polls a batch of events is about, and the free texts that events do
// not carry.

// PollIn returns the poll with id as tx sees it.
func PollIn(ctx context.Context, tx pgx.Tx, id string) (poll.Poll, error) {
	if err := checkID("poll", id); err != nil {
		return poll.Poll{}, err
	}
	return readPoll(ctx, tx, `SELECT `+pollColumns+` FROM polls WHERE id = $1`, id)
}

// ResponseReplies returns the stored replies of the responses with ids, by
// response id, in one query. Events announce a response without its free
// texts, which stay in this service; the tally takes them from here. Ids
// with no response are left out of the map.
func ResponseReplies(ctx context.Context, tx pgx.Tx, ids []string) (map[string][]poll.Reply, error) {
	out := make(map[string][]poll.Reply, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		if err := checkID("response", id); err != nil {
			return nil, err
		}
	}
	// By primary key, always: a plan cached while a new installation's
	// responses table was nearly empty must not scan it whole later. The
	// setting ends with the consumer's transaction, whose other statements
	// find their rows by key as well.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return nil, fmt.Errorf("reading the answers of %d responses: %w", len(ids), err)
	}
	rows, err := tx.Query(ctx, `SELECT id::text, answers FROM responses WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("reading the answers of %d responses: %w", len(ids), err)
	}
	defer rows.Close()
	var (
		id      string
		answers []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &answers}, func() error {
		replies, err := decodeReplies(answers)
		if err != nil {
			return fmt.Errorf("response %s: %w", id, err)
		}
		out[id] = replies
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the answers of %d responses: %w", len(ids), err)
	}
	return out, nil
}
