package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

func TestCreatePollStoresWhatItReadsBack(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()

	draft, err := poll.New(poll.Spec{ProcessID: processID, Tenant: "GM0375", Kind: poll.FlashPoll, Title: nl("Nog niets")}, now)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := poll.New(sharedSpec(t, "mantelzorg-ijmond", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := shared.Schedule(now); err != nil {
		t.Fatal(err)
	}
	panel := sharedSpec(t, "", now)
	panel.Audience = poll.Audience{Kind: poll.Panel, Municipalities: []string{"GM0375", "GM0453"}, Neighbourhoods: []string{"Wijk aan Zee"}, AgeBands: []string{"66-75"}}
	if panel.Neighbourhoods, err = neighbourhood.IJmond(); err != nil {
		t.Fatal(err)
	}
	panelPoll, err := poll.New(panel, now)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := panelPoll
	if err := cancelled.Cancel("Dubbel aangemaakt", now); err != nil {
		t.Fatal(err)
	}

	for name, p := range map[string]poll.Poll{
		"a bare draft": draft,
		"a scheduled questionnaire of every type":  shared,
		"a cancelled panel poll with its audience": cancelled,
	} {
		t.Run(name, func(t *testing.T) {
			if err := f.st.CreatePoll(ctx, p, pollEvent(t, p)); err != nil {
				t.Fatal(err)
			}
			got, err := f.st.Poll(ctx, p.ID())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(p.Record(), got.Record(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("poll read back differs (-want +got):\n%s", diff)
			}
			if p.Slug() == "" {
				return
			}
			bySlug, err := f.st.PollBySlug(ctx, p.Slug())
			if err != nil {
				t.Fatal(err)
			}
			if bySlug.ID() != p.ID() {
				t.Errorf("PollBySlug(%q) = %s, want %s", p.Slug(), bySlug.ID(), p.ID())
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 3 {
		t.Errorf("%d events in the outbox, want one per poll (3)", n)
	}
}

func TestCreatePollRefusesATakenSlugAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	first := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	second, err := poll.New(flashSpec(first.Slug(), now), now)
	if err != nil {
		t.Fatal(err)
	}
	err = f.st.CreatePoll(ctx, second, pollEvent(t, second))
	if codeOf(err) != errs.Conflict || !cmp.Equal(fieldPaths(err), []string{"/slug"}) {
		t.Fatalf("CreatePoll with a taken slug: %v, want a conflict at /slug", err)
	}
	if n := f.count(t, `SELECT count(*) FROM polls`); n != 1 {
		t.Errorf("%d polls stored, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d events in the outbox, want none", n)
	}
}

func TestUpdatePollStoresTheChangeWithItsEvents(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p, err := poll.New(flashSpec("eenzaamheid", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, p); err != nil {
		t.Fatal(err)
	}
	other := openPoll(t, f, flashSpec("andere-peiling", now), now)

	tests := []struct {
		name     string
		id       string
		change   store.PollChange
		wantCode errs.Code
		wantPath string
		want     func(poll.Poll) poll.Poll
	}{
		{
			name: "schedule and retitle",
			id:   p.ID(),
			change: func(q poll.Poll) (poll.Poll, []events.Event, error) {
				if err := q.SetTitle(nl("Eenzaamheid in de wijk"), nl("Vijf vragen."), now); err != nil {
					return q, nil, err
				}
				err := q.Schedule(now)
				return q, []events.Event{pollEvent(t, q)}, err
			},
		},
		{
			name: "a change the poll refuses",
			id:   p.ID(),
			change: func(q poll.Poll) (poll.Poll, []events.Event, error) {
				return q, []events.Event{pollEvent(t, q)}, q.Close(now)
			},
			wantCode: errs.FailedPrecondition,
		},
		{
			name: "the slug of another poll",
			id:   p.ID(),
			change: func(q poll.Poll) (poll.Poll, []events.Event, error) {
				if err := q.Unschedule(now); err != nil {
					return q, nil, err
				}
				return q, []events.Event{pollEvent(t, q)}, q.SetSlug(other.Slug(), now)
			},
			wantCode: errs.Conflict,
			wantPath: "/slug",
		},
		{
			name:     "an unknown poll",
			id:       "01957a3c-2b1e-7c00-8000-00000000dead",
			change:   func(q poll.Poll) (poll.Poll, []events.Event, error) { return q, nil, nil },
			wantCode: errs.NotFound,
		},
		{
			name:     "not even an id",
			id:       "dead",
			change:   func(q poll.Poll) (poll.Poll, []events.Event, error) { return q, nil, nil },
			wantCode: errs.NotFound,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM outbox`)
			stored, _ := f.st.Poll(ctx, p.ID())
			got, err := f.st.UpdatePoll(ctx, tc.id, tc.change)
			if codeOf(err) != tc.wantCode {
				t.Fatalf("UpdatePoll: %v, want code %q", err, tc.wantCode)
			}
			if tc.wantPath != "" && !cmp.Equal(fieldPaths(err), []string{tc.wantPath}) {
				t.Errorf("error %v names %v, want %s", err, fieldPaths(err), tc.wantPath)
			}
			after, err2 := f.st.Poll(ctx, p.ID())
			if err2 != nil {
				t.Fatal(err2)
			}
			if err != nil {
				if diff := cmp.Diff(stored.Record(), after.Record(), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("a failed change changed the poll (-before +after):\n%s", diff)
				}
				if n := f.count(t, `SELECT count(*) FROM outbox`); n != before {
					t.Errorf("a failed change left %d events in the outbox", n-before)
				}
				return
			}
			if diff := cmp.Diff(got.Record(), after.Record(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("poll read back differs from the change (-want +got):\n%s", diff)
			}
			if n := f.count(t, `SELECT count(*) FROM outbox`); n != before+1 {
				t.Errorf("the change enqueued %d events, want 1", n-before)
			}
		})
	}
}

func TestPollsListsWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	mk := func(tenant string, participants []string, slug string, open bool) string {
		s := flashSpec(slug, now)
		s.Tenant, s.Participants = tenant, participants
		if open {
			return openPoll(t, f, s, now).ID()
		}
		p, err := poll.New(s, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.CreatePoll(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p.ID()
	}
	velsen := mk("GM0453", nil, "velsen", true)
	beverwijk := mk("GM0375", nil, "beverwijk", false)
	ijmond := mk("ijmond", []string{"GM0375", "GM0396", "GM0453"}, "ijmond", true)
	zaanstad := mk("GM0479", nil, "zaanstad", true)

	tests := []struct {
		name   string
		filter store.PollFilter
		want   []string
	}{
		{"everything", store.PollFilter{Visibility: store.Visibility{All: true}}, []string{zaanstad, ijmond, beverwijk, velsen}},
		{"a municipality's own and shared polls", store.PollFilter{Visibility: store.Visibility{Tenants: []string{"GM0453"}}}, []string{ijmond, velsen}},
		{"a region's polls", store.PollFilter{Visibility: store.Visibility{Tenants: []string{"ijmond"}}}, []string{ijmond}},
		{"nothing to see", store.PollFilter{}, nil},
		{"one tenant of many", store.PollFilter{Visibility: store.Visibility{All: true}, Tenant: "GM0375"}, []string{ijmond, beverwijk}},
		{"open ones", store.PollFilter{Visibility: store.Visibility{All: true}, Status: poll.Open}, []string{zaanstad, ijmond, velsen}},
		{"of a process", store.PollFilter{Visibility: store.Visibility{All: true}, ProcessID: processID, Status: poll.Draft}, []string{beverwijk}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			page := store.Page{Limit: 1}
			for range 10 {
				list, next, err := f.st.Polls(ctx, tc.filter, page)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range list {
					got = append(got, p.ID())
				}
				if next == "" {
					break
				}
				page.Cursor = next
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("polls, a page of one at a time (-want +got):\n%s", diff)
			}
		})
	}
	if _, _, err := f.st.Polls(ctx, store.PollFilter{}, store.Page{Limit: 1, Cursor: "%%"}); codeOf(err) != errs.Invalid {
		t.Errorf("a cursor we never gave: %v, want invalid", err)
	}
}

func TestDuePollsAreThoseToOpenOrClose(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	open := openPoll(t, f, flashSpec("open", now), now)
	scheduled, err := poll.New(flashSpec("scheduled", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := scheduled.Schedule(now); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, scheduled); err != nil {
		t.Fatal(err)
	}
	draft, err := poll.New(flashSpec("draft", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, draft); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		at   time.Time
		want []string
	}{
		{"now", now, nil},
		{"at the opening time", scheduled.OpensAt(), []string{scheduled.ID()}},
		{"at the closing time", open.ClosesAt(), []string{scheduled.ID(), open.ID()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.st.DuePolls(ctx, tc.at, 10)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("due polls (-want +got):\n%s", diff)
			}
		})
	}

	// Advancing the due poll takes it off the list.
	_, err = f.st.UpdatePoll(ctx, scheduled.ID(), func(p poll.Poll) (poll.Poll, []events.Event, error) {
		p.Advance(scheduled.OpensAt())
		return p, nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.st.DuePolls(ctx, scheduled.OpensAt(), 10); err != nil || len(got) != 0 {
		t.Errorf("due polls after opening: %v, %v; want none", got, err)
	}
}

func TestPollNotFound(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	for _, read := range []func() error{
		func() error { _, err := f.st.Poll(ctx, "01957a3c-2b1e-7c00-8000-00000000dead"); return err },
		func() error { _, err := f.st.Poll(ctx, "not-an-id"); return err },
		func() error { _, err := f.st.PollBySlug(ctx, "nergens"); return err },
		func() error { _, err := f.st.PollBySlug(ctx, ""); return err },
	} {
		if err := read(); codeOf(err) != errs.NotFound {
			t.Errorf("reading a poll that does not exist: %v, want not found", err)
		}
	}
}

// pollEvent stands in for the events the service emits for a poll.
func pollEvent(t testing.TB, p poll.Poll) events.Event {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return events.Event{
		ID: id.String(), Service: "surveys", Tenant: "GM0453", Name: "poll.changed",
		Type: events.TypeOf("surveys", "poll.changed"), Source: events.SourceURN("surveys"),
		Subject: p.ID(), Time: time.Now(), Data: []byte(`{}`),
	}
}

// Residents' reads go through a cache of decoded definitions: a poll read,
// changed and read again shows the change, even within one clock tick.
func TestAChangedPollIsNeverReadFromTheCache(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p, err := poll.New(flashSpec("cache", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Eerste titel", "Tweede titel", "Derde titel"} {
		if _, err := f.st.Poll(ctx, p.ID()); err != nil { // fills the cache
			t.Fatal(err)
		}
		if _, err := f.st.UpdatePoll(ctx, p.ID(), func(q poll.Poll) (poll.Poll, []events.Event, error) {
			return q, nil, q.SetTitle(nl(title), nl(""), now) // the same updated_at each time
		}); err != nil {
			t.Fatal(err)
		}
		for _, read := range []func() (poll.Poll, error){
			func() (poll.Poll, error) { return f.st.Poll(ctx, p.ID()) },
			func() (poll.Poll, error) { return f.st.PollBySlug(ctx, "cache") },
		} {
			got, err := read()
			if err != nil {
				t.Fatal(err)
			}
			if got.Title().NL != title {
				t.Errorf("read title %q after setting %q", got.Title().NL, title)
			}
		}
	}
}

// A poll is stored only into a process the projection knows and that is
// still open, checked where the poll is stored: a process that closed
// after the API looked takes no new poll.
func TestCreatePollNeedsAnOpenKnownProcess(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	unknown := flashSpec("onbekend", now)
	unknown.ProcessID = "01957a3c-2b1e-7c00-8000-00000000dead"
	p, err := poll.New(unknown, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, p, pollEvent(t, p)); !errors.Is(err, process.ErrUnknown) {
		t.Errorf("CreatePoll in an unknown process: %v, want process.ErrUnknown", err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE processes SET closed = true WHERE id = $1`, processID); err != nil {
		t.Fatal(err)
	}
	p, err = poll.New(flashSpec("gesloten", now), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(ctx, p, pollEvent(t, p)); codeOf(err) != errs.FailedPrecondition {
		t.Errorf("CreatePoll in a closed process: %v, want a failed precondition", err)
	}
	if n := f.count(t, `SELECT count(*) FROM polls`) + f.count(t, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d polls and events stored, want none", n)
	}
}
