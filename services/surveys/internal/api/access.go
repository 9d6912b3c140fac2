package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// Who may see and change a poll, beyond the policy's per-method roles, is
// auth.Scope's to decide (Identity.CanSee, Identity.CanWork): a local poll
// is for its municipality's staff; a shared poll for the staff of its
// participating municipalities and of its region. What a caller may not
// see answers not found, so that its existence does not leak.

// scopeOf is whom a poll belongs to.
func scopeOf(p poll.Poll) auth.Scope {
	return auth.Scope{Tenant: p.Tenant(), Participants: p.Participants()}
}

// caller returns the verified identity, if the call has one: the guard
// makes sure of it for every method that is not public.
func caller(ctx context.Context) (auth.Identity, bool) { return auth.FromContext(ctx) }

// visibilityOf is Identity.CanSee as a list filter, so that paging counts only what
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
