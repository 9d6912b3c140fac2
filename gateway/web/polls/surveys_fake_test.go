package polls

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakeSurveys is an in-memory surveys service with the staff's side of a
// few IJmond polls: polls of Velsen and of the IJmond region, their
// lifecycle, a tally that follows the number of responses a test sets, and
// the builder's drafts. It records each method's last request; a test
// makes a method fail with the error it wants.
type fakeSurveys struct {
	surveysv1.UnimplementedSurveysServiceServer
	webtest.Recorder

	mu sync.Mutex
	// staff are the polls by id, with the number of responses each has.
	staff     map[string]*surveysv1.Poll
	responded map[string]int64
}

func newFakeSurveys() *fakeSurveys {
	f := &fakeSurveys{}
	f.addStaffPolls()
	return f
}

// serve runs f on a loopback gRPC server for the test's duration and
// returns a client, as the gateway's connection would be.
func (f *fakeSurveys) serve(t *testing.T) surveysv1.SurveysServiceClient {
	t.Helper()
	return surveysv1.NewSurveysServiceClient(webtest.Serve(t, func(s grpc.ServiceRegistrar) { surveysv1.RegisterSurveysServiceServer(s, f) }))
}

// The builder's side of the fake surveys service: it creates drafts and
// saves what UpdatePoll names as it comes, refusing, like the real
// service, a flash poll of more than five questions and any change to a
// poll that is no longer a draft.

// Ids of the builder tests' polls.
const (
	newPollID           = "poll-new"
	questionnaireDraft  = "poll-questionnaire"
	flashQuestionsLimit = 5
)

func (f *fakeSurveys) CreatePoll(ctx context.Context, req *surveysv1.CreatePollRequest) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "CreatePoll", req); err != nil {
		return nil, err
	}
	p := proto.CloneOf(req.GetPoll())
	p.Id, p.Status = newPollID, surveysv1.PollStatus_POLL_STATUS_DRAFT
	f.staff[p.Id] = p
	return proto.CloneOf(p), nil
}

func (f *fakeSurveys) UpdatePoll(ctx context.Context, req *surveysv1.UpdatePollRequest) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "UpdatePoll", req); err != nil {
		return nil, err
	}
	p, err := f.staffPoll(req.GetId())
	if err != nil {
		return nil, err
	}
	if p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		return nil, status.Errorf(codes.FailedPrecondition, "cannot change the questions of a poll that is %s", p.GetStatus())
	}
	if want := req.GetExpectedUpdateTime(); want != nil && !want.AsTime().Equal(p.GetUpdateTime().AsTime()) {
		st, err := status.New(codes.Aborted, "the poll changed since it was read").WithDetails(&errdetails.PreconditionFailure{
			Violations: []*errdetails.PreconditionFailure_Violation{{Type: "STALE", Subject: "/expectedUpdateTime", Description: "the poll was changed since"}}})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	in := req.GetPoll()
	if n := questionCount(in); p.GetKind() == surveysv1.PollKind_POLL_KIND_FLASH_POLL && n > flashQuestionsLimit {
		return nil, webtest.Invalid("/sections", "a flash poll has at most 5 questions (this one has "+strconv.Itoa(n)+"); make it a questionnaire")
	}
	for _, path := range req.GetUpdateMask().GetPaths() {
		switch path {
		case "title":
			p.Title = in.GetTitle()
		case "intro":
			p.Intro = in.GetIntro()
		case "sections":
			p.Sections = in.GetSections()
		case "audience":
			p.Audience = in.GetAudience()
		case "slug":
			p.Slug = in.GetSlug()
		case "opens_at":
			p.OpensAt = in.GetOpensAt()
		case "closes_at":
			p.ClosesAt = in.GetClosesAt()
		case "results_sharing":
			p.ResultsSharing = in.GetResultsSharing()
		default:
			return nil, webtest.Invalid("/updateMask", path+" cannot be changed")
		}
	}
	p.UpdateTime = timestamppb.New(p.GetUpdateTime().AsTime().Add(time.Second))
	return proto.CloneOf(p), nil
}

func (f *fakeSurveys) UnschedulePoll(_ context.Context, req *surveysv1.UnschedulePollRequest) (*surveysv1.Poll, error) {
	return f.move("UnschedulePoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_DRAFT, surveysv1.PollStatus_POLL_STATUS_SCHEDULED)
}

// questionCount is the number of questions in all sections.
func questionCount(p *surveysv1.Poll) int {
	n := 0
	for _, s := range p.GetSections() {
		n += len(s.GetQuestions())
	}
	return n
}

// addDraft adds a poll to the fake.
func (f *fakeSurveys) addDraft(p *surveysv1.Poll) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staff[p.GetId()] = p
}

// staffNow returns the poll as the fake has it now.
func (f *fakeSurveys) staffNow(t *testing.T, id string) *surveysv1.Poll {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.staffPoll(id)
	if err != nil {
		t.Fatal(err)
	}
	return proto.CloneOf(p)
}

// The staff's side of the fake surveys service: polls of Velsen and of the
// IJmond region, their lifecycle and a tally that follows the number of
// responses a test sets.

// Ids of the fake's staff polls.
const (
	draftPollID     = "poll-draft"
	openPollID      = "poll-open"
	scheduledPollID = "poll-scheduled"
	closedPollID    = "poll-closed"
	otherPollID     = "poll-beverwijk"
)

func (f *fakeSurveys) addStaffPolls() {
	question := &surveysv1.Question{
		Id: "q1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Other: true,
		Text:    webtest.Text("Waar wilt u meer bankjes?", "Where would you like more benches?"),
		Options: []*surveysv1.Option{webtest.Option("a", "Bij het strand", "By the beach"), webtest.Option("b", "In het park", "In the park")},
	}
	poll := func(id, tenant string, kind surveysv1.PollKind, st surveysv1.PollStatus, title *surveysv1.Text, participants ...string) *surveysv1.Poll {
		return &surveysv1.Poll{
			Id: id, Tenant: tenant, Participants: participants, Kind: kind, Status: st, Title: title,
			Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{question}}},
			OpensAt:  webtest.At("2026-11-02T08:00:00Z"), ClosesAt: webtest.At("2026-11-30T17:00:00Z"),
		}
	}
	flash, questionnaire := surveysv1.PollKind_POLL_KIND_FLASH_POLL, surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE
	f.staff = map[string]*surveysv1.Poll{
		draftPollID: poll(draftPollID, "GM0453", flash, surveysv1.PollStatus_POLL_STATUS_DRAFT,
			webtest.Text("Bankjes in IJmuiden", "Benches in IJmuiden")),
		openPollID: poll(openPollID, "ijmond", questionnaire, surveysv1.PollStatus_POLL_STATUS_OPEN,
			webtest.Text("Mantelzorg in de IJmond", ""), "GM0453", "GM0396"),
		scheduledPollID: poll(scheduledPollID, "GM0453", flash, surveysv1.PollStatus_POLL_STATUS_SCHEDULED,
			webtest.Text("Speeltuin Velsen-Noord", "Playground Velsen-Noord")),
		closedPollID: poll(closedPollID, "GM0453", flash, surveysv1.PollStatus_POLL_STATUS_CLOSED,
			webtest.Text("Zwembad", "Swimming pool")),
		otherPollID: poll(otherPollID, "GM0375", flash, surveysv1.PollStatus_POLL_STATUS_OPEN,
			webtest.Text("Markt Beverwijk", "Beverwijk market")),
	}
	// The open poll serves the councils fake's regional process; the
	// closed one a process the councils service does not know.
	f.staff[openPollID].ProcessId = "p-regional"
	f.staff[closedPollID].ProcessId = "p-unknown"
	f.responded = map[string]int64{openPollID: 3, closedPollID: 12}
}

// setResponses sets how many responses the poll has.
func (f *fakeSurveys) setResponses(id string, n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.responded[id] = n
}

// staffPoll is the poll by id, or NotFound. The caller holds f.mu.
func (f *fakeSurveys) staffPoll(id string) (*surveysv1.Poll, error) {
	p, ok := f.staff[id]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "poll %q not found", id)
	}
	return p, nil
}

func (f *fakeSurveys) ListPolls(ctx context.Context, req *surveysv1.ListPollsRequest) (*surveysv1.ListPollsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListPolls", req); err != nil {
		return nil, err
	}
	resp := &surveysv1.ListPollsResponse{}
	for _, id := range slices.Sorted(maps.Keys(f.staff)) {
		p := f.staff[id]
		if p.GetTenant() == req.GetTenant() || slices.Contains(p.GetParticipants(), req.GetTenant()) {
			resp.Polls = append(resp.Polls, proto.CloneOf(p))
		}
	}
	return resp, nil
}

func (f *fakeSurveys) GetPoll(ctx context.Context, req *surveysv1.GetPollRequest) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetPoll", req); err != nil {
		return nil, err
	}
	p, err := f.staffPoll(req.GetId())
	if err != nil {
		return nil, err
	}
	return proto.CloneOf(p), nil
}

// move changes a poll's status when it is in one of from.
func (f *fakeSurveys) move(method string, req proto.Message, id string, to surveysv1.PollStatus, from ...surveysv1.PollStatus) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(context.Background(), method, req); err != nil {
		return nil, err
	}
	p, err := f.staffPoll(id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(from, p.GetStatus()) {
		return nil, status.Errorf(codes.FailedPrecondition, "the poll is %s", p.GetStatus())
	}
	p.Status = to
	return proto.CloneOf(p), nil
}

func (f *fakeSurveys) SchedulePoll(_ context.Context, req *surveysv1.SchedulePollRequest) (*surveysv1.Poll, error) {
	return f.move("SchedulePoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_SCHEDULED, surveysv1.PollStatus_POLL_STATUS_DRAFT)
}

func (f *fakeSurveys) OpenPoll(_ context.Context, req *surveysv1.OpenPollRequest) (*surveysv1.Poll, error) {
	return f.move("OpenPoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_OPEN, surveysv1.PollStatus_POLL_STATUS_SCHEDULED)
}

func (f *fakeSurveys) ClosePoll(_ context.Context, req *surveysv1.ClosePollRequest) (*surveysv1.Poll, error) {
	return f.move("ClosePoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_CLOSED, surveysv1.PollStatus_POLL_STATUS_OPEN)
}

func (f *fakeSurveys) CancelPoll(_ context.Context, req *surveysv1.CancelPollRequest) (*surveysv1.Poll, error) {
	return f.move("CancelPoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_CANCELLED,
		surveysv1.PollStatus_POLL_STATUS_DRAFT, surveysv1.PollStatus_POLL_STATUS_SCHEDULED, surveysv1.PollStatus_POLL_STATUS_OPEN)
}

// GetTally splits the responses over the options (two thirds "a", a third
// "b") and, for a shared poll, over its first two municipalities.
func (f *fakeSurveys) GetTally(ctx context.Context, req *surveysv1.GetTallyRequest) (*surveysv1.Tally, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetTally", req); err != nil {
		return nil, err
	}
	p, err := f.staffPoll(req.GetPollId())
	if err != nil {
		return nil, err
	}
	count := func(n int64) *surveysv1.Count { return &surveysv1.Count{Value: n} }
	cellsOf := func(n int64) []*surveysv1.Cell {
		return []*surveysv1.Cell{
			{Key: "a", Count: count(n - n/3)}, {Key: "b", Count: count(n / 3)}, {Key: "other", Count: count(0)},
		}
	}
	n := f.responded[p.GetId()]
	line := &surveysv1.TallyLine{Answered: count(n), Cells: cellsOf(n)}
	t := &surveysv1.Tally{PollId: p.GetId(), Responses: count(n)}
	if ps := p.GetParticipants(); len(ps) >= 2 {
		first, second := n-n/2, n/2
		t.Municipalities = []*surveysv1.GroupCount{
			{MunicipalityCodes: ps[:1], Count: count(first)}, {MunicipalityCodes: ps[1:2], Count: count(second)},
		}
		line.Groups = []*surveysv1.GroupLine{
			{MunicipalityCodes: ps[:1], Answered: count(first), Cells: cellsOf(first)},
			{MunicipalityCodes: ps[1:2], Answered: count(second), Cells: cellsOf(second)},
		}
	}
	t.Questions = []*surveysv1.QuestionTally{{
		QuestionId: "q1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Answered: count(n),
		Lines: []*surveysv1.TallyLine{line},
	}}
	// Every respondent came through the panel, all aged 27-40.
	if n > 0 {
		t.Breakdowns = []*surveysv1.Breakdown{{Attribute: "age_band", Value: "27-40", Responses: n, Cells: []*surveysv1.BreakdownCell{
			{QuestionId: "q1", Count: n}, {QuestionId: "q1", Cell: "a", Count: n - n/3}, {QuestionId: "q1", Cell: "b", Count: n / 3},
		}}}
	}
	return t, nil
}
