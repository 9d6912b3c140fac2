package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// race runs each of changes at once, released together, and returns their
// errors in order.
func race(changes ...func() error) []error {
	results := make([]error, len(changes))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, change := range changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = change()
		}()
	}
	close(start)
	wg.Wait()
	return results
}

// oneWon checks that exactly one of results is a success and the others
// are Stale, and returns the index of the winner.
func oneWon(t *testing.T, results []error) int {
	t.Helper()
	winner := -1
	for i, err := range results {
		switch codeOf(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("changes %d and %d both won: %v", winner, i, results)
			}
			winner = i
		case errs.Stale:
		default:
			t.Fatalf("change %d: %v, want success or stale", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no change won: %v", results)
	}
	return winner
}

// Two people change the same thing at once, each from the version they
// read: exactly one change is stored, the other is refused as stale, for
// each resource the councils service versions.
func TestChangesFromTheSameVersionExactlyOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("council", func(t *testing.T) {
		t.Parallel()
		f := newStore(t)
		withCouncilRegions(t, f)
		read, err := f.st.Council(ctx, "GM0453")
		if err != nil {
			t.Fatal(err)
		}
		expected := revision.FromTag("/etag", revision.Tag(read.UpdatedAt()))
		seats := func(n int) func() error {
			return func() error {
				_, err := f.st.UpdateCouncil(ctx, "GM0453", func(c council.Council) (council.Council, []events.Event, error) {
					s := c.Settings()
					s.Seats = n
					c, err := c.Change(s, time.Now())
					return c, nil, err
				}, expected)
				return err
			}
		}
		winner := oneWon(t, race(seats(5), seats(15)))
		stored, err := f.st.Council(ctx, "GM0453")
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{5, 15}[winner]; stored.Seats() != want {
			t.Errorf("stored %d seats, want the winner's %d", stored.Seats(), want)
		}
	})

	t.Run("member", func(t *testing.T) {
		t.Parallel()
		f := newStore(t)
		withCouncilRegions(t, f)
		m := mustCouncilMember(t, "GM0453", "Anouk", "member", "2026-01-01", "")
		if err := f.st.AddMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		expected := revision.FromTag("/etag", revision.Tag(m.UpdatedAt().Truncate(time.Microsecond)))
		rename := func(name string) func() error {
			return func() error {
				_, err := f.st.UpdateMember(ctx, "GM0453", m.ID(), func(m council.Member) (council.Member, []events.Event, error) {
					in := council.MemberInput{Name: name, Role: string(m.Role()), TermStart: m.Term().Start.String()}
					m, err := m.Change(in, time.Now())
					return m, nil, err
				}, expected)
				return err
			}
		}
		winner := oneWon(t, race(rename("Anouk A"), rename("Anouk B")))
		stored, err := f.st.Member(ctx, "GM0453", m.ID())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Anouk A", "Anouk B"}[winner]; stored.Name() != want {
			t.Errorf("stored name %q, want the winner's %q", stored.Name(), want)
		}
	})

	t.Run("process", func(t *testing.T) {
		t.Parallel()
		f := newAgendaStore(t)
		p := f.started(t, "GM0375")
		expected := revision.FromTag("/etag", revision.Tag(p.UpdatedAt()))
		target := func(group string) func() error {
			return func() error {
				_, err := f.st.UpdateProcess(ctx, p.ID(), func(p process.Process) (process.Process, []events.Event, error) {
					return p, nil, p.SetPlan(process.Plan{TargetGroup: group}, time.Now())
				}, expected)
				return err
			}
		}
		winner := oneWon(t, race(target("70+"), target("mantelzorgers")))
		stored, err := f.st.Process(ctx, p.ID())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"70+", "mantelzorgers"}[winner]; stored.TargetGroup() != want {
			t.Errorf("stored target group %q, want the winner's %q", stored.TargetGroup(), want)
		}
	})
}

// Every stored change gets a version of its own, even when changes carry
// the same time (two in one microsecond, or a replica whose clock is
// behind): a tag never names two versions.
func TestEveryChangeGetsANewVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newStore(t)
	withCouncilRegions(t, f)
	read, err := f.st.Council(ctx, "GM0453")
	if err != nil {
		t.Fatal(err)
	}
	// A clock an hour behind the stored version.
	behind := read.UpdatedAt().Add(-time.Hour)
	seen := map[string]bool{revision.Tag(read.UpdatedAt()): true}
	last := read.UpdatedAt()
	for i := range 3 {
		c, err := f.st.UpdateCouncil(ctx, "GM0453", func(c council.Council) (council.Council, []events.Event, error) {
			s := c.Settings()
			s.Name = fmt.Sprintf("Participatieraad Velsen %d", i)
			c, err := c.Change(s, behind)
			return c, nil, err
		})
		if err != nil {
			t.Fatal(err)
		}
		tag := revision.Tag(c.UpdatedAt())
		if seen[tag] || !c.UpdatedAt().After(last) {
			t.Fatalf("change %d got version %s (%s) after %s", i, tag, c.UpdatedAt(), last)
		}
		seen[tag], last = true, c.UpdatedAt()
		stored, err := f.st.Council(ctx, "GM0453")
		if err != nil {
			t.Fatal(err)
		}
		if !stored.UpdatedAt().Equal(c.UpdatedAt()) {
			t.Errorf("the change answered version %s, a read gives %s", c.UpdatedAt(), stored.UpdatedAt())
		}
	}
}
