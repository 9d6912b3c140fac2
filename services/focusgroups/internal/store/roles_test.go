package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Walk-ins and invitees name a role of the group's tenant (Heemskerk's
// youth workers, not the region's neighbourhood coaches), and a refused
// sheet or invitation stores nothing.
func TestWalkInsAndInviteesTakeTheTenantsRoles(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	roles, err := group.NewCatalog(map[string][]group.Role{
		"GM0396": {{Key: "youth_worker", NL: "Jongerenwerker", EN: "Youth worker"}},
		"ijmond": {{Key: "buurt_coach", NL: "Buurtcoach", EN: "Neighbourhood coach", Resident: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(f.pool, store.Config{PublicURL: "https://meedoen.example/", From: "focusgroepen@meedoen.example", Roles: roles}).
		WithClock(func() time.Time { return f.now })
	g := f.newGroup(t, group.Seating{})
	ss := f.schedule(t, g, 7*24*time.Hour)
	f.now = ss.StartsAt().Add(30 * time.Minute)

	before := f.fingerprint(t)
	_, err = st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{WalkIns: []store.WalkIns{{Role: "youth_worker", Count: 1}, {Role: "buurt_coach", Count: 2}}}, allow)
	if got := fieldsOf(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/walkIns/1/role"}) {
		t.Errorf("a walk-in in the region's role: %v, want /walkIns/1/role refused", err)
	}
	_, _, err = st.InviteResidents(ctx, g.ID(), []store.Invitee{{Email: "coach@example.nl", Name: "Coach", Role: "buurt_coach"}}, allow)
	if got := fieldsOf(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/invitees/0/role"}) {
		t.Errorf("inviting in the region's role: %v, want /invitees/0/role refused", err)
	}
	if after := f.fingerprint(t); after != before {
		t.Errorf("refused writes changed %s to %s", before, after)
	}

	if _, err := st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{WalkIns: []store.WalkIns{{Role: "youth_worker", Count: 2}}}, allow); err != nil {
		t.Fatalf("walk-ins in Heemskerk's own role: %v", err)
	}
	if sheet, err := st.Attendance(ctx, g.ID(), ss.ID(), allow); err != nil || sheet.Present["youth_worker"] != 2 {
		t.Errorf("present by role: %v, %v; want 2 youth workers", sheet.Present, err)
	}
	if _, _, err := st.InviteResidents(ctx, g.ID(), []store.Invitee{{Email: "jo@example.nl", Name: "Jo", Role: "youth_worker"}}, allow); err != nil {
		t.Errorf("inviting in Heemskerk's own role: %v", err)
	}
}
