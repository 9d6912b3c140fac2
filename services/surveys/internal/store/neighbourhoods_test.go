package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// What an older version stored, before neighbourhoods came from a closed
// list: residents' own words, a phone number and an address among them.
// At start the sync keeps what names a listed neighbourhood (as its code)
// and clears the rest, from members, invitations and breakdowns alike.
func TestSyncNeighbourhoodsCleansWhatResidentsTyped(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	const pii = "Jan Jansen tel 06-11112222 jan.jansen@example.org"
	spec := flashSpec("", now)
	spec.Audience = poll.Audience{Kind: poll.Panel}
	p := openPoll(t, f, spec, now)
	rows := []panel.Row{
		row(2, "a@velsen.example", "18-26", " ijmuiden "), // a listed name, as typed
		row(3, "b@velsen.example", "66-75", pii),
		row(4, "c@velsen.example", "", "VEL-04"), // a code already
		row(5, "d@velsen.example", "", "Wijk aan Zee"),
	}
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", rows, false, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.InvitePanel(ctx, p.ID(), store.PanelFilter{Municipalities: []string{"GM0453"}}, plainLetters, now); err != nil {
		t.Fatal(err)
	}
	// Breakdowns as the tally counted them from such invitations.
	for _, b := range []struct {
		value string
		count int
	}{{"IJmuiden", 2}, {"ijmuiden", 1}, {"VEL-01", 4}, {pii, 1}, {"VEL-99", 1}} {
		if _, err := f.pool.Exec(ctx, `INSERT INTO tally_breakdowns (poll_id, attribute, value, question, row_key, cell_key, count)
VALUES ($1, 'neighbourhood', $2, '', '', '', $3)`, p.ID(), b.value, b.count); err != nil {
			t.Fatal(err)
		}
	}

	demo, err := neighbourhood.IJmond()
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.SyncNeighbourhoods(ctx, demo.All())
	if err != nil {
		t.Fatal(err)
	}
	want := store.NeighbourhoodSync{Listed: demo.Len(), MembersNamed: 1, MembersCleared: 2, InvitationsNamed: 1, InvitationsCleared: 2,
		BreakdownsNamed: 1, BreakdownsDeleted: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sync (-want +got):\n%s", diff)
	}
	values := func(q string) []string {
		t.Helper()
		rows, err := f.pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"members", `SELECT coalesce(neighbourhood, '-') FROM panel_members ORDER BY email`, []string{"VEL-01", "-", "VEL-04", "-"}},
		{"invitations", `SELECT coalesce(neighbourhood, '-') FROM invitations ORDER BY neighbourhood NULLS LAST`, []string{"VEL-01", "VEL-04", "-", "-"}},
		{"breakdowns", `SELECT value || '=' || count FROM tally_breakdowns ORDER BY value`, []string{"VEL-01=7"}},
		{"the list", `SELECT code FROM neighbourhoods WHERE municipality = 'GM0453' ORDER BY code`,
			[]string{"VEL-01", "VEL-02", "VEL-03", "VEL-04", "VEL-05", "VEL-06", "VEL-07"}},
	} {
		if diff := cmp.Diff(tc.want, values(tc.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}

	// The next start finds nothing to do; a neighbourhood taken off the
	// list goes from the list and from everything that named it.
	again, err := f.st.SyncNeighbourhoods(ctx, demo.All())
	if err != nil || again.Changed() || again.Removed != 0 {
		t.Errorf("second sync = %+v, %v; want no change", again, err)
	}
	var fewer []neighbourhood.Neighbourhood
	for _, n := range demo.All() {
		if n.Code != "VEL-04" {
			fewer = append(fewer, n)
		}
	}
	third, err := f.st.SyncNeighbourhoods(ctx, fewer)
	if err != nil {
		t.Fatal(err)
	}
	if third.Removed != 1 || third.MembersCleared != 1 || third.InvitationsCleared != 1 {
		t.Errorf("sync without VEL-04 = %+v; want it removed from the list, a member and an invitation", third)
	}
}
