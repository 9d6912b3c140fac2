package respond

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// feedbackSite is a site whose flash poll offers feedback on the outcome.
func feedbackSite(t *testing.T) (*fakeSurveys, *Site) {
	t.Helper()
	fake, site := pollSite(t, Config{})
	fake.mu.Lock()
	fake.polls["p/"+flashSlug].OffersFeedback = true
	fake.mu.Unlock()
	return fake, site
}

func TestPollOffersFeedbackOnTheOutcome(t *testing.T) {
	t.Parallel()
	_, site := feedbackSite(t)
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{
			`<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Wil je horen wat er met je antwoord gebeurt?</legend>`,
			`<label class="utrecht-form-label" for="email">Laat dan je e-mailadres achter <span class="mdn-optional">(niet verplicht)</span></label>`,
			`id="email-hint">We bewaren je e-mailadres los van je antwoord`,
			`type="email" id="email" name="email" value="" autocomplete="email" spellcheck="false" aria-describedby="email-hint">`,
		}},
		{"en", []string{
			`>Would you like to hear what happens with your answer?</legend>`,
			`for="email">Then leave your e-mail address <span class="mdn-optional">`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			_, page := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Lang: tt.lang})
			webtest.MustContain(t, page, tt.want...)
			// The question comes after the answers, just before sending.
			if strings.Index(page, `id="email"`) < strings.Index(page, `name="v.fq3"`) {
				t.Error("the address is asked before the questions")
			}
		})
	}
}

func TestPollSendsTheFeedbackAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		offered   bool
		typed     string
		lang      string
		wantEmail string
		wantLang  string
	}{
		{name: "given", offered: true, typed: " inwoner@example.nl ", wantEmail: "inwoner@example.nl", wantLang: "nl"},
		{name: "given on the English page", offered: true, typed: "resident@example.com", lang: "en", wantEmail: "resident@example.com", wantLang: "en"},
		{name: "left empty", offered: true, typed: ""},
		{name: "posted where none is offered", offered: false, typed: "inwoner@example.nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, site := pollSite(t, Config{})
			fake.mu.Lock()
			fake.polls["p/"+flashSlug].OffersFeedback = tt.offered
			fake.mu.Unlock()
			resp, _ := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Lang: tt.lang, Form: url.Values{"v.fq1": {"ja"}, "email": {tt.typed}}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			req := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest)
			got := [2]string{req.GetFeedbackEmail(), req.GetFeedbackLanguage()}
			if diff := cmp.Diff([2]string{tt.wantEmail, tt.wantLang}, got); diff != "" {
				t.Errorf("feedback address and language (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPollShowsAnInvalidFeedbackAddressAtItsField(t *testing.T) {
	t.Parallel()
	fake, site := feedbackSite(t)
	fake.FailWith("SubmitResponse", webtest.Invalid("/feedbackEmail", "is not an e-mail address"))
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Form: url.Values{"v.fq1": {"ja"}, "email": {"inwoner at example.nl"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{{"#email", "Je e-mailadres: Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl, of laat het veld leeg."}}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body,
		`<div class="utrecht-form-field__error-message" id="email-fout">`,
		`value="inwoner at example.nl" autocomplete="email" spellcheck="false" aria-describedby="email-hint email-fout" aria-invalid="true">`,
	)
}

func TestPollFeedbackMessageKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	for _, lang := range kit.Langs {
		for _, k := range []string{"poll.feedback.legend", "poll.feedback.label", "poll.feedback.field", "poll.feedback.hint", "poll.error.feedback"} {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("the %s catalogue lacks %q", lang, k)
			}
		}
	}
}
