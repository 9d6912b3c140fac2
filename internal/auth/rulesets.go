package auth

import "slices"

// What the services' policy tables share, so that the same rule reads the
// same in every service's table and in docs/authorization.md. Like the
// role sets in scope.go they are read-only.
var (
	// StaffAndAdmin are StaffRoles with Admin named: an admin grant counts
	// for every role anyway, but a rule that names admins shows them in
	// the policy document.
	StaffAndAdmin = append(slices.Clone(StaffRoles), Admin)
	// CouncilWorkers are the roles Identity.CanWork accepts somewhere:
	// the council roles, and the regional coordinator for shared work.
	CouncilWorkers = append(slices.Clone(CouncilRoles), RegionalCoordinator)
)

// VisibleWork is the scope of a read that Identity.CanSee narrows.
const VisibleWork = "local work: staff of that municipality; regional work: staff of its participating municipalities and of the region; others get 404"
