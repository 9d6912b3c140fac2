package workspace

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// fakeCouncils is an in-memory councils service with the IJmond demo data:
// enough behaviour for the pages to show something real, every request
// recorded, and any method made to fail with an error a test chooses. It
// does not check permissions or input; the real service does, and the
// pages only show what it says.
type fakeCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer

	// Recorder holds every request and who it was made for, from the
	// metadata the test connection adds (webtest.WithSubject).
	webtest.Recorder

	mu        sync.Mutex
	questions []*councilsv1.Question
	processes []*councilsv1.Process
	// raiseOptions answers GetRaiseOptions by the caller's subject; anyone
	// else may raise questions of both origins.
	raiseOptions map[string]*councilsv1.RaiseOptions
}

// serve runs f on a loopback gRPC server for the test's duration and
// returns a client whose calls carry the identity of their context, as the
// gateway's connection does.
func (f *fakeCouncils) serve(t *testing.T) councilsv1.CouncilsServiceClient {
	t.Helper()
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, f) },
		grpc.WithUnaryInterceptor(webtest.WithSubject))
	return councilsv1.NewCouncilsServiceClient(conn)
}

func newFakeCouncils() *fakeCouncils {
	velsen := &councilsv1.Scope{Tenant: "GM0453"}
	return &fakeCouncils{
		questions: []*councilsv1.Question{
			{
				Id: "q-open", Title: "Mantelzorgwaardering 2027", Description: "Hoe waardeert de gemeente mantelzorgers?",
				Theme: "mantelzorg", Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: velsen,
				AdviceNeededBy: "2026-09-01", Status: councilsv1.QuestionStatus_QUESTION_STATUS_OPEN,
				CreateTime: webtest.At("2026-03-02T13:05:00Z"),
			},
			{
				Id: "q-regional", Title: "Toegankelijke stembureaus", Theme: "toegankelijkheid",
				Origin: councilsv1.Origin_ORIGIN_UNSOLICITED,
				Scope:  &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0375"}},
				Status: councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED, CreateTime: webtest.At("2026-02-10T09:00:00Z"),
			},
			{
				Id: "q-started", Title: "Schuldhulp voor jongeren", Description: "Jongeren met schulden zoeken laat hulp.", Theme: "minimabeleid",
				Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: velsen, AdviceNeededBy: "2026-12-01",
				Status: councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED, ProcessId: "p-execute",
			},
			{
				Id: "q-rejected", Title: "Parkeren bij de huisarts", Theme: "toegankelijkheid",
				Origin: councilsv1.Origin_ORIGIN_UNSOLICITED, Scope: velsen,
				Status: councilsv1.QuestionStatus_QUESTION_STATUS_REJECTED, DecisionReason: "Geen sociaal domein.",
			},
		},
		processes: []*councilsv1.Process{
			{
				Id: "p-intake", QuestionId: "q-open", Title: "Vervoer naar de dagbesteding", Theme: "mantelzorg",
				Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: velsen, Phase: councilsv1.Phase_PHASE_INTAKE,
				CreateTime: webtest.At("2026-03-01T10:00:00Z"),
			},
			{
				Id: "p-regional", QuestionId: "q-regional", Title: "Toegankelijke stembureaus", Theme: "toegankelijkheid",
				Origin: councilsv1.Origin_ORIGIN_UNSOLICITED,
				Scope:  &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0396"}},
				Phase:  councilsv1.Phase_PHASE_CONCRETISE, NextGateUnmet: []string{"/preciseQuestion", "/targetGroup"}, Etag: "v2",
			},
			{
				Id: "p-execute", QuestionId: "q-started", Title: "Schuldhulp voor jongeren", Theme: "minimabeleid",
				Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: velsen, Phase: councilsv1.Phase_PHASE_EXECUTE,
				PreciseQuestion: "Wat houdt jongeren tegen om hulp te vragen?", Approach: "Gesprekken op school",
				TargetGroup: "Jongeren van 18 tot 27", Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FOCUS_GROUP, councilsv1.FormKind_FORM_KIND_VISIT},
				ExecutedForms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT}, ResidentsReached: 23,
				NextGateUnmet: []string{"/executedForms"}, CreateTime: webtest.At("2026-01-15T08:30:00Z"),
				// As the councils service learnt of them by the surveys
				// service's events: one open, one closed with its answers.
				Polls: []*councilsv1.ProcessPoll{
					{PollId: "poll-open", Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, Status: councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN,
						CloseTime: webtest.At("2026-12-12T22:00:00Z")},
					{PollId: "poll-closed", Form: councilsv1.FormKind_FORM_KIND_QUESTIONNAIRE, Status: councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CLOSED,
						CloseTime: webtest.At("2026-11-30T12:00:00Z"), Responses: 41,
						ResponsesPerMunicipality: []*councilsv1.MunicipalityCount{{MunicipalityCode: "GM0453", Count: 38}, {Count: 3}}},
				},
			},
		},
	}
}

var fakeMunicipalities = []*councilsv1.Municipality{
	{Code: "GM0375", Name: "Beverwijk", RegionId: "ijmond"},
	{Code: "GM0396", Name: "Heemskerk", RegionId: "ijmond"},
	{Code: "GM0453", Name: "Velsen", RegionId: "ijmond"},
}

func (f *fakeCouncils) GetMunicipality(ctx context.Context, req *councilsv1.GetMunicipalityRequest) (*councilsv1.Municipality, error) {
	if err := f.Call(ctx, "GetMunicipality", req); err != nil {
		return nil, err
	}
	for _, m := range fakeMunicipalities {
		if m.GetCode() == req.GetCode() {
			return m, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "municipality %q not found", req.GetCode())
}

func (f *fakeCouncils) ListRegions(ctx context.Context, req *councilsv1.ListRegionsRequest) (*councilsv1.ListRegionsResponse, error) {
	if err := f.Call(ctx, "ListRegions", req); err != nil {
		return nil, err
	}
	return &councilsv1.ListRegionsResponse{Regions: []*councilsv1.Region{{Id: "ijmond", Name: "IJmond"}}}, nil
}

func (f *fakeCouncils) GetRegion(ctx context.Context, req *councilsv1.GetRegionRequest) (*councilsv1.Region, error) {
	if err := f.Call(ctx, "GetRegion", req); err != nil {
		return nil, err
	}
	if req.GetId() != "ijmond" {
		return nil, status.Errorf(codes.NotFound, "region %q not found", req.GetId())
	}
	return &councilsv1.Region{Id: "ijmond", Name: "IJmond"}, nil
}

func (f *fakeCouncils) ListMunicipalities(ctx context.Context, req *councilsv1.ListMunicipalitiesRequest) (*councilsv1.ListMunicipalitiesResponse, error) {
	if err := f.Call(ctx, "ListMunicipalities", req); err != nil {
		return nil, err
	}
	resp := &councilsv1.ListMunicipalitiesResponse{}
	for _, m := range fakeMunicipalities {
		if req.GetRegionId() == "" || m.GetRegionId() == req.GetRegionId() {
			resp.Municipalities = append(resp.Municipalities, m)
		}
	}
	return resp, nil
}

func (f *fakeCouncils) ListThemes(ctx context.Context, req *councilsv1.ListThemesRequest) (*councilsv1.ListThemesResponse, error) {
	if err := f.Call(ctx, "ListThemes", req); err != nil {
		return nil, err
	}
	return &councilsv1.ListThemesResponse{Themes: []*councilsv1.Theme{
		{Key: "mantelzorg", NameNl: "Mantelzorg", NameEn: "Informal care"},
		{Key: "minimabeleid", NameNl: "Minimabeleid", NameEn: "Minimum income policy"},
		{Key: "toegankelijkheid", NameNl: "Toegankelijkheid", NameEn: "Accessibility"},
	}}, nil
}

// inScope reports whether work of sc shows for tenant: its own, and a
// municipality's regional work.
func inScope(sc *councilsv1.Scope, tenant string) bool {
	return tenant == "" || sc.GetTenant() == tenant || slices.Contains(sc.GetParticipatingMunicipalities(), tenant)
}

func (f *fakeCouncils) ListQuestions(ctx context.Context, req *councilsv1.ListQuestionsRequest) (*councilsv1.ListQuestionsResponse, error) {
	if err := f.Call(ctx, "ListQuestions", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &councilsv1.ListQuestionsResponse{}
	for _, q := range f.questions {
		if inScope(q.GetScope(), req.GetTenant()) &&
			(req.GetTheme() == "" || q.GetTheme() == req.GetTheme()) &&
			(req.GetOrigin() == 0 || q.GetOrigin() == req.GetOrigin()) {
			resp.Questions = append(resp.Questions, q)
		}
	}
	return resp, nil
}

func (f *fakeCouncils) GetQuestion(ctx context.Context, req *councilsv1.GetQuestionRequest) (*councilsv1.Question, error) {
	if err := f.Call(ctx, "GetQuestion", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range f.questions {
		if q.GetId() == req.GetId() {
			return q, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "question %q not found", req.GetId())
}

func (f *fakeCouncils) RaiseQuestion(ctx context.Context, req *councilsv1.RaiseQuestionRequest) (*councilsv1.Question, error) {
	if err := f.Call(ctx, "RaiseQuestion", req); err != nil {
		return nil, err
	}
	q := proto.CloneOf(req.GetQuestion())
	q.Id = fmt.Sprintf("q-new-%d", len(f.questions))
	q.Status = councilsv1.QuestionStatus_QUESTION_STATUS_OPEN
	f.mu.Lock()
	defer f.mu.Unlock()
	f.questions = append(f.questions, q)
	return q, nil
}

func (f *fakeCouncils) GetRaiseOptions(ctx context.Context, req *councilsv1.GetRaiseOptionsRequest) (*councilsv1.RaiseOptions, error) {
	if err := f.Call(ctx, "GetRaiseOptions", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		for _, sub := range md.Get(webtest.SubjectKey) {
			if o, ok := f.raiseOptions[sub]; ok {
				return o, nil
			}
		}
	}
	return &councilsv1.RaiseOptions{Origins: []councilsv1.Origin{councilsv1.Origin_ORIGIN_SOLICITED, councilsv1.Origin_ORIGIN_UNSOLICITED}}, nil
}

// onlyFor makes GetRaiseOptions answer origins, and councils refusing
// unsolicited questions, to subject.
func (f *fakeCouncils) onlyFor(subject string, refusing []string, origins ...councilsv1.Origin) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.raiseOptions == nil {
		f.raiseOptions = map[string]*councilsv1.RaiseOptions{}
	}
	f.raiseOptions[subject] = &councilsv1.RaiseOptions{Origins: origins, CouncilsRefusingUnsolicited: refusing}
}

func (f *fakeCouncils) DecideQuestion(ctx context.Context, req *councilsv1.DecideQuestionRequest) (*councilsv1.Question, error) {
	if err := f.Call(ctx, "DecideQuestion", req); err != nil {
		return nil, err
	}
	return &councilsv1.Question{Id: req.GetId()}, nil
}

func (f *fakeCouncils) StartProcess(ctx context.Context, req *councilsv1.StartProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "StartProcess", req); err != nil {
		return nil, err
	}
	return &councilsv1.Process{Id: "p-new", QuestionId: req.GetQuestionId()}, nil
}

func (f *fakeCouncils) process(id string) (*councilsv1.Process, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.processes {
		if p.GetId() == id {
			return p, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "process %q not found", id)
}

func (f *fakeCouncils) GetProcess(ctx context.Context, req *councilsv1.GetProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "GetProcess", req); err != nil {
		return nil, err
	}
	return f.process(req.GetId())
}

func (f *fakeCouncils) ListProcesses(ctx context.Context, req *councilsv1.ListProcessesRequest) (*councilsv1.ListProcessesResponse, error) {
	if err := f.Call(ctx, "ListProcesses", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &councilsv1.ListProcessesResponse{}
	for _, p := range f.processes {
		if inScope(p.GetScope(), req.GetTenant()) {
			resp.Processes = append(resp.Processes, p)
		}
	}
	return resp, nil
}

func (f *fakeCouncils) UpdateProcess(ctx context.Context, req *councilsv1.UpdateProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "UpdateProcess", req); err != nil {
		return nil, err
	}
	return f.process(req.GetId())
}

func (f *fakeCouncils) TransitionProcess(ctx context.Context, req *councilsv1.TransitionProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "TransitionProcess", req); err != nil {
		return nil, err
	}
	return f.process(req.GetId())
}

func (f *fakeCouncils) ListTransitions(ctx context.Context, req *councilsv1.ListTransitionsRequest) (*councilsv1.ListTransitionsResponse, error) {
	if err := f.Call(ctx, "ListTransitions", req); err != nil {
		return nil, err
	}
	if req.GetId() != "p-execute" {
		return &councilsv1.ListTransitionsResponse{}, nil
	}
	return &councilsv1.ListTransitionsResponse{Transitions: []*councilsv1.Transition{
		{Id: "t0", FromPhase: councilsv1.Phase_PHASE_INTAKE, ToPhase: councilsv1.Phase_PHASE_INTAKE, Actor: "system:demo-loader", CreateTime: webtest.At("2026-01-19T09:15:00Z")},
		{Id: "t1", FromPhase: councilsv1.Phase_PHASE_INTAKE, ToPhase: councilsv1.Phase_PHASE_CONCRETISE, Actor: "u-chair", CreateTime: webtest.At("2026-01-20T09:15:00Z")},
		{Id: "t2", FromPhase: councilsv1.Phase_PHASE_CONCRETISE, ToPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS, Actor: "u-elsewhere", CreateTime: webtest.At("2026-02-03T14:00:00Z")},
		{Id: "t3", FromPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS, ToPhase: councilsv1.Phase_PHASE_CONCRETISE, Reason: "De doelgroep was te breed.", Actor: "u-chair", CreateTime: webtest.At("2026-02-04T08:00:00Z")},
		{Id: "t4", FromPhase: councilsv1.Phase_PHASE_CONCRETISE, ToPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS, Actor: "u-chair", CreateTime: webtest.At("2026-02-10T10:00:00Z")},
		{Id: "t5", FromPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS, ToPhase: councilsv1.Phase_PHASE_EXECUTE, Reason: "the advice was sent", Actor: "system", CreateTime: webtest.At("2026-07-01T22:30:00Z")},
	}}, nil
}

func (f *fakeCouncils) RecordFieldActivity(ctx context.Context, req *councilsv1.RecordFieldActivityRequest) (*councilsv1.FieldActivity, error) {
	if err := f.Call(ctx, "RecordFieldActivity", req); err != nil {
		return nil, err
	}
	fa := proto.CloneOf(req.GetFieldActivity())
	fa.Id, fa.ProcessId = "fa-new", req.GetId()
	return fa, nil
}

func (f *fakeCouncils) ListFieldActivities(ctx context.Context, req *councilsv1.ListFieldActivitiesRequest) (*councilsv1.ListFieldActivitiesResponse, error) {
	if err := f.Call(ctx, "ListFieldActivities", req); err != nil {
		return nil, err
	}
	if req.GetId() != "p-execute" {
		return &councilsv1.ListFieldActivitiesResponse{}, nil
	}
	return &councilsv1.ListFieldActivitiesResponse{FieldActivities: []*councilsv1.FieldActivity{
		{Id: "fa1", ProcessId: "p-execute", Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: "2026-03-12",
			Place: "Voedselbank IJmuiden", ResidentsReached: 23, Notes: "Veel jongeren kennen het loket niet."},
	}}, nil
}

func (f *fakeCouncils) ListDeclarations(ctx context.Context, req *councilsv1.ListDeclarationsRequest) (*councilsv1.ListDeclarationsResponse, error) {
	if err := f.Call(ctx, "ListDeclarations", req); err != nil {
		return nil, err
	}
	if req.GetId() != "p-execute" {
		return &councilsv1.ListDeclarationsResponse{}, nil
	}
	return &councilsv1.ListDeclarationsResponse{Declarations: []*councilsv1.Declaration{
		{Id: "d1", ProcessId: "p-execute", MemberId: "m-chair", Statement: "Werkt als vrijwilliger bij de schuldhulp."},
	}}, nil
}

func (f *fakeCouncils) GetCouncil(ctx context.Context, req *councilsv1.GetCouncilRequest) (*councilsv1.Council, error) {
	if err := f.Call(ctx, "GetCouncil", req); err != nil {
		return nil, err
	}
	for _, m := range fakeMunicipalities {
		if m.GetCode() == req.GetMunicipalityCode() {
			return &councilsv1.Council{
				MunicipalityCode: m.GetCode(), Name: "Participatieraad " + m.GetName(),
				ContactEmail: "raad@example.org", Seats: 9, Vacancies: 7,
				TakesUnsolicitedQuestions: m.GetCode() == "GM0396",
			}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "council %q not found", req.GetMunicipalityCode())
}

func (f *fakeCouncils) ListMembers(ctx context.Context, req *councilsv1.ListMembersRequest) (*councilsv1.ListMembersResponse, error) {
	if err := f.Call(ctx, "ListMembers", req); err != nil {
		return nil, err
	}
	if req.GetMunicipalityCode() != "GM0453" {
		return &councilsv1.ListMembersResponse{Vacancies: 9}, nil
	}
	return &councilsv1.ListMembersResponse{Vacancies: 7, Members: []*councilsv1.Member{
		{Id: "m-chair", MunicipalityCode: "GM0453", Name: "Fatima El Amrani", Role: councilsv1.MemberRole_MEMBER_ROLE_CHAIR,
			TermStart: "2025-01-01", TermEnd: "2028-12-31", Active: true, Subject: "u-chair"},
		{Id: "m-member", MunicipalityCode: "GM0453", Name: "Kees de Boer", Role: councilsv1.MemberRole_MEMBER_ROLE_MEMBER,
			TermStart: "2025-06-01", Active: true},
		{Id: "m-former", MunicipalityCode: "GM0453", Name: "Ria Smit", Role: councilsv1.MemberRole_MEMBER_ROLE_SECRETARY,
			TermStart: "2023-01-01", TermEnd: "2025-12-31"},
	}}, nil
}
