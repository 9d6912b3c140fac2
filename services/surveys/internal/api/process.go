package api

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
)

// processWait is how long CreatePoll waits for a process it does not know
// yet: the councils' process.created event reaches this service's
// projection some milliseconds after the process is started, and a poll
// made straight after must not fail for that.
const processWait = 3 * time.Second

// unknownProcess is the reason given for a process that does not exist, or
// that the caller may not see.
const unknownProcess = "is not a participation process known to the surveys service"

// knownProcess looks the process with id up in the projection, waiting up
// to processWait for one that has not arrived. An id that is no UUID is
// left to the poll's own validation. A process the caller may not see is
// unknown to them, and takes as long to be found unknown as one that does
// not exist: otherwise the answer, or its speed, would tell them that
// another municipality's id is real.
func (s *Server) knownProcess(ctx context.Context, id string) (process.Process, error) {
	if uuid.Validate(id) != nil {
		return process.Process{}, nil
	}
	who, _ := caller(ctx)
	deadline := time.Now().Add(processWait)
	for {
		p, err := s.store.Process(ctx, id)
		if err == nil && !who.CanSee(auth.Scope{Tenant: p.Tenant, Participants: p.Participants}) {
			p, err = process.Process{}, process.ErrUnknown
		}
		if !errors.Is(err, process.ErrUnknown) || time.Now().After(deadline) {
			return p, err
		}
		select {
		case <-ctx.Done():
			return process.Process{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// placeInProcess gives spec the tenant of its process, p, or checks the
// one asked for against it. A poll is the process's (a shared process's
// poll is shared by its municipalities, or by some of them), or a local
// poll of one of a shared process's municipalities. Problems are added to
// v; a closed process takes no new polls.
func placeInProcess(v *errs.Violations, spec *poll.Spec, p process.Process) error {
	if p.ID == "" {
		return nil // no UUID: reported by poll.New
	}
	if p.Closed {
		return errs.New(errs.FailedPrecondition, "participation process %s is closed and takes no new polls", p.ID)
	}
	switch {
	case spec.Tenant == "" || spec.Tenant == p.Tenant:
		spec.Tenant = p.Tenant
		if len(spec.Participants) == 0 {
			spec.Participants = slices.Clone(p.Participants)
		}
		for _, m := range spec.Participants {
			if !slices.Contains(p.Participants, m) {
				v.Add("/participants", "must be municipalities taking part in the process; "+m+" does not")
			}
		}
	case slices.Contains(p.Participants, spec.Tenant):
		if len(spec.Participants) > 0 {
			v.Add("/participants", "must be empty for a poll of one municipality")
		}
	default:
		v.Add("/tenant", "must be the process's tenant "+p.Tenant+" or one of its municipalities")
	}
	return nil
}
