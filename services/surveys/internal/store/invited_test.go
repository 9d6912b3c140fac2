package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// A submit through an invitation link is prepared inside the batch that
// stores it: from the invitation and poll the batch read, once, and only
// for a link that exists. Many at once, some through the same link, some
// refused by their prepare, some with the link's invitation named directly
// (as a replay is): each invitation answers once, a refused submit stores
// nothing, and every submit is told what happened to it.
func TestSubmitsThroughInvitationLinksArePreparedInTheirBatch(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	const invitees = 40
	var who []store.Invitee
	for i := range invitees {
		who = append(who, store.Invitee{PanelMemberID: fmt.Sprintf("01957a3c-2b1e-7c00-8000-%012d", 100+i)})
	}
	for _, in := range who {
		f.panelMembers(t, "GM0453", in.PanelMemberID)
	}
	issued, err := f.st.CreateInvitations(ctx, p.ID(), who, now)
	if err != nil {
		t.Fatal(err)
	}

	type attempt struct {
		name     string
		token    string
		refuse   bool
		direct   bool // SubmitResponse with the invitation's id
		prepared atomic.Int32
		inv      store.Invitation // as prepare got it
		out      store.Submitted
		err      error
	}
	var attempts []*attempt
	for i, inv := range issued {
		switch {
		case i < 10: // three tabs each
			for range 3 {
				attempts = append(attempts, &attempt{name: "tabs", token: inv.Token})
			}
		case i < 20:
			attempts = append(attempts, &attempt{name: "refused", token: inv.Token, refuse: true})
		case i < 30: // a link and its invitation named directly
			attempts = append(attempts, &attempt{name: "link", token: inv.Token}, &attempt{name: "direct", token: inv.Token, direct: true})
		default:
			attempts = append(attempts, &attempt{name: "once", token: inv.Token})
		}
	}
	attempts = append(attempts, &attempt{name: "unknown", token: strings.Repeat("A", len(issued[0].Token))})
	byToken := map[string]store.Invitation{}
	for _, inv := range issued {
		byToken[inv.Token] = inv.Invitation
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Go(func() {
			<-start
			if a.direct {
				r := check(t, p, someAnswers(2), now)
				a.out, a.err = f.st.SubmitResponse(ctx, announcing(store.Submission{Response: r,
					Respondent: store.InvitationRespondent(byToken[a.token].ID)}))
				return
			}
			a.out, a.err = f.st.SubmitInvited(ctx, a.token, func(inv store.Invitation, ip poll.Poll) (store.Submission, error) {
				a.prepared.Add(1)
				a.inv = inv
				if ip.ID() != p.ID() {
					return store.Submission{}, fmt.Errorf("prepared with poll %s", ip.ID())
				}
				if a.refuse {
					return store.Submission{}, errs.New(errs.Invalid, "not these answers")
				}
				r, err := ip.Check(someAnswers(1), now)
				if err != nil {
					return store.Submission{}, err
				}
				return announcing(store.Submission{Response: r, Respondent: store.InvitationRespondent(inv.ID)}), nil
			})
		})
	}
	close(start)
	wg.Wait()

	accepted := map[string]int{} // by token
	for _, a := range attempts {
		if !a.direct && a.name != "unknown" {
			if n := a.prepared.Load(); n != 1 {
				t.Errorf("%s: prepared %d times", a.name, n)
			} else if a.inv.ID != byToken[a.token].ID {
				t.Errorf("%s: prepared with invitation %s, not the link's %s", a.name, a.inv.ID, byToken[a.token].ID)
			}
		}
		switch {
		case a.err == nil:
			accepted[a.token]++
		case a.name == "unknown" && errs.CodeOf(a.err) == errs.NotFound && a.prepared.Load() == 0:
		case a.name == "refused" && errs.CodeOf(a.err) == errs.Invalid:
		case (a.name == "tabs" || a.name == "link" || a.name == "direct") && store.AlreadyAnswered(a.err):
		default:
			t.Errorf("%s: %+v, %v", a.name, a.out, a.err)
		}
	}
	for i, inv := range issued {
		want := 1
		if i >= 10 && i < 20 {
			want = 0
		}
		if accepted[inv.Token] != want {
			t.Errorf("invitation %d: %d submits accepted, want %d", i, accepted[inv.Token], want)
		}
	}
	answered := invitees - 10
	want := stored{Responses: answered, RespondentKeys: answered, Announced: answered, UsedInvitations: answered}
	if got := f.stored(t); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
}
