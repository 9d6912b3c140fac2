package store

import (
	"context"
	"fmt"
	"time"
)

// PurgeUnconfirmed erases sign-ups that were never confirmed and last
// asked for a confirmation before before, with their tokens and consent
// log (by cascade) and any confirmation mail still queued to them, and
// returns how many it erased. An address somebody typed but never
// confirmed is no consent to keep it. Pending members do not count in a
// panel's size, so no event follows.
func (s *Store) PurgeUnconfirmed(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `WITH gone AS (
    DELETE FROM panel_members WHERE status = 'pending' AND updated_at < $1 RETURNING email
), withdrawn AS (
    DELETE FROM outgoing_mail WHERE kind IN ('panel_confirm', 'panel_already_member')
    AND lower(to_address) IN (SELECT lower(email) FROM gone)
)
SELECT count(*) FROM gone`, before).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("purging unconfirmed sign-ups: %w", err)
	}
	return n, nil
}
