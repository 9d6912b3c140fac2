package api

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/process"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// StartProcess starts the participation process for an accepted question
// that has none yet.
func (s *Server) StartProcess(ctx context.Context, req *councilsv1.StartProcessRequest) (*councilsv1.Process, error) {
	if req.GetQuestionId() == "" {
		return nil, (errs.Violations{{Path: "/questionId", Reason: "is required"}}).Err()
	}
	id := caller(ctx)
	p, err := s.store.StartProcess(ctx, req.GetQuestionId(), func(q agenda.Question) (process.Process, []events.Event, error) {
		sc := workScope(q.Scope())
		if !id.CanSee(sc) {
			return process.Process{}, nil, notVisible("question", req.GetQuestionId())
		}
		if !id.CanWork(sc) {
			return process.Process{}, nil, forbidden("start a process for this question")
		}
		p, err := process.Start(q, id.Subject, s.now())
		if err != nil {
			return process.Process{}, nil, err
		}
		ev, err := events.New(ctx, sc.Tenant, p.ID(), &eventsv1.ProcessCreated{
			ProcessId: p.ID(), QuestionId: q.ID(), Theme: q.Theme(), Origin: string(q.Origin()),
			ParticipatingMunicipalities: sc.Participants,
		})
		if err != nil {
			return process.Process{}, nil, fmt.Errorf("starting process: %w", err)
		}
		return p, []events.Event{ev}, nil
	})
	if errs.CodeOf(err) == errs.NotFound {
		// The question is named in the body, not the path: a reference
		// the service refuses as invalid input, the same for a question
		// that does not exist and one the caller may not see (docs/api.md,
		// "Ids that name other resources").
		return nil, (errs.Violations{{Path: "/questionId", Reason: "is not a question on an agenda you can see"}}).Err()
	}
	if err != nil {
		return nil, err
	}
	return processMsg(p), nil
}

// GetProcess returns one process the caller may see, with what its next
// phase still needs.
func (s *Server) GetProcess(ctx context.Context, req *councilsv1.GetProcessRequest) (*councilsv1.Process, error) {
	p, err := s.visibleProcess(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return processMsg(p), nil
}

// ListProcesses returns a page of the processes the caller may see, newest
// first.
func (s *Server) ListProcesses(ctx context.Context, req *councilsv1.ListProcessesRequest) (*councilsv1.ListProcessesResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	origin, ok := originOf(req.GetOrigin())
	if !ok {
		v.Add("origin", "must be solicited or unsolicited")
	}
	var phase process.Phase
	if req.GetPhase() != councilsv1.Phase_PHASE_UNSPECIFIED {
		if phase = phaseOf(req.GetPhase()); phase == "" {
			v.Add("phase", "must be a phase of the step plan")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.Processes(ctx, store.ProcessFilter{
		Visibility: visibilityOf(caller(ctx)),
		Tenant:     req.GetTenant(),
		Theme:      req.GetTheme(),
		Origin:     origin,
		Phase:      phase,
	}, page)
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListProcessesResponse{NextCursor: next}
	for _, p := range list {
		resp.Processes = append(resp.Processes, processMsg(p))
	}
	return resp, nil
}

// UpdateProcess changes the fields of the plan the update mask names:
// the precise question, approach, target group and chosen forms (all four
// without one).
func (s *Server) UpdateProcess(ctx context.Context, req *councilsv1.UpdateProcessRequest) (*councilsv1.Process, error) {
	in := req.GetProcess()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(),
		"precise_question", "approach", "target_group", "forms")
	if err != nil {
		return nil, err
	}
	expected := revision.FromTag("/etag", in.GetEtag())
	if fields.None() {
		p, err := s.workableProcess(ctx, caller(ctx), req.GetId(), "change this process")
		if err != nil {
			return nil, err
		}
		if err := revision.Check("process", p.UpdatedAt(), expected); err != nil {
			return nil, err
		}
		return processMsg(p), nil
	}
	var forms []process.FormKind
	for _, f := range in.GetForms() {
		forms = append(forms, formOf(f))
	}
	p, err := s.changeProcess(ctx, req.GetId(), "change this process", func(p *process.Process) error {
		if err := unchangedOrigin(*p, in); err != nil {
			return err
		}
		plan := process.Plan{PreciseQuestion: p.PreciseQuestion(), Approach: p.Approach(), TargetGroup: p.TargetGroup(), Forms: p.Forms()}
		if fields.Has("precise_question") {
			plan.PreciseQuestion = in.GetPreciseQuestion()
		}
		if fields.Has("approach") {
			plan.Approach = in.GetApproach()
		}
		if fields.Has("target_group") {
			plan.TargetGroup = in.GetTargetGroup()
		}
		if fields.Has("forms") {
			plan.Forms = forms
		}
		return p.SetPlan(plan, s.now())
	}, expected)
	if err != nil {
		return nil, err
	}
	return processMsg(p), nil
}

// TransitionProcess moves a process to the next phase, if its gate is
// met, or back to an earlier one, with a reason.
func (s *Server) TransitionProcess(ctx context.Context, req *councilsv1.TransitionProcessRequest) (*councilsv1.Process, error) {
	subject := caller(ctx).Subject
	to := phaseOf(req.GetToPhase())
	p, err := s.changeProcess(ctx, req.GetId(), "move this process", func(p *process.Process) error {
		return p.MoveTo(to, req.GetReason(), subject, s.now())
	})
	if err != nil {
		return nil, err
	}
	return processMsg(p), nil
}

// ListTransitions returns a process's moves, oldest first.
func (s *Server) ListTransitions(ctx context.Context, req *councilsv1.ListTransitionsRequest) (*councilsv1.ListTransitionsResponse, error) {
	if _, err := s.visibleProcess(ctx, req.GetId()); err != nil {
		return nil, err
	}
	list, err := s.store.Transitions(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListTransitionsResponse{}
	for _, t := range list {
		resp.Transitions = append(resp.Transitions, &councilsv1.Transition{
			Id: t.ID, FromPhase: phaseMsg(t.From), ToPhase: phaseMsg(t.To), Reason: t.Reason, Actor: t.Actor,
			CreateTime: timestamppb.New(t.At),
		})
	}
	return resp, nil
}

// RecordFieldActivity records a visit, stand or meeting: it counts as
// executed input of its form and adds the residents it reached.
func (s *Server) RecordFieldActivity(ctx context.Context, req *councilsv1.RecordFieldActivityRequest) (*councilsv1.FieldActivity, error) {
	subject := caller(ctx).Subject
	in := req.GetFieldActivity()
	draft := process.ActivityDraft{
		Form:             formOf(in.GetForm()),
		Date:             in.GetDate(),
		Place:            in.GetPlace(),
		MunicipalityCode: in.GetMunicipalityCode(),
		ResidentsReached: int(in.GetResidentsReached()),
		Notes:            in.GetNotes(),
	}
	var recorded process.FieldActivity
	_, err := s.changeProcess(ctx, req.GetId(), "record field activities for this process", func(p *process.Process) error {
		var v errs.Violations
		sameAsPath(&v, "/processId", in.GetProcessId(), p.ID())
		if err := v.Err(); err != nil {
			return err
		}
		a, err := process.NewFieldActivity(*p, draft, subject, council.Today(s.now()), s.now())
		if err != nil {
			return err
		}
		recorded = a
		return p.RecordFieldActivity(a)
	})
	if err != nil {
		return nil, err
	}
	return fieldActivityMsg(recorded), nil
}

// ListFieldActivities returns a process's field activities by day.
func (s *Server) ListFieldActivities(ctx context.Context, req *councilsv1.ListFieldActivitiesRequest) (*councilsv1.ListFieldActivitiesResponse, error) {
	if _, err := s.visibleProcess(ctx, req.GetId()); err != nil {
		return nil, err
	}
	list, err := s.store.FieldActivities(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListFieldActivitiesResponse{}
	for _, a := range list {
		resp.FieldActivities = append(resp.FieldActivities, fieldActivityMsg(a))
	}
	return resp, nil
}

// DeclareInterest records a declaration of interest of a member of a
// council the process concerns, made by that member.
func (s *Server) DeclareInterest(ctx context.Context, req *councilsv1.DeclareInterestRequest) (*councilsv1.Declaration, error) {
	id := caller(ctx)
	in := req.GetDeclaration()
	var v errs.Violations
	sameAsPath(&v, "/processId", in.GetProcessId(), req.GetId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := s.store.Declare(ctx, req.GetId(), in.GetMemberId(), func(p process.Process, m store.Seat) (process.Declaration, []events.Event, error) {
		sc := workScope(p.Scope())
		if !id.CanSee(sc) {
			return process.Declaration{}, nil, notVisible("process", req.GetId())
		}
		if !id.CanWork(sc) {
			return process.Declaration{}, nil, forbidden("declare interests in this process")
		}
		council := m.Municipality
		if council != "" && !id.Has(council, auth.StaffRoles...) {
			// A roster the caller may not read: its members are as unknown
			// to them as ids of nobody, whichever council they sit on.
			council = ""
		}
		// A declaration speaks for the member, so only the member makes it:
		// the roster links them to their login.
		if council != "" && (m.Subject == "" || m.Subject != id.Subject) {
			return process.Declaration{}, nil, forbidden("declare an interest for another member")
		}
		d, err := process.NewDeclaration(p, m.MemberID, council, in.GetStatement(), id.Subject, s.now())
		return d, nil, err
	})
	if err != nil {
		return nil, err
	}
	return declarationMsg(d), nil
}

// ListDeclarations returns a process's declarations of interest, oldest
// first.
func (s *Server) ListDeclarations(ctx context.Context, req *councilsv1.ListDeclarationsRequest) (*councilsv1.ListDeclarationsResponse, error) {
	if _, err := s.visibleProcess(ctx, req.GetId()); err != nil {
		return nil, err
	}
	list, err := s.store.Declarations(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListDeclarationsResponse{}
	for _, d := range list {
		resp.Declarations = append(resp.Declarations, declarationMsg(d))
	}
	return resp, nil
}

// visibleProcess returns the process with id if the caller may see it, and
// answers not-found otherwise.
func (s *Server) visibleProcess(ctx context.Context, id string) (process.Process, error) {
	p, err := s.store.Process(ctx, id)
	if err != nil {
		return process.Process{}, err
	}
	if !caller(ctx).CanSee(workScope(p.Scope())) {
		return process.Process{}, notVisible("process", id)
	}
	return p, nil
}

// workableProcess returns the process with id if the caller may work on
// it (action says what they were about to do).
func (s *Server) workableProcess(ctx context.Context, id auth.Identity, processID, action string) (process.Process, error) {
	p, err := s.visibleProcess(ctx, processID)
	if err != nil {
		return process.Process{}, err
	}
	if !id.CanWork(workScope(p.Scope())) {
		return process.Process{}, forbidden(action)
	}
	return p, nil
}

// changeProcess applies change to the process with id, its row locked, if
// the caller may work on it and it is the version expected names (if
// any). Transitions and field activities the change records are announced
// by the store.
func (s *Server) changeProcess(ctx context.Context, id, action string, change func(*process.Process) error, expected ...revision.Expected) (process.Process, error) {
	who := caller(ctx)
	return s.store.UpdateProcess(ctx, id, func(p process.Process) (process.Process, []events.Event, error) {
		sc := workScope(p.Scope())
		if !who.CanSee(sc) {
			return p, nil, notVisible("process", id)
		}
		if !who.CanWork(sc) {
			return p, nil, forbidden(action)
		}
		return p, nil, change(&p)
	}, expected...)
}

func processMsg(p process.Process) *councilsv1.Process {
	msg := &councilsv1.Process{
		Id:                  p.ID(),
		QuestionId:          p.QuestionID(),
		Title:               p.Title(),
		Theme:               p.Theme(),
		Origin:              originMsg(p.Origin()),
		Scope:               scopeMsg(p.Scope()),
		Phase:               phaseMsg(p.Phase()),
		PreciseQuestion:     p.PreciseQuestion(),
		Approach:            p.Approach(),
		TargetGroup:         p.TargetGroup(),
		ResidentsReached:    int32(min(p.ResidentsReached(), math.MaxInt32)),
		AdviceSentTime:      timestampOrNil(p.AdviceSentAt()),
		ReportPublishedTime: timestampOrNil(p.ReportPublishedAt()),
		CreateTime:          timestamppb.New(p.CreatedAt()),
		Etag:                revision.Tag(p.UpdatedAt()),
	}
	for _, f := range p.Forms() {
		msg.Forms = append(msg.Forms, formMsg(f))
	}
	for _, f := range p.ExecutedForms() {
		msg.ExecutedForms = append(msg.ExecutedForms, formMsg(f))
	}
	for _, c := range p.NextGateUnmet() {
		msg.NextGateUnmet = append(msg.NextGateUnmet, c.Path+": "+c.Reason)
	}
	msg.Polls = []*councilsv1.ProcessPoll{}
	for _, pl := range p.Polls() {
		msg.Polls = append(msg.Polls, processPollMsg(pl))
	}
	return msg
}

// processPollMsg is a process's poll, its counts per municipality in code
// order.
func processPollMsg(pl process.Poll) *councilsv1.ProcessPoll {
	msg := &councilsv1.ProcessPoll{
		PollId:                   pl.ID,
		Form:                     formMsg(pl.Form),
		Responses:                int32(min(pl.Responses, math.MaxInt32)),
		CloseTime:                timestampOrNil(pl.ClosesAt),
		ResponsesPerMunicipality: []*councilsv1.MunicipalityCount{},
	}
	switch pl.Status {
	case process.PollOpen:
		msg.Status = councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN
	case process.PollClosed:
		msg.Status = councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CLOSED
	case process.PollCancelled:
		msg.Status = councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CANCELLED
	}
	for _, code := range slices.Sorted(maps.Keys(pl.PerMunicipality)) {
		msg.ResponsesPerMunicipality = append(msg.ResponsesPerMunicipality,
			&councilsv1.MunicipalityCount{MunicipalityCode: code, Count: int32(min(pl.PerMunicipality[code], math.MaxInt32))})
	}
	return msg
}

func fieldActivityMsg(a process.FieldActivity) *councilsv1.FieldActivity {
	return &councilsv1.FieldActivity{
		Id:               a.ID(),
		ProcessId:        a.ProcessID(),
		Form:             formMsg(a.Form()),
		Date:             a.Day().String(),
		Place:            a.Place(),
		MunicipalityCode: a.MunicipalityCode(),
		ResidentsReached: int32(a.ResidentsReached()),
		Notes:            a.Notes(),
		CreateTime:       timestamppb.New(a.CreatedAt()),
	}
}

func declarationMsg(d process.Declaration) *councilsv1.Declaration {
	return &councilsv1.Declaration{
		Id: d.ID(), ProcessId: d.ProcessID(), MemberId: d.MemberID(), Statement: d.Statement(),
		CreateTime: timestamppb.New(d.CreatedAt()),
	}
}

func timestampOrNil(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// phaseOf maps a phase; it is "" for unspecified or undefined values, which
// the domain rejects.
func phaseOf(p councilsv1.Phase) process.Phase {
	switch p {
	case councilsv1.Phase_PHASE_INTAKE:
		return process.Intake
	case councilsv1.Phase_PHASE_CONCRETISE:
		return process.Concretise
	case councilsv1.Phase_PHASE_CHOOSE_FORMS:
		return process.ChooseForms
	case councilsv1.Phase_PHASE_EXECUTE:
		return process.Execute
	case councilsv1.Phase_PHASE_ANALYSE:
		return process.Analyse
	case councilsv1.Phase_PHASE_ADVISE:
		return process.Advise
	case councilsv1.Phase_PHASE_FEEDBACK:
		return process.Feedback
	case councilsv1.Phase_PHASE_CLOSED:
		return process.Closed
	}
	return ""
}

func phaseMsg(p process.Phase) councilsv1.Phase {
	for m := councilsv1.Phase_PHASE_INTAKE; m <= councilsv1.Phase_PHASE_CLOSED; m++ {
		if phaseOf(m) == p {
			return m
		}
	}
	return councilsv1.Phase_PHASE_UNSPECIFIED
}

// formOf maps a form; it is "" for unspecified or undefined values, which
// the domain rejects.
func formOf(f councilsv1.FormKind) process.FormKind {
	switch f {
	case councilsv1.FormKind_FORM_KIND_FOCUS_GROUP:
		return process.FocusGroup
	case councilsv1.FormKind_FORM_KIND_FLASH_POLL:
		return process.FlashPoll
	case councilsv1.FormKind_FORM_KIND_QUESTIONNAIRE:
		return process.Questionnaire
	case councilsv1.FormKind_FORM_KIND_MIRROR_CONVERSATION:
		return process.MirrorConversation
	case councilsv1.FormKind_FORM_KIND_OPINION_BUS:
		return process.OpinionBus
	case councilsv1.FormKind_FORM_KIND_NEIGHBOURHOOD_SHOP:
		return process.NeighbourhoodShop
	case councilsv1.FormKind_FORM_KIND_VISIT:
		return process.Visit
	case councilsv1.FormKind_FORM_KIND_OTHER:
		return process.OtherForm
	}
	return ""
}

func formMsg(f process.FormKind) councilsv1.FormKind {
	for k := councilsv1.FormKind_FORM_KIND_FOCUS_GROUP; k <= councilsv1.FormKind_FORM_KIND_OTHER; k++ {
		if formOf(k) == f {
			return k
		}
	}
	return councilsv1.FormKind_FORM_KIND_UNSPECIFIED
}
