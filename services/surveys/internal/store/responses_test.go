package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// someAnswers answers the flash poll; variant changes the answer.
func someAnswers(variant int) poll.Answers {
	return poll.Answers{Questions: map[string]poll.Answer{
		"often": {Choice: "sometimes"},
		"agree": {Value: "4"},
		"grade": {Value: strconv.Itoa(variant % 11)},
		"hours": {Value: "12,5"},
		"idea":  {Text: "Een buurtkamer"},
	}}
}

// requestHash stands in for the hash the service computes of a request.
func requestHash(a poll.Answers) []byte {
	sum := sha256.Sum256(fmt.Append(nil, a.Questions))
	return sum[:]
}

// stored counts what submits leave behind.
type stored struct {
	Responses, RespondentKeys, IdempotencyKeys, Announced, UsedInvitations int
}

func (f fixture) stored(t *testing.T) stored {
	t.Helper()
	return stored{
		Responses:       f.count(t, `SELECT count(*) FROM responses`),
		RespondentKeys:  f.count(t, `SELECT count(*) FROM respondent_keys`),
		IdempotencyKeys: f.count(t, `SELECT count(*) FROM idempotency_keys`),
		Announced:       f.count(t, announcedSQL, ""),
		UsedInvitations: f.count(t, `SELECT count(*) FROM invitations WHERE used_on IS NOT NULL`),
	}
}

func TestOneInvitationSubmittedAThousandTimesAtOnceStoresOneResponse(t *testing.T) {
	const submits = 1000
	tests := []struct {
		name string
		// key is the idempotency key of submit i.
		key func(i int) string
	}{
		{"every submit with the same idempotency key (a client retrying)", func(int) string { return "retry-me" }},
		{"every submit with a key of its own (tabs and double clicks)", func(i int) string { return "key-" + strconv.Itoa(i) }},
		{"two clients retrying with a key each", func(i int) string { return "client-" + strconv.Itoa(i%2) }},
		{"no idempotency keys at all", func(int) string { return "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newStore(t, "pool_max_conns=20")
			ctx := context.Background()
			now := time.Now()
			p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
			f.panelMembers(t, "GM0453", anna)
			issued, err := f.st.CreateInvitations(ctx, p.ID(), []store.Invitee{{PanelMemberID: anna}}, now)
			if err != nil {
				t.Fatal(err)
			}
			inv := issued[0]
			answers := someAnswers(1)

			type result struct {
				key string
				out store.Submitted
				err error
			}
			results := make([]result, submits)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range submits {
				// Each submit is a request of its own: checked on its own, with
				// a response id of its own.
				r := check(t, p, answers, time.Now())
				sub := store.Submission{Response: r, Respondent: store.InvitationRespondent(inv.ID),
					IdempotencyKey: tc.key(i), RequestHash: requestHash(answers)}
				wg.Go(func() {
					<-start
					out, err := f.st.SubmitResponse(ctx, announcing(sub))
					results[i] = result{key: sub.IdempotencyKey, out: out, err: err}
				})
			}
			began := time.Now()
			close(start)
			wg.Wait()
			elapsed := time.Since(began)

			var winner result
			fresh := 0
			for _, r := range results {
				if r.err == nil && !r.out.Replayed {
					winner = r
					fresh++
				}
			}
			if fresh != 1 {
				t.Fatalf("%d submits stored a response, want exactly 1", fresh)
			}
			var replays, conflicts int
			for i, r := range results {
				switch {
				case r.err == nil && !r.out.Replayed:
				case r.err == nil && r.key == winner.key && r.key != "" && r.out.ResponseID == winner.out.ResponseID:
					replays++
				case store.AlreadyAnswered(r.err) && (r.key != winner.key || r.key == ""):
					conflicts++
				default:
					t.Errorf("submit %d with key %q: %+v, %v; the winner had key %q and response %s",
						i, r.key, r.out, r.err, winner.key, winner.out.ResponseID)
				}
			}
			wantReplays := 0
			if winner.key != "" {
				for i := range submits {
					if tc.key(i) == winner.key {
						wantReplays++
					}
				}
				wantReplays-- // the winner itself
			}
			if replays != wantReplays || conflicts != submits-1-wantReplays {
				t.Errorf("%d replays and %d conflicts, want %d and %d", replays, conflicts, wantReplays, submits-1-wantReplays)
			}
			wantKeys := 0
			if winner.key != "" {
				wantKeys = 1
			}
			want := stored{Responses: 1, RespondentKeys: 1, IdempotencyKeys: wantKeys, Announced: 1, UsedInvitations: 1}
			if diff := cmp.Diff(want, f.stored(t)); diff != "" {
				t.Errorf("stored after %d concurrent submits (-want +got):\n%s", submits, diff)
			}
			if n := f.count(t, `SELECT count(*) FROM responses WHERE id = $1`, winner.out.ResponseID); n != 1 {
				t.Errorf("the winner's response %s is not the one stored", winner.out.ResponseID)
			}
			if n := f.count(t, announcedSQL, winner.out.ResponseID); n != 1 {
				t.Errorf("the response announced in the outbox is not the winner's response %s", winner.out.ResponseID)
			}
			t.Logf("%d concurrent submits over 20 connections: %d stored, %d replayed, %d conflicts in %s (%.0f submits/s)",
				submits, fresh, replays, conflicts, elapsed.Round(time.Millisecond), submits/elapsed.Seconds())
		})
	}
}

func TestSubmitResponseRefusesAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	other := openPoll(t, f, flashSpec("andere", now), now)
	f.panelMembers(t, "GM0453", anna, bram)
	issued, err := f.st.CreateInvitations(ctx, p.ID(), []store.Invitee{{PanelMemberID: anna}, {PanelMemberID: bram}}, now)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := f.st.CreateInvitations(ctx, other.ID(), []store.Invitee{{PanelMemberID: anna}}, now)
	if err != nil {
		t.Fatal(err)
	}
	annas, brams := issued[0], issued[1]

	// Anna has answered, with a key; a browser has answered the open link.
	first := check(t, p, someAnswers(1), now)
	if _, err := f.st.SubmitResponse(ctx, announcing(store.Submission{Response: first, Respondent: store.InvitationRespondent(annas.ID),
		IdempotencyKey: "anna-1", RequestHash: requestHash(someAnswers(1))})); err != nil {
		t.Fatal(err)
	}
	viaLink := check(t, p, someAnswers(2), now)
	if _, err := f.st.SubmitResponse(ctx, announcing(store.Submission{Response: viaLink, Respondent: store.CookieRespondent("browser-1")})); err != nil {
		t.Fatal(err)
	}
	before := f.stored(t)

	submission := func(r poll.Response, who store.RespondentKey, key string, body poll.Answers) store.Submission {
		return store.Submission{Response: r, Respondent: who, IdempotencyKey: key, RequestHash: requestHash(body)}
	}
	afterClosing := check(t, other, someAnswers(3), now)
	if _, err := f.st.UpdatePoll(ctx, other.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
		return q, nil, q.Close(time.Now())
	}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		sub      store.Submission
		wantCode errs.Code
		wantPath string
	}{
		{"the same key with another body", submission(check(t, p, someAnswers(4), now), store.InvitationRespondent(annas.ID), "anna-1", someAnswers(4)), errs.Conflict, "/idempotencyKey"},
		{"the same key with another body from someone else", submission(check(t, p, someAnswers(4), now), store.InvitationRespondent(brams.ID), "anna-1", someAnswers(4)), errs.Conflict, "/idempotencyKey"},
		{"an answered invitation with a new key", submission(check(t, p, someAnswers(1), now), store.InvitationRespondent(annas.ID), "anna-2", someAnswers(1)), errs.Conflict, "/respondent"},
		{"an answered invitation without a key", submission(check(t, p, someAnswers(1), now), store.InvitationRespondent(annas.ID), "", someAnswers(1)), errs.Conflict, "/respondent"},
		{"a browser that answered", submission(check(t, p, someAnswers(5), now), store.CookieRespondent("browser-1"), "", someAnswers(5)), errs.Conflict, "/respondent"},
		{"another poll's invitation", submission(check(t, p, someAnswers(1), now), store.InvitationRespondent(elsewhere[0].ID), "x", someAnswers(1)), errs.NotFound, ""},
		{"an invitation that does not exist", submission(check(t, p, someAnswers(1), now), store.InvitationRespondent("01957a3c-2b1e-7c00-8000-00000000dead"), "", someAnswers(1)), errs.NotFound, ""},
		{"an invitation id that is none", submission(check(t, p, someAnswers(1), now), store.InvitationRespondent("anna"), "", someAnswers(1)), errs.NotFound, ""},
		{"a poll closed after the answers were checked", submission(afterClosing, store.CookieRespondent("browser-2"), "late", someAnswers(3)), errs.FailedPrecondition, "/status"},
		{"a poll that does not exist", submission(poll.Response{ID: first.ID, PollID: "01957a3c-2b1e-7c00-8000-00000000dead", SubmittedAt: now}, store.CookieRespondent("browser-3"), "", someAnswers(1)), errs.NotFound, ""},
		{"no respondent", submission(check(t, p, someAnswers(1), now), store.RespondentKey{}, "", someAnswers(1)), errs.Invalid, "/respondent"},
		{"an empty browser id", submission(check(t, p, someAnswers(1), now), store.CookieRespondent(""), "", someAnswers(1)), errs.Invalid, "/respondent"},
		{"a key without a request hash", store.Submission{Response: check(t, p, someAnswers(1), now), Respondent: store.CookieRespondent("browser-4"), IdempotencyKey: "k"}, errs.Invalid, "/requestHash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.st.SubmitResponse(ctx, announcing(tc.sub))
			if codeOf(err) != tc.wantCode {
				t.Fatalf("SubmitResponse: %+v, %v; want code %q", out, err, tc.wantCode)
			}
			if tc.wantPath != "" && !cmp.Equal(fieldPaths(err), []string{tc.wantPath}) {
				t.Errorf("error %v names %v, want %s", err, fieldPaths(err), tc.wantPath)
			}
			if got, want := store.AlreadyAnswered(err), tc.wantCode == errs.Conflict && tc.wantPath == "/respondent"; got != want {
				t.Errorf("AlreadyAnswered(%v) = %v, want %v", err, got, want)
			}
			if got, want := store.IdempotencyKeyReused(err), tc.wantCode == errs.Conflict && tc.wantPath == "/idempotencyKey"; got != want {
				t.Errorf("IdempotencyKeyReused(%v) = %v, want %v", err, got, want)
			}
			if diff := cmp.Diff(before, f.stored(t)); diff != "" {
				t.Errorf("a refused submit stored something (-before +after):\n%s", diff)
			}
		})
	}

	// A retry of Anna's first submit gets her response back, also now that
	// other attempts failed, and stores nothing.
	retry := check(t, p, someAnswers(1), now)
	out, err := f.st.SubmitResponse(ctx, announcing(submission(retry, store.InvitationRespondent(annas.ID), "anna-1", someAnswers(1))))
	if err != nil || !out.Replayed || out.ResponseID != first.ID {
		t.Errorf("retrying the first submit: %+v, %v; want a replay of response %s", out, err, first.ID)
	}
	if diff := cmp.Diff(before, f.stored(t)); diff != "" {
		t.Errorf("a replay stored something (-before +after):\n%s", diff)
	}
}

func TestSubmitResponseKeepsTheRespondentApartFromTheAnswer(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	f.panelMembers(t, "GM0453", anna)
	issued, err := f.st.CreateInvitations(ctx, p.ID(), []store.Invitee{{PanelMemberID: anna}}, now)
	if err != nil {
		t.Fatal(err)
	}
	r := check(t, p, someAnswers(1), now)
	if _, err := f.st.SubmitResponse(ctx, store.Submission{Response: r, Respondent: store.InvitationRespondent(issued[0].ID)}); err != nil {
		t.Fatal(err)
	}

	columns := func(table string) []string {
		rows, err := f.pool.Query(ctx, `SELECT column_name::text FROM information_schema.columns
WHERE table_schema = 'surveys' AND table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
		return out
	}
	for table, want := range map[string][]string{
		"responses":       {"id", "poll_id", "municipality", "answers", "submitted_at"},
		"respondent_keys": {"poll_id", "key_hash"},
	} {
		if diff := cmp.Diff(want, columns(table)); diff != "" {
			t.Errorf("columns of %s (-want +got):\n%s", table, diff)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM responses WHERE strpos(responses::text, $1) > 0`, issued[0].ID); n != 0 {
		t.Errorf("the invitation id is stored with the response")
	}
	hash := sha256.Sum256([]byte("inv:" + issued[0].ID))
	if n := f.count(t, `SELECT count(*) FROM respondent_keys WHERE key_hash = $1`, hash[:]); n != 1 {
		t.Errorf("no respondent key for the invitation: want the SHA-256 of \"inv:\" and its id")
	}
	got, err := f.st.InvitationByToken(ctx, issued[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	day := r.SubmittedAt.UTC().Truncate(24 * time.Hour)
	if !got.Used || !got.UsedOn.Equal(day) {
		t.Errorf("invitation used %v on %v, want used on %v (the day only)", got.Used, got.UsedOn, day)
	}
}

func TestPurgeIdempotencyKeysForgetsOldKeys(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	r := check(t, p, someAnswers(1), now)
	if _, err := f.st.SubmitResponse(ctx, store.Submission{Response: r, Respondent: store.CookieRespondent("b"),
		IdempotencyKey: "k", RequestHash: requestHash(someAnswers(1))}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		before time.Time
		want   int64
	}{{r.SubmittedAt, 0}, {r.SubmittedAt.Add(time.Microsecond), 1}} {
		n, err := f.st.PurgeIdempotencyKeys(ctx, tc.before)
		if err != nil || n != tc.want {
			t.Errorf("PurgeIdempotencyKeys(%v) = %d, %v; want %d", tc.before, n, err, tc.want)
		}
	}
}

func TestClosingWaitsForSubmitsInFlightAndLaterSubmitsFindItClosed(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)

	// A submit in flight holds the poll's lock, shared.
	inFlight, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer inFlight.Rollback(ctx)
	if _, err := inFlight.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, store.PollLockKey(p.ID())); err != nil {
		t.Fatal(err)
	}
	waiting := func(n int) func() error {
		return func() error {
			got := f.count(t, `SELECT count(*) FROM pg_locks
WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
			if got != n {
				return fmt.Errorf("%d waiting for an advisory lock, want %d", got, n)
			}
			return nil
		}
	}

	closed := make(chan error, 1)
	go func() {
		_, err := f.st.UpdatePoll(ctx, p.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
			return q, nil, q.Close(time.Now())
		})
		closed <- err
	}()
	testkit.CheckFor(t, 10*time.Second, 10*time.Millisecond, waiting(1))

	// A submit that arrives now queues behind the close rather than
	// overtaking it, however many submits keep coming.
	late := check(t, p, someAnswers(1), time.Now())
	submitted := make(chan error, 1)
	go func() {
		_, err := f.st.SubmitResponse(ctx, store.Submission{Response: late, Respondent: store.CookieRespondent("late")})
		submitted <- err
	}()
	testkit.CheckFor(t, 10*time.Second, 10*time.Millisecond, waiting(2))

	if err := inFlight.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("closing: %v", err)
	}
	if err := <-submitted; codeOf(err) != errs.FailedPrecondition {
		t.Errorf("a submit that waited for the close: %v, want failed precondition (closed)", err)
	}
	if n := f.count(t, `SELECT count(*) FROM responses`); n != 0 {
		t.Errorf("%d responses stored after the close, want none", n)
	}
}
