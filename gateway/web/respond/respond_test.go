package respond

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// pollSite returns the fake surveys service and a site that uses it.
func pollSite(t *testing.T, cfg Config) (*fakeSurveys, *Site) {
	t.Helper()
	fake := newFakeSurveys()
	cfg.Surveys = fake.serve(t)
	return fake, newSite(t, cfg)
}

// formKeyOf returns the idempotency key in a page's form.
func formKeyOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="sleutel" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no idempotency key")
	}
	return m[1]
}

// respondentCookieOf returns the respondent cookie a response sets, or nil.
func respondentCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "meedoen_respondent" {
			return c
		}
	}
	return nil
}

func TestPollShowsEveryQuestionType(t *testing.T) {
	t.Parallel()
	_, site := pollSite(t, Config{})
	tests := []struct {
		name   string
		lang   string
		wants  []string
		absent []string
	}{
		{"Dutch", "nl", []string{
			`<title>Vervoer naar de dagbesteding · Meedoen</title>`,
			`<h1 class="utrecht-heading-1">Vervoer naar de dagbesteding</h1>`,
			"Je kunt meedoen tot 29 maart 2026, 18:00.",
			`<h2 class="utrecht-heading-2">Over jou</h2>`, `<h2 class="utrecht-heading-2">Tot slot</h2>`,
			// single choice: radios in a fieldset, "other, namely…" with its text box
			`<span class="mdn-question__number">1.</span> Hoe ga je nu naar de dagbesteding? <span class="mdn-required">(verplicht)</span></legend>`,
			`type="radio" id="v.q1.taxi" name="v.q1" value="taxi"`,
			`type="radio" id="v.q1.other" name="v.q1" value="other"`,
			`<label class="utrecht-form-label" for="v.q1.other.text">Toelichting bij ‘Anders, namelijk’</label>`,
			// number: the range and step in the hint, the unit after it
			`Een getal van 0 tot en met 40, in stappen van 0,5.`,
			`inputmode="decimal" autocomplete="off" aria-describedby="v.q2-hint v.q2-eenheid"> <span class="mdn-unit" id="v.q2-eenheid">uur per week</span>`,
			// multiple choice: checkboxes, the limits in the hint
			`<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset mdn-fieldset mdn-question" aria-describedby="v.q3-hint">`,
			`Kies er 1 tot en met 2.`, `type="checkbox" id="v.q3.prijs" name="v.q3" value="prijs"`,
			// Likert with a condition, required only when shown
			`Verplicht als je bij vraag 1 ‘Met de regiotaxi’ koos. Anders sla je deze vraag over.`,
			`<label class="utrecht-form-label utrecht-form-label--radio" for="v.q4.4">Mee eens</label>`,
			// scale: 0 to 10 side by side, the ends explained
			`0 betekent ‘helemaal niet tevreden’, 10 betekent ‘heel tevreden’.`,
			`<div class="mdn-options mdn-options--scale">`, `id="v.q5.0" name="v.q5" value="0"`, `id="v.q5.10" name="v.q5" value="10"`,
			// ranking: a select of places per option
			`<label class="utrecht-form-label" for="v.q6.prijs">De prijs</label>`,
			`id="v.q6.prijs" name="v.q6.prijs">`, `<option value="" selected>Kies een plaats</option>`,
			// matrix: a group per row
			`<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend mdn-legend--small">De bus zelf</legend>`,
			`id="v.q7.bus.slecht" name="v.q7.bus" value="slecht"`,
			// texts with their limits
			`Gebruik hoogstens 200 tekens.`, `<textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="v.q9" name="v.q9" rows="6" aria-describedby="v.q9-hint">`,
			`<button class="utrecht-button utrecht-button--primary-action" type="submit">Antwoorden versturen</button>`,
		}, []string{`(verplicht)</span></legend>
<div class="utrecht-form-field__description mdn-hints" id="v.q4-hint">`, "Hoofdmenu", "Inloggen"}},
		{"English, with Dutch where the poll has no English", "en", []string{
			`<h1 class="utrecht-heading-1">Transport to day care</h1>`,
			`<span class="mdn-question__number">1.</span> How do you get to day care now? <span class="mdn-required">(required)</span>`,
			`A number from 0 to 40, in steps of 0.5.`,
			`Required if you chose ‘By regional taxi’ at question 1. Otherwise skip this question.`,
			`<span class="mdn-question__number">8.</span> <span lang="nl">Wat mis je nu het meest?</span>`,
			`Send my answers`,
		}, []string{"Main menu", "Log in"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wants...)
			webtest.MustNotContain(t, body, tc.absent...)
			if got := formKeyOf(t, body); !idempotencyKeyPattern.MatchString(got) {
				t.Errorf("idempotency key %q is not one the form makes", got)
			}
		})
	}
}

func TestPollSendsTheAnswersOfEveryQuestionType(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	type answers = map[string]*surveysv1.Answer
	tests := []struct {
		name string
		form url.Values
		want answers
	}{
		{"single choice", url.Values{"v.q1": {"bus"}}, answers{"q1": {Choice: "bus"}}},
		{"other, namely with its text", url.Values{"v.q1": {"other"}, "v.q1.other.text": {"Lopend"}},
			answers{"q1": {Choice: "other", Other: "Lopend"}}},
		{"a text after other, namely chooses it", url.Values{"v.q1.other.text": {"Mijn zoon brengt me"}},
			answers{"q1": {Choice: "other", Other: "Mijn zoon brengt me"}}},
		{"a number as typed", url.Values{"v.q2": {"2,5"}}, answers{"q2": {Value: "2,5"}}},
		{"multiple choice", url.Values{"v.q3": {"optijd", "prijs"}}, answers{"q3": {Choices: []string{"optijd", "prijs"}}}},
		{"multiple choice with a text after other, namely", url.Values{"v.q3": {"optijd"}, "v.q3.other.text": {"Een vaste chauffeur"}},
			answers{"q3": {Choices: []string{"optijd", "other"}, Other: "Een vaste chauffeur"}}},
		{"Likert", url.Values{"v.q4": {"4"}}, answers{"q4": {Value: "4"}}},
		{"scale at zero", url.Values{"v.q5": {"0"}}, answers{"q5": {Value: "0"}}},
		{"ranking", url.Values{"v.q6.tijd": {"2"}, "v.q6.prijs": {"1"}, "v.q6.hulp": {"3"}},
			answers{"q6": {Ranks: map[string]int32{"tijd": 2, "prijs": 1, "hulp": 3}}}},
		{"ranking in part", url.Values{"v.q6.prijs": {"1"}, "v.q6.tijd": {""}}, answers{"q6": {Ranks: map[string]int32{"prijs": 1}}}},
		{"matrix", url.Values{"v.q7.chauffeur": {"goed"}, "v.q7.bus": {"slecht"}},
			answers{"q7": {Rows: map[string]string{"chauffeur": "goed", "bus": "slecht"}}}},
		{"short and long text", url.Values{"v.q8": {"Een bankje bij de halte"}, "v.q9": {"Regel 1\r\nRegel 2"}},
			answers{"q8": {Text: "Een bankje bij de halte"}, "q9": {Text: "Regel 1\r\nRegel 2"}}},
		{"questions left open are left out", url.Values{"v.q1": {""}, "v.q1.other.text": {" "}, "v.q2": {""}, "v.q6.tijd": {""}, "v.q7.bus": {""}, "v.q9": {""}},
			answers{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := webtest.Token(tc.name)
			fake.invite(token)
			_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + token})
			key := formKeyOf(t, page)
			tc.form.Set("sleutel", key)
			resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + token, Form: tc.form})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			if got, want := resp.Header.Get("Location"), "/i/"+token+"/bedankt"; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			got := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest)
			want := &surveysv1.SubmitResponseRequest{
				Respondent:     &surveysv1.SubmitResponseRequest_InvitationToken{InvitationToken: token},
				Answers:        tc.want,
				IdempotencyKey: key,
			}
			if diff := cmp.Diff(want, got, protocmp.Transform(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SubmitResponse request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPollShowsTheServicesObjectionsAtTheirFields(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	// In another order than the page's, as a service may name them.
	fake.FailWith("SubmitResponse", webtest.Invalid(
		"/answers/q7/bus", "is required: answer every row",
		"/idempotencyKey", "must be 1 to 255 visible ASCII characters",
		"/answers/q1/other", `is required when choosing "other, namely…"`,
		"/answers/q3", "choose at most 2 options (chose 3)",
		"/answers/q2", "must be from 0 to 40",
		"/answers/q6/hulp", "has no position: a ranking puts every option in order",
		"/answers/q8", "must be at most 200 characters (is 250)",
		"/answers/q9/text", "is not valid UTF-8 text",
	))
	_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
	key := formKeyOf(t, page)
	form := url.Values{
		"sleutel": {key}, "v.q1": {"other"}, "v.q2": {"50"}, "v.q3": {"optijd", "hulp", "prijs"},
		"v.q6.prijs": {"1"}, "v.q7.chauffeur": {"goed"}, "v.q8": {strings.Repeat("a", 250)}, "v.q9": {"Lang <verhaal> & meer"},
	}
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}

	want := [][2]string{
		{"#v.q1.other.text", "Vraag 1, ‘Anders, namelijk’: Vul in wat je bedoelt."},
		{"#v.q2", "Vraag 2: Vul een getal in van 0 tot en met 40."},
		{"#v.q3.optijd", "Vraag 3: Kies er hoogstens 2."},
		{"#v.q6.hulp", "Vraag 6, ‘De hulp onderweg’: Geef dit antwoord een plaats."},
		{"#v.q7.bus.goed", "Vraag 7, ‘De bus zelf’: Kies bij deze regel een antwoord."},
		{"#v.q8", "Vraag 8: Je tekst is te lang: het zijn 250 tekens, en er mogen er hoogstens 200 zijn."},
		{"#v.q9", "Vraag 9: Controleer dit antwoord."},
		{"", "Het formulier kon niet worden verwerkt. Controleer je antwoorden en verstuur ze opnieuw."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary, in the page's order (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body,
		`<title>Fout: Vervoer naar de dagbesteding · Meedoen</title>`,
		// each message next to its field, named by the field's aria-describedby
		`aria-describedby="v.q1.other.text-hint v.q1.other.text-fout" aria-invalid="true"`,
		`<div class="utrecht-form-field__error-message" id="v.q1.other.text-fout">`,
		`aria-describedby="v.q2-hint v.q2-fout v.q2-eenheid" aria-invalid="true"`,
		`mdn-question utrecht-form-fieldset--invalid" aria-describedby="v.q3-hint v.q3-fout">`,
		"id=\"v.q3-fout\">\n<p class=\"utrecht-form-field-error-message\">Kies er hoogstens 2.</p>",
		`aria-describedby="v.q6.hulp-fout" aria-invalid="true"`,
		`mdn-matrix__row utrecht-form-fieldset--invalid" aria-describedby="v.q7.bus-fout">`,
		// what was entered is still there, the form's key too
		`id="v.q1.other" name="v.q1" value="other" checked>`,
		`id="v.q2" name="v.q2" value="50"`,
		`id="v.q3.hulp" name="v.q3" value="hulp" checked>`,
		`<option value="1" selected>1</option>`,
		`id="v.q7.chauffeur.goed" name="v.q7.chauffeur" value="goed" checked>`,
		`Lang &lt;verhaal&gt; &amp; meer</textarea>`,
		`name="sleutel" value="`+key+`"`,
	)
	if n := len(fake.responses()); n != 0 {
		t.Errorf("%d responses stored, want none", n)
	}
}

func TestPollObjectionsInEnglish(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	fake.FailWith("SubmitResponse", webtest.Invalid("/answers/q5", "is required", "/answers/q2", "is ambiguous: write whole numbers without a thousands separator (1000) and decimals with a comma (2,5)"))
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Lang: "en", Form: url.Values{"v.q2": {"1.000"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{
		{"#v.q2", "Question 2: Write the number without a thousands separator (1000), and decimals with a point (2.5)."},
		{"#v.q5.0", "Question 5: Answer this question."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
}

func TestPollSubmittedTwiceIsStoredOnce(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
	form := url.Values{"sleutel": {formKeyOf(t, page)}, "v.q1": {"bus"}, "v.q5": {"7"}}

	// A double click, or a reload that sends the form again: both end on
	// the thank-you page.
	for i := range 2 {
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/i/"+questionnaireToken+"/bedankt" {
			t.Fatalf("submit %d: status %d to %q, want 303 to the thank-you page", i+1, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if n := len(fake.responses()); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}

	// The same form shown again in another tab has another key: it is
	// answered already.
	_, other := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
	if !strings.Contains(other, "Je hebt deze peiling al ingevuld") {
		t.Fatal("a second visit shows the form again")
	}
	form.Set("sleutel", "AAAAAAAAAAAAAAAAAAAAAA")
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Je hebt deze peiling al ingevuld", "De raad bespreekt de uitkomsten op 14 april")
	if n := len(fake.responses()); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
}

func TestPollAnsweredShowsSoOnTheLink(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	token := webtest.Token("answered")
	fake.invite(token)
	_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + token})
	if resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + token, Form: url.Values{"sleutel": {formKeyOf(t, page)}, "v.q1": {"fiets"}}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status = %d, want 303", resp.StatusCode)
	}
	tests := []struct {
		lang  string
		wants []string
	}{
		{"nl", []string{"<title>Al ingevuld: ", "Je hebt deze peiling al ingevuld", "Vervoer naar de dagbesteding",
			"Wat er met de uitkomsten gebeurt", "De raad bespreekt de uitkomsten op 14 april"}},
		{"en", []string{"You already answered this poll", "Transport to day care", "What happens with the results",
			"The council discusses the results on 14 April"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + token, Lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wants...)
			webtest.MustNotContain(t, body, "<form class=\"utrecht-form mdn-form mdn-poll\"")
		})
	}
}

func TestPollThatTakesNoAnswers(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	tests := []struct {
		slug  string
		wants []string
	}{
		{closedSlug, []string{"Deze peiling is gesloten", "De peiling sloot op 8 maart 2026, 23:59.", "De uitkomst staat vanaf 20 maart op ijmuiden.nl."}},
		{scheduledSlug, []string{"Deze peiling is nog niet open", "De peiling opent op 1 maart 2026, 09:00."}},
		{cancelledSlug, []string{"Deze peiling gaat niet door"}},
	}
	for _, tc := range tests {
		t.Run(tc.slug, func(t *testing.T) {
			t.Parallel()
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + tc.slug})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wants...)
			if c := respondentCookieOf(resp); c != nil {
				t.Error("a poll that takes no answers set a respondent cookie")
			}
		})
	}

	t.Run("closed while the form was open", func(t *testing.T) {
		token := webtest.Token("closed while open")
		fake.invite(token)
		_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + token})
		fake.setStatus("i/"+token, surveysv1.PollStatus_POLL_STATUS_CLOSED)
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + token, Form: url.Values{"sleutel": {formKeyOf(t, page)}, "v.q1": {"bus"}}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Deze peiling is gesloten")
	})
}
