package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/notice"
	"github.com/meedoen/meedoen/services/results/internal/response"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// ListResponses returns a page of the responses the caller may see, the
// earliest due first.
func (s *AdviceServer) ListResponses(ctx context.Context, req *pb.ListResponsesRequest) (*pb.ListResponsesResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	f := store.ResponseFilter{Visibility: visibilityOf(caller(ctx)), Tenant: req.GetTenant(), AdviceID: req.GetAdviceId(),
		Status: responseStatusOf(req.GetStatus())}
	if req.GetOverdue() {
		f.OverdueAt = now
	}
	list, next, err := s.store.Responses(ctx, f, page)
	if err != nil {
		return nil, err
	}
	resp := &pb.ListResponsesResponse{NextCursor: next}
	for _, l := range list {
		resp.Responses = append(resp.Responses, responseMsg(l.Advice, l.Response, now))
	}
	return resp, nil
}

// GetResponse returns one municipality's response to an advice the caller
// may see.
func (s *AdviceServer) GetResponse(ctx context.Context, req *pb.GetResponseRequest) (*pb.MunicipalResponse, error) {
	a, err := s.visibleAdvice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	_, r, err := s.store.Response(ctx, a.ID(), req.GetMunicipalityCode())
	if err != nil {
		return nil, err
	}
	return responseMsg(a, r, s.now()), nil
}

// officerChange is a change of a response that only the responding
// municipality's policy officers make.
type officerChange func(a advice.Advice, r *response.Response) ([]events.Event, error)

// changeAsOfficer runs change on the response of municipality to the
// advice with adviceID, as a policy officer of that municipality.
func (s *AdviceServer) changeAsOfficer(ctx context.Context, adviceID, municipality, action string, change officerChange) (*pb.MunicipalResponse, error) {
	id := caller(ctx)
	a, r, err := s.store.ChangeResponse(ctx, adviceID, municipality, func(a advice.Advice, r *response.Response) (store.ResponseEffects, error) {
		if !id.CanSee(scopeOf(a.Process())) {
			return store.ResponseEffects{}, notVisible("advice", adviceID)
		}
		if r == nil {
			return store.ResponseEffects{}, nil
		}
		if !id.Has(municipality, auth.PolicyOfficer) {
			return store.ResponseEffects{}, forbidden(action + ": only " + municipality + "'s policy officers do")
		}
		evs, err := change(a, r)
		return store.ResponseEffects{Events: evs, RecordedBy: id.Subject}, err
	})
	if err != nil {
		return nil, err
	}
	return responseMsg(a, r, s.now()), nil
}

// AcknowledgeResponse acknowledges receipt for the municipality.
func (s *AdviceServer) AcknowledgeResponse(ctx context.Context, req *pb.AcknowledgeResponseRequest) (*pb.MunicipalResponse, error) {
	return s.changeAsOfficer(ctx, req.GetId(), req.GetMunicipalityCode(), "acknowledge this advice",
		func(a advice.Advice, r *response.Response) ([]events.Event, error) {
			if err := r.Acknowledge(s.now()); err != nil {
				return nil, err
			}
			ev, err := events.New(ctx, r.Municipality(), a.ID(), &eventsv1.AdviceAcknowledged{
				AdviceId: a.ID(), ProcessId: a.Process().ID, MunicipalityCode: r.Municipality()})
			return []events.Event{ev}, err
		})
}

// AssignResponse assigns who prepares the municipality's response.
func (s *AdviceServer) AssignResponse(ctx context.Context, req *pb.AssignResponseRequest) (*pb.MunicipalResponse, error) {
	return s.changeAsOfficer(ctx, req.GetId(), req.GetMunicipalityCode(), "assign this response",
		func(_ advice.Advice, r *response.Response) ([]events.Event, error) {
			return nil, r.Assign(req.GetOwnerName(), req.GetOwnerEmail(), s.now())
		})
}

// RecordResponse records the executive's decision on every
// recommendation: a new version of the response.
func (s *AdviceServer) RecordResponse(ctx context.Context, req *pb.RecordResponseRequest) (*pb.MunicipalResponse, error) {
	answers := make([]response.Answer, 0, len(req.GetAnswers()))
	for _, a := range req.GetAnswers() {
		answers = append(answers, response.Answer{Recommendation: int(a.GetRecommendation()), Verdict: verdictOf(a.GetVerdict()),
			Motivation: a.GetMotivation()})
	}
	return s.changeAsOfficer(ctx, req.GetId(), req.GetMunicipalityCode(), "respond to this advice",
		func(a advice.Advice, r *response.Response) ([]events.Event, error) {
			if err := processOpen(a, "takes no more responses"); err != nil {
				return nil, err
			}
			now := s.now()
			if err := r.Record(req.GetDecidedOn(), answers, response.DayOf(now), now); err != nil {
				return nil, err
			}
			var evs []events.Event
			for _, ans := range r.Answers() {
				ev, err := events.New(ctx, r.Municipality(), a.ID(), &eventsv1.ResponseRecorded{
					AdviceId: a.ID(), ProcessId: a.Process().ID, MunicipalityCode: r.Municipality(), Recommendation: int32(ans.Recommendation),
					Verdict: string(ans.Verdict), ResponseVersion: int32(r.Version()), DecidedOn: r.DecidedOn().String(), OnTime: r.OnTime()})
				if err != nil {
					return nil, err
				}
				evs = append(evs, ev)
			}
			return evs, nil
		})
}

// processOpen refuses a change to a response once the council closed the
// process.
func processOpen(a advice.Advice, what string) error {
	if !a.Process().Closed {
		return nil
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: "the participation process is closed and " + what,
		Fields: []errs.Field{{Path: "/processId", Reason: "names a closed process"}}}
}

// RequestRevision asks the municipality for a revised response.
func (s *AdviceServer) RequestRevision(ctx context.Context, req *pb.RequestRevisionRequest) (*pb.MunicipalResponse, error) {
	id := caller(ctx)
	name := s.municipalityNames(ctx)(req.GetMunicipalityCode())
	a, r, err := s.store.ChangeResponse(ctx, req.GetId(), req.GetMunicipalityCode(), func(a advice.Advice, r *response.Response) (store.ResponseEffects, error) {
		if err := s.mayDecide(id, a, "ask for a revised response"); err != nil || r == nil {
			return store.ResponseEffects{}, err
		}
		if err := processOpen(a, "takes no more responses"); err != nil {
			return store.ResponseEffects{}, err
		}
		if err := r.RequestRevision(req.GetReason(), id.Subject, s.now()); err != nil {
			return store.ResponseEffects{}, err
		}
		ev, err := events.New(ctx, r.Municipality(), a.ID(), &eventsv1.ResponseRevisionRequested{
			AdviceId: a.ID(), ProcessId: a.Process().ID, MunicipalityCode: r.Municipality(), ResponseVersion: int32(r.Version())})
		if err != nil {
			return store.ResponseEffects{}, err
		}
		fx := store.ResponseEffects{Events: []events.Event{ev}}
		if to := s.remindWhom(ctx, *r); to != "" {
			fx.Mail = append(fx.Mail, notice.RevisionRequested(to, s.noticeOf(a, *r, name)))
		}
		return fx, nil
	})
	if err != nil {
		return nil, err
	}
	return responseMsg(a, r, s.now()), nil
}

// remindWhom is where mail about r goes: its owner, else its
// municipality's policy officers; "" for nobody.
func (b *base) remindWhom(ctx context.Context, r response.Response) string {
	if _, email := r.Owner(); email != "" {
		return email
	}
	st, err := b.store.ResponseSettings(ctx, r.Municipality())
	if err != nil {
		return ""
	}
	return st.OfficerEmail
}

// GetResponseSettings returns a municipality's settings, to its staff.
func (s *AdviceServer) GetResponseSettings(ctx context.Context, req *pb.GetResponseSettingsRequest) (*pb.ResponseSettings, error) {
	m := req.GetMunicipalityCode()
	if err := s.knownMunicipality(ctx, m); err != nil {
		return nil, err
	}
	if !caller(ctx).Has(m, auth.StaffRoles...) {
		return nil, forbidden("read the settings of " + m)
	}
	st, err := s.store.ResponseSettings(ctx, m)
	if err != nil {
		return nil, err
	}
	return settingsMsg(st), nil
}

// UpdateResponseSettings changes the fields of a municipality's settings
// the update mask names (all three without one).
func (s *AdviceServer) UpdateResponseSettings(ctx context.Context, req *pb.UpdateResponseSettingsRequest) (*pb.ResponseSettings, error) {
	in := req.GetSettings()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(), "term_days", "officer_email", "secretary_email")
	if err != nil {
		return nil, err
	}
	m := req.GetMunicipalityCode()
	if err := s.knownMunicipality(ctx, m); err != nil {
		return nil, err
	}
	if c := in.GetMunicipalityCode(); c != "" && c != m {
		return nil, (errs.Violations{{Path: "/municipalityCode", Reason: "must be left out or be the municipality the path names"}}).Err()
	}
	id := caller(ctx)
	if !id.Has(m, settingsKeepers...) {
		return nil, forbidden("change the settings of " + m)
	}
	var change response.SettingsChange
	if fields.Has("term_days") {
		change.TermDays = ptr(int(in.GetTermDays()))
	}
	if fields.Has("officer_email") {
		change.OfficerEmail = ptr(in.GetOfficerEmail())
	}
	if fields.Has("secretary_email") {
		change.SecretaryEmail = ptr(in.GetSecretaryEmail())
	}
	st, err := s.store.UpdateResponseSettings(ctx, m, func(st *response.Settings) error {
		if fields.None() {
			return nil
		}
		return st.Change(change, s.now())
	}, revision.FromTag("/etag", in.GetEtag()))
	if err != nil {
		return nil, err
	}
	return settingsMsg(st), nil
}

// knownMunicipality refuses a municipality the tenancy projection does not
// know: not found, as for any path naming nothing.
func (b *base) knownMunicipality(ctx context.Context, code string) error {
	names, err := b.store.MunicipalityNames(ctx)
	if err != nil {
		return err
	}
	if _, ok := names[code]; !ok {
		return errs.New(errs.NotFound, "municipality %q not found", code)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
