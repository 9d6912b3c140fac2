package auth

import "testing"

// Local work is for the municipality's roles; shared work for the roles of
// its participating municipalities and the region's coordinator; an admin
// grant counts for every role.
func TestScopes(t *testing.T) {
	t.Parallel()
	local := Scope{Tenant: "GM0453"}
	shared := Scope{Tenant: "ijmond", Participants: []string{"GM0453", "GM0375"}}
	as := func(tenant string, role Role) Identity {
		return Identity{Subject: "s", Grants: []Grant{{Tenant: tenant, Role: role}}}
	}
	tests := []struct {
		name              string
		id                Identity
		sc                Scope
		see, work, decide bool
	}{
		{"a Velsen member, local work of Velsen", as("GM0453", CouncilMember), local, true, true, false},
		{"the Velsen chair, local work of Velsen", as("GM0453", Chair), local, true, true, true},
		{"a Velsen officer, local work of Velsen", as("GM0453", PolicyOfficer), local, true, false, false},
		{"a Heemskerk chair, local work of Velsen", as("GM0396", Chair), local, false, false, false},
		{"the coordinator, local work of Velsen", as("ijmond", RegionalCoordinator), local, false, false, false},
		{"the coordinator, shared work", as("ijmond", RegionalCoordinator), shared, true, true, true},
		{"a Beverwijk member, shared work", as("GM0375", CouncilMember), shared, true, true, false},
		{"a Beverwijk secretary, shared work", as("GM0375", Secretary), shared, true, true, true},
		{"a Heemskerk chair, shared work without Heemskerk", as("GM0396", Chair), shared, false, false, false},
		{"a platform admin", as(AllTenants, Admin), shared, true, true, true},
		{"nobody", Identity{}, local, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.id.CanSee(tc.sc); got != tc.see {
				t.Errorf("CanSee = %v, want %v", got, tc.see)
			}
			if got := tc.id.CanWork(tc.sc); got != tc.work {
				t.Errorf("CanWork = %v, want %v", got, tc.work)
			}
			if got := tc.id.CanDecide(tc.sc); got != tc.decide {
				t.Errorf("CanDecide = %v, want %v", got, tc.decide)
			}
		})
	}
}
