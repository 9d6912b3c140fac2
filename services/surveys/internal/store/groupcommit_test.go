package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// Concurrent submits commit in batches; a refused one must not take the
// others in its batch down with it, nor leave anything behind.
func TestConcurrentSubmitsAreDecidedEachOnTheirOwn(t *testing.T) {
	t.Parallel()
	f := newStore(t, "pool_max_conns=8")
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	closing := openPoll(t, f, flashSpec("andere", now), now)
	const invited = 40
	invitees := make([]store.Invitee, invited)
	issued, err := f.st.CreateInvitations(ctx, p.ID(), invitees, now)
	if err != nil {
		t.Fatal(err)
	}
	// Checked while open, submitted after the close.
	late := make([]poll.Response, 20)
	for i := range late {
		late[i] = check(t, closing, someAnswers(i), now)
	}
	if _, err := f.st.UpdatePoll(ctx, closing.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
		return q, nil, q.Close(time.Now())
	}); err != nil {
		t.Fatal(err)
	}

	type attempt struct {
		what string
		sub  store.Submission
	}
	var attempts []attempt
	add := func(what string, r poll.Response, who store.RespondentKey) {
		key := "key-" + strconv.Itoa(len(attempts))
		attempts = append(attempts, attempt{what, store.Submission{Response: r, Respondent: who, IdempotencyKey: key, RequestHash: requestHash(someAnswers(1))}})
	}
	for i, inv := range issued {
		// Each invitation twice, under other keys: one of the two gets in.
		add("invitation", check(t, p, someAnswers(i), now), store.InvitationRespondent(inv.ID))
		add("invitation", check(t, p, someAnswers(i), now), store.InvitationRespondent(inv.ID))
	}
	for i := range 40 {
		add("browser", check(t, p, someAnswers(i), now), store.CookieRespondent("browser-"+strconv.Itoa(i)))
	}
	for i, r := range late {
		add("closed poll", r, store.CookieRespondent("late-"+strconv.Itoa(i)))
	}
	for i := range 10 {
		add("unknown invitation", check(t, p, someAnswers(i), now), store.InvitationRespondent("01957a3c-2b1e-7c00-8000-0000000000"+strconv.Itoa(10+i)))
	}

	got := map[string]int{}
	var mu sync.Mutex
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Go(func() {
			<-start
			out, err := f.st.SubmitResponse(ctx, announcing(a.sub))
			outcome := "accepted"
			switch {
			case err == nil && out.Replayed:
				outcome = "replayed"
			case store.AlreadyAnswered(err):
				outcome = "already answered"
			case err != nil:
				outcome = string(errs.CodeOf(err))
			}
			mu.Lock()
			got[a.what+": "+outcome]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()

	want := map[string]int{
		"invitation: accepted":                            invited,
		"invitation: already answered":                    invited,
		"browser: accepted":                               40,
		"closed poll: " + string(errs.FailedPrecondition): 20,
		"unknown invitation: " + string(errs.NotFound):    10,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	accepted := invited + 40
	wantStored := stored{Responses: accepted, RespondentKeys: accepted, IdempotencyKeys: accepted, Announced: accepted, UsedInvitations: invited}
	if diff := cmp.Diff(wantStored, f.stored(t)); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}
