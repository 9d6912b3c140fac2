package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// ScanOptions tune ScanResponses.
type ScanOptions struct {
	// Counts, when set, is called before the first response with the
	// number of responses per municipality ("" for unknown), read from
	// the same snapshot as the responses, so that the counts are exactly
	// those of the rows that follow.
	Counts func(map[string]int64) error
}

// ScanResponses is ExportResponses for exports of any size, at the speed
// of reading the rows: it hands fn the same *poll.Response every time,
// overwritten, with the answers decoded by a parser for the one JSON
// shape the store writes rather than by reflection (which cost more than
// everything else an export does). fn must copy what it keeps. The rows
// come from one REPEATABLE READ snapshot.
func (s *Store) ScanResponses(ctx context.Context, pollID string, opts ScanOptions, fn func(*poll.Response) error) error {
	if err := checkID("poll", pollID); err != nil {
		return err
	}
	txOpts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, s.pool, txOpts, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM polls WHERE id = $1)`, pollID).Scan(&exists); err != nil {
			return fmt.Errorf("exporting poll %s: %w", pollID, err)
		}
		if !exists {
			return PollNotFound(pollID)
		}
		if opts.Counts != nil {
			counts, err := municipalityCounts(ctx, tx, pollID)
			if err != nil {
				return err
			}
			if err := opts.Counts(counts); err != nil {
				return err
			}
		}
		sc := scanner{pollID: pollID, r: &poll.Response{PollID: pollID}, names: map[string]string{}}
		return sc.scan(ctx, tx, fn)
	})
}

func municipalityCounts(ctx context.Context, tx pgx.Tx, pollID string) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT municipality, count(*) FROM responses WHERE poll_id = $1 GROUP BY municipality`, pollID)
	if err != nil {
		return nil, fmt.Errorf("counting responses of poll %s: %w", pollID, err)
	}
	counts := map[string]int64{}
	var m string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&m, &n}, func() error { counts[m] = n; return nil }); err != nil {
		return nil, fmt.Errorf("counting responses of poll %s: %w", pollID, err)
	}
	return counts, nil
}

// scanner turns the cursor's rows into the one response it reuses.
type scanner struct {
	pollID string
	r      *poll.Response
	// names interns the strings that repeat from row to row: ids of
	// questions, options, rows and columns, types and municipalities. A
	// poll has few of them; maxNames bounds what odd data could add.
	names map[string]string
	dec   replyDecoder
}

const maxNames = 10_000

// postgresEpoch is where PostgreSQL's binary timestamps count from,
// 2000-01-01 UTC, in microseconds since 1970.
const postgresEpoch = 946_684_800_000_000

// scan streams the poll's responses to fn in one query. Unlike
// ExportResponses's cursor, whose FETCHes leave the server idle while the
// client works through each chunk, one query keeps PostgreSQL producing
// rows while they are written out, on another core; memory stays bounded
// all the same, since pgx reads a row at a time and TCP holds the server
// back. Stopping early cancels the query (which costs its connection)
// rather than reading the rest in vain.
func (sc *scanner) scan(ctx context.Context, tx pgx.Tx, fn func(*poll.Response) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The submission time in binary (microseconds) is cheaper to decode
	// than its text; the rest comes as text, jsonb as its JSON.
	formats := pgx.QueryResultFormats{pgx.TextFormatCode, pgx.TextFormatCode, pgx.TextFormatCode, pgx.BinaryFormatCode}
	rows, err := tx.Query(ctx, `SELECT id::text, municipality, answers, submitted_at FROM responses
WHERE poll_id = $1 ORDER BY submitted_at, id`, formats, sc.pollID)
	if err != nil {
		return fmt.Errorf("exporting poll %s: %w", sc.pollID, err)
	}
	stop := func(err error) error {
		cancel()
		rows.Close()
		return err
	}
	r := sc.r
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 4 || len(raw[3]) != 8 {
			return stop(fmt.Errorf("exporting poll %s: unexpected row shape", sc.pollID))
		}
		r.ID = string(raw[0])
		r.Municipality = sc.intern(raw[1])
		r.SubmittedAt = time.UnixMicro(postgresEpoch + int64(binary.BigEndian.Uint64(raw[3]))).UTC()
		if r.Replies, err = sc.dec.decode(raw[2], r.Replies[:0], sc.intern); err != nil {
			return stop(fmt.Errorf("exporting poll %s, response %s: %w", sc.pollID, r.ID, err))
		}
		if err := fn(r); err != nil {
			return stop(err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("exporting poll %s: %w", sc.pollID, err)
	}
	return nil
}

// intern returns b as a string, without allocating when it was seen.
func (sc *scanner) intern(b []byte) string {
	if s, ok := sc.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(sc.names) < maxNames {
		sc.names[s] = s
	}
	return s
}
