package main

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/nlgov"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// demoResultsQuestion is the demo's question that has come furthest: the
// IJmond's shared question on loneliness among older residents, taken
// through the step plan to an advice sent to the three municipalities. It
// has a process of its own, so that the other demo processes keep their
// open poll and planned focus group.
var demoResultsQuestion = &councilsv1.Question{
	Title:          "Eenzaamheid onder ouderen in de IJmond",
	Description:    "De drie gemeenten willen weten wat ouderen helpt om minder eenzaam te zijn, en hoe ze ouderen bereiken die niet zelf aan de bel trekken.",
	Theme:          "ouderen",
	Origin:         councilsv1.Origin_ORIGIN_SOLICITED,
	Scope:          &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0375", "GM0396"}},
	AdviceNeededBy: "2027-01-31",
}

// demoAdvice is the council's advice on demoResultsQuestion.
var demoAdvice = &resultsv1.AdviceContent{
	Title:    "Advies over eenzaamheid onder ouderen in de IJmond",
	Question: "Wat helpt ouderen in Velsen, Beverwijk en Heemskerk om minder eenzaam te zijn, en hoe bereiken we de ouderen die niet zelf aan de bel trekken?",
	Involvement: "De drie participatieraden gingen naar plekken waar ouderen al komen: de voedselbank in Beverwijk, een koorrepetitie in Heemskerk " +
		"en de inloop van de bibliotheek in IJmuiden. Daar spraken zij met ouderen, mantelzorgers en vrijwilligers.",
	Findings: "Ouderen zoeken contact dicht bij huis, op plekken die ze al kennen. Wie slecht ter been is, blijft thuis omdat vervoer duur of lastig is. " +
		"Veel ouderen schamen zich om te zeggen dat ze eenzaam zijn; de huisarts en de wijkverpleging horen het vaak als eersten. " +
		"Vrijwilligers die op huisbezoek gaan, weten niet bij wie ze terechtkunnen als ze zich zorgen maken.",
	Conclusions: "Eenzaamheid is niet met één activiteit op te lossen. Het helpt als ontmoeten dichtbij en betaalbaar is, " +
		"als wie het signaleert weet waar de oudere terechtkan, en als de gemeenten de vrijwilligers steunen die het meeste werk doen.",
	Recommendations: []*resultsv1.Recommendation{
		{Text: "Maak van de bibliotheken in de drie gemeenten vaste ontmoetingsplekken, met een wekelijkse inloop voor ouderen die het welzijnswerk begeleidt."},
		{Text: "Vraag huisartsen en wijkverpleging eenzaamheid te bespreken en ouderen, met hun toestemming, door te verwijzen naar een vast aanspreekpunt in de wijk."},
		{Text: "Zorg voor betaalbaar vervoer naar activiteiten: geef ouderen met een laag inkomen een ontmoetingstarief in de regiotaxi."},
		{Text: "Geef vrijwilligers die ouderen thuis bezoeken een vaste contactpersoon bij de gemeente en een vergoeding voor hun onkosten."},
		{Text: "Stuur alle inwoners van 75 jaar en ouder een brief in eenvoudige taal over waar ze terechtkunnen, op papier."},
	},
}

// demoAnswers is Velsen's response to demoAdvice, one verdict per
// recommendation.
var demoAnswers = []*resultsv1.RecommendationAnswer{
	{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
	{Recommendation: 2, Verdict: resultsv1.Verdict_VERDICT_PARTLY_ADOPTED,
		Motivation: "De gemeente maakt afspraken met de huisartsen in IJmuiden; de wijkverpleging valt onder de zorgverzekeraar en doet vrijwillig mee."},
	{Recommendation: 3, Verdict: resultsv1.Verdict_VERDICT_TO_BE_INVESTIGATED,
		Motivation: "Het tarief van de regiotaxi wordt regionaal vastgesteld; Velsen legt het voorstel in het voorjaar aan Beverwijk en Heemskerk voor."},
	{Recommendation: 4, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
	{Recommendation: 5, Verdict: resultsv1.Verdict_VERDICT_NOT_ADOPTED,
		Motivation: "Een brief aan alle 75-plussers kost veel en bereikt weinig; de gemeente zet de informatie in de huis-aan-huiskrant en bij de huisartsen."},
}

// loadDemoResults gives the results pages something to show: the demo's
// shared question on loneliness is raised and taken to the advise phase
// (with three visits as its input), and its advice, with five
// recommendations, is adopted and sent to the three municipalities.
// Velsen acknowledged it, assigned it and answered every recommendation;
// Heemskerk acknowledged it; Beverwijk has yet to. So a policy officer's
// inbox, the council's response tracker and the public results page at
// /resultaten/{process id} have content. It does nothing when advice
// exists, and picks up a question or process a previous start left
// halfway.
//
// The results service learns of processes from the councils' events, so
// the loader waits for the process to reach it, up to a minute.
func loadDemoResults(ctx context.Context, councils councilsv1.CouncilsServiceClient, advice resultsv1.AdviceServiceClient, now time.Time) (int, error) {
	existing, err := advice.ListAdvices(ctx, &resultsv1.ListAdvicesRequest{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("demo advice: %w", err)
	}
	if len(existing.GetAdvices()) > 0 {
		return 0, nil
	}
	created, processID, err := demoResultsProcess(ctx, councils, now)
	if err != nil || processID == "" {
		return created, err
	}
	for _, m := range demoRegion.municipalities {
		slug := map[string]string{"GM0453": "velsen", "GM0375": "beverwijk", "GM0396": "heemskerk"}[m[0]]
		if _, err := advice.UpdateResponseSettings(ctx, &resultsv1.UpdateResponseSettingsRequest{MunicipalityCode: m[0],
			Settings:   &resultsv1.ResponseSettings{OfficerEmail: "beleid.sociaal-domein@" + slug + ".example", SecretaryEmail: "participatieraad@" + slug + ".example"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"officer_email", "secretary_email"}}}); err != nil {
			return created, fmt.Errorf("demo response settings of %s: %w", m[0], err)
		}
	}
	var a *resultsv1.Advice
	err = retryWhile(ctx, codes.InvalidArgument, func() error { // until the process reaches the results service
		var err error
		a, err = advice.CreateAdvice(ctx, &resultsv1.CreateAdviceRequest{Advice: &resultsv1.Advice{ProcessId: processID, Content: demoAdvice}})
		return err
	})
	if err != nil {
		return created, fmt.Errorf("demo advice: %w", err)
	}
	created++
	if _, err := advice.AdoptAdvice(ctx, &resultsv1.AdoptAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
		return created, fmt.Errorf("adopting the demo advice: %w", err)
	}
	if _, err := advice.SendAdvice(ctx, &resultsv1.SendAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
		return created, fmt.Errorf("sending the demo advice: %w", err)
	}
	for _, m := range []string{"GM0453", "GM0396"} {
		if _, err := advice.AcknowledgeResponse(ctx, &resultsv1.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: m}); err != nil {
			return created, fmt.Errorf("acknowledging the demo advice for %s: %w", m, err)
		}
	}
	if _, err := advice.AssignResponse(ctx, &resultsv1.AssignResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0453",
		OwnerName: "Joost Visser", OwnerEmail: "joost.visser@velsen.example"}); err != nil {
		return created, fmt.Errorf("assigning Velsen's demo response: %w", err)
	}
	if _, err := advice.RecordResponse(ctx, &resultsv1.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0453",
		DecidedOn: now.In(nlgov.Amsterdam()).Format(time.DateOnly), Answers: demoAnswers}); err != nil {
		return created, fmt.Errorf("Velsen's demo response: %w", err)
	}
	return created + 1, nil
}

// demoResultsProcess finds or makes the process of demoResultsQuestion
// and takes it to the advise phase, returning its id: "" when it is past
// that phase already (its advice went elsewhere; nothing is added).
func demoResultsProcess(ctx context.Context, councils councilsv1.CouncilsServiceClient, now time.Time) (int, string, error) {
	created := 0
	var q *councilsv1.Question
	list, err := councils.ListQuestions(ctx, &councilsv1.ListQuestionsRequest{Tenant: "ijmond", Theme: demoResultsQuestion.GetTheme(), Limit: 100})
	if err != nil {
		return 0, "", fmt.Errorf("demo results question: %w", err)
	}
	for _, found := range list.GetQuestions() {
		if found.GetTitle() == demoResultsQuestion.GetTitle() {
			q = found
		}
	}
	if q == nil {
		if q, err = councils.RaiseQuestion(ctx, &councilsv1.RaiseQuestionRequest{Question: demoResultsQuestion}); err != nil {
			return created, "", fmt.Errorf("demo results question: %w", err)
		}
		created++
	}
	if q.GetStatus() == councilsv1.QuestionStatus_QUESTION_STATUS_OPEN {
		if q, err = councils.DecideQuestion(ctx, &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true}); err != nil {
			return created, "", fmt.Errorf("demo results question: %w", err)
		}
	}
	processID := q.GetProcessId()
	if processID == "" {
		p, err := councils.StartProcess(ctx, &councilsv1.StartProcessRequest{QuestionId: q.GetId()})
		if err != nil {
			return created, "", fmt.Errorf("demo results process: %w", err)
		}
		created++
		processID = p.GetId()
	}
	for {
		p, err := councils.GetProcess(ctx, &councilsv1.GetProcessRequest{Id: processID})
		if err != nil {
			return created, "", fmt.Errorf("demo results process: %w", err)
		}
		var next councilsv1.Phase
		switch p.GetPhase() {
		case councilsv1.Phase_PHASE_INTAKE:
			next = councilsv1.Phase_PHASE_CONCRETISE
		case councilsv1.Phase_PHASE_CONCRETISE:
			if _, err := councils.UpdateProcess(ctx, &councilsv1.UpdateProcessRequest{Id: processID, Process: &councilsv1.Process{
				PreciseQuestion: "Wat helpt ouderen om contact te houden, en waar zijn ze te vinden?",
				Approach:        "Bezoeken aan plekken waar ouderen al komen, in elk van de drie gemeenten",
				TargetGroup:     "Ouderen die alleen wonen, hun mantelzorgers en vrijwilligers",
				Forms:           []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT},
			}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"precise_question", "approach", "target_group", "forms"}}}); err != nil {
				return created, "", fmt.Errorf("demo results process: %w", err)
			}
			next = councilsv1.Phase_PHASE_CHOOSE_FORMS
		case councilsv1.Phase_PHASE_CHOOSE_FORMS:
			next = councilsv1.Phase_PHASE_EXECUTE
		case councilsv1.Phase_PHASE_EXECUTE:
			if len(p.GetExecutedForms()) == 0 {
				n, err := recordDemoVisits(ctx, councils, processID, now)
				created += n
				if err != nil {
					return created, "", err
				}
			}
			next = councilsv1.Phase_PHASE_ANALYSE
		case councilsv1.Phase_PHASE_ANALYSE:
			next = councilsv1.Phase_PHASE_ADVISE
		case councilsv1.Phase_PHASE_ADVISE:
			return created, processID, nil
		default:
			return created, "", nil
		}
		err = retryWhile(ctx, codes.FailedPrecondition, func() error { // a visit may take a moment to count
			_, err := councils.TransitionProcess(ctx, &councilsv1.TransitionProcessRequest{Id: processID, ToPhase: next})
			return err
		})
		if err != nil {
			return created, "", fmt.Errorf("moving the demo results process to %s: %w", next, err)
		}
	}
}

// recordDemoVisits records the councils' three visits for the process,
// in the weeks before now.
func recordDemoVisits(ctx context.Context, councils councilsv1.CouncilsServiceClient, processID string, now time.Time) (int, error) {
	visits := []struct {
		daysAgo      int
		municipality string
		place        string
		reached      int32
	}{
		{42, "GM0375", "Voedselbank Beverwijk, uitgiftemiddag", 18},
		{35, "GM0396", "Repetitie van het ouderenkoor, Heemskerk", 24},
		{28, "GM0453", "Inloop in de bibliotheek, IJmuiden", 22},
	}
	created := 0
	for _, v := range visits {
		_, err := councils.RecordFieldActivity(ctx, &councilsv1.RecordFieldActivityRequest{Id: processID, FieldActivity: &councilsv1.FieldActivity{
			Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: now.In(nlgov.Amsterdam()).AddDate(0, 0, -v.daysAgo).Format(time.DateOnly),
			Place: v.place, MunicipalityCode: v.municipality, ResidentsReached: v.reached,
		}})
		if err != nil {
			return created, fmt.Errorf("demo visit: %w", err)
		}
		created++
	}
	return created, nil
}

// retryWhile calls fn until it returns anything but an error of code, for
// up to a minute: for what another service has to learn from an event
// first.
func retryWhile(ctx context.Context, code codes.Code, fn func() error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := fn()
		if status.Code(err) != code || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
