package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// CreatePoll creates a draft poll in a tenant where the caller does the
// council's work.
func (s *Server) CreatePoll(ctx context.Context, req *surveysv1.CreatePollRequest) (*surveysv1.Poll, error) {
	id, _ := caller(ctx)
	var v errs.Violations
	spec := specOf(&v, req.GetPoll(), id.Subject)
	proc, err := s.knownProcess(ctx, spec.ProcessID)
	switch {
	case errors.Is(err, process.ErrUnknown):
		v.Add("/processId", unknownProcess)
	case err != nil:
		return nil, err
	default:
		if err := placeInProcess(&v, &spec, proc); err != nil {
			return nil, err
		}
	}
	if spec.Tenant == "" {
		// Someone who works for one municipality or region need not say
		// which.
		if ts := id.Tenants(); len(ts) == 1 && ts[0] != auth.AllTenants {
			spec.Tenant = ts[0]
		}
	}
	spec.Neighbourhoods = s.hoods
	p, err := poll.New(spec, s.now())
	if err := withViolations(v, err); err != nil {
		return nil, err
	}
	if !id.CanWork(scopeOf(p)) {
		return nil, forbidden("create polls for " + p.Tenant())
	}
	// The store checks the process again where it stores the poll: it may
	// have closed meanwhile.
	switch err := s.store.CreatePoll(ctx, p); {
	case errors.Is(err, process.ErrUnknown):
		return nil, (errs.Violations{{Path: "/processId", Reason: unknownProcess}}).Err()
	case err != nil:
		return nil, err
	}
	return pollMsg(p), nil
}

// GetPoll returns one poll the caller may see.
func (s *Server) GetPoll(ctx context.Context, req *surveysv1.GetPollRequest) (*surveysv1.Poll, error) {
	p, err := s.visiblePoll(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// ListPolls returns a page of the polls the caller may see, newest first.
func (s *Server) ListPolls(ctx context.Context, req *surveysv1.ListPollsRequest) (*surveysv1.ListPollsResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	status, ok := statusOf(req.GetStatus())
	if !ok {
		v.Add("status", "must be a poll status")
	}
	if p := req.GetProcessId(); p != "" {
		if _, err := uuid.Parse(p); err != nil {
			v.Add("processId", "must be the id (a UUID) of a participation process")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id, _ := caller(ctx)
	list, next, err := s.store.Polls(ctx, store.PollFilter{
		Visibility: visibilityOf(id),
		Tenant:     req.GetTenant(),
		ProcessID:  req.GetProcessId(),
		Status:     status,
	}, page)
	if err != nil {
		return nil, err
	}
	resp := &surveysv1.ListPollsResponse{NextCursor: next}
	for _, p := range list {
		resp.Polls = append(resp.Polls, pollMsg(p))
	}
	return resp, nil
}

// UpdatePoll changes the fields the update mask names (all eight an
// update may change without one), each as far as the poll's status allows.
// Every invalid value is reported at once; a change the status forbids
// fails the whole update, and nothing changes. The poll's etag and the
// expected update time, when set, are versions the change is based on:
// the same check, in the write's transaction.
func (s *Server) UpdatePoll(ctx context.Context, req *surveysv1.UpdatePollRequest) (*surveysv1.Poll, error) {
	in := req.GetPoll()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(),
		"title", "intro", "sections", "opens_at", "closes_at", "audience", "slug", "results_sharing")
	var v errs.Violations
	var e *errs.Error
	if errors.As(err, &e) {
		v = append(v, e.Fields...)
	} else if err != nil {
		return nil, err
	}
	expected := []revision.Expected{revision.FromTag("/etag", in.GetEtag())}
	if t := req.GetExpectedUpdateTime(); t != nil {
		if err := t.CheckValid(); err != nil {
			v.Add("/expectedUpdateTime", "must be a valid time")
		}
		expected = append(expected, revision.FromTime("/expectedUpdateTime", t.AsTime()))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if fields.None() {
		p, err := s.visiblePoll(ctx, req.GetId())
		if err != nil {
			return nil, err
		}
		if who, _ := caller(ctx); !who.CanWork(scopeOf(p)) {
			return nil, forbidden("change this poll")
		}
		if err := revision.Check("poll", p.UpdatedAt(), expected...); err != nil {
			return nil, err
		}
		return pollMsg(p), nil
	}
	// Values the domain cannot judge (malformed decimals and times) are
	// reported with whatever it finds.
	var sections []poll.Section
	if fields.Has("sections") {
		sections = sectionsOf(&v, in.GetSections())
	}
	var opensAt, closesAt time.Time
	if fields.Has("opens_at") {
		opensAt = timeOf(&v, "/opensAt", in.GetOpensAt())
	}
	if fields.Has("closes_at") {
		closesAt = timeOf(&v, "/closesAt", in.GetClosesAt())
	}
	changes := []struct {
		apply  bool
		change func(p *poll.Poll, now time.Time) error
	}{
		{fields.Has("title") || fields.Has("intro"), func(p *poll.Poll, now time.Time) error {
			title, intro := p.Title(), p.Intro()
			if fields.Has("title") {
				title = textOf(in.GetTitle())
			}
			if fields.Has("intro") {
				intro = textOf(in.GetIntro())
			}
			return p.SetTitle(title, intro, now)
		}},
		{fields.Has("sections"), func(p *poll.Poll, now time.Time) error { return p.SetSections(sections, now) }},
		{fields.Has("opens_at") || fields.Has("closes_at"), func(p *poll.Poll, now time.Time) error {
			o, c := p.OpensAt(), p.ClosesAt()
			if fields.Has("opens_at") {
				o = opensAt
			}
			if fields.Has("closes_at") {
				c = closesAt
			}
			return p.SetSchedule(o, c, now)
		}},
		{fields.Has("audience"), func(p *poll.Poll, now time.Time) error {
			return p.SetAudience(audienceOf(in.GetAudience()), s.hoods, now)
		}},
		{fields.Has("slug"), func(p *poll.Poll, now time.Time) error { return p.SetSlug(in.GetSlug(), now) }},
		{fields.Has("results_sharing"), func(p *poll.Poll, now time.Time) error {
			return p.SetResultsSharing(textOf(in.GetResultsSharing()), now)
		}},
	}
	p, err := s.changePoll(ctx, req.GetId(), "change this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		// A failed change leaves the poll as it was, so the next one can
		// still be tried and its problems reported too.
		found := slices.Clone(v)
		for _, c := range changes {
			if !c.apply {
				continue
			}
			err := c.change(p, now)
			var e *errs.Error
			switch {
			case err == nil:
			case errors.As(err, &e) && e.Code == errs.Invalid:
				found = append(found, e.Fields...)
			default:
				return nil, err
			}
		}
		return nil, found.Err()
	}, expected...)
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// SchedulePoll makes a complete draft ready to open at its opening time.
func (s *Server) SchedulePoll(ctx context.Context, req *surveysv1.SchedulePollRequest) (*surveysv1.Poll, error) {
	p, err := s.changePoll(ctx, req.GetId(), "schedule this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		return nil, p.Schedule(now)
	})
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// UnschedulePoll takes a scheduled poll back to draft.
func (s *Server) UnschedulePoll(ctx context.Context, req *surveysv1.UnschedulePollRequest) (*surveysv1.Poll, error) {
	p, err := s.changePoll(ctx, req.GetId(), "unschedule this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		return nil, p.Unschedule(now)
	})
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// OpenPoll opens a scheduled poll now and announces it.
func (s *Server) OpenPoll(ctx context.Context, req *surveysv1.OpenPollRequest) (*surveysv1.Poll, error) {
	p, err := s.changePoll(ctx, req.GetId(), "open this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		if err := p.Open(now); err != nil {
			return nil, err
		}
		ev, err := announce.PollOpened(ctx, *p)
		return []events.Event{ev}, err
	})
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// ClosePoll closes an open poll now and announces it with its responses
// per municipality.
func (s *Server) ClosePoll(ctx context.Context, req *surveysv1.ClosePollRequest) (*surveysv1.Poll, error) {
	if _, err := s.visiblePoll(ctx, req.GetId()); err != nil {
		return nil, err
	}
	// The counts are the tally's as it stands; responses still on their
	// way to the tally are not in the event (see the scheduler).
	t, err := s.store.Tally(ctx, req.GetId(), store.Texts{})
	if err != nil {
		return nil, err
	}
	p, err := s.changePoll(ctx, req.GetId(), "close this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		if err := p.Close(now); err != nil {
			return nil, err
		}
		ev, err := announce.PollClosed(ctx, *p, t)
		return []events.Event{ev}, err
	})
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// CancelPoll stops a poll for good and announces it.
func (s *Server) CancelPoll(ctx context.Context, req *surveysv1.CancelPollRequest) (*surveysv1.Poll, error) {
	p, err := s.changePoll(ctx, req.GetId(), "cancel this poll", func(p *poll.Poll, now time.Time) ([]events.Event, error) {
		if err := p.Cancel(req.GetReason(), now); err != nil {
			return nil, err
		}
		ev, err := announce.PollCancelled(ctx, *p)
		return []events.Event{ev}, err
	})
	if err != nil {
		return nil, err
	}
	return pollMsg(p), nil
}

// maxInvitees bounds one CreateInvitations call; a larger panel is
// invited in several.
const maxInvitees = 10_000

// CreateInvitations issues single-use invitations to a panel poll that has
// not ended, and returns their tokens this once.
func (s *Server) CreateInvitations(ctx context.Context, req *surveysv1.CreateInvitationsRequest) (*surveysv1.CreateInvitationsResponse, error) {
	if n := len(req.GetInvitees()); n == 0 || n > maxInvitees {
		return nil, (errs.Violations{{Path: "/invitees", Reason: fmt.Sprintf("must list 1 to %d invitees (lists %d)", maxInvitees, n)}}).Err()
	}
	p, err := s.visiblePoll(ctx, req.GetPollId())
	if err != nil {
		return nil, err
	}
	id, _ := caller(ctx)
	if !id.CanWork(scopeOf(p)) {
		return nil, forbidden("invite people to this poll")
	}
	var unmet []errs.Field
	if p.Audience().Kind != poll.Panel {
		unmet = append(unmet, errs.Field{Path: "/audience/kind", Reason: "is not a panel: an open link needs no invitations"})
	}
	if !slices.Contains([]poll.Status{poll.Draft, poll.Scheduled, poll.Open}, p.StatusAt(s.now())) {
		unmet = append(unmet, errs.Field{Path: "/status", Reason: fmt.Sprintf("is %s: the poll takes no more answers", p.StatusAt(s.now()))})
	}
	if len(unmet) > 0 {
		return nil, &errs.Error{Code: errs.FailedPrecondition, Message: "cannot invite people to this poll", Fields: unmet}
	}
	invitees := make([]store.Invitee, len(req.GetInvitees()))
	for i, in := range req.GetInvitees() {
		invitees[i] = store.Invitee{PanelMemberID: in.GetPanelMemberId(), Municipality: in.GetMunicipalityCode()}
	}
	issued, err := s.store.CreateInvitations(ctx, p.ID(), invitees, s.now())
	if err != nil {
		return nil, err
	}
	resp := &surveysv1.CreateInvitationsResponse{}
	for _, inv := range issued {
		resp.Invitations = append(resp.Invitations, &surveysv1.IssuedInvitation{
			Id: inv.ID, PollId: inv.PollID, PanelMemberId: inv.PanelMemberID, MunicipalityCode: inv.Municipality,
			Token: inv.Token, CreateTime: timeMsg(inv.CreatedAt),
		})
	}
	return resp, nil
}

// visiblePoll returns the poll with id if the caller may see it, and
// answers not found otherwise.
func (s *Server) visiblePoll(ctx context.Context, id string) (poll.Poll, error) {
	p, err := s.store.Poll(ctx, id)
	if err != nil {
		return poll.Poll{}, err
	}
	who, _ := caller(ctx)
	if !who.CanSee(scopeOf(p)) {
		return poll.Poll{}, notVisible(id)
	}
	return p, nil
}

// changePoll applies change to the poll with id, under its lock, if the
// caller may change it (action says what they were about to do) and it is
// the version expected names (if any). The events change returns commit
// with the change.
func (s *Server) changePoll(ctx context.Context, id, action string, change func(p *poll.Poll, now time.Time) ([]events.Event, error), expected ...revision.Expected) (poll.Poll, error) {
	who, _ := caller(ctx)
	return s.store.UpdatePoll(ctx, id, func(p poll.Poll) (poll.Poll, []events.Event, error) {
		sc := scopeOf(p)
		if !who.CanSee(sc) {
			return p, nil, notVisible(id)
		}
		if !who.CanWork(sc) {
			return p, nil, forbidden(action)
		}
		evs, err := change(&p, s.now())
		if err != nil {
			return p, nil, err
		}
		return p, evs, nil
	}, expected...)
}
