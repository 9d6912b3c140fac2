package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The keys the gateway makes for itself, by their name in the secrets
// table.
const (
	sessionKeyName    = "session_key"
	respondentKeyName = "respondent_key"
)

// SessionKey returns the session key the gateway made for itself, making
// it on first use. Every replica, and every restart, gets the same one, so
// that sessions survive a restart and work on whichever replica a request
// reaches. Whoever can read this table can read the provider tokens kept
// with the sessions: -session-key keeps the key out of the database.
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	return s.secret(ctx, sessionKeyName)
}

// RespondentKey returns the key that seals residents' per-browser cookies
// on open polls, made on first use and the same for every replica and
// every restart: with a new key per start, every browser that answered
// before a restart could answer again after it, and "one answer per
// browser" would last only until the next deployment.
func (s *Store) RespondentKey(ctx context.Context) ([]byte, error) {
	return s.secret(ctx, respondentKeyName)
}

// secret returns the 32-byte key called name, making it on first use.
func (s *Store) secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("making the %s: %w", name, err)
	}
	// Replicas that start together race; the first insert wins and all
	// read the winner. A loser whose statement began before the winner
	// committed sees neither its own row nor the winner's, and tries again.
	for range 3 {
		var key []byte
		err := s.pool.QueryRow(ctx, `WITH made AS (
			INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value)
		SELECT value FROM made UNION ALL SELECT value FROM secrets WHERE name = $1 LIMIT 1`, name, fresh).Scan(&key)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the %s: %w", name, err)
		}
		return key, nil
	}
	return nil, fmt.Errorf("reading the %s: it was made and is not there", name)
}
