package respond

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakeSurveys is an in-memory surveys service with the resident's side of
// a few IJmond polls: it tells who answered, stores one response per
// invitation and per browser, and replays a submit whose idempotency key it
// has seen, as the real service does. It does not judge answers: a test
// makes SubmitResponse refuse with the error it wants.
type fakeSurveys struct {
	surveysv1.UnimplementedSurveysServiceServer
	webtest.Recorder

	mu sync.Mutex
	// polls by link: "i/{token}" or "p/{slug}".
	polls map[string]*surveysv1.RespondentPoll
	// answered holds the respondents who answered: "i/{token}" or
	// "p/{slug}/{respondent id}".
	answered map[string]bool
	// keys holds the submits by idempotency key.
	keys map[string]keyed
	// stored are the responses stored, in order.
	stored []*surveysv1.SubmitResponseRequest
}

// keyed is what an idempotency key stored.
type keyed struct {
	answers    *surveysv1.SubmitResponseRequest // the answers alone
	responseID string
}

// Links of the fake's polls.
var (
	// questionnaireToken invites to the questionnaire with every question
	// type; each test that answers it should use its own webtest.Token.
	questionnaireToken = webtest.Token("questionnaire")
)

const (
	flashSlug     = "bankjes-ijmuiden"
	postcodeSlug  = "speeltuin-velsen-noord"
	closedSlug    = "zwembad-heemskerk"
	scheduledSlug = "mantelzorgdag-2027"
	cancelledSlug = "markt-beverwijk"
)

func newFakeSurveys() *fakeSurveys {
	f := &fakeSurveys{
		polls:    map[string]*surveysv1.RespondentPoll{},
		answered: map[string]bool{},
		keys:     map[string]keyed{},
	}
	f.invite(questionnaireToken)
	f.polls["p/"+flashSlug] = flashPoll()
	withPostcode := flashPoll()
	withPostcode.Id, withPostcode.PostcodeCheck = "poll-postcode", true
	withPostcode.MunicipalityCodes = []string{"GM0453", "GM0375", "GM0396"}
	withPostcode.Title = &surveysv1.Text{Nl: "Een speeltuin in Velsen-Noord", En: "A playground in Velsen-Noord"}
	f.polls["p/"+postcodeSlug] = withPostcode
	for slug, st := range map[string]surveysv1.PollStatus{
		closedSlug:    surveysv1.PollStatus_POLL_STATUS_CLOSED,
		scheduledSlug: surveysv1.PollStatus_POLL_STATUS_SCHEDULED,
		cancelledSlug: surveysv1.PollStatus_POLL_STATUS_CANCELLED,
	} {
		p := flashPoll()
		p.Id, p.Status, p.Sections = "poll-"+slug, st, nil
		f.polls["p/"+slug] = p
	}
	return f
}

// serve runs f on a loopback gRPC server for the test's duration and
// returns a client, as the gateway's connection would be.
func (f *fakeSurveys) serve(t *testing.T) surveysv1.SurveysServiceClient {
	t.Helper()
	return surveysv1.NewSurveysServiceClient(webtest.Serve(t, func(s grpc.ServiceRegistrar) { surveysv1.RegisterSurveysServiceServer(s, f) }))
}

// invite adds an invitation to the questionnaire.
func (f *fakeSurveys) invite(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls["i/"+token] = questionnaire()
}

// questionnaire has a question of every type, in three sections, with a
// display condition, "other, namely…" and a text without English.
func questionnaire() *surveysv1.RespondentPoll {
	return &surveysv1.RespondentPoll{
		Id:      "poll-questionnaire",
		Kind:    surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
		Title:   webtest.Text("Vervoer naar de dagbesteding", "Transport to day care"),
		Intro:   webtest.Text("De participatieraad wil weten hoe je naar de dagbesteding gaat.\nHet invullen duurt vijf minuten.", "The participation council wants to know how you get to day care.\nIt takes five minutes."),
		Status:  surveysv1.PollStatus_POLL_STATUS_OPEN,
		OpensAt: webtest.At("2026-03-01T08:00:00Z"), ClosesAt: webtest.At("2026-03-29T16:00:00Z"),
		ResultsSharing: webtest.Text("De raad bespreekt de uitkomsten op 14 april in een openbare vergadering. Daarna staan ze op de website van de gemeente.",
			"The council discusses the results on 14 April in a public meeting. Afterwards they are on the municipality's website."),
		Sections: []*surveysv1.Section{
			{Id: "s1", Title: webtest.Text("Over jou", "About you"), Intro: webtest.Text("Eerst iets over hoe je nu reist.", "First, how you travel now."), Questions: []*surveysv1.Question{
				{Id: "q1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Required: true,
					Text:    webtest.Text("Hoe ga je nu naar de dagbesteding?", "How do you get to day care now?"),
					Options: []*surveysv1.Option{webtest.Option("bus", "Met de bus", "By bus"), webtest.Option("taxi", "Met de regiotaxi", "By regional taxi"), webtest.Option("fiets", "Op de fiets", "By bike")},
					Other:   true, OtherLabel: webtest.Text("Anders, namelijk", "Other, namely")},
				{Id: "q2", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER,
					Text: webtest.Text("Hoeveel uur per week ben je onderweg?", "How many hours a week are you travelling?"),
					Help: webtest.Text("Tel heen en terug.", "Count both ways."),
					Min:  "0", Max: "40", Step: "0.5", Unit: webtest.Text("uur per week", "hours a week")},
			}},
			{Id: "s2", Title: webtest.Text("Het vervoer", "The transport"), Questions: []*surveysv1.Question{
				{Id: "q3", Type: surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, Required: true,
					Text:    webtest.Text("Wat vind je belangrijk aan je vervoer?", "What matters to you about your transport?"),
					Options: []*surveysv1.Option{webtest.Option("optijd", "Op tijd komen", "Arriving on time"), webtest.Option("hulp", "Hulp bij instappen", "Help getting in"), webtest.Option("prijs", "Een lage prijs", "A low price")},
					Other:   true, MinChoices: 1, MaxChoices: 2},
				{Id: "q4", Type: surveysv1.QuestionType_QUESTION_TYPE_LIKERT, Required: true,
					Text:   webtest.Text("De regiotaxi komt op tijd.", "The regional taxi is on time."),
					Labels: []*surveysv1.Text{webtest.Text("Helemaal mee oneens", "Strongly disagree"), webtest.Text("Mee oneens", "Disagree"), webtest.Text("Neutraal", "Neutral"), webtest.Text("Mee eens", "Agree"), webtest.Text("Helemaal mee eens", "Strongly agree")},
					ShowIf: &surveysv1.Condition{Question: "q1", AnyOf: []string{"taxi"}}},
				{Id: "q5", Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Required: true,
					Text:   webtest.Text("Hoe tevreden ben je over je vervoer?", "How satisfied are you with your transport?"),
					Labels: []*surveysv1.Text{webtest.Text("helemaal niet tevreden", "not at all satisfied"), webtest.Text("heel tevreden", "very satisfied")}},
				{Id: "q6", Type: surveysv1.QuestionType_QUESTION_TYPE_RANKING,
					Text:    webtest.Text("Wat moet de gemeente eerst verbeteren?", "What should the municipality improve first?"),
					Options: []*surveysv1.Option{webtest.Option("tijd", "De reistijd", "The travel time"), webtest.Option("prijs", "De prijs", "The price"), webtest.Option("hulp", "De hulp onderweg", "Help on the way")}},
			}},
			{Id: "s3", Title: webtest.Text("Tot slot", "Finally"), Questions: []*surveysv1.Question{
				{Id: "q7", Type: surveysv1.QuestionType_QUESTION_TYPE_MATRIX, Required: true,
					Text:    webtest.Text("Wat vind je van deze onderdelen?", "What do you think of these parts?"),
					Rows:    []*surveysv1.Option{webtest.Option("chauffeur", "De chauffeur", "The driver"), webtest.Option("bus", "De bus zelf", "The bus itself")},
					Columns: []*surveysv1.Option{webtest.Option("goed", "Goed", "Good"), webtest.Option("matig", "Matig", "Fair"), webtest.Option("slecht", "Slecht", "Poor")}},
				{Id: "q8", Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, MaxLength: 200,
					Text: webtest.Text("Wat mis je nu het meest?", "")},
				{Id: "q9", Type: surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, MaxLength: 2000,
					Text: webtest.Text("Wil je nog iets zeggen over je vervoer?", "Is there anything else about your transport?")},
			}},
		},
	}
}

// flashPoll is a short open-link poll.
func flashPoll() *surveysv1.RespondentPoll {
	return &surveysv1.RespondentPoll{
		Id:      "poll-flash",
		Kind:    surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:   webtest.Text("Bankjes op het Marktplein in IJmuiden", "Benches on the Marktplein in IJmuiden"),
		Status:  surveysv1.PollStatus_POLL_STATUS_OPEN,
		OpensAt: webtest.At("2026-03-01T08:00:00Z"), ClosesAt: webtest.At("2026-03-08T22:59:00Z"),
		ResultsSharing: webtest.Text("De uitkomst staat vanaf 20 maart op ijmuiden.nl.", "The outcome is on ijmuiden.nl from 20 March."),
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{
			{Id: "fq1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Required: true,
				Text:    webtest.Text("Wil je meer bankjes op het Marktplein?", "Do you want more benches on the Marktplein?"),
				Options: []*surveysv1.Option{webtest.Option("ja", "Ja", "Yes"), webtest.Option("nee", "Nee", "No")}},
			{Id: "fq2", Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE,
				Text: webtest.Text("Hoe vaak kom je op het Marktplein?", "How often do you visit the Marktplein?")},
			{Id: "fq3", Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, MaxLength: 200,
				Text: webtest.Text("Waar moeten ze komen?", "Where should they go?")},
		}}},
	}
}

// responses returns the responses stored.
func (f *fakeSurveys) responses() []*surveysv1.SubmitResponseRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*surveysv1.SubmitResponseRequest(nil), f.stored...)
}

// setStatus changes the status of the poll behind link ("p/{slug}" or
// "i/{token}").
func (f *fakeSurveys) setStatus(link string, st surveysv1.PollStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls[link].Status = st
}

func (f *fakeSurveys) GetPollForRespondent(ctx context.Context, req *surveysv1.GetPollForRespondentRequest) (*surveysv1.RespondentPoll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetPollForRespondent", req); err != nil {
		return nil, err
	}
	var link, who string
	switch l := req.GetLink().(type) {
	case *surveysv1.GetPollForRespondentRequest_Slug:
		link = "p/" + l.Slug
		if req.GetRespondentId() != "" {
			who = link + "/" + req.GetRespondentId()
		}
	case *surveysv1.GetPollForRespondentRequest_InvitationToken:
		link = "i/" + l.InvitationToken
		who = link
	}
	p, ok := f.polls[link]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "poll %q not found", link)
	}
	out := proto.CloneOf(p)
	out.AlreadyAnswered = who != "" && f.answered[who]
	if out.Status != surveysv1.PollStatus_POLL_STATUS_OPEN {
		out.Sections = nil
	}
	return out, nil
}

func (f *fakeSurveys) SubmitResponse(ctx context.Context, req *surveysv1.SubmitResponseRequest) (*surveysv1.SubmitResponseResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "SubmitResponse", req); err != nil {
		return nil, err
	}
	var link, who string
	switch r := req.GetRespondent().(type) {
	case *surveysv1.SubmitResponseRequest_InvitationToken:
		link = "i/" + r.InvitationToken
		who = link
	case *surveysv1.SubmitResponseRequest_OpenLink:
		link = "p/" + r.OpenLink.GetSlug()
		who = link + "/" + r.OpenLink.GetRespondentId()
	}
	p, ok := f.polls[link]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "poll %q not found", link)
	}
	answers := &surveysv1.SubmitResponseRequest{Answers: req.GetAnswers()}
	if k, ok := f.keys[req.GetIdempotencyKey()]; ok {
		if !proto.Equal(k.answers, answers) {
			return nil, status.Error(codes.AlreadyExists, "idempotency key reused for another request")
		}
		return &surveysv1.SubmitResponseResponse{ResponseId: k.responseID, Replayed: true}, nil
	}
	if p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
		return nil, status.Error(codes.FailedPrecondition, "the poll is not open")
	}
	// As the service, for the poll that checks postcodes: it takes no
	// answer without the municipality the postcode was found in, and
	// names every problem at once (the other polls' answers are not
	// checked here).
	var problems []string
	if ol := req.GetOpenLink(); p.GetPostcodeCheck() && ol != nil && ol.GetMunicipalityCode() == "" {
		problems = append(problems, "/openLink/municipalityCode", "is required: this poll checks that respondents live in its municipalities")
	}
	for _, sec := range p.GetSections() {
		if !p.GetPostcodeCheck() {
			break
		}
		for _, q := range sec.GetQuestions() {
			if a := req.GetAnswers()[q.GetId()]; q.GetRequired() && a.GetChoice() == "" && len(a.GetChoices()) == 0 && a.GetText() == "" && a.GetValue() == "" {
				problems = append(problems, "/answers/"+q.GetId(), "is required")
			}
		}
	}
	if len(problems) > 0 {
		return nil, webtest.Invalid(problems...)
	}
	if f.answered[who] {
		return nil, status.Error(codes.AlreadyExists, "already answered")
	}
	f.answered[who] = true
	f.stored = append(f.stored, proto.CloneOf(req))
	id := fmt.Sprintf("response-%d", len(f.stored))
	if key := req.GetIdempotencyKey(); key != "" {
		f.keys[key] = keyed{answers: proto.CloneOf(answers), responseID: id}
	}
	return &surveysv1.SubmitResponseResponse{ResponseId: id}, nil
}
