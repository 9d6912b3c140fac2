package api

import (
	"context"
	"fmt"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/notice"
	"github.com/meedoen/meedoen/services/results/internal/response"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// CreateAdvice starts the advice of a process with its first version.
func (s *AdviceServer) CreateAdvice(ctx context.Context, req *pb.CreateAdviceRequest) (*pb.Advice, error) {
	in := req.GetAdvice()
	if err := checkAdviceInput(in); err != nil {
		return nil, err
	}
	if _, err := s.knownProcess(ctx, in.GetProcessId()); err != nil {
		return nil, err
	}
	id := caller(ctx)
	a, err := s.store.CreateAdvice(ctx, in.GetProcessId(), func(p advice.Process, ref string) (advice.Advice, []events.Event, error) {
		// Checked again on the locked row: the request is refused alike
		// for a process the caller may not see and one that does not
		// exist (docs/api.md, "Ids that name other resources").
		if !id.CanSee(scopeOf(p)) {
			return advice.Advice{}, nil, errUnknownProcess
		}
		if !id.CanWork(scopeOf(p)) {
			return advice.Advice{}, nil, forbidden("write this process's advice")
		}
		a, err := advice.New(p, ref, contentOf(in.GetContent()), id.Subject, s.now())
		if err != nil {
			return advice.Advice{}, nil, err
		}
		ev, err := drafted(ctx, a)
		return a, []events.Event{ev}, err
	})
	if errs.CodeOf(err) == errs.NotFound {
		return nil, errUnknownProcess
	}
	if err != nil {
		return nil, err
	}
	return adviceMsg(a), nil
}

// checkAdviceInput refuses members of a new advice that the service sets.
func checkAdviceInput(in *pb.Advice) error {
	var v errs.Violations
	if in.GetProcessId() == "" {
		v.Add("/processId", "is required")
	}
	if in.GetContent() == nil {
		v.Add("/content", "is required: the text of version 1")
	}
	return v.Err()
}

// GetAdvice returns one advice the caller may see.
func (s *AdviceServer) GetAdvice(ctx context.Context, req *pb.GetAdviceRequest) (*pb.Advice, error) {
	a, err := s.visibleAdvice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return adviceMsg(a), nil
}

// ListAdvices returns a page of the advice the caller may see.
func (s *AdviceServer) ListAdvices(ctx context.Context, req *pb.ListAdvicesRequest) (*pb.ListAdvicesResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.Advices(ctx, store.AdviceFilter{Visibility: visibilityOf(caller(ctx)), Tenant: req.GetTenant(),
		ProcessID: req.GetProcessId(), Status: adviceStatusOf(req.GetStatus())}, page)
	if err != nil {
		return nil, err
	}
	resp := &pb.ListAdvicesResponse{NextCursor: next}
	for _, a := range list {
		resp.Advices = append(resp.Advices, adviceMsg(a))
	}
	return resp, nil
}

// CreateVersion writes a new version of an advice.
func (s *AdviceServer) CreateVersion(ctx context.Context, req *pb.CreateVersionRequest) (*pb.Version, error) {
	id := caller(ctx)
	in := req.GetVersion()
	a, err := s.store.ChangeAdvice(ctx, req.GetId(), func(a *advice.Advice) ([]events.Event, error) {
		if err := s.mayWork(id, *a, "change this advice"); err != nil {
			return nil, err
		}
		if err := a.Revise(int(in.GetBasedOn()), in.GetChangeNote(), contentOf(in.GetContent()), id.Subject, s.now()); err != nil {
			return nil, err
		}
		ev, err := drafted(ctx, *a)
		return []events.Event{ev}, err
	})
	if err != nil {
		return nil, err
	}
	return s.versionMsg(ctx, a, a.Latest())
}

// mayWork checks that id may see a and do the council's work on it.
func (s *AdviceServer) mayWork(id auth.Identity, a advice.Advice, action string) error {
	if !id.CanSee(scopeOf(a.Process())) {
		return notVisible("advice", a.ID())
	}
	if !id.CanWork(scopeOf(a.Process())) {
		return forbidden(action)
	}
	return nil
}

// GetVersion returns one version of an advice the caller may see.
func (s *AdviceServer) GetVersion(ctx context.Context, req *pb.GetVersionRequest) (*pb.Version, error) {
	a, err := s.visibleAdvice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	v, err := s.store.Version(ctx, a.ID(), int(req.GetNumber()))
	if err != nil {
		return nil, err
	}
	return s.versionMsg(ctx, a, v)
}

// ListVersions returns the versions of an advice the caller may see.
func (s *AdviceServer) ListVersions(ctx context.Context, req *pb.ListVersionsRequest) (*pb.ListVersionsResponse, error) {
	a, err := s.visibleAdvice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	list, err := s.store.Versions(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	current, err := s.currentEvidence(ctx, a)
	if err != nil {
		return nil, err
	}
	resp := &pb.ListVersionsResponse{}
	for _, v := range list {
		resp.Versions = append(resp.Versions, versionMsg(a.ID(), v, current))
	}
	return resp, nil
}

// versionMsg is v of a with its evidence: frozen if sent, else current.
func (b *base) versionMsg(ctx context.Context, a advice.Advice, v advice.Version) (*pb.Version, error) {
	var current evidence.Snapshot
	if v.Evidence == nil {
		var err error
		if current, err = b.currentEvidence(ctx, a); err != nil {
			return nil, err
		}
	}
	return versionMsg(a.ID(), v, current), nil
}

// currentEvidence is the evidence of a's process as the projections have
// it now.
func (b *base) currentEvidence(ctx context.Context, a advice.Advice) (evidence.Snapshot, error) {
	return b.store.Evidence(ctx, a.Process().ID, b.cfg.Cells, b.now())
}

// AdoptAdvice adopts the latest version.
func (s *AdviceServer) AdoptAdvice(ctx context.Context, req *pb.AdoptAdviceRequest) (*pb.Advice, error) {
	id := caller(ctx)
	a, err := s.store.ChangeAdvice(ctx, req.GetId(), func(a *advice.Advice) ([]events.Event, error) {
		if err := s.mayDecide(id, *a, "adopt this advice"); err != nil {
			return nil, err
		}
		if err := a.Adopt(int(req.GetVersion()), id.Subject, s.now()); err != nil {
			return nil, err
		}
		ev, err := events.New(ctx, a.Process().Tenant, a.ID(), &eventsv1.AdviceAdopted{
			AdviceId: a.ID(), ProcessId: a.Process().ID, Version: int32(a.Latest().Number)})
		return []events.Event{ev}, err
	})
	if err != nil {
		return nil, err
	}
	return adviceMsg(a), nil
}

// mayDecide checks that id may see a and decide for the council.
func (s *AdviceServer) mayDecide(id auth.Identity, a advice.Advice, action string) error {
	if !id.CanSee(scopeOf(a.Process())) {
		return notVisible("advice", a.ID())
	}
	if !id.CanDecide(scopeOf(a.Process())) {
		return forbidden(action)
	}
	return nil
}

// SendAdvice sends the adopted latest version: frozen with its evidence,
// a response opened per addressed municipality with its term, and their
// policy officers told.
func (s *AdviceServer) SendAdvice(ctx context.Context, req *pb.SendAdviceRequest) (*pb.Advice, error) {
	id := caller(ctx)
	names := s.municipalityNames(ctx)
	a, err := s.store.SendAdvice(ctx, req.GetId(), func(a *advice.Advice, in store.SendingInput) (store.Sending, error) {
		if err := s.mayDecide(id, *a, "send this advice"); err != nil {
			return store.Sending{}, err
		}
		now := s.now()
		if err := a.Send(int(req.GetVersion()), evidence.Build(in.Raw, s.cfg.Cells, now), now); err != nil {
			return store.Sending{}, err
		}
		return s.sending(ctx, *a, in, names)
	})
	if err != nil {
		return nil, err
	}
	return adviceMsg(a), nil
}

// sending is what sending a writes: the responses (opened, or moved to a
// correction), the officers' mail and the events.
func (s *AdviceServer) sending(ctx context.Context, a advice.Advice, in store.SendingInput, names func(string) string) (store.Sending, error) {
	v := a.Latest()
	var out store.Sending
	for _, m := range a.Addressees() {
		r, existed := in.Responses[m]
		if existed {
			r.Corrected(v.Number, v.SentAt)
		} else {
			r = response.Receive(a.ID(), m, v.Number, len(v.Content.Recommendations), v.SentAt, in.Settings[m].TermDays)
		}
		out.Responses = append(out.Responses, r)
		if to := in.Settings[m].OfficerEmail; to != "" && !existed {
			out.Mail = append(out.Mail, notice.Arrived(to, s.noticeOf(a, r, names(m))))
		}
	}
	ev, err := events.New(ctx, a.Process().Tenant, a.ID(), &eventsv1.AdviceSent{
		AdviceId: a.ID(), ProcessId: a.Process().ID, Recommendations: int32(len(v.Content.Recommendations)), Version: int32(v.Number),
		Addressees: a.Addressees(), ContentHash: v.ContentHash, Correction: v.Correction})
	if err != nil {
		return store.Sending{}, fmt.Errorf("sending advice: %w", err)
	}
	out.Events = []events.Event{ev}
	return out, nil
}

// noticeOf is what a mail about r, a response to a, says; municipality
// is the responding municipality's name.
func (b *base) noticeOf(a advice.Advice, r response.Response, municipality string) notice.Advice {
	n := notice.Advice{Title: a.Latest().Content.Title, Reference: a.Reference(), Municipality: municipality,
		Deadline: r.Term().Deadline.String()}
	if b.cfg.PublicURL != "" {
		n.Link = b.cfg.PublicURL + "/adviezen/" + a.ID()
	}
	return n
}

// municipalityNames returns a lookup of municipality names from the
// tenancy projection, the code for one it does not know.
func (b *base) municipalityNames(ctx context.Context) func(string) string {
	names, _ := b.store.MunicipalityNames(ctx)
	return func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
}

// ListRecommendations returns the latest version's recommendations with
// each municipality's decision on them.
func (s *AdviceServer) ListRecommendations(ctx context.Context, req *pb.ListRecommendationsRequest) (*pb.ListRecommendationsResponse, error) {
	a, err := s.visibleAdvice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	responses, err := s.store.ResponsesOf(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListRecommendationsResponse{}
	for i, text := range a.Latest().Content.Recommendations {
		rec := &pb.RecommendationOutcome{Number: int32(i + 1), Text: text}
		for _, r := range responses {
			for _, ans := range r.Answers() {
				if ans.Recommendation == i+1 {
					rec.Verdicts = append(rec.Verdicts, &pb.MunicipalityVerdict{MunicipalityCode: r.Municipality(),
						Verdict: verdictMsg(ans.Verdict), Motivation: ans.Motivation, ResponseVersion: int32(r.Version())})
				}
			}
		}
		resp.Recommendations = append(resp.Recommendations, rec)
	}
	return resp, nil
}

// drafted announces a's latest version.
func drafted(ctx context.Context, a advice.Advice) (events.Event, error) {
	v := a.Latest()
	return events.New(ctx, a.Process().Tenant, a.ID(), &eventsv1.AdviceDrafted{AdviceId: a.ID(), ProcessId: a.Process().ID,
		Version: int32(v.Number), Correction: v.Correction, Recommendations: int32(len(v.Content.Recommendations))})
}
