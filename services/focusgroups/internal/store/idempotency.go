package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
)

// KeepIdempotencyKeys is how long a repeated create still gets its first
// result back; after it, the key is claimed afresh and may be purged.
const KeepIdempotencyKeys = 24 * time.Hour

// MaxIdempotencyKey bounds an idempotency key, as the schema does.
const MaxIdempotencyKey = 64

// IdempotencyKeyPath is the field a refused idempotency key is named at.
const IdempotencyKeyPath = "/idempotencyKey"

// The creates an idempotency key can be given to, as stored.
const (
	opCreateGroup     = "create_focus_group"
	opScheduleSession = "schedule_session"
	opInviteResidents = "invite_residents"
	opCreateFinding   = "create_finding"
)

// Once makes a create happen once per key: a repeat with the same Key by
// the same Subject within KeepIdempotencyKeys returns the first call's
// result and creates nothing. The zero Once (no key) creates every time.
type Once struct {
	// Key is the client's key (a form's hidden field, or a random UUID),
	// at most MaxIdempotencyKey visible ASCII characters; empty for none.
	Key string
	// Subject is the caller's login subject: one caller's key never
	// replays another's create.
	Subject string
}

// ValidIdempotencyKey reports whether key is 1 to MaxIdempotencyKey
// visible (printable, non-space) ASCII characters.
func ValidIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// InvalidIdempotencyKey is the error for a key that ValidIdempotencyKey
// refuses.
func InvalidIdempotencyKey() error {
	return invalid(IdempotencyKeyPath, fmt.Sprintf("must be 1 to %d visible ASCII characters", MaxIdempotencyKey))
}

// onceOf returns the first of once, or none.
func onceOf(once []Once) Once {
	if len(once) == 0 {
		return Once{}
	}
	return once[0]
}

// claim is what claimKey found: either the key is this transaction's to
// create under (fresh), or it names what an earlier call created.
type claim struct {
	fresh       bool
	resourceIDs []string
	skipped     int
}

// claimKey claims o's key for operation on target in tx, before anything
// is created. A concurrent transaction holding the same key makes this one
// wait for it to end: committed, its result is replayed; rolled back, the
// key is this one's. A key of the same caller used on another target is
// refused; one older than KeepIdempotencyKeys is claimed afresh.
func (s *Store) claimKey(ctx context.Context, tx pgx.Tx, o Once, operation, target string) (claim, error) {
	if o.Key == "" {
		return claim{fresh: true}, nil
	}
	if !ValidIdempotencyKey(o.Key) {
		return claim{}, InvalidIdempotencyKey()
	}
	now := s.now().UTC()
	if _, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE operation = $1 AND subject = $2 AND key = $3 AND created_at < $4`,
		operation, o.Subject, o.Key, now.Add(-KeepIdempotencyKeys)); err != nil {
		return claim{}, fmt.Errorf("expiring idempotency key: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (operation, subject, key, target, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (operation, subject, key) DO NOTHING`, operation, o.Subject, o.Key, target, now)
	if err != nil {
		return claim{}, fmt.Errorf("claiming idempotency key: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return claim{fresh: true}, nil
	}
	var (
		got     claim
		stored  string
		skipped int32
	)
	if err := tx.QueryRow(ctx, `SELECT target, resource_ids::text[], skipped FROM idempotency_keys WHERE operation = $1 AND subject = $2 AND key = $3`,
		operation, o.Subject, o.Key).Scan(&stored, &got.resourceIDs, &skipped); err != nil {
		return claim{}, fmt.Errorf("reading idempotency key: %w", err)
	}
	if stored != target {
		return claim{}, &errs.Error{Code: errs.Conflict, Message: "idempotency key reused for another request",
			Fields: []errs.Field{{Path: IdempotencyKeyPath, Reason: "was used before by this caller for another focus group or process"}}}
	}
	got.skipped = int(skipped)
	if len(got.resourceIDs) == 0 && operation != opInviteResidents {
		// Claimed and recorded in one transaction, so a committed row
		// always names what it made.
		return claim{}, fmt.Errorf("idempotency key of %s names nothing it created", operation)
	}
	return got, nil
}

// keep records in tx what the create under o's key made, for its repeats.
func keep(ctx context.Context, tx pgx.Tx, o Once, operation string, resourceIDs []string, skipped int) error {
	if o.Key == "" {
		return nil
	}
	if resourceIDs == nil {
		resourceIDs = []string{}
	}
	if _, err := tx.Exec(ctx, `UPDATE idempotency_keys SET resource_ids = $4::uuid[], skipped = $5 WHERE operation = $1 AND subject = $2 AND key = $3`,
		operation, o.Subject, o.Key, resourceIDs, skipped); err != nil {
		return fmt.Errorf("recording idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys forgets the idempotency keys claimed before before,
// when no client repeats any more, and returns how many it forgot.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("purging idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}
