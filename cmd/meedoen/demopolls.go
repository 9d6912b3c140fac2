package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// demoPollSlug is the open link of the demo's shared flash poll:
// /p/minima-ijmond.
const demoPollSlug = "minima-ijmond"

// loadDemoPolls gives the demo something to answer and to watch: the
// regional minima process gets an open flash poll on an open link that
// checks postcodes (/p/minima-ijmond) with a few dozen answers from the
// three municipalities, and Velsen's home-help process a draft
// questionnaire to edit in the builder. processes maps a demo question's
// title to its process id. It does nothing when polls exist.
func loadDemoPolls(ctx context.Context, client surveysv1.SurveysServiceClient, processes map[string]string) (int, error) {
	existing, err := client.ListPolls(ctx, &surveysv1.ListPollsRequest{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("demo polls: %w", err)
	}
	if len(existing.GetPolls()) > 0 {
		return 0, nil
	}
	nl := func(nl, en string) *surveysv1.Text { return &surveysv1.Text{Nl: nl, En: en} }
	opt := func(id, nl, en string) *surveysv1.Option {
		return &surveysv1.Option{Id: id, Label: &surveysv1.Text{Nl: nl, En: en}}
	}
	created := 0

	regional := processes["Regionale minimaregelingen: vinden inwoners de weg?"]
	if regional != "" {
		p, err := client.CreatePoll(ctx, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
			ProcessId: regional, Tenant: demoRegion.id, Participants: []string{"GM0453", "GM0375", "GM0396"},
			Kind:  surveysv1.PollKind_POLL_KIND_FLASH_POLL,
			Title: nl("Minimaregelingen in de IJmond", "Support for low incomes in the IJmond"),
			Intro: nl("De participatieraden van Velsen, Beverwijk en Heemskerk willen weten of inwoners de regelingen voor een laag inkomen kunnen vinden. Invullen kost twee minuten.",
				"The participation councils of Velsen, Beverwijk and Heemskerk want to know whether residents can find the support for low incomes. It takes two minutes."),
			Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{
				{Id: "kennis", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Required: true,
					Text:    nl("Ken je de regelingen van je gemeente voor mensen met een laag inkomen?", "Do you know your municipality's support for people on a low income?"),
					Options: []*surveysv1.Option{opt("goed", "Ja, goed", "Yes, well"), opt("beetje", "Een beetje", "A little"), opt("nee", "Nee", "No")}},
				{Id: "bronnen", Type: surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, MaxChoices: 3, Other: true,
					Text:    nl("Waar zoek je informatie over geldzaken?", "Where do you look for information about money matters?"),
					Options: []*surveysv1.Option{opt("website", "Website van de gemeente", "The municipality's website"), opt("loket", "Loket in het gemeentehuis", "Desk at the town hall"), opt("buren", "Familie, vrienden of buren", "Family, friends or neighbours"), opt("welzijn", "Welzijnswerk of maatschappelijk werk", "Social work")}},
				{Id: "aanvragen", Type: surveysv1.QuestionType_QUESTION_TYPE_LIKERT, Required: true,
					Text: nl("Een regeling aanvragen is eenvoudig.", "Applying for support is easy.")},
				{Id: "tip", Type: surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, MaxLength: 1000,
					Text: nl("Wat zou het makkelijker maken?", "What would make it easier?")},
			}}},
			Slug:           demoPollSlug,
			Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK, PostcodeCheck: true},
			OpensAt:        timestamppb.New(time.Now().Add(time.Hour)),
			ClosesAt:       timestamppb.New(time.Now().Add(14 * 24 * time.Hour)),
			ResultsSharing: nl("De raden bespreken de uitkomst in hun vergadering van februari en zetten het advies op hun website.", "The councils discuss the outcome at their February meeting and put their advice on their websites."),
		}})
		if err != nil {
			return created, fmt.Errorf("demo poll: %w", err)
		}
		created++
		if err := scheduleDemoPoll(ctx, client, p.GetId()); err != nil {
			return created, fmt.Errorf("scheduling the demo poll: %w", err)
		}
		if _, err := client.OpenPoll(ctx, &surveysv1.OpenPollRequest{Id: p.GetId()}); err != nil {
			return created, fmt.Errorf("opening the demo poll: %w", err)
		}
		if err := answerDemoPoll(ctx, client); err != nil {
			return created, err
		}
	}

	if velsen := processes["Wachttijden bij huishoudelijke hulp"]; velsen != "" {
		_, err := client.CreatePoll(ctx, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
			ProcessId: velsen, Tenant: "GM0453", Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
			Title: nl("Wachten op huishoudelijke hulp", "Waiting for home help"),
			Intro: nl("Een concept: de raad werkt de vragen nog uit.", "A draft: the council is still working on the questions."),
			Sections: []*surveysv1.Section{{Id: "s1", Title: nl("Je situatie", "Your situation"), Questions: []*surveysv1.Question{
				{Id: "weken", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER, Min: "0", Max: "104", Step: "1", Unit: nl("weken", "weeks"),
					Text: nl("Hoeveel weken wachtte je op huishoudelijke hulp?", "How many weeks did you wait for home help?")},
			}}},
			Audience: &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL},
		}})
		if err != nil {
			return created, fmt.Errorf("demo draft poll: %w", err)
		}
		created++
	}
	return created, nil
}

// scheduleDemoPoll schedules the poll with id, waiting a few seconds for
// the surveys service to hear that its process is in execute: the
// councils' process.phase_changed event reaches its projection some
// milliseconds after the loader moved the process.
func scheduleDemoPoll(ctx context.Context, client surveysv1.SurveysServiceClient, id string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := client.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id})
		if status.Code(err) != codes.FailedPrecondition || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// demoPanels are a few fictional panel members per municipality, with
// example.nl addresses that reach nobody, so that the panel pages and a
// panel invitation have someone to show and to mail (to /dev/mail). Their
// neighbourhoods are names from the built-in demo list
// (internal/neighbourhood), which the import turns into codes.
var demoPanels = []struct {
	code, postcode string
	wijken         []string
}{
	{"GM0453", "1971", []string{"IJmuiden", "Driehuis", "Velserbroek"}},
	{"GM0375", "1941", []string{"Beverwijk-Centrum", "Wijk aan Zee"}},
	{"GM0396", "1965", []string{"Heemskerk-Noord", "Heemskerk-Centrum"}},
}

// loadDemoPanels imports the demo panels through the same call the import
// page makes, and reports how many members it added.
func loadDemoPanels(ctx context.Context, client surveysv1.PanelsServiceClient) (int, error) {
	bands := []string{"18-26", "27-40", "41-65", "66-75", "76+"}
	added := 0
	for _, p := range demoPanels {
		csv := "email;postcode;wijk;leeftijdsgroep;toestemming_datum\n"
		for i := range 12 {
			csv += fmt.Sprintf("panellid%d.%s@example.nl;%s AB;%s;%s;2026-10-01\n",
				i+1, p.code, p.postcode, p.wijken[i%len(p.wijken)], bands[i%len(bands)])
		}
		out, err := client.ImportPanelMembers(ctx, &surveysv1.ImportPanelMembersRequest{
			MunicipalityCode: p.code, Csv: []byte(csv), ConsentVersion: "meedoen-panel-2026-11",
		})
		if err != nil {
			return added, fmt.Errorf("demo panel %s: %w", p.code, err)
		}
		added += int(out.GetImported())
	}
	return added, nil
}

// answerDemoPoll answers the demo's open poll as 36 browsers from the three
// municipalities, through the same call the resident's page makes, so that
// its tally has something to show.
func answerDemoPoll(ctx context.Context, client surveysv1.SurveysServiceClient) error {
	municipalities := []string{"GM0453", "GM0453", "GM0375", "GM0396"}
	knows := []string{"goed", "beetje", "beetje", "nee", "nee", "nee"}
	sources := [][]string{{"website"}, {"buren"}, {"welzijn", "buren"}, {"loket"}, {"website", "loket"}}
	for i := range 36 {
		id := make([]byte, 32)
		if _, err := rand.Read(id); err != nil {
			return err
		}
		_, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
			Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
				Slug: demoPollSlug, RespondentId: base64.RawURLEncoding.EncodeToString(id), MunicipalityCode: municipalities[i%len(municipalities)],
			}},
			Answers: map[string]*surveysv1.Answer{
				"kennis":    {Choice: knows[i%len(knows)]},
				"bronnen":   {Choices: sources[i%len(sources)]},
				"aanvragen": {Value: fmt.Sprint(1 + i%5)},
			},
			IdempotencyKey: fmt.Sprintf("demo-%d", i),
		})
		if err != nil {
			return fmt.Errorf("answering the demo poll: %w", err)
		}
	}
	return nil
}
