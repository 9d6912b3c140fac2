package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// Who may see and change a poll, beyond the policy's per-method roles. A
// local poll is for its municipality's staff; a shared poll for the staff
// of its participating municipalities and of its region. What a caller may
// not see answers not found, so that its existence does not leak.

// staffRoles are all staff roles; every one of them may read.
var staffRoles = []auth.Role{auth.CouncilMember, auth.Chair, auth.Secretary, auth.PolicyOfficer, auth.RegionalCoordinator}

// councilRoles do the council's work, polls included.
var councilRoles = []auth.Role{auth.CouncilMember, auth.Chair, auth.Secretary}

// scope is who a poll belongs to.
type scope struct {
	tenant       string
	participants []string // empty for a local poll
}

func scopeOf(p poll.Poll) scope { return scope{tenant: p.Tenant(), participants: p.Participants()} }

func (s scope) shared() bool { return len(s.participants) > 0 }

// caller returns the verified identity, if the call has one: the guard
// makes sure of it for every method that is not public.
func caller(ctx context.Context) (auth.Identity, bool) { return auth.FromContext(ctx) }

// canSee reports whether id may read polls in s.
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

// canChange reports whether id may build and run polls in s: a council
// role in the municipality (for a shared poll: in a participating
// municipality), or the region's coordinator for a shared poll.
func canChange(id auth.Identity, s scope) bool {
	if !s.shared() {
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

// visibilityOf is canSee as a list filter, so that paging counts only what
// the caller sees: every role may read, so any grant in a tenant shows its
// polls, and a platform-wide grant shows every poll.
func visibilityOf(id auth.Identity) store.Visibility {
	v := store.Visibility{Tenants: id.Tenants()}
	for _, t := range v.Tenants {
		if t == auth.AllTenants {
			v.All = true
		}
	}
	return v
}

// notVisible is what a caller gets for a poll they may not see.
func notVisible(id string) error { return store.PollNotFound(id) }

// forbidden is what a caller gets who may see but not change.
func forbidden(action string) error {
	return errs.New(errs.PermissionDenied, "your roles do not allow you to %s", action)
}
