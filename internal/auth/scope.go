package auth

// Role sets that the policy, the services and the web share, so that "who
// does the council's work" has one answer. They are read-only: do not
// append to them or change their elements.
var (
	// StaffRoles are every role of people who work with Meedoen; every one
	// of them may read the work of their tenants.
	StaffRoles = []Role{CouncilMember, Chair, Secretary, PolicyOfficer, RegionalCoordinator}
	// CouncilRoles do a council's work: its members, chair and secretary.
	CouncilRoles = []Role{CouncilMember, Chair, Secretary}
	// BoardRoles decide for a council: its chair and secretary.
	BoardRoles = []Role{Chair, Secretary}
	// PanelKeepers keep a municipality's resident panel: its members'
	// addresses and consent records are the municipality's
	// administration, not the council's.
	PanelKeepers = []Role{Secretary, PolicyOfficer}
)

// Scope is whom a piece of work belongs to (a question, a process, a
// poll): one municipality, for local work, or a region with the
// municipalities that take part, for shared work. Every service decides
// access to its work through it, so that local and shared work follow the
// same rules everywhere.
type Scope struct {
	// Tenant is the municipality's CBS code, or the region's id for
	// shared work.
	Tenant string
	// Participants are the municipalities taking part in shared work;
	// empty for local work.
	Participants []string
}

// Shared reports whether the work is a region's, shared by its
// participating municipalities.
func (s Scope) Shared() bool { return len(s.Participants) > 0 }

// CanSee reports whether id may read work in s: any staff role in its
// municipality or, for shared work, in a participating municipality or
// the region. Whoever may not see work must be told it does not exist.
func (id Identity) CanSee(s Scope) bool {
	if id.Has(s.Tenant, StaffRoles...) {
		return true
	}
	for _, m := range s.Participants {
		if id.Has(m, StaffRoles...) {
			return true
		}
	}
	return false
}

// CanWork reports whether id may do the council's work in s: a council
// role in the municipality or, for shared work, in a participating
// municipality, or the region's coordinator.
func (id Identity) CanWork(s Scope) bool {
	return id.mayAct(s, CouncilRoles)
}

// CanDecide reports whether id may decide for the council(s) of s: chair
// or secretary there or, for shared work, of a participating council, or
// the region's coordinator.
func (id Identity) CanDecide(s Scope) bool {
	return id.mayAct(s, BoardRoles)
}

func (id Identity) mayAct(s Scope, roles []Role) bool {
	if !s.Shared() {
		return id.Has(s.Tenant, roles...)
	}
	if id.Has(s.Tenant, RegionalCoordinator) {
		return true
	}
	for _, m := range s.Participants {
		if id.Has(m, roles...) {
			return true
		}
	}
	return false
}
