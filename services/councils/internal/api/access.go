package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
)

// Who may see and do what, beyond the policy's per-method roles, is
// auth.Scope's to decide: local work of a municipality is for that
// municipality's roles; regional (shared) work is for the roles of its
// participating municipalities and of the region. What a caller may not see
// answers not-found, so its existence does not leak.

// caller returns the verified identity; the guard has made sure there is one
// for every non-public method.
func caller(ctx context.Context) auth.Identity {
	id, _ := auth.FromContext(ctx)
	return id
}

// notVisible is what a caller gets for work they may not see.
func notVisible(kind, id string) error {
	return errs.New(errs.NotFound, "%s %q not found", kind, id)
}

// forbidden is what a caller gets who may see but not change.
func forbidden(action string) error {
	return errs.New(errs.PermissionDenied, "your roles do not allow you to %s", action)
}
