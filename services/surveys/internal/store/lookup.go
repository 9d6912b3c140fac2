package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

const (
	// maxLookups is how many batched invitation reads run at once; one,
	// for the reason maxFlushes is one.
	maxLookups = 1
	// maxLookupBatch bounds the tokens read in one query.
	maxLookupBatch = 256
)

// lookupQueue gathers concurrent InvitedPoll calls so that they read their
// invitations and polls in one query: every resident's page view starts
// with one, and a query per resident cost both this process and PostgreSQL
// more than the read itself (docs/benchmarks.md). (A submit reads its
// invitation in its batch instead, with readInvitations: see
// SubmitInvited.) It works
// as submitQueue does, without a timer: up to maxLookups queries run at
// once, a call that arrives while they all run waits, and whoever finishes
// a query runs the waiting calls as the next one. A lone call reads at once.
//
// The zero value is ready to use.
type lookupQueue struct {
	mu      sync.Mutex
	waiting []*pendingLookup
	running int
}

// pendingLookup is one InvitedPoll call on its way through a batch.
type pendingLookup struct {
	hash []byte // of the token
	// lead hands this call's caller a batch to run.
	lead   chan []*pendingLookup
	done   chan struct{}
	queued bool // in lookupQueue.waiting; guarded by its mu
	found  bool
	inv    Invitation
	poll   poll.Poll
	err    error
}

// lookup reads the invitation whose token hashes to hash, and its poll.
// found is false when there is none.
func (q *lookupQueue) lookup(ctx context.Context, s *Store, hash []byte) (inv Invitation, p poll.Poll, found bool, err error) {
	l := &pendingLookup{hash: hash, lead: make(chan []*pendingLookup, 1), done: make(chan struct{})}
	q.mu.Lock()
	if q.running < maxLookups {
		q.running++
		q.mu.Unlock()
		q.run(ctx, s, []*pendingLookup{l})
		return l.inv, l.poll, l.found, l.err
	}
	l.queued = true
	q.waiting = append(q.waiting, l)
	q.mu.Unlock()

	select {
	case <-l.done:
		return l.inv, l.poll, l.found, l.err
	case batch := <-l.lead:
		q.run(ctx, s, batch)
		return l.inv, l.poll, l.found, l.err
	case <-ctx.Done():
	}
	q.mu.Lock()
	if l.queued {
		q.waiting = slices.DeleteFunc(q.waiting, func(w *pendingLookup) bool { return w == l })
		l.queued = false
		q.mu.Unlock()
		return Invitation{}, poll.Poll{}, false, fmt.Errorf("reading invitation: %w", ctx.Err())
	}
	q.mu.Unlock()
	// Taken into a batch already: wait for it, or run it if handed over,
	// since the others in it wait too.
	select {
	case <-l.done:
	case batch := <-l.lead:
		q.run(ctx, s, batch)
	}
	return l.inv, l.poll, l.found, l.err
}

// run reads batch, answers its calls and hands the next batch, if any call
// waits, to one of its callers.
func (q *lookupQueue) run(ctx context.Context, s *Store, batch []*pendingLookup) {
	// The query serves every call in the batch, not only the one whose
	// context runs it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	s.readInvitations(ctx, batch)
	cancel()
	for _, l := range batch {
		close(l.done)
	}
	q.mu.Lock()
	var next []*pendingLookup
	if n := min(len(q.waiting), maxLookupBatch); n > 0 {
		next = slices.Clone(q.waiting[:n])
		clear(q.waiting[:n])
		q.waiting = q.waiting[n:]
		for _, l := range next {
			l.queued = false
		}
	} else {
		q.running--
	}
	q.mu.Unlock()
	if len(next) > 0 {
		next[0].lead <- next
	}
}

// readInvitations reads the invitations and polls of batch in one query
// and sets each call's outcome. A poll's definition, the bulk of a row,
// travels with one row of each poll only: a batch mostly holds
// invitations to one poll.
func (s *Store) readInvitations(ctx context.Context, batch []*pendingLookup) {
	// One token may be in a batch more than once: a double click, or two
	// tabs.
	hashes := make([][]byte, 0, len(batch))
	byHash := make(map[string][]*pendingLookup, len(batch))
	for _, l := range batch {
		if byHash[string(l.hash)] == nil {
			hashes = append(hashes, l.hash)
		}
		byHash[string(l.hash)] = append(byHash[string(l.hash)], l)
	}
	fail := func(err error) {
		for _, l := range batch {
			l.err = err
		}
	}
	// A plan cached while the invitations table was nearly empty (before a
	// panel is invited) would scan it whole for every batch once thousands
	// are; planning each batch anew cost PostgreSQL more than the read. So
	// the statement runs in a transaction of its own that rules sequential
	// scans out, all in one round trip, and its cached plan stays an index
	// scan however the table grows.
	b := &pgx.Batch{}
	b.Queue(`BEGIN READ ONLY`)
	b.Queue(`SELECT set_config('enable_seqscan', 'off', true)`)
	b.Queue(lookupSQL, hashes)
	b.Queue(`COMMIT`)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			fail(fmt.Errorf("reading invitations: %w", err))
			return
		}
	}
	rows, err := br.Query()
	if err != nil {
		fail(fmt.Errorf("reading invitations: %w", err))
		return
	}
	defer rows.Close()
	type found struct {
		ls  []*pendingLookup
		inv Invitation
		ps  pollScan
	}
	var all []found
	for rows.Next() {
		var (
			f      found
			hash   []byte
			member *string
			usedOn *time.Time
		)
		inv := &f.inv
		dests := append([]any{&hash, &inv.ID, &inv.PollID, &member, &inv.Municipality, &inv.CreatedAt, &usedOn, &inv.AgeBand, &inv.Neighbourhood},
			f.ps.dests()...)
		if err := rows.Scan(dests...); err != nil {
			fail(fmt.Errorf("reading invitations: %w", err))
			return
		}
		if f.ls = byHash[string(hash)]; f.ls == nil {
			continue
		}
		if member != nil {
			inv.PanelMemberID = *member
		}
		inv.CreatedAt = inv.CreatedAt.UTC()
		if usedOn != nil {
			inv.Used = true
			inv.UsedOn = time.Date(usedOn.Year(), usedOn.Month(), usedOn.Day(), 0, 0, 0, 0, time.UTC)
		}
		all = append(all, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		fail(fmt.Errorf("reading invitations: %w", err))
		return
	}
	if _, err := br.Exec(); err != nil { // COMMIT
		fail(fmt.Errorf("reading invitations: %w", err))
		return
	}
	// First the polls, from the rows that carry their definitions.
	polls := map[string]poll.Poll{}
	pollErrs := map[string]error{}
	for i := range all {
		f := &all[i]
		if f.ps.def == nil {
			continue
		}
		p, err := f.ps.poll(&s.defs)
		if err != nil {
			pollErrs[f.inv.PollID] = fmt.Errorf("reading poll %s: %w", f.inv.PollID, err)
			continue
		}
		polls[f.inv.PollID] = p
	}
	for _, f := range all {
		p, ok := polls[f.inv.PollID]
		for _, l := range f.ls {
			switch {
			case ok:
				l.inv, l.poll, l.found = f.inv, p, true
			case pollErrs[f.inv.PollID] != nil:
				l.err = pollErrs[f.inv.PollID]
			default:
				l.err = fmt.Errorf("reading poll %s: no row carried its definition", f.inv.PollID)
			}
		}
	}
}

// lookupSQL reads invitations by token hash with their polls: the poll's
// columns as pollColumns has them (pollScan reads them in that order), but
// the definition only on each poll's first row. plans_test.go checks that
// no plan of it scans a table whole.
const lookupSQL = `SELECT i.token_hash, i.id::text, i.poll_id::text, i.panel_member_id::text, i.municipality, i.created_at, i.used_on,
    coalesce(i.age_band, ''), coalesce(i.neighbourhood, ''),
    p.id::text, p.process_id::text, p.tenant, p.participants, p.kind, coalesce(p.slug, ''), p.status,
    p.opens_at, p.closes_at, p.cancel_reason,
    CASE WHEN row_number() OVER (PARTITION BY i.poll_id) = 1 THEN p.definition END,
    p.created_by, p.created_at, p.updated_at
FROM invitations i JOIN polls p ON p.id = i.poll_id
WHERE i.token_hash = ANY($1::bytea[])`
