package store

import (
	"context"
	"fmt"
)

// Answered reports whether the respondent k has answered the poll with
// pollID, so that the resident's page can say so before they fill it in
// again. SubmitResponse enforces the rule regardless.
func (s *Store) Answered(ctx context.Context, pollID string, k RespondentKey) (bool, error) {
	if err := checkID("poll", pollID); err != nil {
		return false, err
	}
	if k.id == "" {
		return false, nil
	}
	var answered bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM respondent_keys WHERE poll_id = $1 AND key_hash = $2)`,
		pollID, k.hash()).Scan(&answered)
	if err != nil {
		return false, fmt.Errorf("reading whether poll %s was answered: %w", pollID, err)
	}
	return answered, nil
}
