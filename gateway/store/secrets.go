package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// sessionKeyName names the generated session key in the secrets table.
const sessionKeyName = "session_key"

// SessionKey returns the session key the gateway made for itself, making
// it on first use. Every replica, and every restart, gets the same one, so
// that sessions survive a restart and work on whichever replica a request
// reaches. Whoever can read this table can read the provider tokens kept
// with the sessions: -session-key keeps the key out of the database.
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("making a session key: %w", err)
	}
	// Replicas that start together race; the first insert wins and all
	// read the winner. A loser whose statement began before the winner
	// committed sees neither its own row nor the winner's, and tries again.
	for range 3 {
		var key []byte
		err := s.pool.QueryRow(ctx, `WITH made AS (
			INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value)
		SELECT value FROM made UNION ALL SELECT value FROM secrets WHERE name = $1 LIMIT 1`, sessionKeyName, fresh).Scan(&key)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the session key: %w", err)
		}
		return key, nil
	}
	return nil, errors.New("reading the session key: it was made and is not there")
}
