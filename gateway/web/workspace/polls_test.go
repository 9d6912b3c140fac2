package workspace

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakeSurveys answers the two calls the process page makes of the surveys
// service: a process's polls, and an open poll's tally so far.
type fakeSurveys struct {
	surveysv1.UnimplementedSurveysServiceServer
	webtest.Recorder
	polls   []*surveysv1.Poll
	tallies map[string]*surveysv1.Tally
}

func (f *fakeSurveys) serve(t *testing.T) surveysv1.SurveysServiceClient {
	t.Helper()
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) { surveysv1.RegisterSurveysServiceServer(s, f) },
		grpc.WithUnaryInterceptor(webtest.WithSubject))
	return surveysv1.NewSurveysServiceClient(conn)
}

func (f *fakeSurveys) ListPolls(ctx context.Context, req *surveysv1.ListPollsRequest) (*surveysv1.ListPollsResponse, error) {
	if err := f.Call(ctx, "ListPolls", req); err != nil {
		return nil, err
	}
	var out []*surveysv1.Poll
	for _, p := range f.polls {
		if p.GetProcessId() == req.GetProcessId() {
			out = append(out, p)
		}
	}
	return &surveysv1.ListPollsResponse{Polls: out}, nil
}

func (f *fakeSurveys) GetTally(ctx context.Context, req *surveysv1.GetTallyRequest) (*surveysv1.Tally, error) {
	if err := f.Call(ctx, "GetTally", req); err != nil {
		return nil, err
	}
	if t, ok := f.tallies[req.GetPollId()]; ok {
		return t, nil
	}
	return nil, status.Error(codes.NotFound, "no tally")
}

func text(nl, en string) *surveysv1.Text { return &surveysv1.Text{Nl: nl, En: en} }

// A process's page lists its polls with their titles from the surveys
// service: the open one with its closing day and its answers so far per
// municipality, the closed one with the final count the councils service
// heard, and a draft being prepared; each links the poll's page.
func TestProcessPageListsItsPolls(t *testing.T) {
	t.Parallel()
	surveys := &fakeSurveys{
		polls: []*surveysv1.Poll{
			{Id: "poll-draft", ProcessId: "p-execute", Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL, Status: surveysv1.PollStatus_POLL_STATUS_DRAFT,
				Title: text("Hulp bij schulden: tweede ronde", "")},
			{Id: "poll-open", ProcessId: "p-execute", Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL, Status: surveysv1.PollStatus_POLL_STATUS_OPEN,
				Title: text("Vind je hulp bij schulden?", "Do you find help with debts?"), ClosesAt: webtest.At("2026-12-12T22:00:00Z")},
			{Id: "poll-closed", ProcessId: "p-execute", Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Status: surveysv1.PollStatus_POLL_STATUS_CLOSED,
				Title: text("Schulden en school", "Debts and school")},
		},
		tallies: map[string]*surveysv1.Tally{"poll-open": {PollId: "poll-open",
			Responses:      &surveysv1.Count{Value: 17},
			Municipalities: []*surveysv1.GroupCount{{MunicipalityCodes: []string{"GM0453"}, Count: &surveysv1.Count{Value: 17}}}}},
	}
	fake := newFakeCouncils()
	site := newSite(t, Config{Councils: fake.serve(t), Surveys: surveys.serve(t)})
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenChair})
	webtest.MustContain(t, body,
		`<h2 class="utrecht-heading-2" id="peilingen-titel">Peilingen</h2>`,
		`<a class="utrecht-link utrecht-link--html-a" href="/peilingen/poll-open">Vind je hulp bij schulden?</a>`,
		"Open tot 12 december 2026", "17 antwoorden: Velsen 17",
		`<a class="utrecht-link utrecht-link--html-a" href="/peilingen/poll-closed">Schulden en school</a>`,
		"41 antwoorden: Velsen 38, gemeente onbekend 3",
		`href="/peilingen/poll-draft">Hulp bij schulden: tweede ronde</a>`, "Concept",
		// The closed questionnaire's answers count as residents reached
		// (the service's figure).
		"Uitgevoerde vormen",
	)
	_, en := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute?lang=en", As: &webtest.VelsenChair})
	webtest.MustContain(t, en, ">Do you find help with debts?</a>", "Open until 12 December 2026", "17 answers: Velsen 17",
		`<span lang="nl">Hulp bij schulden: tweede ronde</span>`)

	// A process without polls says so.
	_, none := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake", As: &webtest.VelsenChair})
	webtest.MustContain(t, none, "Dit traject heeft nog geen peilingen.")
}

// Without the surveys service, the page lists the polls the councils
// service heard of, named by their form; the board's card shows the one
// taking answers.
func TestProcessPollsWithoutTheSurveysService(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenChair})
	webtest.MustContain(t, body,
		`href="/peilingen/poll-open">Flitspeiling</a>`, "Open tot 12 december 2026",
		`href="/peilingen/poll-closed">Vragenlijst</a>`, "41 antwoorden: Velsen 38, gemeente onbekend 3",
		"Lopende vormen", "Flitspeiling open tot 12 december 2026")
	_, board := webtest.Send(t, site, webtest.Request{Target: "/trajecten", As: &webtest.VelsenChair})
	webtest.MustContain(t, board, `<p class="mdn-card__meta">Flitspeiling open tot 12 december 2026</p>`)
}
