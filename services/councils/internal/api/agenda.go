package api

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// ListThemes returns every theme.
func (s *Server) ListThemes(ctx context.Context, _ *councilsv1.ListThemesRequest) (*councilsv1.ListThemesResponse, error) {
	themes, err := s.store.Themes(ctx)
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListThemesResponse{}
	for _, t := range themes {
		resp.Themes = append(resp.Themes, &councilsv1.Theme{Key: t.Key, NameNl: t.NameNL, NameEn: t.NameEN})
	}
	return resp, nil
}

// RaiseQuestion puts a question on the agenda of its municipality or
// region. A solicited question comes from a policy officer of the
// municipality (for regional work: of a participating municipality, or the
// region's coordinator); an unsolicited one from the council, and only
// where every council concerned takes such questions.
func (s *Server) RaiseQuestion(ctx context.Context, req *councilsv1.RaiseQuestionRequest) (*councilsv1.Question, error) {
	id := caller(ctx)
	in := req.GetQuestion()
	var v errs.Violations
	setByService(&v, "/processId", in.GetProcessId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	tenant := strings.TrimSpace(in.GetScope().GetTenant())
	if tenant == "" {
		// Someone who works for one municipality need not say which.
		if ts := id.Tenants(); len(ts) == 1 && ts[0] != auth.AllTenants {
			tenant = ts[0]
		}
	}
	participants := in.GetScope().GetParticipatingMunicipalities()
	names := []string{tenant}
	for _, code := range participants {
		names = append(names, strings.TrimSpace(code)) // as agenda.NewScope reads them
	}
	dir, err := s.store.Directory(ctx, names...)
	if err != nil {
		return nil, err
	}
	origin, _ := originOf(in.GetOrigin()) // an undefined origin is reported missing below
	q, err := agenda.NewQuestion(agenda.Draft{
		Title:          in.GetTitle(),
		Description:    in.GetDescription(),
		Theme:          in.GetTheme(),
		Origin:         origin,
		Tenant:         tenant,
		Participants:   participants,
		AdviceNeededBy: in.GetAdviceNeededBy(),
	}, dir, id.Subject, council.Today(s.now()), s.now())
	if err != nil {
		return nil, err
	}
	if !mayRaise(id, q.Origin(), q.Scope()) {
		return nil, forbidden(fmt.Sprintf("raise a %s question for %s", q.Origin(), q.Scope().Tenant()))
	}
	if err := q.CheckCouncils(dir); err != nil {
		return nil, err
	}
	ev, err := events.New(ctx, q.Scope().Tenant(), q.ID(), &eventsv1.QuestionRaised{
		QuestionId: q.ID(), Theme: q.Theme(), Origin: string(q.Origin()), ParticipatingMunicipalities: q.Scope().Participants(),
	})
	if err != nil {
		return nil, fmt.Errorf("raising question: %w", err)
	}
	if err := s.store.RaiseQuestion(ctx, q, ev); err != nil {
		return nil, err
	}
	return questionMsg(q), nil
}

// mayRaise reports whether id may put a question of origin in scope on
// the agenda.
func mayRaise(id auth.Identity, origin agenda.Origin, scope agenda.Scope) bool {
	sc := workScope(scope)
	if origin == agenda.Unsolicited {
		return id.CanWork(sc)
	}
	if !sc.Shared() {
		return id.Has(sc.Tenant, auth.PolicyOfficer)
	}
	if id.Has(sc.Tenant, auth.RegionalCoordinator) {
		return true
	}
	for _, m := range sc.Participants {
		if id.Has(m, auth.PolicyOfficer) {
			return true
		}
	}
	return false
}

// GetQuestion returns one question the caller may see.
func (s *Server) GetQuestion(ctx context.Context, req *councilsv1.GetQuestionRequest) (*councilsv1.Question, error) {
	q, err := s.store.Question(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	if !caller(ctx).CanSee(workScope(q.Scope())) {
		return nil, notVisible("question", req.GetId())
	}
	return questionMsg(q), nil
}

// ListQuestions returns a page of the questions the caller may see, newest
// first.
func (s *Server) ListQuestions(ctx context.Context, req *councilsv1.ListQuestionsRequest) (*councilsv1.ListQuestionsResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	origin, ok := originOf(req.GetOrigin())
	if !ok {
		v.Add("origin", "must be solicited or unsolicited")
	}
	status, ok := questionStatusOf(req.GetStatus())
	if !ok {
		v.Add("status", "must be open, accepted or rejected")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.Questions(ctx, store.QuestionFilter{
		Visibility: visibilityOf(caller(ctx)),
		Tenant:     req.GetTenant(),
		Theme:      req.GetTheme(),
		Origin:     origin,
		Status:     status,
	}, page)
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListQuestionsResponse{NextCursor: next}
	for _, q := range list {
		resp.Questions = append(resp.Questions, questionMsg(q))
	}
	return resp, nil
}

// DecideQuestion records the council's decision on an open question: its
// chair or secretary (or, for regional work, the region's coordinator)
// accepts it or rejects it with a reason.
func (s *Server) DecideQuestion(ctx context.Context, req *councilsv1.DecideQuestionRequest) (*councilsv1.Question, error) {
	id := caller(ctx)
	q, err := s.store.UpdateQuestion(ctx, req.GetId(), func(q agenda.Question) (agenda.Question, []events.Event, error) {
		sc := workScope(q.Scope())
		if !id.CanSee(sc) {
			return q, nil, notVisible("question", req.GetId())
		}
		if !id.CanDecide(sc) {
			return q, nil, forbidden("decide on this question")
		}
		if err := q.Decide(req.GetAccept(), req.GetReason(), id.Subject, s.now()); err != nil {
			return q, nil, err
		}
		var payload proto.Message = &eventsv1.QuestionRejected{QuestionId: q.ID()}
		if q.Status() == agenda.Accepted {
			payload = &eventsv1.QuestionAccepted{QuestionId: q.ID()}
		}
		ev, err := events.New(ctx, sc.Tenant, q.ID(), payload)
		if err != nil {
			return q, nil, fmt.Errorf("deciding question: %w", err)
		}
		return q, []events.Event{ev}, nil
	})
	if err != nil {
		return nil, err
	}
	return questionMsg(q), nil
}

// workScope is the scope access is decided on.
func workScope(s agenda.Scope) auth.Scope {
	return auth.Scope{Tenant: s.Tenant(), Participants: s.Participants()}
}

// visibilityOf is canSee as a list filter, so that paging counts only what
// the caller sees: every role is a staff role or admin, so any grant in a
// tenant shows its work, and a platform-wide grant shows everything.
func visibilityOf(id auth.Identity) store.Visibility {
	v := store.Visibility{Tenants: id.Tenants()}
	for _, t := range v.Tenants {
		if t == auth.AllTenants {
			v.All = true
		}
	}
	return v
}

func questionMsg(q agenda.Question) *councilsv1.Question {
	return &councilsv1.Question{
		Id:             q.ID(),
		Title:          q.Title(),
		Description:    q.Description(),
		Theme:          q.Theme(),
		Origin:         originMsg(q.Origin()),
		Scope:          scopeMsg(q.Scope()),
		AdviceNeededBy: q.AdviceNeededBy().String(),
		Status:         questionStatusMsg(q.Status()),
		DecisionReason: q.DecisionReason(),
		ProcessId:      q.ProcessID(),
		CreateTime:     timestamppb.New(q.CreatedAt()),
	}
}

func scopeMsg(s agenda.Scope) *councilsv1.Scope {
	return &councilsv1.Scope{Tenant: s.Tenant(), ParticipatingMunicipalities: s.Participants()}
}

// originOf maps an origin; unspecified is "" (no origin), and ok is false
// for a value the API does not define.
func originOf(o councilsv1.Origin) (agenda.Origin, bool) {
	switch o {
	case councilsv1.Origin_ORIGIN_UNSPECIFIED:
		return "", true
	case councilsv1.Origin_ORIGIN_SOLICITED:
		return agenda.Solicited, true
	case councilsv1.Origin_ORIGIN_UNSOLICITED:
		return agenda.Unsolicited, true
	}
	return "", false
}

func originMsg(o agenda.Origin) councilsv1.Origin {
	switch o {
	case agenda.Solicited:
		return councilsv1.Origin_ORIGIN_SOLICITED
	case agenda.Unsolicited:
		return councilsv1.Origin_ORIGIN_UNSOLICITED
	}
	return councilsv1.Origin_ORIGIN_UNSPECIFIED
}

// questionStatusOf maps a status as originOf maps an origin.
func questionStatusOf(st councilsv1.QuestionStatus) (agenda.Status, bool) {
	switch st {
	case councilsv1.QuestionStatus_QUESTION_STATUS_UNSPECIFIED:
		return "", true
	case councilsv1.QuestionStatus_QUESTION_STATUS_OPEN:
		return agenda.Open, true
	case councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED:
		return agenda.Accepted, true
	case councilsv1.QuestionStatus_QUESTION_STATUS_REJECTED:
		return agenda.Rejected, true
	}
	return "", false
}

func questionStatusMsg(st agenda.Status) councilsv1.QuestionStatus {
	switch st {
	case agenda.Open:
		return councilsv1.QuestionStatus_QUESTION_STATUS_OPEN
	case agenda.Accepted:
		return councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED
	case agenda.Rejected:
		return councilsv1.QuestionStatus_QUESTION_STATUS_REJECTED
	}
	return councilsv1.QuestionStatus_QUESTION_STATUS_UNSPECIFIED
}

// GetRaiseOptions says with which origins the caller may raise a question
// in a scope: the rules of RaiseQuestion (mayRaise, then the councils'
// way of working), asked before the question is written, so that the
// agenda's form offers only what would be accepted.
func (s *Server) GetRaiseOptions(ctx context.Context, req *councilsv1.GetRaiseOptionsRequest) (*councilsv1.RaiseOptions, error) {
	id := caller(ctx)
	tenant := strings.TrimSpace(req.GetScope().GetTenant())
	participants := req.GetScope().GetParticipatingMunicipalities()
	names := []string{tenant}
	for _, code := range participants {
		names = append(names, strings.TrimSpace(code))
	}
	dir, err := s.store.Directory(ctx, names...)
	if err != nil {
		return nil, err
	}
	scope, v := agenda.NewScope(tenant, participants, dir)
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := &councilsv1.RaiseOptions{Origins: []councilsv1.Origin{}, CouncilsRefusingUnsolicited: []string{}}
	for _, o := range []agenda.Origin{agenda.Solicited, agenda.Unsolicited} {
		if !mayRaise(id, o, scope) {
			continue
		}
		if refusing := agenda.Refusing(o, scope, dir); len(refusing) > 0 {
			out.CouncilsRefusingUnsolicited = refusing
			continue
		}
		out.Origins = append(out.Origins, originMsg(o))
	}
	return out, nil
}
