package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/resident"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// RespondentKey names who answers, for the one-response rule: an
// invitation or a browser. It is stored only as a hash.
type RespondentKey struct {
	// prefix is "inv:" or "ck:"; it keeps an invitation id and a cookie id
	// that happen to be equal apart.
	prefix string
	id     string
}

// InvitationRespondent is the key of whoever answers through the
// invitation with id: one response per invitation.
func InvitationRespondent(invitationID string) RespondentKey {
	return RespondentKey{prefix: "inv:", id: invitationID}
}

// CookieRespondent is the key of a browser answering an open link, by the
// id in its respondent cookie: one response per browser.
func CookieRespondent(cookieID string) RespondentKey {
	return RespondentKey{prefix: "ck:", id: cookieID}
}

// invitationID returns the invitation's id, or "" for a browser.
func (k RespondentKey) invitationID() string {
	if k.prefix == "inv:" {
		return k.id
	}
	return ""
}

// hash is what respondent_keys holds: the SHA-256 of "inv:" and the
// invitation id, or of "ck:" and the cookie id.
func (k RespondentKey) hash() []byte {
	sum := sha256.Sum256([]byte(k.prefix + k.id))
	return sum[:]
}

// maxIdempotencyKey bounds an Idempotency-Key.
const maxIdempotencyKey = 255

// Submission is a checked response and what makes submitting it safe to
// retry.
type Submission struct {
	// Response is what poll.Poll.Check returned; it names the poll.
	Response poll.Response
	// Respondent is who answers: an invitation or a browser.
	Respondent RespondentKey
	// IdempotencyKey is the client's key for this submit (the
	// Idempotency-Key header, or a form's hidden field); empty for none.
	// Keys are per poll.
	IdempotencyKey string
	// RequestHash identifies the request's content, e.g. the SHA-256 of
	// the normalised answers; required with IdempotencyKey. A retry under
	// the same key must carry the same hash. It must not identify the
	// respondent: it is stored beside the response id.
	RequestHash []byte
	// Accepted is what the responses.accepted event says of the response
	// (announce.Accepted); nil announces nothing. The responses one commit
	// stores are announced together, one event per poll.
	Accepted *eventsv1.ResponseAccepted
	// Tenant is the poll's tenant, the event's; required with Accepted.
	Tenant string
}

// Submitted is the outcome of a submit.
type Submitted struct {
	// ResponseID is the stored response's id: the new one's, or on a replay
	// the first one's.
	ResponseID string
	// Replayed reports that the idempotency key had produced this response
	// already and nothing new was stored.
	Replayed bool
}

// The paths a rejected submission's Conflict error names, so that callers
// can tell "already answered" from a reused idempotency key.
const (
	respondentPath     = "/respondent"
	idempotencyKeyPath = "/idempotencyKey"
)

// AlreadyAnswered reports whether err rejects a submission because its
// invitation or browser has answered the poll already.
func AlreadyAnswered(err error) bool { return conflictAt(err, respondentPath) }

// IdempotencyKeyReused reports whether err rejects a submission because its
// idempotency key came with another request before.
func IdempotencyKeyReused(err error) bool { return conflictAt(err, idempotencyKeyPath) }

func conflictAt(err error, path string) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == errs.Conflict && len(e.Fields) == 1 && e.Fields[0].Path == path
}

// SubmitResponse stores sub's response and announces it (responses.accepted,
// when sub.Accepted is set) in one transaction, or nothing at all:
//
//   - A key that produced a response before gives that response back as a
//     replay if the request hash matches, else a Conflict naming
//     /idempotencyKey. A replay is answered even after the poll closed.
//   - A poll that is not open at the response's time (or has been closed
//     meanwhile) gives FailedPrecondition.
//   - A respondent who answered before gives a Conflict naming
//     /respondent (see AlreadyAnswered).
//   - An invitation respondent's invitation must be the poll's; it is
//     marked used.
//
// Both rules hold under any concurrency because PostgreSQL enforces them
// with primary keys: concurrent submits of one key or respondent wait for
// the first and then see its result.
//
// Concurrent submits commit together, in batches (see submitQueue); each
// is answered as if it had committed alone, and one that is refused
// leaves nothing behind however its batch fares.
func (s *Store) SubmitResponse(ctx context.Context, sub Submission) (Submitted, error) {
	if err := checkSubmission(sub); err != nil {
		return Submitted{}, err
	}
	answers, err := encodeReplies(sub.Response.Replies)
	if err != nil {
		return Submitted{}, err
	}
	return s.submits.submit(ctx, s, &pendingSubmit{sub: sub, answers: answers, keyHash: sub.Respondent.hash()})
}

// SubmitInvited stores the submit of whoever holds the invitation link
// with token, as SubmitResponse does, and reads the invitation and its
// poll in the batch that stores it rather than before: a resident's submit
// then waits for one batch, not for a lookup and a batch, and the lookup
// is shared by the whole batch instead of the few that arrive during
// another lookup (docs/benchmarks.md).
//
// prepare gets the invitation and its poll and returns the checked
// submission, its respondent the invitation and its response to that poll,
// or the error that is then the submit's outcome; nothing is stored for
// it. An unknown token is NotFound without a call. prepare is called at
// most once, and may run on another caller's goroutine before this call
// returns; what it records is the caller's to read once this call has
// returned.
func (s *Store) SubmitInvited(ctx context.Context, token string, prepare func(Invitation, poll.Poll) (Submission, error)) (Submitted, error) {
	if err := resident.CheckInvitationToken(token); err != nil {
		return Submitted{}, errs.New(errs.NotFound, "invitation not found")
	}
	return s.submits.submit(ctx, s, &pendingSubmit{token: resident.HashInvitationToken(token), prepare: prepare})
}

// submitOne stores one submission in a transaction of its own. It is what
// a batch falls back to when it fails as a whole, so that a submit is
// answered exactly as the rules above say even then.
func (s *Store) submitOne(ctx context.Context, sub Submission, answers []byte) (Submitted, error) {
	r := sub.Response
	var out Submitted
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		lifecycle, claimed, err := lockPoll(ctx, tx, sub)
		if err != nil {
			return err
		}
		if !claimed {
			replay, err := replayOf(ctx, tx, sub)
			if err != nil {
				return err
			}
			out = Submitted{ResponseID: replay, Replayed: true}
			return nil
		}
		if err := lifecycle.CheckOpen(r.SubmittedAt); err != nil {
			return err
		}
		if err := insertResponse(ctx, tx, sub, answers); err != nil {
			return err
		}
		out = Submitted{ResponseID: r.ID}
		evs, err := announceAccepted(ctx, []*pendingSubmit{{sub: sub}})
		if err != nil {
			return err
		}
		return events.Enqueue(ctx, tx, evs...)
	})
	if err != nil {
		return Submitted{}, err
	}
	return out, nil
}

// lockPoll takes the poll's lock, shared, reads what the poll's lifecycle
// needs, and claims sub's idempotency key, in one round trip. claimed is
// false when the key was recorded before; with no key it is true.
//
// Submits share the lock; a change of the poll takes it alone (UpdatePoll).
// So closing waits for the submits in flight, and submits after it wait
// for it and read the poll closed. The poll is read in a statement after
// the lock's, so that it sees what committed while the lock was awaited.
//
// A key another transaction has just claimed makes the claim wait for it:
// if that one commits, the key is taken; if it rolls back, the key is ours.
func lockPoll(ctx context.Context, tx pgx.Tx, sub Submission) (lifecycle poll.Poll, claimed bool, err error) {
	r := sub.Response
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, pollLockKey(r.PollID))
	b.Queue(`SELECT kind, status, opens_at, closes_at FROM polls WHERE id = $1`, r.PollID)
	if sub.IdempotencyKey != "" {
		b.Queue(`INSERT INTO idempotency_keys (poll_id, key, request_hash, response_id, created_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (poll_id, key) DO NOTHING`,
			r.PollID, sub.IdempotencyKey, sub.RequestHash, r.ID, r.SubmittedAt)
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return poll.Poll{}, false, fmt.Errorf("locking poll %s: %w", r.PollID, err)
	}
	var (
		kind, status      string
		opensAt, closesAt *time.Time
	)
	err = br.QueryRow().Scan(&kind, &status, &opensAt, &closesAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return poll.Poll{}, false, PollNotFound(r.PollID)
	}
	if err != nil {
		return poll.Poll{}, false, fmt.Errorf("reading poll %s: %w", r.PollID, err)
	}
	claimed = true
	if sub.IdempotencyKey != "" {
		tag, err := br.Exec()
		if err != nil {
			return poll.Poll{}, false, fmt.Errorf("claiming idempotency key: %w", err)
		}
		claimed = tag.RowsAffected() == 1
	}
	if err := br.Close(); err != nil {
		return poll.Poll{}, false, fmt.Errorf("locking poll %s: %w", r.PollID, err)
	}
	lifecycle = poll.Restore(poll.Record{Kind: poll.Kind(kind), Status: poll.Status(status),
		OpensAt: timeOf(opensAt), ClosesAt: timeOf(closesAt)})
	return lifecycle, claimed, nil
}

// replayOf returns the response that sub's idempotency key produced, or a
// Conflict if the key came with another request.
func replayOf(ctx context.Context, tx pgx.Tx, sub Submission) (string, error) {
	var (
		hash     []byte
		response string
	)
	err := tx.QueryRow(ctx, `SELECT request_hash, response_id::text FROM idempotency_keys WHERE poll_id = $1 AND key = $2`,
		sub.Response.PollID, sub.IdempotencyKey).Scan(&hash, &response)
	if err != nil {
		return "", fmt.Errorf("reading idempotency key: %w", err)
	}
	if !bytes.Equal(hash, sub.RequestHash) {
		return "", &errs.Error{Code: errs.Conflict, Message: "idempotency key reused for another request",
			Fields: []errs.Field{{Path: idempotencyKeyPath, Reason: "was used before for a request with other content"}}}
	}
	return response, nil
}

// insertResponse records the respondent, marks their invitation used (on
// the day of the response) and stores the response, in one round trip.
// Concurrent submits of one respondent queue on the respondent key's
// primary key; all but the first fail there once it commits.
func insertResponse(ctx context.Context, tx pgx.Tx, sub Submission, answers []byte) error {
	r := sub.Response
	invitation := sub.Respondent.invitationID()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO respondent_keys (poll_id, key_hash) VALUES ($1, $2)`, r.PollID, sub.Respondent.hash())
	if invitation != "" {
		b.Queue(`UPDATE invitations SET used_on = ($3::timestamptz AT TIME ZONE 'UTC')::date
WHERE id = $1 AND poll_id = $2 AND used_on IS NULL`, invitation, r.PollID, r.SubmittedAt)
	}
	b.Queue(`INSERT INTO responses (id, poll_id, municipality, answers, submitted_at) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, r.PollID, r.Municipality, answers, r.SubmittedAt)
	br := tx.SendBatch(ctx, b)
	defer br.Close()

	_, err := br.Exec()
	if isUniqueViolation(err, "respondent_keys_pkey") {
		return alreadyAnswered()
	}
	if err != nil {
		return fmt.Errorf("recording the respondent of poll %s: %w", r.PollID, err)
	}
	invitationUsed := true
	if invitation != "" {
		tag, err := br.Exec()
		if err != nil {
			return fmt.Errorf("marking invitation %s used: %w", invitation, err)
		}
		invitationUsed = tag.RowsAffected() == 1
	}
	_, err = br.Exec()
	if isUniqueViolation(err, "responses_pkey") {
		return errs.New(errs.Conflict, "response %s exists already", r.ID)
	}
	if err != nil {
		return fmt.Errorf("inserting response to poll %s: %w", r.PollID, err)
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("inserting response to poll %s: %w", r.PollID, err)
	}
	if !invitationUsed {
		return whyInvitationUnused(ctx, tx, r.PollID, invitation)
	}
	return nil
}

// whyInvitationUnused explains why marking the invitation with id used
// changed nothing.
func whyInvitationUnused(ctx context.Context, tx pgx.Tx, pollID, id string) error {
	var used bool
	err := tx.QueryRow(ctx, `SELECT used_on IS NOT NULL FROM invitations WHERE id = $1 AND poll_id = $2`, id, pollID).Scan(&used)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return errs.New(errs.NotFound, "invitation %s to poll %s not found", id, pollID)
	case err != nil:
		return fmt.Errorf("reading invitation %s: %w", id, err)
	case used:
		// Its respondent key was new, so the key must have been removed; the
		// invitation still says it was used once.
		return alreadyAnswered()
	}
	return fmt.Errorf("marking invitation %s used: no row changed", id)
}

func checkSubmission(sub Submission) error {
	r := sub.Response
	var v errs.Violations
	if checkID("response", r.ID) != nil {
		v.Add("/response/id", "must be a UUID")
	}
	if r.SubmittedAt.IsZero() {
		v.Add("/response/submittedAt", "is required")
	}
	if sub.Respondent.id == "" {
		v.Add(respondentPath, "is required: an invitation or a browser")
	}
	if len(sub.IdempotencyKey) > maxIdempotencyKey {
		v.Add(idempotencyKeyPath, fmt.Sprintf("must be at most %d bytes", maxIdempotencyKey))
	}
	if sub.IdempotencyKey != "" && len(sub.RequestHash) == 0 {
		v.Add("/requestHash", "is required with an idempotency key")
	}
	if sub.Accepted != nil && (sub.Tenant == "" || sub.Accepted.GetPollId() != r.PollID || sub.Accepted.GetResponseId() != r.ID) {
		v.Add("/accepted", "must announce this response, with the poll's tenant")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := checkID("poll", r.PollID); err != nil {
		return err
	}
	if id := sub.Respondent.invitationID(); id != "" {
		return checkID("invitation", id)
	}
	return nil
}

func alreadyAnswered() error {
	return &errs.Error{Code: errs.Conflict, Message: "already answered",
		Fields: []errs.Field{{Path: respondentPath, Reason: "has answered this poll already"}}}
}

// PurgeIdempotencyKeys forgets the idempotency keys recorded before
// before, when no client retries any more, and returns how many it forgot.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("purging idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}
