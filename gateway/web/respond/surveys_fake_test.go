package respond

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakeSurveys is an in-memory surveys service with the resident's side of
// a few IJmond polls: it tells who answered, stores one response per
// invitation and per browser, and replays a submit whose idempotency key it
// has seen, as the real service does. It does not judge answers: a test
// makes SubmitResponse refuse with the error it wants.
type fakeSurveys struct {
	surveysv1.UnimplementedSurveysServiceServer

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
	// fail makes the named method answer with its error.
	fail map[string]error
	// got holds the last request of each method.
	got map[string]proto.Message
	// calls counts the calls of each method.
	calls map[string]int
	// staff are the polls as the staff's pages see them, by id, with
	// the number of responses each has (polls_fake_test.go).
	staff     map[string]*surveysv1.Poll
	responded map[string]int64
}

// keyed is what an idempotency key stored.
type keyed struct {
	answers    *surveysv1.SubmitResponseRequest // the answers alone
	responseID string
}

// tokenFor makes an invitation token, of the form the real ones have, from
// a name that says what it is for.
func tokenFor(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Links of the fake's polls.
var (
	// questionnaireToken invites to the questionnaire with every question
	// type; each test that answers it should use its own tokenFor.
	questionnaireToken = tokenFor("questionnaire")
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
		fail:     map[string]error{},
		got:      map[string]proto.Message{},
		calls:    map[string]int{},
	}
	f.invite(questionnaireToken)
	f.addStaffPolls()
	f.polls["p/"+flashSlug] = flashPoll()
	withPostcode := flashPoll()
	withPostcode.Id, withPostcode.PostcodeCheck = "poll-postcode", true
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

// invite adds an invitation to the questionnaire.
func (f *fakeSurveys) invite(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls["i/"+token] = questionnaire()
}

func at(s string) *timestamppb.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return timestamppb.New(t)
}

func text(nl, en string) *surveysv1.Text { return &surveysv1.Text{Nl: nl, En: en} }

func opt(id, nl, en string) *surveysv1.Option {
	return &surveysv1.Option{Id: id, Label: text(nl, en)}
}

// questionnaire has a question of every type, in three sections, with a
// display condition, "other, namely…" and a text without English.
func questionnaire() *surveysv1.RespondentPoll {
	return &surveysv1.RespondentPoll{
		Id:      "poll-questionnaire",
		Kind:    surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
		Title:   text("Vervoer naar de dagbesteding", "Transport to day care"),
		Intro:   text("De participatieraad wil weten hoe je naar de dagbesteding gaat.\nHet invullen duurt vijf minuten.", "The participation council wants to know how you get to day care.\nIt takes five minutes."),
		Status:  surveysv1.PollStatus_POLL_STATUS_OPEN,
		OpensAt: at("2026-03-01T08:00:00Z"), ClosesAt: at("2026-03-29T16:00:00Z"),
		ResultsSharing: text("De raad bespreekt de uitkomsten op 14 april in een openbare vergadering. Daarna staan ze op de website van de gemeente.",
			"The council discusses the results on 14 April in a public meeting. Afterwards they are on the municipality's website."),
		Sections: []*surveysv1.Section{
			{Id: "s1", Title: text("Over jou", "About you"), Intro: text("Eerst iets over hoe je nu reist.", "First, how you travel now."), Questions: []*surveysv1.Question{
				{Id: "q1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Required: true,
					Text:    text("Hoe ga je nu naar de dagbesteding?", "How do you get to day care now?"),
					Options: []*surveysv1.Option{opt("bus", "Met de bus", "By bus"), opt("taxi", "Met de regiotaxi", "By regional taxi"), opt("fiets", "Op de fiets", "By bike")},
					Other:   true, OtherLabel: text("Anders, namelijk", "Other, namely")},
				{Id: "q2", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER,
					Text: text("Hoeveel uur per week ben je onderweg?", "How many hours a week are you travelling?"),
					Help: text("Tel heen en terug.", "Count both ways."),
					Min:  "0", Max: "40", Step: "0.5", Unit: text("uur per week", "hours a week")},
			}},
			{Id: "s2", Title: text("Het vervoer", "The transport"), Questions: []*surveysv1.Question{
				{Id: "q3", Type: surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, Required: true,
					Text:    text("Wat vind je belangrijk aan je vervoer?", "What matters to you about your transport?"),
					Options: []*surveysv1.Option{opt("optijd", "Op tijd komen", "Arriving on time"), opt("hulp", "Hulp bij instappen", "Help getting in"), opt("prijs", "Een lage prijs", "A low price")},
					Other:   true, MinChoices: 1, MaxChoices: 2},
				{Id: "q4", Type: surveysv1.QuestionType_QUESTION_TYPE_LIKERT, Required: true,
					Text:   text("De regiotaxi komt op tijd.", "The regional taxi is on time."),
					Labels: []*surveysv1.Text{text("Helemaal mee oneens", "Strongly disagree"), text("Mee oneens", "Disagree"), text("Neutraal", "Neutral"), text("Mee eens", "Agree"), text("Helemaal mee eens", "Strongly agree")},
					ShowIf: &surveysv1.Condition{Question: "q1", AnyOf: []string{"taxi"}}},
				{Id: "q5", Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Required: true,
					Text:   text("Hoe tevreden ben je over je vervoer?", "How satisfied are you with your transport?"),
					Labels: []*surveysv1.Text{text("helemaal niet tevreden", "not at all satisfied"), text("heel tevreden", "very satisfied")}},
				{Id: "q6", Type: surveysv1.QuestionType_QUESTION_TYPE_RANKING,
					Text:    text("Wat moet de gemeente eerst verbeteren?", "What should the municipality improve first?"),
					Options: []*surveysv1.Option{opt("tijd", "De reistijd", "The travel time"), opt("prijs", "De prijs", "The price"), opt("hulp", "De hulp onderweg", "Help on the way")}},
			}},
			{Id: "s3", Title: text("Tot slot", "Finally"), Questions: []*surveysv1.Question{
				{Id: "q7", Type: surveysv1.QuestionType_QUESTION_TYPE_MATRIX, Required: true,
					Text:    text("Wat vind je van deze onderdelen?", "What do you think of these parts?"),
					Rows:    []*surveysv1.Option{opt("chauffeur", "De chauffeur", "The driver"), opt("bus", "De bus zelf", "The bus itself")},
					Columns: []*surveysv1.Option{opt("goed", "Goed", "Good"), opt("matig", "Matig", "Fair"), opt("slecht", "Slecht", "Poor")}},
				{Id: "q8", Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, MaxLength: 200,
					Text: text("Wat mis je nu het meest?", "")},
				{Id: "q9", Type: surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, MaxLength: 2000,
					Text: text("Wil je nog iets zeggen over je vervoer?", "Is there anything else about your transport?")},
			}},
		},
	}
}

// flashPoll is a short open-link poll.
func flashPoll() *surveysv1.RespondentPoll {
	return &surveysv1.RespondentPoll{
		Id:      "poll-flash",
		Kind:    surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:   text("Bankjes op het Marktplein in IJmuiden", "Benches on the Marktplein in IJmuiden"),
		Status:  surveysv1.PollStatus_POLL_STATUS_OPEN,
		OpensAt: at("2026-03-01T08:00:00Z"), ClosesAt: at("2026-03-08T22:59:00Z"),
		ResultsSharing: text("De uitkomst staat vanaf 20 maart op ijmuiden.nl.", "The outcome is on ijmuiden.nl from 20 March."),
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{
			{Id: "fq1", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Required: true,
				Text:    text("Wil je meer bankjes op het Marktplein?", "Do you want more benches on the Marktplein?"),
				Options: []*surveysv1.Option{opt("ja", "Ja", "Yes"), opt("nee", "Nee", "No")}},
			{Id: "fq2", Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE,
				Text: text("Hoe vaak kom je op het Marktplein?", "How often do you visit the Marktplein?")},
			{Id: "fq3", Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, MaxLength: 200,
				Text: text("Waar moeten ze komen?", "Where should they go?")},
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

func (f *fakeSurveys) GetPollForRespondent(_ context.Context, req *surveysv1.GetPollForRespondentRequest) (*surveysv1.RespondentPoll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetPollForRespondent", req); err != nil {
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

func (f *fakeSurveys) SubmitResponse(_ context.Context, req *surveysv1.SubmitResponseRequest) (*surveysv1.SubmitResponseResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("SubmitResponse", req); err != nil {
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
