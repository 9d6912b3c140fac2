package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Who may see and manage a group, beyond the policy's per-method roles:
// auth.Scope decides for the group's tenant (its process's), and the
// group's organisers manage it wherever they work. A caller who may not
// see a group is told it does not exist; one who sees it but may not
// manage it is refused.

// scopeOf is whom a group belongs to.
func scopeOf(g group.Group) auth.Scope {
	return auth.Scope{Tenant: g.Tenant(), Participants: g.Process().Participants}
}

// caller returns the verified identity, if the call has one: the guard
// makes sure of it for every method that is not public.
func caller(ctx context.Context) auth.Identity {
	id, _ := auth.FromContext(ctx)
	return id
}

// sees reports whether id may see g: staff of its tenant, or an organiser.
func sees(id auth.Identity, g group.Group) bool {
	return g.Organises(id.Subject) || id.CanSee(scopeOf(g))
}

// manages reports whether id may manage g: its organisers, and those who
// do the council's work in its tenant.
func manages(id auth.Identity, g group.Group) bool {
	return g.Organises(id.Subject) || id.CanWork(scopeOf(g))
}

// seeing is the store's access for reading what anyone who sees a group
// may read.
func seeing(ctx context.Context) store.Access {
	id := caller(ctx)
	return func(g group.Group) error {
		if !sees(id, g) {
			return store.GroupNotFound(g.ID())
		}
		return nil
	}
}

// managing is the store's access for what only those who manage a group
// may read or do; action says what that is, for the refusal.
func managing(ctx context.Context, action string) store.Access {
	id := caller(ctx)
	return func(g group.Group) error {
		switch {
		case manages(id, g):
			return nil
		case sees(id, g):
			return forbidden(action)
		}
		return store.GroupNotFound(g.ID())
	}
}

// forbidden is what a caller gets who may see but not change.
func forbidden(action string) error {
	return errs.New(errs.PermissionDenied, "your roles do not allow you to %s", action)
}

// visibilityOf is what a caller's list of groups shows: any grant in a
// tenant shows its groups, a platform-wide grant every group, and an
// organiser their own.
func visibilityOf(id auth.Identity) store.Visibility {
	v := store.Visibility{Tenants: id.Tenants(), Organiser: id.Subject}
	for _, t := range v.Tenants {
		if t == auth.AllTenants {
			v.All = true
		}
	}
	return v
}

// onceOf is the store's Once for a create with the client's key: the
// caller's own, so that one caller's key never replays another's create.
// A key that is not 1 to 64 visible ASCII characters is refused at
// /idempotencyKey.
func onceOf(ctx context.Context, key string) (store.Once, error) {
	if key == "" {
		return store.Once{}, nil
	}
	if !store.ValidIdempotencyKey(key) {
		return store.Once{}, store.InvalidIdempotencyKey()
	}
	return store.Once{Key: key, Subject: caller(ctx).Subject}, nil
}
