package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

const (
	// maxFlushes is how many batches of submits commit at once. One at a
	// time makes the batches twice as large as two did under the load
	// tool's 64 residents, which costs PostgreSQL less per answer than
	// the idle moments between batches cost it: 2,460 → 2,790 accepted
	// answers/s end to end, with lower latency (docs/benchmarks.md).
	maxFlushes = 1
	// maxBatch bounds a batch, so that one stays a short transaction.
	maxBatch = 256
	// batchTimeout bounds a batch's transaction. The batch runs apart from
	// any one caller's context, so that a caller that gives up does not
	// fail the others.
	batchTimeout = 30 * time.Second
)

// submitQueue gathers concurrent submits so that they commit in one
// transaction (group commit). It starts no goroutine: submitters run the
// batches themselves. Up to maxFlushes batches run at once; a submit that
// arrives while they all run waits, and whoever finishes a batch hands the
// waiting submits as the next batch to one of them to run. So a lone
// submit commits at once, as a batch of one, and batches grow with the load
// without a timer that adds latency.
//
// The zero value is ready to use.
type submitQueue struct {
	mu       sync.Mutex
	waiting  []*pendingSubmit
	flushing int
}

// pendingSubmit is one SubmitResponse or SubmitInvited call on its way
// through a batch.
type pendingSubmit struct {
	// token and prepare are a SubmitInvited call's: the hash of the
	// invitation token, and what makes the submission once the batch has
	// read the invitation. sub, answers and keyHash are set from then on.
	token   []byte
	prepare func(Invitation, poll.Poll) (Submission, error)

	sub     Submission
	answers []byte
	keyHash []byte // the respondent key's hash

	queued bool // in submitQueue.waiting; guarded by its mu
	// lead hands this submit's caller a batch to run.
	lead chan []*pendingSubmit
	// done is closed once out and err are final.
	done chan struct{}
	out  Submitted
	err  error
}

// submit stores p through a batch and returns its outcome.
func (q *submitQueue) submit(ctx context.Context, s *Store, p *pendingSubmit) (Submitted, error) {
	p.lead, p.done = make(chan []*pendingSubmit, 1), make(chan struct{})
	q.mu.Lock()
	if q.flushing < maxFlushes {
		q.flushing++
		q.mu.Unlock()
		q.run(ctx, s, []*pendingSubmit{p})
		return p.out, p.err
	}
	p.queued = true
	q.waiting = append(q.waiting, p)
	q.mu.Unlock()

	select {
	case <-p.done:
		return p.out, p.err
	case batch := <-p.lead:
		q.run(ctx, s, batch)
		return p.out, p.err
	case <-ctx.Done():
	}
	q.mu.Lock()
	if p.queued {
		// Not taken into a batch: leave, having stored nothing.
		q.waiting = slices.DeleteFunc(q.waiting, func(w *pendingSubmit) bool { return w == p })
		p.queued = false
		q.mu.Unlock()
		return Submitted{}, fmt.Errorf("submitting response: %w", ctx.Err())
	}
	q.mu.Unlock()
	// A batch holds it already; its outcome is what the database says.
	select {
	case <-p.done:
	case batch := <-p.lead:
		q.run(ctx, s, batch)
	}
	return p.out, p.err
}

// run commits batch, answers its submits and then hands the next batch, if
// any submit waits, to one of its submitters.
func (q *submitQueue) run(ctx context.Context, s *Store, batch []*pendingSubmit) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	s.commitSubmits(ctx, batch)
	cancel()
	for _, p := range batch {
		close(p.done)
	}

	q.mu.Lock()
	next := q.take()
	if len(next) == 0 {
		q.flushing--
	}
	q.mu.Unlock()
	if len(next) > 0 {
		next[0].lead <- next
	}
}

// take removes the next batch from the waiting submits: in order of
// arrival, up to maxBatch, and never two of one respondent, idempotency key
// or response id. Those wait for a later batch, so that within a batch no
// submit can decide another's fate and concurrent submits of one
// respondent queue on the primary key as they would alone. q.mu is held.
func (q *submitQueue) take() []*pendingSubmit {
	if len(q.waiting) == 0 {
		return nil
	}
	var (
		batch   []*pendingSubmit
		kept    = q.waiting[:0]
		members batchMembers
	)
	for _, p := range q.waiting {
		if len(batch) == maxBatch || !members.add(p) {
			kept = append(kept, p)
			continue
		}
		p.queued = false
		batch = append(batch, p)
	}
	clear(q.waiting[len(kept):])
	q.waiting = kept
	return batch
}

// batchMembers tells whether a submit may join a batch: never two of one
// respondent, idempotency key or response id, so that within a batch no
// submit can decide another's fate. A SubmitInvited call that is not
// prepared yet is known by its token only (one token is one invitation);
// the clashes that only preparing reveals are found by asking again then.
//
// The zero value is an empty batch.
type batchMembers struct {
	responses map[string]bool
	keys, who map[[2]string]bool
}

// add adds p and reports true, or reports false if p clashes with a member.
func (m *batchMembers) add(p *pendingSubmit) bool {
	if m.who == nil {
		m.responses, m.keys, m.who = map[string]bool{}, map[[2]string]bool{}, map[[2]string]bool{}
	}
	if p.prepare != nil && p.sub.Response.ID == "" {
		tok := [2]string{"token", string(p.token)}
		if m.who[tok] {
			return false
		}
		m.who[tok] = true
		return true
	}
	r := p.sub.Response
	respondent := [2]string{r.PollID, string(p.keyHash)}
	key := [2]string{r.PollID, p.sub.IdempotencyKey}
	if m.responses[r.ID] || m.who[respondent] || (p.sub.IdempotencyKey != "" && m.keys[key]) {
		return false
	}
	m.responses[r.ID], m.who[respondent] = true, true
	if p.sub.IdempotencyKey != "" {
		m.keys[key] = true
	}
	return true
}

// commitSubmits stores a batch in one transaction and sets each submit's
// outcome. Should the transaction fail as a whole, each submit is stored
// on its own instead, so that a batch never answers with another's error.
//
// The batch's SubmitInvited calls are prepared first (prepareInvited); one
// that turns out to clash with another of the batch is stored alone after
// it.
func (s *Store) commitSubmits(ctx context.Context, batch []*pendingSubmit) {
	ready, late := s.prepareInvited(ctx, batch)
	outcomes, err := s.storeBatch(ctx, ready)
	if err == nil {
		for i, p := range ready {
			p.out, p.err = outcomes[i].out, outcomes[i].err
		}
	} else {
		for _, p := range ready {
			p.out, p.err = s.submitOne(ctx, p.sub, p.answers)
		}
	}
	for _, p := range late {
		p.out, p.err = s.submitOne(ctx, p.sub, p.answers)
	}
}

// prepareInvited reads the invitations of the batch's SubmitInvited calls
// and their polls in one query (readInvitations, as page views do) and has
// each call's prepare make its submission; a call whose invitation is
// unknown, or whose prepare refuses, gets that as its outcome and is left
// out. It returns the submits to store together, in batch order, and those
// that clash with an earlier one of the batch (one respondent, idempotency
// key or response id: take can tell only by token), to store alone after
// it.
func (s *Store) prepareInvited(ctx context.Context, batch []*pendingSubmit) (ready, late []*pendingSubmit) {
	lookups := map[*pendingSubmit]*pendingLookup{}
	var all []*pendingLookup
	for _, p := range batch {
		if p.prepare != nil {
			l := &pendingLookup{hash: p.token}
			lookups[p], all = l, append(all, l)
		}
	}
	if len(all) == 0 {
		return batch, nil
	}
	s.readInvitations(ctx, all)
	var members batchMembers
	for _, p := range batch {
		if l := lookups[p]; l != nil {
			if p.err = prepareOne(p, l); p.err != nil {
				continue
			}
		}
		if !members.add(p) {
			late = append(late, p)
			continue
		}
		ready = append(ready, p)
	}
	return ready, late
}

// prepareOne makes p's submission from its invitation as l read it.
func prepareOne(p *pendingSubmit, l *pendingLookup) (err error) {
	switch {
	case l.err != nil:
		return l.err
	case !l.found:
		return errs.New(errs.NotFound, "invitation not found")
	}
	defer func() {
		// prepare runs on another caller's goroutine: a panic must not take
		// the batch with it.
		if v := recover(); v != nil {
			err = fmt.Errorf("preparing a submit: panic: %v", v)
		}
	}()
	sub, err := p.prepare(l.inv, l.poll)
	if err != nil {
		return err
	}
	if sub.Respondent != InvitationRespondent(l.inv.ID) || sub.Response.PollID != l.inv.PollID {
		return fmt.Errorf("preparing a submit: it is not by invitation %s to poll %s", l.inv.ID, l.inv.PollID)
	}
	if err := checkSubmission(sub); err != nil {
		return err
	}
	answers, err := encodeReplies(sub.Response.Replies)
	if err != nil {
		return err
	}
	p.sub, p.answers, p.keyHash = sub, answers, sub.Respondent.hash()
	return nil
}

// submitOutcome is what a batch decided for one of its submits.
type submitOutcome struct {
	out Submitted
	err error
}

// storeBatch takes the polls' locks, reads them, claims the idempotency
// keys and then stores the responses of those whose respondent is new, in
// one transaction of three round trips whatever the batch's size (four when
// a retry's key was claimed before): BEGIN travels with the first and
// COMMIT with the last. It decides each submit
// as SubmitResponse says, in the same order of rules; a refused submit's
// claim on its key is undone, so that it leaves nothing behind. An error
// means nothing was committed.
func (s *Store) storeBatch(ctx context.Context, batch []*pendingSubmit) (_ []submitOutcome, err error) {
	if len(batch) == 0 {
		return nil, nil
	}
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquiring a connection: %w", err)
	}
	defer pooled.Release()
	conn := pooled.Conn()
	committed := false
	defer func() {
		if committed {
			return
		}
		// A connection that cannot even roll back is closed, and the pool
		// drops it on release.
		if _, rbErr := conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			_ = conn.Close(context.WithoutCancel(ctx))
		}
	}()

	order := slices.Clone(batch)
	// One order for every batch, so that two batches claiming the same
	// keys wait for each other rather than deadlock.
	slices.SortFunc(order, func(a, b *pendingSubmit) int {
		return cmp.Or(cmp.Compare(a.sub.Response.PollID, b.sub.Response.PollID),
			cmp.Compare(a.sub.IdempotencyKey, b.sub.IdempotencyKey), bytes.Compare(a.keyHash, b.keyHash))
	})
	seen, err := lockAndClaim(ctx, conn, order)
	if err != nil {
		return nil, err
	}

	outcomes := make(map[*pendingSubmit]*submitOutcome, len(batch))
	var candidates []*pendingSubmit
	for _, p := range order {
		o := &submitOutcome{}
		outcomes[p] = o
		o.out, o.err = seen.decide(p)
		if o.err == nil && !o.out.Replayed {
			candidates = append(candidates, p)
		}
	}

	won, err := insertWinners(ctx, conn, candidates)
	if err != nil {
		return nil, err
	}
	var (
		accepted []*pendingSubmit
		unclaim  struct{ polls, keys, responses []string }
	)
	for _, p := range order {
		o := outcomes[p]
		if o.err == nil && !o.out.Replayed && !won[p] {
			o.err = alreadyAnswered()
		}
		switch {
		case o.err == nil && !o.out.Replayed:
			accepted = append(accepted, p)
		case seen.claimed[p]:
			unclaim.polls = append(unclaim.polls, p.sub.Response.PollID)
			unclaim.keys = append(unclaim.keys, p.sub.IdempotencyKey)
			unclaim.responses = append(unclaim.responses, p.sub.Response.ID)
		}
	}
	evs, err := announceAccepted(ctx, accepted)
	if err != nil {
		return nil, err
	}
	if err := finishBatch(ctx, conn, evs, unclaim.polls, unclaim.keys, unclaim.responses); err != nil {
		return nil, err
	}
	committed = true

	out := make([]submitOutcome, len(batch))
	for i, p := range batch {
		out[i] = *outcomes[p]
	}
	return out, nil
}

// finishBatch writes the accepted submits' events, undoes the refused
// submits' claims on their idempotency keys and commits, in one round
// trip.
func finishBatch(ctx context.Context, conn *pgx.Conn, evs []events.Event, polls, keys, responses []string) error {
	b := &pgx.Batch{}
	events.QueueEnqueue(b, evs...)
	if len(keys) > 0 {
		b.Queue(`DELETE FROM idempotency_keys WHERE (poll_id, key, response_id) IN
(SELECT * FROM unnest($1::text[]::uuid[], $2::text[], $3::text[]::uuid[]))`, polls, keys, responses)
	}
	b.Queue(`COMMIT`)
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	if len(evs) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("enqueueing %d events: %w", len(evs), err)
		}
	}
	if len(keys) > 0 {
		tag, err := br.Exec()
		if err == nil && tag.RowsAffected() != int64(len(keys)) {
			err = fmt.Errorf("%d of %d claims undone", tag.RowsAffected(), len(keys))
		}
		if err != nil {
			return fmt.Errorf("undoing idempotency keys of refused submits: %w", err)
		}
	}
	// COMMIT of a failed transaction rolls it back and says so.
	tag, err := br.Exec()
	if err == nil && tag.String() != "COMMIT" {
		err = fmt.Errorf("the transaction ended with %s", tag)
	}
	if err != nil {
		return fmt.Errorf("committing a batch of submits: %w", err)
	}
	return br.Close()
}

// batchView is what the first round trip of a batch learnt.
type batchView struct {
	polls       map[string]poll.Poll
	invitations map[string]invitationState
	// claimed holds the submits whose idempotency key they recorded.
	claimed map[*pendingSubmit]bool
	// keys holds the recorded idempotency keys, by poll and key.
	keys map[[2]string]recordedKey
}

type invitationState struct {
	pollID string
	used   bool
}

type recordedKey struct {
	requestHash []byte
	responseID  string
}

// lockAndClaim takes each poll's lock, shared, then reads the polls and
// the invitations and claims the idempotency keys, in one round trip; the
// keys that others claimed before are read in a second, when there are
// any. See lockPoll for why the lock and the read are statements
// of their own; locks are taken in one order for every batch.
func lockAndClaim(ctx context.Context, conn *pgx.Conn, order []*pendingSubmit) (batchView, error) {
	var (
		pollIDs, invitations         []string
		keyPolls, keys, keyResponses []string
		keyHashes                    [][]byte
		keyTimes                     []time.Time
		locks                        []int64
		seenPoll                     = map[string]bool{}
		v                            = batchView{polls: map[string]poll.Poll{}, invitations: map[string]invitationState{}, claimed: map[*pendingSubmit]bool{}, keys: map[[2]string]recordedKey{}}
		byResponse                   = map[string]*pendingSubmit{}
	)
	for _, p := range order {
		r := p.sub.Response
		if !seenPoll[r.PollID] {
			seenPoll[r.PollID] = true
			pollIDs = append(pollIDs, r.PollID)
			locks = append(locks, pollLockKey(r.PollID))
		}
		if id := p.sub.Respondent.invitationID(); id != "" {
			invitations = append(invitations, id)
		}
		if p.sub.IdempotencyKey != "" {
			keyPolls, keys, keyResponses = append(keyPolls, r.PollID), append(keys, p.sub.IdempotencyKey), append(keyResponses, r.ID)
			keyHashes, keyTimes = append(keyHashes, p.sub.RequestHash), append(keyTimes, r.SubmittedAt)
			byResponse[r.ID] = p
		}
	}
	slices.Sort(locks)

	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	// The statements take arrays, whose length a custom plan knows; for
	// small batches PostgreSQL would then plan every execution anew, which
	// costs more than the execution. A generic plan is made once per
	// connection, though, and kept until the tables are analysed again: one
	// made while a table was nearly empty (a new installation, or keys
	// purged overnight) scanned the whole table for every batch as it grew,
	// seconds into a poll's opening rush. Every statement here finds rows
	// by a key, so sequential scans are ruled out, and each reads one table
	// by its keys rather than joining, so no join order can go wrong.
	b.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)`)
	for _, k := range locks {
		b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, k)
	}
	b.Queue(`SELECT id::text, kind, status, opens_at, closes_at FROM polls WHERE id = ANY($1::text[]::uuid[])`, pollIDs)
	if len(invitations) > 0 {
		b.Queue(`SELECT id::text, poll_id::text, used_on IS NOT NULL FROM invitations WHERE id = ANY($1::text[]::uuid[])`, invitations)
	}
	if len(keys) > 0 {
		b.Queue(claimKeysSQL, keyPolls, keys, keyHashes, keyResponses, keyTimes)
	}
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return batchView{}, fmt.Errorf("beginning transaction: %w", err)
		}
	}
	for range locks {
		if _, err := br.Exec(); err != nil {
			return batchView{}, fmt.Errorf("locking polls: %w", err)
		}
	}
	err := readRows(br, func(rows pgx.Rows) error {
		var (
			id, kind, status  string
			opensAt, closesAt *time.Time
		)
		if err := rows.Scan(&id, &kind, &status, &opensAt, &closesAt); err != nil {
			return err
		}
		v.polls[id] = poll.Restore(poll.Record{Kind: poll.Kind(kind), Status: poll.Status(status),
			OpensAt: timeOf(opensAt), ClosesAt: timeOf(closesAt)})
		return nil
	})
	if err != nil {
		return batchView{}, fmt.Errorf("reading polls: %w", err)
	}
	if len(invitations) > 0 {
		err := readRows(br, func(rows pgx.Rows) error {
			var id string
			var st invitationState
			if err := rows.Scan(&id, &st.pollID, &st.used); err != nil {
				return err
			}
			v.invitations[id] = st
			return nil
		})
		if err != nil {
			return batchView{}, fmt.Errorf("reading invitations: %w", err)
		}
	}
	if len(keys) > 0 {
		err := readRows(br, func(rows pgx.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if p := byResponse[id]; p != nil {
				v.claimed[p] = true
			}
			return nil
		})
		if err != nil {
			return batchView{}, fmt.Errorf("claiming idempotency keys: %w", err)
		}
	}
	if err := br.Close(); err != nil {
		return batchView{}, fmt.Errorf("locking polls: %w", err)
	}
	// The keys recorded before, of retries and double clicks: a round
	// trip of its own, taken only when there are any.
	var (
		retryPolls, retryKeys []string
	)
	for i, id := range keyResponses {
		if !v.claimed[byResponse[id]] {
			retryPolls, retryKeys = append(retryPolls, keyPolls[i]), append(retryKeys, keys[i])
		}
	}
	if len(retryKeys) == 0 {
		return v, nil
	}
	// Planned for its arguments (no cached plan, see the top of this
	// function), since it joins.
	rows, err := conn.Query(ctx, `SELECT k.poll_id::text, k.key, k.request_hash, k.response_id::text
FROM unnest($1::text[]::uuid[], $2::text[]) AS u (poll_id, key)
JOIN idempotency_keys k ON k.poll_id = u.poll_id AND k.key = u.key`, pgx.QueryExecModeExec, retryPolls, retryKeys)
	if err != nil {
		return batchView{}, fmt.Errorf("reading idempotency keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pollID, key string
		var k recordedKey
		if err := rows.Scan(&pollID, &key, &k.requestHash, &k.responseID); err != nil {
			return batchView{}, fmt.Errorf("reading idempotency keys: %w", err)
		}
		v.keys[[2]string{pollID, key}] = k
	}
	if err := rows.Err(); err != nil {
		return batchView{}, fmt.Errorf("reading idempotency keys: %w", err)
	}
	return v, nil
}

// readRows reads the next result of br row by row.
func readRows(br pgx.BatchResults, row func(pgx.Rows) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// decide applies SubmitResponse's rules, but the one that needs the
// respondent's key inserted, to p: a replay, a refusal or, with neither,
// a candidate to store.
func (v batchView) decide(p *pendingSubmit) (Submitted, error) {
	r := p.sub.Response
	lifecycle, ok := v.polls[r.PollID]
	if !ok {
		return Submitted{}, PollNotFound(r.PollID)
	}
	if p.sub.IdempotencyKey != "" && !v.claimed[p] {
		k, ok := v.keys[[2]string{r.PollID, p.sub.IdempotencyKey}]
		if !ok {
			// Purged between the claim and the read: too old to replay.
			return Submitted{}, errors.New("reading idempotency key: it vanished")
		}
		if !bytes.Equal(k.requestHash, p.sub.RequestHash) {
			return Submitted{}, &errs.Error{Code: errs.Conflict, Message: "idempotency key reused for another request",
				Fields: []errs.Field{{Path: idempotencyKeyPath, Reason: "was used before for a request with other content"}}}
		}
		return Submitted{ResponseID: k.responseID, Replayed: true}, nil
	}
	if err := lifecycle.CheckOpen(r.SubmittedAt); err != nil {
		return Submitted{}, err
	}
	if id := p.sub.Respondent.invitationID(); id != "" {
		inv, ok := v.invitations[id]
		switch {
		case !ok || inv.pollID != r.PollID:
			return Submitted{}, errs.New(errs.NotFound, "invitation %s to poll %s not found", id, r.PollID)
		case inv.used:
			return Submitted{}, alreadyAnswered()
		}
	}
	return Submitted{ResponseID: r.ID}, nil
}

// insertWinners inserts the candidates' respondent keys and, for those
// whose key was new, marks their invitations used and stores their
// responses, in one statement. It returns the candidates whose response
// was stored. Concurrent batches with a respondent in common queue on the
// respondent key's primary key, as lone submits do.
func insertWinners(ctx context.Context, conn *pgx.Conn, candidates []*pendingSubmit) (map[*pendingSubmit]bool, error) {
	won := map[*pendingSubmit]bool{}
	if len(candidates) == 0 {
		return won, nil
	}
	var (
		idx                                              = make([]int32, len(candidates))
		polls, invitations, ids, municipalities, answers = make([]string, len(candidates)), make([]string, len(candidates)),
			make([]string, len(candidates)), make([]string, len(candidates)), make([]string, len(candidates))
		hashes = make([][]byte, len(candidates))
		times  = make([]time.Time, len(candidates))
	)
	for i, p := range candidates {
		r := p.sub.Response
		idx[i], polls[i], hashes[i], invitations[i] = int32(i), r.PollID, p.keyHash, p.sub.Respondent.invitationID()
		ids[i], municipalities[i], answers[i], times[i] = r.ID, r.Municipality, string(p.answers), r.SubmittedAt
	}
	// Data-modifying CTEs run exactly once, whether or not the outer query
	// reads them; the counts let the caller check that every winner's
	// invitation and response were written.
	rows, err := conn.Query(ctx, storeWinnersSQL, idx, polls, hashes, invitations, ids, municipalities, answers, times)
	if err != nil {
		return nil, fmt.Errorf("storing responses: %w", err)
	}
	defer rows.Close()
	var winners, winnersInvited, used, stored int64
	for rows.Next() {
		var i int32
		var invitedWinner bool
		if err := rows.Scan(&i, &invitedWinner, &used, &stored); err != nil {
			return nil, fmt.Errorf("storing responses: %w", err)
		}
		won[candidates[i]] = true
		winners++
		if invitedWinner {
			winnersInvited++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storing responses: %w", err)
	}
	if stored != winners || used != winnersInvited {
		// An invitation was used without a respondent key: let each submit
		// find out on its own.
		return nil, fmt.Errorf("storing responses: %d of %d stored, %d of %d invitations marked used", stored, winners, used, winnersInvited)
	}
	return won, nil
}

// storeWinnersSQL inserts the respondent keys of a batch's candidates and,
// for those whose key is new, marks their invitations used and inserts
// their responses (see insertWinners). plans_test.go checks that no plan of
// it scans a table whole.
const storeWinnersSQL = `WITH input AS (
    SELECT * FROM unnest($1::int[], $2::text[]::uuid[], $3::bytea[], $4::text[], $5::text[]::uuid[], $6::text[], $7::text[]::jsonb[], $8::timestamptz[])
        AS t (idx, poll_id, key_hash, invitation, id, municipality, answers, submitted_at)
), won AS (
    INSERT INTO respondent_keys (poll_id, key_hash) SELECT poll_id, key_hash FROM input
    WHERE invitation = '' OR EXISTS (SELECT FROM invitations i
        WHERE i.id = input.invitation::uuid AND i.poll_id = input.poll_id AND i.used_on IS NULL)
    ON CONFLICT DO NOTHING RETURNING poll_id, key_hash
), winners AS (
    SELECT input.* FROM input JOIN won USING (poll_id, key_hash)
), used AS (
    UPDATE invitations i SET used_on = (w.submitted_at AT TIME ZONE 'UTC')::date
    FROM winners w
    WHERE w.invitation <> '' AND i.id = w.invitation::uuid AND i.poll_id = w.poll_id AND i.used_on IS NULL
    RETURNING i.id
), stored AS (
    INSERT INTO responses (id, poll_id, municipality, answers, submitted_at)
    SELECT id, poll_id, municipality, answers, submitted_at FROM winners
    RETURNING id
)
SELECT idx, invitation <> '', (SELECT count(*) FROM used), (SELECT count(*) FROM stored) FROM winners`

// claimKeysSQL claims a batch's idempotency keys; RETURNING names the new
// ones.
const claimKeysSQL = `INSERT INTO idempotency_keys (poll_id, key, request_hash, response_id, created_at)
SELECT * FROM unnest($1::text[]::uuid[], $2::text[], $3::bytea[], $4::text[]::uuid[], $5::timestamptz[])
ON CONFLICT (poll_id, key) DO NOTHING RETURNING response_id::text`

// announceAccepted returns the responses.accepted events of accepted, the
// submits a commit stores: one per poll (more for a poll with many long
// responses), polls and responses in the order given.
func announceAccepted(ctx context.Context, accepted []*pendingSubmit) ([]events.Event, error) {
	var (
		evs  []events.Event
		poll []*eventsv1.ResponseAccepted
	)
	for i, p := range accepted {
		if p.sub.Accepted != nil {
			poll = append(poll, p.sub.Accepted)
		}
		if i+1 < len(accepted) && accepted[i+1].sub.Response.PollID == p.sub.Response.PollID {
			continue
		}
		if len(poll) > 0 {
			more, err := announce.ResponsesAccepted(ctx, p.sub.Tenant, p.sub.Response.PollID, poll)
			if err != nil {
				return nil, err
			}
			evs, poll = append(evs, more...), nil
		}
	}
	return evs, nil
}
