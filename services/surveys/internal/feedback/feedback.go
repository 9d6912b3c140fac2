// Package feedback tells respondents what came of their answers. A
// respondent may leave an address with a response; it is stored apart
// from the response, with nothing linking the two. When the results
// service publishes the report of the poll's participation process, the
// consumer here queues one mail per address (mailq), deletes the
// addresses in the same transaction, and, once the mail worker has
// settled every mail of the report, announces the delivery counts as a
// feedback.delivered event.
package feedback

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kind is the mailq kind of feedback mails.
const Kind = "feedback"

// maxAddress bounds an address (RFC 5321's limit on a path).
const maxAddress = 254

// Request is a respondent's request to hear what came of a poll.
type Request struct {
	// PollID is the poll answered.
	PollID string
	// ProcessID is the participation process the poll belongs to.
	ProcessID string
	// Address is where to mail.
	Address string
	// Language is "nl" or "en".
	Language string
}

// ParseAddress checks an address as a resident types it and returns it
// bare (without a display name), or an error that says what is wrong in
// words fit for a field violation.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxAddress {
		return "", fmt.Errorf("must be at most %d characters", maxAddress)
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		return "", errors.New("is not an e-mail address")
	}
	return a.Address, nil
}

// ParseLanguage returns the mail language: "en" for English, "nl" for
// anything else (empty included), Dutch being the default.
func ParseLanguage(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), "en") {
		return "en"
	}
	return "nl"
}

// Store keeps feedback requests.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool, whose search_path is the surveys
// schema.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Add stores r; the same address for the same poll is stored once.
func (s *Store) Add(ctx context.Context, r Request) error {
	addr, err := ParseAddress(r.Address)
	if err != nil {
		return fmt.Errorf("storing feedback request: address %w", err)
	}
	// A random id: a UUIDv7 would tell when the response was submitted.
	id, err := uuid.NewRandom()
	if err != nil {
		return fmt.Errorf("storing feedback request: %w", err)
	}
	const q = `INSERT INTO feedback_requests (id, poll_id, process_id, address, language, created_on)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (poll_id, lower(address)) DO NOTHING`
	day := time.Now().UTC().Format(time.DateOnly)
	if _, err := s.pool.Exec(ctx, q, id, r.PollID, r.ProcessID, addr, ParseLanguage(r.Language), day); err != nil {
		return fmt.Errorf("storing feedback request: %w", err)
	}
	return nil
}
