package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
)

// Who may see and do what, beyond the policy's per-method roles. Local work
// of a municipality is for that municipality's roles; regional work is for
// the roles of its participating municipalities and of the region. What a
// caller may not see answers not-found, so its existence does not leak.

// staffRoles are all roles.
var staffRoles = []auth.Role{auth.CouncilMember, auth.Chair, auth.Secretary, auth.PolicyOfficer, auth.RegionalCoordinator}

// councilRoles do the council's work.
var councilRoles = []auth.Role{auth.CouncilMember, auth.Chair, auth.Secretary}

// boardRoles decide for the council: the chair and the secretary.
var boardRoles = []auth.Role{auth.Chair, auth.Secretary}

// scope is who a question or process belongs to: a municipality (local), or
// a region with its participating municipalities.
type scope struct {
	tenant       string
	participants []string // empty for local work
}

func (s scope) regional() bool { return len(s.participants) > 0 }

// caller returns the verified identity; the guard has made sure there is one
// for every non-public method.
func caller(ctx context.Context) auth.Identity {
	id, _ := auth.FromContext(ctx)
	return id
}

// canSee reports whether id may read work in s.
func canSee(id auth.Identity, s scope) bool {
	if id.Has(s.tenant, staffRoles...) {
		return true
	}
	for _, m := range s.participants {
		if id.Has(m, staffRoles...) {
			return true
		}
	}
	return false
}

// canWork reports whether id may do the council's work in s: a council
// role in the municipality (or, for regional work, in a participating
// municipality), or the region's coordinator.
func canWork(id auth.Identity, s scope) bool {
	if !s.regional() {
		return id.Has(s.tenant, councilRoles...)
	}
	if id.Has(s.tenant, auth.RegionalCoordinator) {
		return true
	}
	for _, m := range s.participants {
		if id.Has(m, councilRoles...) {
			return true
		}
	}
	return false
}

// canDecide reports whether id may decide for the council(s) in s: chair or
// secretary there, or the region's coordinator for regional work.
func canDecide(id auth.Identity, s scope) bool {
	if !s.regional() {
		return id.Has(s.tenant, boardRoles...)
	}
	if id.Has(s.tenant, auth.RegionalCoordinator) {
		return true
	}
	for _, m := range s.participants {
		if id.Has(m, boardRoles...) {
			return true
		}
	}
	return false
}

// notVisible is what a caller gets for work they may not see.
func notVisible(kind, id string) error {
	return errs.New(errs.NotFound, "%s %q not found", kind, id)
}

// forbidden is what a caller gets who may see but not change.
func forbidden(action string) error {
	return errs.New(errs.PermissionDenied, "your roles do not allow you to %s", action)
}
