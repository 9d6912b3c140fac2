package store_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// withCouncilRegions stores the IJmond region and its three municipalities, and
// Zaanstad in another region.
func withCouncilRegions(t *testing.T, f fixture) {
	t.Helper()
	ctx := context.Background()
	for _, r := range [][2]string{{"ijmond", "IJmond"}, {"zaanstreek", "Zaanstreek"}} {
		if err := f.st.CreateRegion(ctx, mustRegion(t, r[0], r[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][3]string{{"GM0453", "Velsen", "ijmond"}, {"GM0375", "Beverwijk", "ijmond"}, {"GM0396", "Heemskerk", "ijmond"}, {"GM0479", "Zaanstad", "zaanstreek"}} {
		if err := f.st.CreateMunicipality(ctx, mustMunicipality(t, m[0], m[1], m[2])); err != nil {
			t.Fatal(err)
		}
	}
}

func mustCouncilMember(t *testing.T, code, name, role, start, end string) council.Member {
	t.Helper()
	m, err := council.NewMember(code, council.MemberInput{Name: name, Role: role, TermStart: start, TermEnd: end}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func memberJoinedEvent(t *testing.T, m council.Member) events.Event {
	t.Helper()
	ev, err := events.New(context.Background(), m.MunicipalityCode(), m.ID(), &eventsv1.MemberJoined{
		MemberId: m.ID(), MunicipalityCode: m.MunicipalityCode(), Role: string(m.Role()),
		TermStart: m.Term().Start.String(), TermEnd: m.Term().End.String(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestANewMunicipalityGetsItsCouncil(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	withCouncilRegions(t, f)
	c, err := f.st.Council(context.Background(), "GM0453")
	if err != nil {
		t.Fatal(err)
	}
	want := council.Settings{Name: "Participatieraad Velsen", Seats: 9}
	if diff := cmp.Diff(want, c.Settings()); diff != "" {
		t.Errorf("council settings (-want +got):\n%s", diff)
	}
	if c.RegionID() != "ijmond" {
		t.Errorf("council's region %q, want ijmond", c.RegionID())
	}
	// A municipality that could not be created leaves no council behind.
	if err := f.st.CreateMunicipality(context.Background(), mustMunicipality(t, "GM0453", "Velsen bis", "ijmond")); codeOf(err) != errs.Conflict {
		t.Fatalf("creating Velsen twice gave %v, want a conflict", err)
	}
	if n := f.q(t, `SELECT count(*) FROM councils`); n != 4 {
		t.Errorf("%d councils for 4 municipalities", n)
	}
	if _, err := f.st.Council(context.Background(), "GM9999"); codeOf(err) != errs.NotFound {
		t.Errorf("the council of an unknown municipality gave %v, want not found", err)
	}
}

func TestMigrationGivesExistingMunicipalitiesACouncil(t *testing.T) {
	t.Parallel()
	first, err := fs.ReadFile(store.Migrations().FS, "00001_regions_municipalities.sql")
	if err != nil {
		t.Fatal(err)
	}
	before := pg.MigrationSet{Name: "councils", FS: fstest.MapFS{"00001_regions_municipalities.sql": {Data: first}}}
	url := testkit.NewDatabase(t, testkit.Schema{Name: "councils", Sets: []pg.MigrationSet{events.Migrations(), before}})
	pool := testkit.NewPool(t, url, "councils")
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO regions (id, name, created_at) VALUES ('ijmond', 'IJmond', now());
INSERT INTO municipalities (code, name, region_id, created_at) VALUES ('GM0453', 'Velsen', 'ijmond', now()), ('GM0375', 'Beverwijk', 'ijmond', now())`); err != nil {
		t.Fatal(err)
	}
	if err := pg.Migrate(ctx, url, "councils", events.Migrations(), store.Migrations()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, code := range []string{"GM0375", "GM0453"} {
		c, err := store.New(pool).Council(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Name())
		if c.Seats() != 9 || c.TakesUnsolicitedQuestions() {
			t.Errorf("back-filled council of %s has %d seats, unsolicited %v; want the defaults", code, c.Seats(), c.TakesUnsolicitedQuestions())
		}
	}
	if diff := cmp.Diff([]string{"Participatieraad Beverwijk", "Participatieraad Velsen"}, got); diff != "" {
		t.Errorf("back-filled councils (-want +got):\n%s", diff)
	}
}

func TestListCouncilsByRegionAndVisibility(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	withCouncilRegions(t, f)
	tests := []struct {
		name   string
		filter store.CouncilFilter
		want   []string
	}{
		{name: "everything", filter: store.CouncilFilter{All: true}, want: []string{"GM0375", "GM0396", "GM0453", "GM0479"}},
		{name: "one region", filter: store.CouncilFilter{All: true, RegionID: "ijmond"}, want: []string{"GM0375", "GM0396", "GM0453"}},
		{name: "one municipality's staff", filter: store.CouncilFilter{Municipalities: []string{"GM0453"}}, want: []string{"GM0453"}},
		{name: "a region's coordinator", filter: store.CouncilFilter{Regions: []string{"zaanstreek"}}, want: []string{"GM0479"}},
		{name: "region filter and visibility together", filter: store.CouncilFilter{RegionID: "ijmond", Municipalities: []string{"GM0453", "GM0479"}}, want: []string{"GM0453"}},
		{name: "nothing visible", filter: store.CouncilFilter{}, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			cursor, pages := "", 0
			for {
				list, next, err := f.st.Councils(context.Background(), tc.filter, store.Page{Limit: 2, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, c := range list {
					got = append(got, c.MunicipalityCode())
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("councils (-want +got):\n%s", diff)
			}
			if wantPages := max(1, (len(tc.want)+1)/2); pages != wantPages {
				t.Errorf("%d pages of 2 for %d councils, want %d", pages, len(tc.want), wantPages)
			}
		})
	}
}

func TestUpdateCouncilStoresChangeAndEventsTogether(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	withCouncilRegions(t, f)
	ctx := context.Background()
	outboxBefore := f.q(t, `SELECT count(*) FROM outbox`)
	s := council.Settings{Name: "Participatieraad Velsen", ContactEmail: "info@prvelsen.nl", TakesUnsolicitedQuestions: true, Seats: 11}
	updated, err := f.st.UpdateCouncil(ctx, "GM0453", func(c council.Council) (council.Council, []events.Event, error) {
		c, err := c.Change(s, time.Now())
		if err != nil {
			return c, nil, err
		}
		ev, err := events.New(ctx, "GM0453", "GM0453", &eventsv1.CouncilSettingsChanged{MunicipalityCode: "GM0453", TakesUnsolicitedQuestions: true, Seats: 11})
		return c, []events.Event{ev}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.st.Council(ctx, "GM0453")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, stored.Settings()); diff != "" {
		t.Errorf("stored settings (-want +got):\n%s", diff)
	}
	if !stored.UpdatedAt().Equal(updated.UpdatedAt()) {
		t.Errorf("stored update time %v, want %v", stored.UpdatedAt(), updated.UpdatedAt())
	}
	if n := f.q(t, `SELECT count(*) FROM outbox WHERE subject = 'meedoen.councils.GM0453.council.settings_changed'`); n != 1 {
		t.Errorf("%d settings-changed events, want 1", n)
	}

	// A change that fails stores nothing and announces nothing.
	_, err = f.st.UpdateCouncil(ctx, "GM0453", func(c council.Council) (council.Council, []events.Event, error) {
		c, err := c.Change(council.Settings{Seats: 0}, time.Now())
		return c, nil, err
	})
	if codeOf(err) != errs.Invalid {
		t.Fatalf("an invalid change gave %v, want invalid input", err)
	}
	if again, _ := f.st.Council(ctx, "GM0453"); again.Seats() != 11 {
		t.Errorf("seats after a failed change: %d, want 11", again.Seats())
	}
	if n := f.q(t, `SELECT count(*) FROM outbox`); n != outboxBefore+1 {
		t.Errorf("%d events in the outbox, want %d", n, outboxBefore+1)
	}
	if _, err := f.st.UpdateCouncil(ctx, "GM9999", func(c council.Council) (council.Council, []events.Event, error) { return c, nil, nil }); codeOf(err) != errs.NotFound {
		t.Errorf("updating an unknown council gave %v, want not found", err)
	}
}

func TestMembersRoundTrip(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	withCouncilRegions(t, f)
	ctx := context.Background()
	anouk := mustCouncilMember(t, "GM0453", "Anouk", "chair", "2024-01-01", "")
	bram := mustCouncilMember(t, "GM0453", "Bram", "secretary", "2024-01-01", "2026-12-31")
	eva := mustCouncilMember(t, "GM0375", "Eva", "member", "2025-03-01", "")
	for _, m := range []council.Member{anouk, bram, eva} {
		if err := f.st.AddMember(ctx, m, memberJoinedEvent(t, m)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.st.Members(ctx, "GM0453")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ID, Name, Role, Start, End string }
	rows := func(ms ...council.Member) []row {
		var out []row
		for _, m := range ms {
			out = append(out, row{m.ID(), m.Name(), string(m.Role()), m.Term().Start.String(), m.Term().End.String()})
		}
		return out
	}
	if diff := cmp.Diff(rows(anouk, bram), rows(got...)); diff != "" {
		t.Errorf("Velsen's members (-want +got):\n%s", diff)
	}
	if n := f.q(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.member.joined'`); n != 3 {
		t.Errorf("%d member-joined events, want 3", n)
	}

	t.Run("a member of an unknown council is not stored", func(t *testing.T) {
		ghost := mustCouncilMember(t, "GM9999", "Ghost", "member", "2024-01-01", "")
		if err := f.st.AddMember(ctx, ghost, memberJoinedEvent(t, ghost)); codeOf(err) != errs.NotFound {
			t.Errorf("got %v, want not found", err)
		}
		if n := f.q(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.member.joined'`); n != 3 {
			t.Errorf("%d member-joined events, want 3", n)
		}
	})

	t.Run("ending a term", func(t *testing.T) {
		updated, err := f.st.UpdateMember(ctx, "GM0453", anouk.ID(), func(m council.Member) (council.Member, []events.Event, error) {
			m, err := m.Change(council.MemberInput{Name: m.Name(), Role: string(m.Role()), TermStart: "2024-01-01", TermEnd: "2026-06-30"}, time.Now())
			return m, nil, err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.st.Members(ctx, "GM0453")
		if err != nil {
			t.Fatal(err)
		}
		if got[0].ID() != anouk.ID() || got[0].Term().End.String() != "2026-06-30" || updated.Term() != got[0].Term() {
			t.Errorf("after ending the term, stored %s with term %+v", got[0].Name(), got[0].Term())
		}
	})

	t.Run("a member is only found in their own council", func(t *testing.T) {
		for _, tc := range []struct{ code, id string }{{"GM0375", anouk.ID()}, {"GM0453", "not-a-uuid"}, {"GM0453", eva.ID()}} {
			_, err := f.st.UpdateMember(ctx, tc.code, tc.id, func(m council.Member) (council.Member, []events.Event, error) { return m, nil, nil })
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.NotFound {
				t.Errorf("member %s of %s gave %v, want not found", tc.id, tc.code, err)
			}
		}
	})
}
