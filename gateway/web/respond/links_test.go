package respond

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/limited"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"time"
)

func TestRespondentCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		secure     bool
		target     string
		wantSecure bool
	}{
		{"plain-HTTP development", false, "http://meedoen.test/p/" + flashSlug, false},
		{"TLS at the site", false, "https://meedoen.test/p/" + flashSlug, true},
		{"https public URL behind a proxy", true, "http://meedoen.test/p/" + flashSlug, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeSurveys()
			site := newSiteWith(t, Config{Surveys: fake.serve(t)}, kit.Config{SecureCookies: tc.secure}, nil)
			resp, page := webtest.Send(t, site, webtest.Request{Target: tc.target})
			c := respondentCookieOf(resp)
			if c == nil {
				t.Fatal("the poll page set no respondent cookie")
			}
			if !c.HttpOnly || c.Secure != tc.wantSecure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge <= 0 {
				t.Errorf("cookie = %+v, want HttpOnly, Secure %v, SameSite=Lax, Path=/ and an age", c, tc.wantSecure)
			}
			id, ok := site.respondents.plain.Read(requestWith(c))
			if !ok {
				t.Fatal("the cookie does not hold a respondent id")
			}

			// The browser comes back with it: no new cookie, and the same
			// id asks whether it answered and answers.
			resp, _ = webtest.Send(t, site, webtest.Request{Target: tc.target, Cookies: []*http.Cookie{c}})
			if respondentCookieOf(resp) != nil {
				t.Error("a browser with a respondent cookie got another")
			}
			if got := fake.Request("GetPollForRespondent").(*surveysv1.GetPollForRespondentRequest).GetRespondentId(); got != id {
				t.Errorf("GetPollForRespondent asked for respondent %q, want %q", got, id)
			}
			resp, _ = webtest.Send(t, site, webtest.Request{Target: tc.target, Cookies: []*http.Cookie{c},
				Form: url.Values{"sleutel": {formKeyOf(t, page)}, "v.fq1": {"ja"}}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("submit: status = %d, want 303", resp.StatusCode)
			}
			want := &surveysv1.OpenLinkRespondent{Slug: flashSlug, RespondentId: id}
			got := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest).GetOpenLink()
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("open-link respondent (-want +got):\n%s", diff)
			}
			_, body := webtest.Send(t, site, webtest.Request{Target: tc.target, Cookies: []*http.Cookie{c}})
			webtest.MustContain(t, body, "Je hebt deze peiling al ingevuld")
		})
	}

	t.Run("no cookie for a link that leads nowhere", func(t *testing.T) {
		t.Parallel()
		_, site := pollSite(t, Config{})
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/p/bestaat-niet"})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", resp.StatusCode)
		}
		if respondentCookieOf(resp) != nil {
			t.Error("an unknown poll set a respondent cookie")
		}
	})

	t.Run("a browser without the cookie gets one when it answers", func(t *testing.T) {
		t.Parallel()
		fake, site := pollSite(t, Config{})
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Form: url.Values{"v.fq1": {"nee"}}})
		c := respondentCookieOf(resp)
		if resp.StatusCode != http.StatusSeeOther || c == nil {
			t.Fatalf("status %d, cookie %v: want 303 and a new cookie", resp.StatusCode, c)
		}
		id, _ := site.respondents.plain.Read(requestWith(c))
		if got := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest).GetOpenLink().GetRespondentId(); got != id {
			t.Errorf("answered as %q, want the new cookie's %q", got, id)
		}
	})
}

// requestWith is a request that carries c.
func requestWith(c *http.Cookie) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://meedoen.test/", nil)
	r.AddCookie(c)
	return r
}

func TestThanksPage(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	token := webtest.Token("thanks")
	fake.invite(token)

	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + token + "/bedankt"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/i/"+token {
		t.Errorf("before answering: status %d to %q, want 303 to the poll", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug + "/bedankt"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/p/"+flashSlug {
		t.Errorf("open link without a cookie: status %d to %q, want 303 to the poll", resp.StatusCode, resp.Header.Get("Location"))
	}

	webtest.Send(t, site, webtest.Request{Target: "/i/" + token, Form: url.Values{"v.q1": {"taxi"}}})
	for _, tc := range []struct {
		lang  string
		wants []string
	}{
		{"nl", []string{"<title>Bedankt: ", "Bedankt voor je antwoorden", "Wat er met de uitkomsten gebeurt",
			"De raad bespreekt de uitkomsten op 14 april in een openbare vergadering."}},
		{"en", []string{"Thank you for your answers", "What happens with the results", "The council discusses the results on 14 April"}},
	} {
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + token + "/bedankt", Lang: tc.lang})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status = %d, want 200", tc.lang, resp.StatusCode)
		}
		webtest.MustContain(t, body, tc.wants...)
	}
}

func TestPollLinksThatLeadNowhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		target   string
		asksUs   bool // whether the service is asked
		wantBody string
	}{
		{"not a token", "/i/abc", false, "Deze link werkt niet"},
		{"a token cut short", "/i/" + questionnaireToken[:40], false, "Deze link werkt niet"},
		{"an unknown token", "/i/" + webtest.Token("nobody"), true, "Deze link werkt niet"},
		{"not a slug", "/p/Bankjes_IJmuiden", false, "Deze link werkt niet"},
		{"an unknown slug", "/p/bestaat-niet", true, "We vinden geen peiling bij deze link."},
		{"the thank-you page of an unknown token", "/i/" + webtest.Token("nobody") + "/bedankt", true, "Deze link werkt niet"},
		{"below a poll", "/p/" + flashSlug + "/iets", false, "Deze pagina bestaat niet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := pollSite(t, Config{})
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target})
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %d, want 404", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wantBody)
			if asked := fake.CallsOf("GetPollForRespondent") > 0; asked != tc.asksUs {
				t.Errorf("asked the service: %v, want %v", asked, tc.asksUs)
			}
		})
	}
}

func TestPollServiceTrouble(t *testing.T) {
	t.Parallel()
	t.Run("not configured", func(t *testing.T) {
		t.Parallel()
		resp, body := webtest.Send(t, newSite(t, Config{}), webtest.Request{Target: "/p/" + flashSlug})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Peilingen zijn hier niet beschikbaar")
	})
	for _, tc := range []struct {
		code   codes.Code
		status int
		want   string
	}{
		{codes.Unavailable, http.StatusServiceUnavailable, "De peiling is tijdelijk niet bereikbaar"},
		{codes.Internal, http.StatusInternalServerError, "Er ging bij ons iets mis."},
	} {
		t.Run("reading the poll: "+tc.code.String(), func(t *testing.T) {
			t.Parallel()
			fake, site := pollSite(t, Config{})
			fake.FailWith("GetPollForRespondent", status.Error(tc.code, "internal detail that stays inside"))
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			webtest.MustContain(t, body, tc.want)
			webtest.MustNotContain(t, body, "internal detail")
		})
	}
	t.Run("sending the answers", func(t *testing.T) {
		t.Parallel()
		fake, site := pollSite(t, Config{})
		_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
		key := formKeyOf(t, page)
		form := url.Values{"sleutel": {key}, "v.q1": {"bus"}, "v.q8": {"Een bankje"}}
		fake.FailWith("SubmitResponse", status.Error(codes.Unavailable, "connection refused"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Je antwoorden konden nu niet worden verstuurd.", `value="Een bankje"`, `name="sleutel" value="`+key+`"`)

		// Sending the form again, once the service is back, goes through.
		fake.FailWith("SubmitResponse", nil)
		if resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sent again: status = %d, want 303", resp.StatusCode)
		}
	})
	t.Run("a form too large", func(t *testing.T) {
		t.Parallel()
		_, site := pollSite(t, Config{})
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: url.Values{"v.q9": {strings.Repeat("x", maxPollFormBytes)}}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status = %d, want 400", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Het formulier kon niet worden gelezen")
	})
}

func TestPostcodeCheck(t *testing.T) {
	t.Parallel()
	postcodes := map[string]string{"1951AB": "GM0453", "1941AA": "GM0375"}
	lookup := func(p string) (string, bool) { c, ok := postcodes[p]; return c, ok }
	fake, site := pollSite(t, Config{Postcodes: lookup})

	_, page := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug})
	webtest.MustContain(t, page,
		`<label class="utrecht-form-label" for="postcode">Je postcode <span class="mdn-required">(verplicht)</span></label>`,
		`autocomplete="postal-code" aria-describedby="postcode-hint"`)

	tests := []struct {
		name, typed string
		want        string // the error, or "" for none
	}{
		{"left open", "", "Vul je postcode in."},
		{"not a postcode", "19511", "Vul een postcode in zoals 1971 AB."},
		{"a letter pair never issued", "1951 SS", "Vul een postcode in zoals 1971 AB."},
		{"outside the municipalities", "1011 AB", "Deze peiling is alleen voor inwoners van Velsen, Beverwijk en Heemskerk. Je postcode hoort daar niet bij."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug, Form: url.Values{"postcode": {tc.typed}, "v.fq1": {"ja"}}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", resp.StatusCode)
			}
			webtest.MustContain(t, body, `href="#postcode">Je postcode: `+tc.want, `id="postcode-fout"`, `value="`+tc.typed+`"`)
			if got := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest).GetOpenLink().GetMunicipalityCode(); got != "" {
				t.Errorf("the answers went out with municipality %q for a postcode that is not right", got)
			}
		})
	}

	t.Run("an empty form names every problem at once", func(t *testing.T) {
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug, Form: url.Values{"postcode": {""}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#postcode">Je postcode: Vul je postcode in.`, `href="#v.fq1`)
		if strings.Index(body, `href="#postcode"`) > strings.Index(body, `href="#v.fq1`) {
			t.Error("the summary does not follow the form's order: the postcode comes first")
		}
	})

	t.Run("a postcode elsewhere", func(t *testing.T) {
		fake.FailWith("SubmitResponse", webtest.Invalid("/openLink/municipalityCode", `"GM0375" does not take part in this poll`))
		t.Cleanup(func() { fake.FailWith("SubmitResponse", nil) })
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug, Form: url.Values{"postcode": {"1941AA"}, "v.fq1": {"ja"}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Deze peiling is alleen voor inwoners van Velsen, Beverwijk en Heemskerk.")
	})

	t.Run("a known postcode, typed loosely", func(t *testing.T) {
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug, Form: url.Values{"postcode": {" 1951 ab "}, "v.fq1": {"ja"}}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got := fake.Request("SubmitResponse").(*surveysv1.SubmitResponseRequest).GetOpenLink().GetMunicipalityCode(); got != "GM0453" {
			t.Errorf("municipality = %q, want GM0453", got)
		}
	})

	t.Run("no postcode table", func(t *testing.T) {
		_, site := pollSite(t, Config{})
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + postcodeSlug})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Deze peiling kan hier nu niet worden ingevuld")
	})
}

func TestNormalPostcode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"1951AB", "1951AB", true},
		{" 1951 ab ", "1951AB", true},
		{"1951\tAb", "1951AB", true},
		{"0951AB", "", false},
		{"1951A", "", false},
		{"1951 SA", "", false},
		{"1951 SD", "", false},
		{"19511AB", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := normalPostcode(tc.typed)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normalPostcode(%q) = %q, %v; want %q, %v", tc.typed, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPollMessageKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	var need []string
	for _, k := range []string{"poll.thanks", "poll.answered", "poll.closed", "poll.scheduled", "poll.cancelled", "poll.notfound",
		"error.polls.unconfigured", "error.polls.unavailable", "error.polls.internal", "error.polls.postcodes", "error.polls.badform"} {
		need = append(need, k+".title", k+".heading", k+".body")
	}
	need = append(need, "poll.error.postcode.missing", "poll.error.postcode.format", "poll.error.postcode.elsewhere", "poll.postcode.theMunicipalities", "poll.and")
	for _, lang := range kit.Langs {
		for _, k := range need {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("the %s catalogue lacks %q", lang, k)
			}
		}
	}
}

// A submit within seconds of the form reads the answers with the form the
// page was shown with, without asking the service for the poll again; a
// poll that closed meanwhile still refuses the answer, since the service
// judges the submit itself.
func TestPollSubmitReusesTheFormItShowed(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	_, page := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken})
	m := regexp.MustCompile(`name="peiling" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the form does not name its poll")
	}
	shown := fake.CallsOf("GetPollForRespondent")
	form := url.Values{"sleutel": {formKeyOf(t, page)}, "peiling": {m[1]}, "v.q1": {"bus"}, "v.q5": {"7"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/i/" + questionnaireToken, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d, want 303", resp.StatusCode)
	}
	if got := fake.CallsOf("GetPollForRespondent"); got != shown {
		t.Errorf("the submit asked for the poll again (%d calls, %d before)", got, shown)
	}
	if diff := cmp.Diff(&surveysv1.Answer{Choice: "bus"}, fake.responses()[0].GetAnswers()["q1"], protocmp.Transform()); diff != "" {
		t.Errorf("answer to q1 (-want +got):\n%s", diff)
	}

	// Another resident of the same poll, whose form is cached too, finds
	// it closed in between.
	_, other := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug})
	m = regexp.MustCompile(`name="peiling" value="([^"]*)"`).FindStringSubmatch(other)
	if m == nil {
		t.Fatal("the open link's form does not name its poll")
	}
	fake.setStatus("p/"+flashSlug, surveysv1.PollStatus_POLL_STATUS_CLOSED)
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Form: url.Values{"sleutel": {formKeyOf(t, other)}, "peiling": {m[1]}}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("submit to a poll closed meanwhile: status %d, want 409", resp.StatusCode)
	}
	webtest.MustNotContain(t, body, `name="sleutel"`)
}

// "Once per browser" outlives a restart and holds on every replica when
// the sites share the respondent key (cmd/meedoen keeps it in the
// gateway's schema): a browser that answered on one site is known to
// another site with the same key, and would be a new respondent to a site
// with a key of its own.
func TestAnswerOnceOutlivesARestart(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	fake := newFakeSurveys()
	conn := fake.serve(t)
	before := newSite(t, Config{Surveys: conn, RespondentKey: key})
	resp, page := webtest.Send(t, before, webtest.Request{Target: "/p/" + flashSlug})
	c := respondentCookieOf(resp)
	if c == nil {
		t.Fatal("the poll page set no respondent cookie")
	}
	if resp, _ := webtest.Send(t, before, webtest.Request{Target: "/p/" + flashSlug, Cookies: []*http.Cookie{c},
		Form: url.Values{"sleutel": {formKeyOf(t, page)}, "v.fq1": {"ja"}}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status = %d, want 303", resp.StatusCode)
	}

	after := newSite(t, Config{Surveys: conn, RespondentKey: key})
	_, body := webtest.Send(t, after, webtest.Request{Target: "/p/" + flashSlug, Cookies: []*http.Cookie{c}})
	webtest.MustContain(t, body, "Je hebt deze peiling al ingevuld")

	elsewhere := newSite(t, Config{Surveys: conn, RespondentKey: bytes.Repeat([]byte{8}, 32)})
	_, body = webtest.Send(t, elsewhere, webtest.Request{Target: "/p/" + flashSlug, Cookies: []*http.Cookie{c}})
	webtest.MustNotContain(t, body, "Je hebt deze peiling al ingevuld")
}

// limitedSite marks every request as over the gateway's rate limit with
// wait to go, as gateway.LimitPages does.
type limitedSite struct {
	webtest.Site
	wait time.Duration
}

func (s limitedSite) Handler() http.Handler {
	h := s.Site.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(limited.With(r.Context(), s.wait)))
	})
}

// TestRateLimitedAnswersAreKept: a resident over the rate limit (a shared
// address) gets the form back as typed, in Dutch, with when to send it
// again, and nothing is sent; the same form sent later goes through with
// the same key.
func TestRateLimitedAnswersAreKept(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	form := url.Values{"v.fq1": {"ja"}, "v.fq3": {"Meer bankjes bij de haven"}, pollform.KeyField: {"sleutelVanHetFormulier"}}
	resp, body := webtest.Send(t, limitedSite{site, 3 * time.Second}, webtest.Request{Target: "/p/" + flashSlug, Form: form})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("status = %d, want 429", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Wacht 3 seconden en verstuur het formulier dan opnieuw. Je antwoorden staan er nog.",
		"Meer bankjes bij de haven", `value="sleutelVanHetFormulier"`)
	webtest.MustNotContain(t, body, `"type"`, "rate limit")
	if n := fake.CallsOf("SubmitResponse"); n != 0 {
		t.Errorf("SubmitResponse called %d times over the limit, want 0", n)
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: "/p/" + flashSlug, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sent again later: status %d, want 303", resp.StatusCode)
	}
	resp, body = webtest.Send(t, limitedSite{site, time.Second}, webtest.Request{Target: "/p/" + flashSlug, Form: form, Lang: "en"})
	webtest.MustContain(t, body, "Wait 1 second and send the form again.")
}
