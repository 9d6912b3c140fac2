package polls

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// builderSite returns the fake services and a site that uses both: the
// councils service for the processes a poll can serve.
func builderSite(t *testing.T) (*fakeSurveys, *Site) {
	t.Helper()
	surveys := newFakeSurveys()
	surveys.addDraft(&surveysv1.Poll{
		Id: questionnaireDraft, ProcessId: "p-intake", Tenant: "GM0453", Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
		Status: surveysv1.PollStatus_POLL_STATUS_DRAFT, Title: webtest.Text("Vervoer naar de dagbesteding", ""),
	})
	return surveys, newSite(t, Config{Surveys: surveys.serve(t), Councils: newFakeCouncils().serve(t)})
}

// formOf returns what a browser would send for the form that posts to
// action on the page, without any button: text boxes, hidden fields,
// checked boxes, textareas and each select's chosen option.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	start := strings.Index(body, `action="`+action+`"`)
	if start < 0 {
		t.Fatalf("the page has no form that posts to %s", action)
	}
	end := strings.Index(body[start:], "</form>")
	form := body[start : start+end]
	vals := url.Values{}
	attr := regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	attrs := func(tag string) map[string]string {
		m := map[string]string{}
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		return m
	}
	for _, tag := range regexp.MustCompile(`<input [^>]*>`).FindAllString(form, -1) {
		a := attrs(tag)
		if (a["type"] == "checkbox" || a["type"] == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		vals.Add(a["name"], a["value"])
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		vals.Add(attrs(m[1])["name"], html.UnescapeString(m[2]))
	}
	option := regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	for _, m := range regexp.MustCompile(`(?s)<select ([^>]*)>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		opts := option.FindAllStringSubmatch(m[2], -1)
		if len(opts) == 0 {
			continue
		}
		chosen := opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				chosen = o[1]
			}
		}
		vals.Add(attrs(m[1])["name"], html.UnescapeString(chosen))
	}
	return vals
}

// press posts the editor's form as shown, changed by set, with the
// button op, and returns the response.
func press(t *testing.T, site *Site, id, op string, set url.Values) (*http.Response, string) {
	t.Helper()
	editor := "/peilingen/" + id + "/bewerken"
	resp, body := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", editor, resp.StatusCode)
	}
	form := formOf(t, body, editor)
	for k, v := range set {
		form[k] = v
	}
	form.Set(bfAction, op)
	return webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair, Form: form})
}

func TestNewPollForAProcess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		form    url.Values
		want    *surveysv1.Poll
		comment string
	}{
		{
			name: "a local process makes a municipality's poll",
			form: url.Values{"traject": {"p-intake"}, "soort": {"flitspeiling"}, "titel.nl": {" Vervoer "}, "titel.en": {"Transport"}, "intro.nl": {"Kort."}},
			want: &surveysv1.Poll{
				ProcessId: "p-intake", Tenant: "GM0453", Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL,
				Title: webtest.Text("Vervoer", "Transport"), Intro: webtest.Text("Kort.", ""),
			},
		},
		{
			name: "a regional process makes a shared poll",
			form: url.Values{"traject": {"p-regional"}, "soort": {"vragenlijst"}, "titel.nl": {"Stembureaus"}},
			want: &surveysv1.Poll{
				ProcessId: "p-regional", Tenant: "ijmond", Participants: []string{"GM0453", "GM0396"},
				Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Title: webtest.Text("Stembureaus", ""),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/nieuw", As: &webtest.VelsenChair, Form: tc.form})
			if got, want := resp.Header.Get("Location"), "/peilingen/poll-new/bewerken?gelukt=aangemaakt"; resp.StatusCode != http.StatusSeeOther || got != want {
				t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
			}
			got := fake.Request("CreatePoll").(*surveysv1.CreatePollRequest).GetPoll()
			if diff := cmp.Diff(tc.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("CreatePoll (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the form offers the tenant's processes", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/nieuw?traject=p-regional", As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Nieuwe peiling", ">Vervoer naar de dagbesteding</option>",
			`<option value="p-regional" selected>Toegankelijke stembureaus (regionaal, IJmond)</option>`,
			`id="soort-flitspeiling" name="soort" value="flitspeiling" checked`, ">Concept maken</button>")
	})
	t.Run("without a process nothing is created", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/nieuw", As: &webtest.VelsenChair, Form: url.Values{"titel.nl": {"Zonder traject"}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#traject"`, `id="traject-fout"`, "Kies een traject.", `value="Zonder traject"`)
		if n := fake.CallsOf("CreatePoll"); n != 0 {
			t.Errorf("CreatePoll called %d times", n)
		}
	})
	t.Run("the service's objection is next to its field", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.FailWith("CreatePoll", webtest.Invalid("/title/nl", "is required"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/nieuw", As: &webtest.VelsenChair, Form: url.Values{"traject": {"p-intake"}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#titel.nl"`, `id="titel.nl-fout"`)
	})
}

func TestBuilderAddsEveryQuestionTypeAndSavesTheDefinition(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	// A questionnaire starts with a part to put its questions in.
	resp, _ := press(t, site, questionnaireDraft, opAddSection, nil)
	if got, want := resp.Header.Get("Location"), "/peilingen/poll-questionnaire/bewerken?gelukt=opgeslagen#deel-s1"; got != want {
		t.Fatalf("adding a part: Location = %q, want %q", got, want)
	}
	for i, qt := range questionTypes {
		resp, body := press(t, site, questionnaireDraft, "toevoegen.s1", url.Values{"deel.s1.nieuw": {typeValue(qt)}})
		want := "/peilingen/poll-questionnaire/bewerken?gelukt=opgeslagen#vraag-q" + strconv.Itoa(i+1)
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("adding a %s question: got %d to %q, want 303 to %q\n%s", qt, resp.StatusCode, got, want, body)
		}
	}
	// Then fill some in, in the editor's own words.
	resp, body := press(t, site, questionnaireDraft, opSave, url.Values{
		"deel.s1.titel.nl":    {"Over de rit"},
		"vraag.q1.tekst.nl":   {"Hoe reist u?"},
		"vraag.q1.tekst.en":   {"How do you travel?"},
		"vraag.q1.verplicht":  {"ja"},
		"vraag.q1.opties":     {"Met de bus | By bus\r\nMet de taxi | By taxi\r\n\r\nLopend\r\n"},
		"vraag.q1.anders":     {"ja"},
		"vraag.q2.min-keuzes": {"1"},
		"vraag.q2.max-keuzes": {"2"},
		"vraag.q2.voorwaarde": {"q1=b"},
		"vraag.q4.labels":     {"Slecht | Bad\nGoed | Good"},
		"vraag.q6.rijen":      {"De rit is op tijd | The ride is on time\nDe chauffeur helpt | The driver helps"},
		"vraag.q7.min":        {"0"},
		"vraag.q7.max":        {"40"},
		"vraag.q7.stap":       {"0,5"}, // a Dutch decimal comma
		"vraag.q7.eenheid.nl": {"uur per week"},
		"vraag.q8.max-lengte": {"80"},
		"vraag.q9.hulp.nl":    {"Vertel het ons."},
		"vraag.q3.voorwaarde": {"q1=other"},
		"vraag.q5.opties":     {"Keuze 2\nKeuze 1\nNog een"},
		"vraag.q5.tekst.nl":   {"Wat is het belangrijkst?"},
		"vraag.q9.verplicht":  {"ja"},
		"vraag.q3.tekst.nl":   {"De rit is prettig."},
		"vraag.q6.tekst.nl":   {"Wat vindt u ervan?"},
		"vraag.q2.tekst.nl":   {"Wanneer reist u?"},
		"vraag.q2.opties":     {"Ochtend\nMiddag\nAvond"},
		"vraag.q4.tekst.nl":   {"Welk cijfer geeft u de rit?"},
		"vraag.q7.tekst.nl":   {"Hoeveel uur reist u?"},
		"vraag.q8.tekst.nl":   {"Uw woonplaats"},
		"vraag.q9.tekst.nl":   {"Wat kan beter?"},
		"vraag.q9.tekst.en":   {"What could be better?"},
		"vraag.q4.hulp.en":    {"0 is bad"},
		"vraag.q4.hulp.nl":    {"0 is slecht"},
		"vraag.q6.kolommen":   {"Eens | Agree\nOneens | Disagree\nWeet niet"},
		"vraag.q7.eenheid.en": {"hours a week"},
		"vraag.q5.verplicht":  {"ja"},
		"vraag.q6.verplicht":  {"ja"},
		"deel.s1.titel.en":    {"About the ride"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: status %d\n%s", resp.StatusCode, body)
	}
	en := func(nl, en string) *surveysv1.Text { return webtest.Text(nl, en) }
	nl := func(s string) *surveysv1.Text { return webtest.Text(s, "") }
	o := func(id string, t *surveysv1.Text) *surveysv1.Option { return &surveysv1.Option{Id: id, Label: t} }
	q := func(id string, qt surveysv1.QuestionType, t *surveysv1.Text) *surveysv1.Question {
		return &surveysv1.Question{Id: id, Type: qt, Text: t}
	}
	want := []*surveysv1.Section{{
		Id: "s1", Title: en("Over de rit", "About the ride"),
		Questions: []*surveysv1.Question{
			func() *surveysv1.Question {
				x := q("q1", surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, en("Hoe reist u?", "How do you travel?"))
				x.Required, x.Other = true, true
				// The lines take the ids of the options at their place.
				x.Options = []*surveysv1.Option{o("a", en("Met de bus", "By bus")), o("b", en("Met de taxi", "By taxi")), o("c", nl("Lopend"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q2", surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, nl("Wanneer reist u?"))
				x.Options = []*surveysv1.Option{o("a", nl("Ochtend")), o("b", nl("Middag")), o("c", nl("Avond"))}
				x.MinChoices, x.MaxChoices = 1, 2
				x.ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"b"}}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q3", surveysv1.QuestionType_QUESTION_TYPE_LIKERT, nl("De rit is prettig."))
				x.ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"other"}}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q4", surveysv1.QuestionType_QUESTION_TYPE_SCALE, nl("Welk cijfer geeft u de rit?"))
				x.Help = en("0 is slecht", "0 is bad")
				x.Labels = []*surveysv1.Text{en("Slecht", "Bad"), en("Goed", "Good")}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q5", surveysv1.QuestionType_QUESTION_TYPE_RANKING, nl("Wat is het belangrijkst?"))
				x.Required = true
				// Reordered lines keep their ids; a new one gets a new id.
				x.Options = []*surveysv1.Option{o("b", nl("Keuze 2")), o("a", nl("Keuze 1")), o("c", nl("Nog een"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q6", surveysv1.QuestionType_QUESTION_TYPE_MATRIX, nl("Wat vindt u ervan?"))
				x.Required = true
				x.Rows = []*surveysv1.Option{o("a", en("De rit is op tijd", "The ride is on time")), o("b", en("De chauffeur helpt", "The driver helps"))}
				x.Columns = []*surveysv1.Option{o("a", en("Eens", "Agree")), o("b", en("Oneens", "Disagree")), o("c", nl("Weet niet"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q7", surveysv1.QuestionType_QUESTION_TYPE_NUMBER, nl("Hoeveel uur reist u?"))
				x.Min, x.Max, x.Step, x.Unit = "0", "40", "0.5", en("uur per week", "hours a week")
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q8", surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, nl("Uw woonplaats"))
				x.MaxLength = 80
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q9", surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, en("Wat kan beter?", "What could be better?"))
				x.Help, x.Required = nl("Vertel het ons."), true
				return x
			}(),
		},
	}}
	req := fake.Request("UpdatePoll").(*surveysv1.UpdatePollRequest)
	if diff := cmp.Diff(want, req.GetPoll().GetSections(), protocmp.Transform()); diff != "" {
		t.Errorf("UpdatePoll's sections (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(draftMask, req.GetUpdateMask().GetPaths()); diff != "" {
		t.Errorf("UpdatePoll's mask (-want +got):\n%s", diff)
	}
	// What was saved shows again as it was typed.
	_, body = webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + questionnaireDraft + "/bewerken", As: &webtest.VelsenChair})
	webtest.MustContain(t, body, ">Met de bus | By bus\nMet de taxi | By taxi\nLopend\n</textarea>",
		`<option value="q1=b" selected>antwoord is Met de taxi</option>`, `<optgroup label="Vraag 1: Hoe reist u?">`,
		`name="vraag.q8.max-lengte" value="80"`, `value="uur per week"`, "Vraag 9: Lange tekst",
		// The API's 0.5 in the page's Dutch.
		`name="vraag.q7.stap" value="0,5"`, "Met een komma voor decimalen, bijvoorbeeld 2,5.")
}
