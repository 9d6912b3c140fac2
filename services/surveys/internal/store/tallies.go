package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// ApplyTally adds delta, the tally of a batch of responses to the poll with
// pollID (poll.Tally.Record), to the stored tally, in the caller's
// transaction tx: a consumer applies many responses at once and records
// the events it applied in the same transaction. It runs one statement per
// table for the whole batch, whatever its size. Counters are locked in one
// order, so that two batches applied at once cannot deadlock.
//
// Counts only add up, so applying a delta twice counts it twice: the
// caller must apply each response once (the events inbox does that).
// Texts are the exception: a response's text to a question is kept once.
func ApplyTally(ctx context.Context, tx pgx.Tx, pollID string, delta poll.TallyRecord) error {
	if err := checkID("poll", pollID); err != nil {
		return err
	}
	if err := applyCounters(ctx, tx, pollID, delta.Counters); err != nil {
		return err
	}
	if err := applyNumbers(ctx, tx, pollID, delta.Numbers); err != nil {
		return err
	}
	if err := applyBreakdowns(ctx, tx, pollID, delta.Breakdowns); err != nil {
		return err
	}
	return applyTexts(ctx, tx, pollID, delta.Texts)
}

func applyCounters(ctx context.Context, tx pgx.Tx, pollID string, cs []poll.Counter) error {
	if len(cs) == 0 {
		return nil
	}
	ms, qs, rows, cells := make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs))
	ns := make([]int64, len(cs))
	for i, c := range cs {
		ms[i], qs[i], rows[i], cells[i], ns[i] = c.Municipality, c.Question, c.Row, c.Cell, c.Count
	}
	// Grouping makes a delta with repeated keys legal (ON CONFLICT DO UPDATE
	// may touch a row only once per statement); ordering fixes the order in
	// which rows are locked.
	_, err := tx.Exec(ctx, `INSERT INTO tallies (poll_id, municipality, question, row_key, cell_key, count)
SELECT $1, m, q, r, c, sum(n)::bigint
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS d(m, q, r, c, n)
GROUP BY m, q, r, c
ORDER BY m, q, r, c
ON CONFLICT (poll_id, municipality, question, row_key, cell_key) DO UPDATE SET count = tallies.count + excluded.count`,
		pollID, ms, qs, rows, cells, ns)
	if err != nil {
		return fmt.Errorf("adding to the counts of poll %s: %w", pollID, err)
	}
	return nil
}

func applyNumbers(ctx context.Context, tx pgx.Tx, pollID string, ns []poll.NumberStat) error {
	var ms, qs []string
	var counts, sums, lows, highs []int64
	for _, n := range ns {
		if n.Count == 0 {
			continue // its min and max mean nothing
		}
		ms, qs = append(ms, n.Municipality), append(qs, n.Question)
		counts, sums = append(counts, n.Count), append(sums, int64(n.Sum))
		lows, highs = append(lows, int64(n.Min)), append(highs, int64(n.Max))
	}
	if len(ms) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO tally_numbers (poll_id, municipality, question, count, sum, min, max)
SELECT $1, m, q, sum(n)::bigint, sum(s)::bigint, min(lo), max(hi)
FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) AS d(m, q, n, s, lo, hi)
GROUP BY m, q
ORDER BY m, q
ON CONFLICT (poll_id, municipality, question) DO UPDATE SET
    count = tally_numbers.count + excluded.count,
    sum = tally_numbers.sum + excluded.sum,
    min = CASE WHEN tally_numbers.count = 0 THEN excluded.min ELSE least(tally_numbers.min, excluded.min) END,
    max = CASE WHEN tally_numbers.count = 0 THEN excluded.max ELSE greatest(tally_numbers.max, excluded.max) END`,
		pollID, ms, qs, counts, sums, lows, highs)
	if err != nil {
		return fmt.Errorf("adding to the number sums of poll %s: %w", pollID, err)
	}
	return nil
}

func applyTexts(ctx context.Context, tx pgx.Tx, pollID string, ts []poll.TextAnswer) error {
	if len(ts) == 0 {
		return nil
	}
	ids, ms, qs, texts := make([]string, len(ts)), make([]string, len(ts)), make([]string, len(ts)), make([]string, len(ts))
	others, public := make([]bool, len(ts)), make([]bool, len(ts))
	for i, t := range ts {
		ids[i], ms[i], qs[i], texts[i], others[i], public[i] = t.ResponseID, t.Municipality, t.Question, t.Text, t.Other, t.Public
	}
	// Rows get their seq in the order of the batch, which keeps the order
	// of arrival.
	_, err := tx.Exec(ctx, `INSERT INTO tally_texts (poll_id, response_id, question, municipality, other, text, public)
SELECT $1, id, q, m, o, t, p
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::bool[]) WITH ORDINALITY AS d(id, q, m, o, t, p, n)
ORDER BY n
ON CONFLICT (poll_id, response_id, question) DO NOTHING`,
		pollID, ids, qs, ms, others, texts, public)
	if err != nil {
		return fmt.Errorf("adding the texts of poll %s: %w", pollID, err)
	}
	return nil
}

// Texts selects the free texts a tally read carries. The counts are
// always complete; texts are a list that grows with the responses, so a
// read takes a bounded number (see also TallyTexts).
type Texts struct {
	// Latest is how many of the newest texts per question to carry, in
	// order of arrival; 0 carries none.
	Latest int
	// Breakdowns carries the counts per panel attribute value, which only
	// the council sees.
	Breakdowns bool
	// PublicOnly carries only the texts marked fit to show outside the
	// council.
	PublicOnly bool
}

// Tally returns the tally of the poll with pollID, with the texts sel
// asks for. It reads the poll and the stored counters in one snapshot and
// never the responses, so it costs the same at a thousand responses as at
// a million.
func (s *Store) Tally(ctx context.Context, pollID string, sel Texts) (poll.Tally, error) {
	if err := checkID("poll", pollID); err != nil {
		return poll.Tally{}, err
	}
	var out poll.Tally
	// Repeatable read: the counts, sums and texts come from one snapshot,
	// not from either side of a batch committed in between.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT `+pollColumns+` FROM polls WHERE id = $1`, pollID)
		b.Queue(`SELECT municipality, question, row_key, cell_key, count FROM tallies WHERE poll_id = $1`, pollID)
		b.Queue(`SELECT municipality, question, count, sum, min, max FROM tally_numbers WHERE poll_id = $1`, pollID)
		if sel.Breakdowns {
			b.Queue(`SELECT attribute, value, question, row_key, cell_key, count FROM tally_breakdowns WHERE poll_id = $1`, pollID)
		}
		if sel.Latest > 0 {
			// Per question the newest texts, from the index; the poll's
			// question ids bound the loop without reading the poll first.
			b.Queue(`SELECT t.response_id::text, t.municipality, t.question, t.other, t.text, t.public
FROM polls p
CROSS JOIN LATERAL jsonb_path_query(p.definition, '$.sections[*].questions[*].id') AS q(id)
CROSS JOIN LATERAL (
    SELECT * FROM tally_texts t
    WHERE t.poll_id = p.id AND t.question = q.id #>> '{}' AND (t.public OR NOT $2)
    ORDER BY t.seq DESC LIMIT $3
) t
WHERE p.id = $1
ORDER BY t.seq`, pollID, sel.PublicOnly, sel.Latest)
		}
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		p, err := scanPoll(br.QueryRow())
		if errors.Is(err, pgx.ErrNoRows) {
			return PollNotFound(pollID)
		}
		if err != nil {
			return fmt.Errorf("reading poll %s: %w", pollID, err)
		}
		var rec poll.TallyRecord
		if rec.Counters, err = collect(br, scanCounter); err != nil {
			return fmt.Errorf("reading the counts of poll %s: %w", pollID, err)
		}
		if rec.Numbers, err = collect(br, scanNumber); err != nil {
			return fmt.Errorf("reading the number sums of poll %s: %w", pollID, err)
		}
		if sel.Breakdowns {
			if rec.Breakdowns, err = collect(br, scanBreakdown); err != nil {
				return fmt.Errorf("reading the breakdowns of poll %s: %w", pollID, err)
			}
		}
		if sel.Latest > 0 {
			if rec.Texts, err = collect(br, scanText); err != nil {
				return fmt.Errorf("reading the texts of poll %s: %w", pollID, err)
			}
		}
		out = poll.RestoreTally(p, rec)
		return br.Close()
	})
	if err != nil {
		return poll.Tally{}, err
	}
	return out, nil
}

// TallyTexts pages through the texts of one question of the poll with
// pollID in order of arrival; question "" pages through all its texts.
func (s *Store) TallyTexts(ctx context.Context, pollID, question string, publicOnly bool, p Page) ([]poll.TextAnswer, string, error) {
	if err := checkID("poll", pollID); err != nil {
		return nil, "", err
	}
	after, err := cursor.Decode(p.Cursor, cursor.Int)
	if err != nil {
		return nil, "", err
	}
	var seq int64
	if after != "" {
		// cursor.Int made sure it parses.
		seq, _ = strconv.ParseInt(after, 10, 64)
	}
	rows, err := s.pool.Query(ctx, `SELECT response_id::text, municipality, question, other, text, public, seq
FROM tally_texts
WHERE poll_id = $1 AND ($2 = '' OR question = $2) AND (public OR NOT $3) AND seq > $4
ORDER BY seq LIMIT $5`, pollID, question, publicOnly, seq, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing texts of poll %s: %w", pollID, err)
	}
	var seqs []int64
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (poll.TextAnswer, error) {
		var t poll.TextAnswer
		var n int64
		err := row.Scan(&t.ResponseID, &t.Municipality, &t.Question, &t.Other, &t.Text, &t.Public, &n)
		seqs = append(seqs, n)
		return t, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing texts of poll %s: %w", pollID, err)
	}
	next := ""
	if len(list) > p.Limit {
		list = list[:p.Limit]
		next = cursor.Encode(strconv.FormatInt(seqs[p.Limit-1], 10))
	}
	return list, next, nil
}

// MarkText marks the texts of question in the response with responseID
// as fit, or not, to show outside the council.
func (s *Store) MarkText(ctx context.Context, pollID, responseID, question string, public bool) error {
	if err := checkID("poll", pollID); err != nil {
		return err
	}
	if err := checkID("response", responseID); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE tally_texts SET public = $4 WHERE poll_id = $1 AND response_id = $2 AND question = $3`,
		pollID, responseID, question, public)
	if err != nil {
		return fmt.Errorf("marking a text of poll %s: %w", pollID, err)
	}
	if tag.RowsAffected() == 0 {
		return errs.New(errs.NotFound, "response %s has no text for question %q", responseID, question)
	}
	return nil
}

// collect reads the next result of a batch whole.
func collect[T any](br pgx.BatchResults, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
}

func scanCounter(row pgx.Row) (poll.Counter, error) {
	var c poll.Counter
	err := row.Scan(&c.Municipality, &c.Question, &c.Row, &c.Cell, &c.Count)
	return c, err
}

func scanNumber(row pgx.Row) (poll.NumberStat, error) {
	var n poll.NumberStat
	var sum, lo, hi int64
	err := row.Scan(&n.Municipality, &n.Question, &n.Count, &sum, &lo, &hi)
	n.Sum, n.Min, n.Max = poll.Decimal(sum), poll.Decimal(lo), poll.Decimal(hi)
	return n, err
}

func scanText(row pgx.Row) (poll.TextAnswer, error) {
	var t poll.TextAnswer
	err := row.Scan(&t.ResponseID, &t.Municipality, &t.Question, &t.Other, &t.Text, &t.Public)
	return t, err
}
