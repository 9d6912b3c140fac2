package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
)

// SentSummary is one line of the public list of results: a sent advice
// as first sent, how many addressed municipalities have responded, and
// whether the process's report is out.
type SentSummary struct {
	AdviceID, ProcessID, Tenant, Theme, Reference string
	// Title is the sent version's.
	Title       string
	Addressees  []string
	FirstSentAt time.Time
	Responded   int
	Reported    bool
}

// SentAdvices lists the advice that was sent, of tenant (a municipality,
// addressed or taking part, or a region; "" for every tenant): the one
// first sent most recently first and, of those sent at the same moment,
// by process id, so that pages neither skip nor repeat one. It is the
// public list of results; a correction sent later keeps its place. One
// query reads a page whatever its length, from the index on the order.
func (s *Store) SentAdvices(ctx context.Context, tenant string, p Page) ([]SentSummary, string, error) {
	at, process, err := decodeSentCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT a.id::text, p.id::text, p.tenant, p.theme, a.reference, v.content->>'title', a.addressees, a.first_sent_at,
  (SELECT count(*) FROM responses r WHERE r.advice_id = a.id AND r.version > 0),
  EXISTS (SELECT 1 FROM reports rp WHERE rp.process_id = a.process_id)
FROM advices a
JOIN advice_versions v ON v.advice_id = a.id AND v.number = a.sent_version
JOIN processes p ON p.id = a.process_id
WHERE a.sent_version > 0
  AND ($1 = '' OR a.tenant = $1 OR $1 = ANY(a.participants))
  AND ($2::timestamptz IS NULL OR a.first_sent_at < $2 OR (a.first_sent_at = $2 AND a.process_id > $3::uuid))
ORDER BY a.first_sent_at DESC, a.process_id
LIMIT $4`, tenant, at, process, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing sent advice: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (SentSummary, error) {
		var m SentSummary
		var title *string
		err := row.Scan(&m.AdviceID, &m.ProcessID, &m.Tenant, &m.Theme, &m.Reference, &title, &m.Addressees, &m.FirstSentAt, &m.Responded, &m.Reported)
		if title != nil {
			m.Title = *title
		}
		return m, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing sent advice: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, sentKey)
	return list, next, nil
}

// sentKey is the cursor key of a sent advice: when it was first sent, in
// microseconds since 1970 (PostgreSQL's precision), and its process.
func sentKey(m SentSummary) string {
	return strconv.FormatInt(m.FirstSentAt.UnixMicro(), 10) + "_" + m.ProcessID
}

// decodeSentCursor reads a SentAdvices cursor; nil for the first page.
func decodeSentCursor(c string) (*time.Time, *string, error) {
	key, err := cursor.Decode(c, func(key string) bool {
		micros, process, ok := strings.Cut(key, "_")
		return ok && cursor.Int(micros) && cursor.UUID(process)
	})
	if err != nil || key == "" {
		return nil, nil, err
	}
	micros, process, _ := strings.Cut(key, "_")
	n, err := strconv.ParseInt(micros, 10, 64)
	if err != nil {
		return nil, nil, err
	}
	at := time.UnixMicro(n).UTC()
	return &at, &process, nil
}
