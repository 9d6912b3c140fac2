package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
)

// live is the condition of a session that has not ended: not expired, and
// not begun before a council term of its subject ended, or before that end
// was announced, when the term has ended by now. A session begun after
// both was granted by the provider knowing of it.
const live = `s.expires_at > now() AND NOT EXISTS (
	SELECT 1 FROM member_terms m
	WHERE m.subject_sha256 = encode(sha256(convert_to(s.subject, 'UTF8')), 'hex') AND m.ends_at <= now() AND s.created_at < greatest(m.ends_at, m.announced_at))`

var errNoSession = errs.New(errs.NotFound, "no such session")

// CreateSession implements identity.SessionStore.
func (s *Store) CreateSession(ctx context.Context, idHash []byte, sess identity.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions
	(id_hash, subject, name, grants, roles_missing, tokens, created_at, expires_at, checked_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		idHash, sess.Subject, sess.Name, grantStrings(sess.Grants), sess.RolesMissing, sess.Tokens,
		sess.Created, sess.Expires, sess.Checked)
	if err != nil {
		return fmt.Errorf("creating session: %w", err)
	}
	return nil
}

// Session implements identity.SessionStore.
func (s *Store) Session(ctx context.Context, idHash []byte) (identity.Session, error) {
	row := s.pool.QueryRow(ctx, `SELECT subject, name, grants, roles_missing, tokens, created_at, expires_at, checked_at
	FROM sessions s WHERE id_hash = $1 AND `+live, idHash)
	return scanSession(row)
}

// ClaimCheck implements identity.SessionStore.
func (s *Store) ClaimCheck(ctx context.Context, idHash []byte, staleBefore time.Time, lease time.Duration) ([]byte, bool, error) {
	var tokens []byte
	err := s.pool.QueryRow(ctx, `UPDATE sessions s SET check_until = now() + $3
	WHERE id_hash = $1 AND checked_at < $2 AND (check_until IS NULL OR check_until <= now()) AND `+live+`
	RETURNING tokens`, idHash, staleBefore, lease).Scan(&tokens)
	if err == nil {
		return tokens, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, fmt.Errorf("reserving a session check: %w", err)
	}
	// Not reserved: checked recently, another replica is at it, or the
	// session has ended; only the last is the caller's business.
	if _, err := s.Session(ctx, idHash); err != nil {
		return nil, false, err
	}
	return nil, false, nil
}

// RecordCheck implements identity.SessionStore.
func (s *Store) RecordCheck(ctx context.Context, idHash []byte, sess identity.Session) error {
	tag, err := s.pool.Exec(ctx, `UPDATE sessions s SET name = $2, grants = $3, roles_missing = $4, tokens = $5,
	checked_at = $6, check_until = NULL WHERE id_hash = $1 AND `+live,
		idHash, sess.Name, grantStrings(sess.Grants), sess.RolesMissing, sess.Tokens, sess.Checked)
	if err != nil {
		return fmt.Errorf("recording a session check: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errNoSession
	}
	return nil
}

// EndSession implements identity.SessionStore. A session that has already
// ended is deleted all the same, and reported as not found.
func (s *Store) EndSession(ctx context.Context, idHash []byte) (identity.Session, error) {
	row := s.pool.QueryRow(ctx, `WITH ended AS (DELETE FROM sessions WHERE id_hash = $1 RETURNING *)
	SELECT subject, name, grants, roles_missing, tokens, created_at, expires_at, checked_at FROM ended s WHERE `+live, idHash)
	return scanSession(row)
}

// EndSessionsOf ends every session of subject, e.g. when an administrator
// must lock someone out at once. It returns how many there were.
func (s *Store) EndSessionsOf(ctx context.Context, subject string) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE subject = $1`, subject)
	if err != nil {
		return 0, fmt.Errorf("ending sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// DeleteEnded deletes sessions that have ended and returns how many.
func (s *Store) DeleteEnded(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions s WHERE NOT (`+live+`)`)
	if err != nil {
		return 0, fmt.Errorf("deleting ended sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

func scanSession(row pgx.Row) (identity.Session, error) {
	var (
		sess   identity.Session
		grants []string
	)
	err := row.Scan(&sess.Subject, &sess.Name, &grants, &sess.RolesMissing, &sess.Tokens, &sess.Created, &sess.Expires, &sess.Checked)
	if errors.Is(err, pgx.ErrNoRows) {
		return identity.Session{}, errNoSession
	}
	if err != nil {
		return identity.Session{}, fmt.Errorf("reading session: %w", err)
	}
	for _, g := range grants {
		// Written by grantStrings from parsed grants, so they parse.
		if parsed, err := auth.ParseGrant(g); err == nil {
			sess.Grants = append(sess.Grants, parsed)
		}
	}
	return sess, nil
}

func grantStrings(gs []auth.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.String())
	}
	return out
}
