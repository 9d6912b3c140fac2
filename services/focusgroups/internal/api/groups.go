package api

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// CreateFocusGroup forms a group for a process whose tenant the caller
// does the council's work in. A process they may not work in is refused
// as an unknown one, so that a refusal does not tell it exists.
func (s *Server) CreateFocusGroup(ctx context.Context, req *pb.CreateFocusGroupRequest) (*pb.FocusGroup, error) {
	id := caller(ctx)
	in := req.GetFocusGroup()
	spec := group.Spec{Name: in.GetName(), Purpose: in.GetPurpose(), PlannedSessions: int(in.GetPlannedSessions()),
		Seating: seatingOf(in), ReminderHours: int(in.GetReminderHours()), Organisers: in.GetOrganisers(), CreatedBy: id.Subject}
	// The domain's verdict on the rest, to tell with a refused process so
	// that every problem is told at once. Without a process there is no
	// tenant, so the seats' roles are judged by the built-in roles alone.
	var found errs.Violations
	var e *errs.Error
	if _, err := group.New(spec, s.now()); errors.As(err, &e) && e.Code == errs.Invalid {
		found = e.Fields
	}
	once, err := onceOf(ctx, req.GetIdempotencyKey())
	if err != nil {
		return nil, withViolations(found, err)
	}
	if err := s.awaitProcess(ctx, in.GetProcessId()); err != nil {
		return nil, err
	}
	g, err := s.store.NewGroup(ctx, in.GetProcessId(), func(p process.Process) (group.Group, error) {
		spec.Process = group.Process{ID: p.ID, Tenant: p.Tenant, Participants: p.Participants, Theme: p.Theme, QuestionID: p.QuestionID}
		spec.Roles = s.store.Roles(p.Tenant)
		probe := group.Restore(group.Record{Process: spec.Process})
		if !manages(id, probe) {
			return group.Group{}, (errs.Violations{{Path: "/processId", Reason: store.UnknownProcess}}).Err()
		}
		return group.New(spec, s.now())
	}, once)
	if errors.As(err, &e) && e.Code == errs.Invalid && slices.ContainsFunc(e.Fields, func(f errs.Field) bool { return f.Path == "/processId" }) {
		return nil, withViolations(found, err)
	}
	if err != nil {
		return nil, err
	}
	return groupMsg(g, nil), nil
}

// processWait is how long CreateFocusGroup waits for a process it does
// not know yet: the councils' process.created event reaches this service's
// projection some milliseconds after the process is started, and a group
// formed straight after must not fail for that.
const processWait = 3 * time.Second

// awaitProcess waits up to processWait for the process with id to be
// projected and to be one the caller may form groups for. One they may not
// is unknown to them, and takes as long to be found unknown as one that
// does not exist: otherwise the answer, or its speed, would tell them that
// another municipality's id is real. The store decides in the write's
// transaction; this only waits.
func (s *Server) awaitProcess(ctx context.Context, id string) error {
	if uuid.Validate(id) != nil {
		return nil
	}
	who := caller(ctx)
	deadline := time.Now().Add(processWait)
	for {
		p, err := s.store.Process(ctx, id)
		switch {
		case err == nil && manages(who, group.Restore(group.Record{Process: group.Process{Tenant: p.Tenant, Participants: p.Participants}})):
			return nil
		case err != nil && !errors.Is(err, process.ErrUnknown):
			return err
		case time.Now().After(deadline):
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// GetFocusGroup returns one group the caller may see.
func (s *Server) GetFocusGroup(ctx context.Context, req *pb.GetFocusGroupRequest) (*pb.FocusGroup, error) {
	g, err := s.store.Group(ctx, req.GetId(), seeing(ctx))
	if err != nil {
		return nil, err
	}
	return s.withCounts(ctx, g)
}

func (s *Server) withCounts(ctx context.Context, g group.Group) (*pb.FocusGroup, error) {
	counts, err := s.store.MemberCounts(ctx, []string{g.ID()})
	if err != nil {
		return nil, err
	}
	return groupMsg(g, counts[g.ID()]), nil
}

// ListFocusGroups returns a page of the groups the caller may see, newest
// first.
func (s *Server) ListFocusGroups(ctx context.Context, req *pb.ListFocusGroupsRequest) (*pb.ListFocusGroupsResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	status, ok := groupStatusOf(req.GetStatus())
	if !ok {
		v.Add("status", "must be a focus group status")
	}
	if p := req.GetProcessId(); p != "" && uuid.Validate(p) != nil {
		v.Add("processId", "must be the id (a UUID) of a participation process")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.Groups(ctx, store.GroupFilter{Visibility: visibilityOf(caller(ctx)), Tenant: req.GetTenant(),
		ProcessID: req.GetProcessId(), Status: status}, page)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, g := range list {
		ids[i] = g.ID()
	}
	counts, err := s.store.MemberCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	resp := &pb.ListFocusGroupsResponse{NextCursor: next}
	for _, g := range list {
		resp.FocusGroups = append(resp.FocusGroups, groupMsg(g, counts[g.ID()]))
	}
	return resp, nil
}

// UpdateFocusGroup changes the fields the mask names, if the group is the
// version expected.
func (s *Server) UpdateFocusGroup(ctx context.Context, req *pb.UpdateFocusGroupRequest) (*pb.FocusGroup, error) {
	in := req.GetFocusGroup()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(),
		"name", "purpose", "planned_sessions", "seats", "total_seats", "reminder_hours", "organisers")
	if err != nil {
		return nil, err
	}
	access := managing(ctx, "change this focus group")
	g, err := s.store.UpdateGroup(ctx, req.GetId(), func(g *group.Group) error {
		if err := access(*g); err != nil {
			return err
		}
		if fields.None() {
			return nil
		}
		c := g.Editable()
		c.Roles = s.store.Roles(g.Tenant())
		if fields.Has("name") {
			c.Name = in.GetName()
		}
		if fields.Has("purpose") {
			c.Purpose = in.GetPurpose()
		}
		if fields.Has("planned_sessions") {
			c.Planned = int(in.GetPlannedSessions())
		}
		if fields.Has("seats") || fields.Has("total_seats") {
			seats := seatingOf(in)
			if !fields.Has("seats") {
				seats.Groups = c.Seating.Groups
			}
			if !fields.Has("total_seats") {
				seats.Total = c.Seating.Total
			}
			c.Seating = seats
		}
		if fields.Has("reminder_hours") {
			c.ReminderHours = int(in.GetReminderHours())
		}
		if fields.Has("organisers") {
			c.Organisers = in.GetOrganisers()
		}
		return g.Edit(c, s.now())
	}, revision.FromTag("/etag", in.GetEtag()))
	if err != nil {
		return nil, err
	}
	return s.withCounts(ctx, g)
}

// ConcludeFocusGroup ends a group whose theme is done.
func (s *Server) ConcludeFocusGroup(ctx context.Context, req *pb.ConcludeFocusGroupRequest) (*pb.FocusGroup, error) {
	access := managing(ctx, "conclude this focus group")
	g, err := s.store.UpdateGroup(ctx, req.GetId(), func(g *group.Group) error {
		if err := access(*g); err != nil {
			return err
		}
		return g.Conclude(s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.withCounts(ctx, g)
}

// DissolveFocusGroup ends a group before it is done; its upcoming sessions
// are cancelled.
func (s *Server) DissolveFocusGroup(ctx context.Context, req *pb.DissolveFocusGroupRequest) (*pb.FocusGroup, error) {
	access := managing(ctx, "dissolve this focus group")
	g, err := s.store.UpdateGroup(ctx, req.GetId(), func(g *group.Group) error {
		if err := access(*g); err != nil {
			return err
		}
		return g.Dissolve(req.GetReason(), s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.withCounts(ctx, g)
}

// ListRoles lists the closed list of roles a tenant's groups take: the
// built-in ones, and the tenant's own (none for an empty tenant).
func (s *Server) ListRoles(_ context.Context, req *pb.ListRolesRequest) (*pb.ListRolesResponse, error) {
	roles := s.store.Roles(req.GetTenant())
	resp := &pb.ListRolesResponse{}
	for _, r := range roles.All() {
		resp.Roles = append(resp.Roles, roleMsg(roles, r.Key))
	}
	return resp, nil
}

// isNotFound reports whether err is a not-found error.
func isNotFound(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == errs.NotFound
}
