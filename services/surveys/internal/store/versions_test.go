package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// Two people save the same draft at once, each from the version they
// read: exactly one save is stored, the other is refused as stale, whether
// the version came as an etag or as the builder's expected update time.
func TestSavesFromTheSameVersionExactlyOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newStore(t)
	now := time.Now()
	for name, expect := range map[string]func(poll.Poll) revision.Expected{
		"etag": func(p poll.Poll) revision.Expected { return revision.FromTag("/etag", revision.Tag(p.UpdatedAt())) },
		"time": func(p poll.Poll) revision.Expected { return revision.FromTime("/expectedUpdateTime", p.UpdatedAt()) },
	} {
		t.Run(name, func(t *testing.T) {
			p, err := poll.New(flashSpec("", now), now)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.st.CreatePoll(ctx, p); err != nil {
				t.Fatal(err)
			}
			expected := expect(p)
			titles := []string{"Van de eerste", "Van de tweede"}
			results := make([]error, len(titles))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, title := range titles {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, results[i] = f.st.UpdatePoll(ctx, p.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
						return q, nil, q.SetTitle(nl(title), q.Intro(), time.Now())
					}, expected)
				}()
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range results {
				switch {
				case err == nil && winner < 0:
					winner = i
				case codeOf(err) != errs.Stale:
					t.Fatalf("saves ended %v, want one success and one stale", results)
				}
			}
			if winner < 0 {
				t.Fatalf("no save won: %v", results)
			}
			stored, err := f.st.Poll(ctx, p.ID())
			if err != nil {
				t.Fatal(err)
			}
			if got := stored.Title().NL; got != titles[winner] {
				t.Errorf("stored title %q, want the winner's %q", got, titles[winner])
			}
		})
	}
}

// A change carrying the time of the version it replaces (a replica whose
// clock is behind) still gets a version of its own, and the change answers
// the version a read gives.
func TestEverySavedPollGetsANewVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newStore(t)
	now := time.Now()
	p, err := poll.New(flashSpec("", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, p); err != nil {
		t.Fatal(err)
	}
	changed, err := f.st.UpdatePoll(ctx, p.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
		return q, nil, q.SetTitle(nl("Later"), q.Intro(), now.Add(-time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	if !changed.UpdatedAt().After(p.UpdatedAt()) {
		t.Errorf("the change got version %s, not after %s", changed.UpdatedAt(), p.UpdatedAt())
	}
	stored, err := f.st.Poll(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if revision.Tag(stored.UpdatedAt()) != revision.Tag(changed.UpdatedAt()) {
		t.Errorf("the change answered version %s, a read gives %s", changed.UpdatedAt(), stored.UpdatedAt())
	}
}
