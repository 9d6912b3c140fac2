package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/services/results/internal/advice"
)

// SentAdvices lists the advice that was sent, of tenant (a municipality,
// addressed or taking part, or a region; "" for every tenant): the one
// first sent most recently first and, of those sent at the same moment,
// by process id, so that pages neither skip nor repeat one. It is the
// public list of results; a correction sent later keeps its place.
func (s *Store) SentAdvices(ctx context.Context, tenant string, p Page) ([]advice.Advice, string, error) {
	at, process, err := decodeSentCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+adviceColumns+` FROM advices a
JOIN advice_versions v ON v.advice_id = a.id AND v.number = a.latest_version
JOIN processes p ON p.id = a.process_id
WHERE a.sent_version > 0
  AND ($1 = '' OR a.tenant = $1 OR $1 = ANY(a.participants))
  AND ($2::timestamptz IS NULL OR a.first_sent_at < $2 OR (a.first_sent_at = $2 AND a.process_id > $3::uuid))
ORDER BY a.first_sent_at DESC, a.process_id
LIMIT $4`, tenant, at, process, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing sent advice: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (advice.Advice, error) { return scanAdvice(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing sent advice: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, sentKey)
	return list, next, nil
}

// sentKey is the cursor key of a sent advice: when it was first sent, in
// microseconds since 1970 (PostgreSQL's precision), and its process.
func sentKey(a advice.Advice) string {
	return strconv.FormatInt(a.FirstSentAt().UnixMicro(), 10) + "_" + a.Process().ID
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
