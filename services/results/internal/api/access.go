package api

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// Who may see and do what, beyond the policy's per-method roles, is
// auth.Scope's to decide: local work of a municipality is for that
// municipality's roles; shared work is for the roles of its participating
// municipalities and of the region. A response is its municipality's own:
// only that municipality's policy officers give it. What a caller may not
// see answers not found, so its existence does not leak.

// caller returns the verified identity, if any: public methods have none
// for anonymous callers.
func caller(ctx context.Context) auth.Identity {
	id, _ := auth.FromContext(ctx)
	return id
}

// scopeOf is the scope of the work of process p.
func scopeOf(p advice.Process) auth.Scope {
	return auth.Scope{Tenant: p.Tenant, Participants: p.Participants}
}

// visibilityOf narrows lists to what id may see.
func visibilityOf(id auth.Identity) store.Visibility {
	var v store.Visibility
	for _, g := range id.Grants {
		if g.Tenant == auth.AllTenants {
			v.All = true
		}
	}
	v.Tenants = id.Tenants()
	return v
}

// notVisible is what a caller gets for work they may not see.
func notVisible(kind, id string) error {
	return errs.New(errs.NotFound, "%s %q not found", kind, id)
}

// forbidden is what a caller gets who may see but not do.
func forbidden(action string) error {
	return errs.New(errs.PermissionDenied, "your roles do not allow you to %s", action)
}

// processWait is how long a new advice waits for a process this service
// does not know yet: the councils' process.created reaches the projection
// some milliseconds after the process starts.
const processWait = 3 * time.Second

// unknownProcess is the reason given for a process that does not exist,
// or that the caller may not see.
const unknownProcess = "is not a participation process known to the results service"

// knownProcess looks the process with id up, waiting up to processWait
// for one that has not arrived. A process the caller may not see is
// unknown to them, and takes as long to be found unknown as one that does
// not exist.
func (b *base) knownProcess(ctx context.Context, id string) (advice.Process, error) {
	if uuid.Validate(id) != nil {
		return advice.Process{}, errUnknownProcess
	}
	who := caller(ctx)
	deadline := time.Now().Add(processWait)
	for {
		p, err := b.store.Process(ctx, id)
		if err == nil && !who.CanSee(scopeOf(p)) {
			err = errs.New(errs.NotFound, "not visible")
		}
		if errs.CodeOf(err) != errs.NotFound {
			return p, err
		}
		if time.Now().After(deadline) {
			return advice.Process{}, errUnknownProcess
		}
		select {
		case <-ctx.Done():
			return advice.Process{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// errUnknownProcess refuses a process named in a request body.
var errUnknownProcess = (errs.Violations{{Path: "/processId", Reason: unknownProcess}}).Err()

// isUnknownProcess reports whether err is errUnknownProcess.
func isUnknownProcess(err error) bool { return errors.Is(err, errUnknownProcess) }

// visibleAdvice returns the advice with id if the caller may see it.
func (b *base) visibleAdvice(ctx context.Context, id string) (advice.Advice, error) {
	a, err := b.store.Advice(ctx, id)
	if err != nil {
		return advice.Advice{}, err
	}
	if !caller(ctx).CanSee(scopeOf(a.Process())) {
		return advice.Advice{}, notVisible("advice", id)
	}
	return a, nil
}
