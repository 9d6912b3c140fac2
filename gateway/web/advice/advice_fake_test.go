package advice

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// fakeAdvice is an in-memory advice service with two advice: Velsen's
// on informal care, a draft in its second version, and the IJmond's on
// minimum-income schemes, sent to all three municipalities: Velsen has
// answered, Beverwijk has not and is overdue, Heemskerk acknowledged
// receipt. Advice move as the real service moves them (a version, adopt,
// send, a response, a revision); it does not judge input: a test makes a
// method refuse with the error it wants.
type fakeAdvice struct {
	resultsv1.UnimplementedAdviceServiceServer
	webtest.Recorder

	mu        sync.Mutex
	advices   []*resultsv1.Advice
	versions  map[string][]*resultsv1.Version
	responses []*resultsv1.MunicipalResponse
	settings  map[string]*resultsv1.ResponseSettings
	seq       int
}

// The fake's ids.
const (
	draftID  = "a-mantelzorg"
	sentID   = "a-minima"
	velsen   = "GM0453"
	bever    = "GM0375"
	heemsk   = "GM0396"
	ijmond   = "ijmond"
	procID   = "p-mantelzorg"
	sharedPr = "p-minima"
)

func evidence() *resultsv1.Evidence {
	return &resultsv1.Evidence{
		Reach: []*resultsv1.FormReach{
			{Form: councilsv1.FormKind_FORM_KIND_FOCUS_GROUP, MunicipalityCode: velsen, Activities: 3, Residents: &resultsv1.PublicCount{Value: 14}, FirstDay: "2026-10-01", LastDay: "2026-11-12"},
			{Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, MunicipalityCode: bever, Activities: 1, Residents: &resultsv1.PublicCount{Hidden: true}, FirstDay: "2026-10-20", LastDay: "2026-10-20"},
		},
		Polls:     []*resultsv1.PollReach{{PollId: "poll-1", Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, ClosedOn: "2026-10-27", Responses: &resultsv1.PublicCount{Value: 212}}},
		Sessions:  3,
		Attendees: &resultsv1.PublicCount{Value: 19},
		Findings:  4,
		AsOfTime:  webtest.At("2026-12-01T09:00:00Z"),
	}
}

func content(title string, recs ...string) *resultsv1.AdviceContent {
	c := &resultsv1.AdviceContent{Title: title, Question: "Wat hebben mantelzorgers nodig?", Conclusions: "Respijtzorg is te onbekend."}
	for i, r := range recs {
		c.Recommendations = append(c.Recommendations, &resultsv1.Recommendation{Number: int32(i + 1), Text: r})
	}
	return c
}

func newFakeAdvice() *fakeAdvice {
	f := &fakeAdvice{versions: map[string][]*resultsv1.Version{}, settings: map[string]*resultsv1.ResponseSettings{}}
	draft := content("Advies over mantelzorg in Velsen", "Maak respijtzorg bekend bij huisartsen.", "Open een steunpunt in IJmuiden.")
	f.advices = []*resultsv1.Advice{{
		Id: draftID, ProcessId: procID, Tenant: velsen, Addressees: []string{velsen}, Origin: councilsv1.Origin_ORIGIN_SOLICITED,
		Reference: "PR-GM0453-2026-001", Status: resultsv1.AdviceStatus_ADVICE_STATUS_DRAFT, LatestVersion: 2, Content: draft,
	}, {
		Id: sentID, ProcessId: sharedPr, Tenant: ijmond, Addressees: []string{bever, heemsk, velsen}, Origin: councilsv1.Origin_ORIGIN_UNSOLICITED,
		Reference: "PR-ijmond-2026-001", Status: resultsv1.AdviceStatus_ADVICE_STATUS_SENT, LatestVersion: 1, SentVersion: 1,
		FirstSentTime: webtest.At("2026-11-02T10:00:00Z"), SentTime: webtest.At("2026-11-02T10:00:00Z"), ContentHash: "ab12cd34",
		Content: content("Advies over minimaregelingen in de IJmond", "Vereenvoudig de aanvraag.", "Bied hulp bij het invullen.", "Meet het gebruik."),
	}}
	f.versions[draftID] = []*resultsv1.Version{
		{Number: 1, AdviceId: draftID, Content: content("Advies over mantelzorg", "Maak respijtzorg bekend."), Status: resultsv1.VersionStatus_VERSION_STATUS_SUPERSEDED, CreatedBy: "u-1", CreateTime: webtest.At("2026-11-20T10:00:00Z"), Evidence: evidence()},
		{Number: 2, AdviceId: draftID, BasedOn: 1, ChangeNote: "Steunpunt toegevoegd na de focusgroep.", Content: draft, Status: resultsv1.VersionStatus_VERSION_STATUS_DRAFT, CreatedBy: "u-1", CreateTime: webtest.At("2026-11-25T10:00:00Z"), Evidence: evidence()},
	}
	f.versions[sentID] = []*resultsv1.Version{
		{Number: 1, AdviceId: sentID, Content: f.advices[1].Content, Status: resultsv1.VersionStatus_VERSION_STATUS_SENT, CreatedBy: "u-1", CreateTime: webtest.At("2026-10-30T10:00:00Z"),
			SentTime: webtest.At("2026-11-02T10:00:00Z"), Evidence: evidence(), ContentHash: "ab12cd34"},
	}
	base := func(code string) *resultsv1.MunicipalResponse {
		return &resultsv1.MunicipalResponse{AdviceId: sentID, MunicipalityCode: code, ProcessId: sharedPr, Reference: "PR-ijmond-2026-001",
			AdviceTitle: "Advies over minimaregelingen in de IJmond", Status: resultsv1.ResponseStatus_RESPONSE_STATUS_RECEIVED, TermDays: 42,
			Deadline: "2026-12-14", ReceiveTime: webtest.At("2026-11-02T10:00:00Z"), AdviceVersion: 1}
	}
	v := base(velsen)
	v.Status, v.AcknowledgeTime, v.OwnerName, v.Version, v.DecidedOn = resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED, webtest.At("2026-11-03T09:00:00Z"), "Pieter Bakker", 1, "2026-11-24"
	v.AnswerTime, v.AnsweredOnTime = webtest.At("2026-11-25T09:00:00Z"), true
	v.Answers = []*resultsv1.RecommendationAnswer{
		{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
		{Recommendation: 2, Verdict: resultsv1.Verdict_VERDICT_PARTLY_ADOPTED, Motivation: "Alleen in de bibliotheek."},
		{Recommendation: 3, Verdict: resultsv1.Verdict_VERDICT_NOT_ADOPTED, Motivation: "Geen budget."},
	}
	b := base(bever)
	b.Deadline, b.Overdue = "2026-11-20", true
	h := base(heemsk)
	h.Status, h.AcknowledgeTime = resultsv1.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED, webtest.At("2026-11-04T09:00:00Z")
	f.responses = []*resultsv1.MunicipalResponse{b, v, h}
	for _, m := range []string{velsen, bever, heemsk} {
		f.settings[m] = &resultsv1.ResponseSettings{MunicipalityCode: m, TermDays: 42, Etag: "s1"}
	}
	f.settings[velsen].OfficerEmail = "adviezen@velsen.example"
	return f
}

// register registers f on s.
func (f *fakeAdvice) register(s grpc.ServiceRegistrar) { resultsv1.RegisterAdviceServiceServer(s, f) }

func notFound(what, id string) error {
	return status.Errorf(codes.NotFound, "%s %q not found", what, id)
}

func (f *fakeAdvice) find(id string) (*resultsv1.Advice, error) {
	for _, a := range f.advices {
		if a.GetId() == id {
			return a, nil
		}
	}
	return nil, notFound("advice", id)
}

func (f *fakeAdvice) findResponse(id, code string) (*resultsv1.MunicipalResponse, error) {
	for _, r := range f.responses {
		if r.GetAdviceId() == id && r.GetMunicipalityCode() == code {
			return r, nil
		}
	}
	return nil, notFound("response", id+"/"+code)
}

func (f *fakeAdvice) GetAdvice(ctx context.Context, req *resultsv1.GetAdviceRequest) (*resultsv1.Advice, error) {
	if err := f.Call(ctx, "GetAdvice", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, err := f.find(req.GetId())
	if err != nil {
		return nil, err
	}
	return proto.Clone(a).(*resultsv1.Advice), nil
}

func (f *fakeAdvice) ListAdvices(ctx context.Context, req *resultsv1.ListAdvicesRequest) (*resultsv1.ListAdvicesResponse, error) {
	if err := f.Call(ctx, "ListAdvices", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &resultsv1.ListAdvicesResponse{}
	for _, a := range slices.Backward(f.advices) {
		if t := req.GetTenant(); t != "" && a.GetTenant() != t && !slices.Contains(a.GetAddressees(), t) {
			continue
		}
		if p := req.GetProcessId(); p != "" && a.GetProcessId() != p {
			continue
		}
		resp.Advices = append(resp.Advices, proto.Clone(a).(*resultsv1.Advice))
	}
	return resp, nil
}

func (f *fakeAdvice) CreateAdvice(ctx context.Context, req *resultsv1.CreateAdviceRequest) (*resultsv1.Advice, error) {
	if err := f.Call(ctx, "CreateAdvice", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.advices {
		if a.GetProcessId() == req.GetAdvice().GetProcessId() {
			return nil, status.Error(codes.AlreadyExists, "the process has an advice already")
		}
	}
	f.seq++
	a := &resultsv1.Advice{Id: fmt.Sprintf("a-new-%d", f.seq), ProcessId: req.GetAdvice().GetProcessId(), Tenant: velsen, Addressees: []string{velsen},
		Status: resultsv1.AdviceStatus_ADVICE_STATUS_DRAFT, LatestVersion: 1, Content: req.GetAdvice().GetContent(), Reference: "PR-GM0453-2026-009"}
	f.advices = append(f.advices, a)
	f.versions[a.Id] = []*resultsv1.Version{{Number: 1, AdviceId: a.Id, Content: a.Content, Status: resultsv1.VersionStatus_VERSION_STATUS_DRAFT, Evidence: evidence()}}
	return proto.Clone(a).(*resultsv1.Advice), nil
}

func (f *fakeAdvice) GetVersion(ctx context.Context, req *resultsv1.GetVersionRequest) (*resultsv1.Version, error) {
	if err := f.Call(ctx, "GetVersion", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.versions[req.GetId()] {
		if v.GetNumber() == req.GetNumber() {
			return proto.Clone(v).(*resultsv1.Version), nil
		}
	}
	return nil, notFound("version", req.GetId()+"/"+strconv.Itoa(int(req.GetNumber())))
}

func (f *fakeAdvice) ListVersions(ctx context.Context, req *resultsv1.ListVersionsRequest) (*resultsv1.ListVersionsResponse, error) {
	if err := f.Call(ctx, "ListVersions", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.find(req.GetId()); err != nil {
		return nil, err
	}
	resp := &resultsv1.ListVersionsResponse{}
	for _, v := range f.versions[req.GetId()] {
		resp.Versions = append(resp.Versions, proto.Clone(v).(*resultsv1.Version))
	}
	return resp, nil
}

// subjectOf is the caller's subject as webtest.WithSubject passes it.
func subjectOf(f *fakeAdvice) string {
	s := f.Subjects()
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func (f *fakeAdvice) CreateVersion(ctx context.Context, req *resultsv1.CreateVersionRequest) (*resultsv1.Version, error) {
	if err := f.Call(ctx, "CreateVersion", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, err := f.find(req.GetId())
	if err != nil {
		return nil, err
	}
	in := req.GetVersion()
	if in.GetBasedOn() != a.GetLatestVersion() {
		return nil, stale(in.GetBasedOn(), a.GetLatestVersion())
	}
	a.LatestVersion++
	v := &resultsv1.Version{Number: a.LatestVersion, AdviceId: a.Id, BasedOn: in.GetBasedOn(), ChangeNote: in.GetChangeNote(), Content: in.GetContent(),
		Correction: a.GetSentVersion() > 0, Status: resultsv1.VersionStatus_VERSION_STATUS_DRAFT, CreatedBy: subjectOf(f), Evidence: evidence()}
	f.versions[a.Id] = append(f.versions[a.Id], v)
	a.Content, a.Status = in.GetContent(), resultsv1.AdviceStatus_ADVICE_STATUS_DRAFT
	return proto.Clone(v).(*resultsv1.Version), nil
}

// stale is the service's refusal of a version based on an older one.
func stale(basedOn, latest int32) error {
	pf := &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{Type: "STALE", Subject: "/basedOn",
		Description: fmt.Sprintf("names version %d, but the latest is %d: edit that one", basedOn, latest)}}}
	st, err := status.New(codes.Aborted, "the advice changed since the version this one was edited from").WithDetails(pf)
	if err != nil {
		panic(err)
	}
	return st.Err()
}

func (f *fakeAdvice) AdoptAdvice(ctx context.Context, req *resultsv1.AdoptAdviceRequest) (*resultsv1.Advice, error) {
	if err := f.Call(ctx, "AdoptAdvice", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, err := f.find(req.GetId())
	if err != nil {
		return nil, err
	}
	a.Status = resultsv1.AdviceStatus_ADVICE_STATUS_ADOPTED
	return proto.Clone(a).(*resultsv1.Advice), nil
}

func (f *fakeAdvice) SendAdvice(ctx context.Context, req *resultsv1.SendAdviceRequest) (*resultsv1.Advice, error) {
	if err := f.Call(ctx, "SendAdvice", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, err := f.find(req.GetId())
	if err != nil {
		return nil, err
	}
	a.Status, a.SentVersion, a.SentTime = resultsv1.AdviceStatus_ADVICE_STATUS_SENT, a.LatestVersion, webtest.At("2026-12-07T10:00:00Z")
	for _, m := range a.GetAddressees() {
		f.responses = append(f.responses, &resultsv1.MunicipalResponse{AdviceId: a.Id, MunicipalityCode: m, Status: resultsv1.ResponseStatus_RESPONSE_STATUS_RECEIVED,
			TermDays: 42, Deadline: "2027-01-18", AdviceVersion: a.LatestVersion, AdviceTitle: a.GetContent().GetTitle()})
	}
	return proto.Clone(a).(*resultsv1.Advice), nil
}

func (f *fakeAdvice) ListResponses(ctx context.Context, req *resultsv1.ListResponsesRequest) (*resultsv1.ListResponsesResponse, error) {
	if err := f.Call(ctx, "ListResponses", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &resultsv1.ListResponsesResponse{}
	for _, r := range f.responses {
		if t := req.GetTenant(); t != "" && t != ijmond && r.GetMunicipalityCode() != t {
			continue
		}
		if id := req.GetAdviceId(); id != "" && r.GetAdviceId() != id {
			continue
		}
		resp.Responses = append(resp.Responses, proto.Clone(r).(*resultsv1.MunicipalResponse))
	}
	return resp, nil
}

func (f *fakeAdvice) GetResponse(ctx context.Context, req *resultsv1.GetResponseRequest) (*resultsv1.MunicipalResponse, error) {
	if err := f.Call(ctx, "GetResponse", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.findResponse(req.GetId(), req.GetMunicipalityCode())
	if err != nil {
		return nil, err
	}
	return proto.Clone(r).(*resultsv1.MunicipalResponse), nil
}

// change changes the response of id and code with do.
func (f *fakeAdvice) change(id, code string, do func(r *resultsv1.MunicipalResponse)) (*resultsv1.MunicipalResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.findResponse(id, code)
	if err != nil {
		return nil, err
	}
	do(r)
	return proto.Clone(r).(*resultsv1.MunicipalResponse), nil
}

func (f *fakeAdvice) AcknowledgeResponse(ctx context.Context, req *resultsv1.AcknowledgeResponseRequest) (*resultsv1.MunicipalResponse, error) {
	if err := f.Call(ctx, "AcknowledgeResponse", req); err != nil {
		return nil, err
	}
	return f.change(req.GetId(), req.GetMunicipalityCode(), func(r *resultsv1.MunicipalResponse) {
		r.Status, r.AcknowledgeTime = resultsv1.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED, webtest.At("2026-12-07T10:00:00Z")
	})
}

func (f *fakeAdvice) AssignResponse(ctx context.Context, req *resultsv1.AssignResponseRequest) (*resultsv1.MunicipalResponse, error) {
	if err := f.Call(ctx, "AssignResponse", req); err != nil {
		return nil, err
	}
	return f.change(req.GetId(), req.GetMunicipalityCode(), func(r *resultsv1.MunicipalResponse) {
		r.OwnerName, r.OwnerEmail = req.GetOwnerName(), req.GetOwnerEmail()
	})
}

func (f *fakeAdvice) RecordResponse(ctx context.Context, req *resultsv1.RecordResponseRequest) (*resultsv1.MunicipalResponse, error) {
	if err := f.Call(ctx, "RecordResponse", req); err != nil {
		return nil, err
	}
	return f.change(req.GetId(), req.GetMunicipalityCode(), func(r *resultsv1.MunicipalResponse) {
		r.Status, r.Version, r.DecidedOn, r.Answers = resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED, r.Version+1, req.GetDecidedOn(), req.GetAnswers()
		r.Overdue = false
	})
}

func (f *fakeAdvice) RequestRevision(ctx context.Context, req *resultsv1.RequestRevisionRequest) (*resultsv1.MunicipalResponse, error) {
	if err := f.Call(ctx, "RequestRevision", req); err != nil {
		return nil, err
	}
	return f.change(req.GetId(), req.GetMunicipalityCode(), func(r *resultsv1.MunicipalResponse) {
		r.Status = resultsv1.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED
		r.RevisionRequests = append(r.RevisionRequests, &resultsv1.RevisionRequest{Reason: req.GetReason(), ResponseVersion: r.Version, CreateTime: webtest.At("2026-12-07T10:00:00Z")})
	})
}

func (f *fakeAdvice) GetResponseSettings(ctx context.Context, req *resultsv1.GetResponseSettingsRequest) (*resultsv1.ResponseSettings, error) {
	if err := f.Call(ctx, "GetResponseSettings", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.settings[req.GetMunicipalityCode()]
	if !ok {
		return nil, notFound("municipality", req.GetMunicipalityCode())
	}
	return proto.Clone(st).(*resultsv1.ResponseSettings), nil
}

func (f *fakeAdvice) UpdateResponseSettings(ctx context.Context, req *resultsv1.UpdateResponseSettingsRequest) (*resultsv1.ResponseSettings, error) {
	if err := f.Call(ctx, "UpdateResponseSettings", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.settings[req.GetMunicipalityCode()]
	if !ok {
		return nil, notFound("municipality", req.GetMunicipalityCode())
	}
	in := req.GetSettings()
	st.TermDays, st.OfficerEmail, st.SecretaryEmail, st.Etag = in.GetTermDays(), in.GetOfficerEmail(), in.GetSecretaryEmail(), st.Etag+"x"
	return proto.Clone(st).(*resultsv1.ResponseSettings), nil
}

// fakeCouncils is the councils service as far as writing an advice needs
// it: Velsen's processes.
type fakeCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer
	webtest.Recorder
}

var fakeProcesses = []*councilsv1.Process{
	{Id: procID, Title: "Respijtzorg voor mantelzorgers", Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: &councilsv1.Scope{Tenant: velsen}, Phase: councilsv1.Phase_PHASE_ADVISE},
	{Id: "p-jeugd", Title: "Jeugdhulp dichtbij", Origin: councilsv1.Origin_ORIGIN_UNSOLICITED, Scope: &councilsv1.Scope{Tenant: velsen}, Phase: councilsv1.Phase_PHASE_ANALYSE},
	{Id: "p-closed", Title: "Afgesloten traject", Scope: &councilsv1.Scope{Tenant: velsen}, Phase: councilsv1.Phase_PHASE_CLOSED},
	{Id: sharedPr, Title: "Minimaregelingen", Scope: &councilsv1.Scope{Tenant: ijmond, ParticipatingMunicipalities: []string{velsen, bever, heemsk}}, Phase: councilsv1.Phase_PHASE_FEEDBACK},
}

func (f *fakeCouncils) ListProcesses(ctx context.Context, req *councilsv1.ListProcessesRequest) (*councilsv1.ListProcessesResponse, error) {
	if err := f.Call(ctx, "ListProcesses", req); err != nil {
		return nil, err
	}
	resp := &councilsv1.ListProcessesResponse{}
	for _, p := range fakeProcesses {
		if p.GetScope().GetTenant() == req.GetTenant() {
			resp.Processes = append(resp.Processes, p)
		}
	}
	return resp, nil
}

func (f *fakeCouncils) GetProcess(ctx context.Context, req *councilsv1.GetProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "GetProcess", req); err != nil {
		return nil, err
	}
	for _, p := range fakeProcesses {
		if p.GetId() == req.GetId() {
			return p, nil
		}
	}
	return nil, notFound("process", req.GetId())
}
