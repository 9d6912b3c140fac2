package panels

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// panelSite returns the fake panels service and a site that uses it.
func panelSite(t *testing.T) (*fakePanels, *Site) {
	t.Helper()
	panels := newFakePanels()
	return panels, newSite(t, Config{Panels: panels.serve(t)})
}

// signupForm is a sign-up that the site accepts.
func signupForm() url.Values {
	return url.Values{
		"gemeente": {"GM0453"}, "email": {"sam@example.nl"}, "postcode": {"1971 ab"}, "wijk": {"VEL-01"},
		"leeftijd": {"27-40"}, "toestemming": {"ja"}, "versie": {signupConsentVersion},
	}
}

func TestSignupFormShowsTheConsentStatement(t *testing.T) {
	t.Parallel()
	_, site := panelSite(t)
	tests := []struct {
		name, target, lang string
		want, notWant      []string
	}{
		{
			name: "any municipality", target: "/panel/aanmelden", lang: "nl",
			want: []string{
				"Meld je aan voor het inwonerspanel", `<select class="utrecht-select utrecht-select--html-select" id="gemeente" name="gemeente"`,
				`<option value="GM0375">Beverwijk</option>`, `<option value="GM0453">Velsen</option>`,
				"Wat we bewaren", "Waarom", "Hoe lang", "Afmelden", "Versie van deze tekst: " + signupConsentVersion,
				`name="versie" value="` + signupConsentVersion + `"`, `type="checkbox" id="toestemming" name="toestemming" value="ja"`,
				`<option value="76&#43;">76 jaar of ouder</option>`, `action="/panel/aanmelden"`,
				// The neighbourhoods of every municipality, grouped under its name, after the choice not to say.
				`<select class="utrecht-select utrecht-select--html-select" id="wijk" name="wijk" aria-describedby="wijk-hint">` + "\n" +
					`<option value="" selected>Zeg ik liever niet</option>` + "\n" +
					`<optgroup label="Beverwijk">` + "\n" + `<option value="BEV-05">Wijk aan Zee</option>` + "\n" + `</optgroup>` + "\n" +
					`<optgroup label="Velsen">` + "\n" + `<option value="VEL-04">Driehuis</option>` + "\n" + `<option value="VEL-01">IJmuiden</option>` + "\n" + `</optgroup>`,
			},
			notWant: []string{`value="ijmond"`, "Uitloggen", "Inloggen"},
		},
		{
			name: "one municipality, English", target: "/panel/aanmelden/GM0453", lang: "en",
			want: []string{"Join the residents&#39; panel of Velsen", "What we keep", `action="/panel/aanmelden/GM0453"`,
				`<option value="" selected>I&#39;d rather not say</option>` + "\n" + `<option value="VEL-04">Driehuis</option>`},
			notWant: []string{`id="gemeente"`, "<optgroup", "Wijk aan Zee"},
		},
		{
			name: "a municipality without neighbourhoods is not asked for one", target: "/panel/aanmelden/GM0396", lang: "nl",
			want:    []string{"Meld je aan voor het inwonerspanel van Heemskerk"},
			notWant: []string{`id="wijk"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, Lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.want...)
			webtest.MustNotContain(t, body, tc.notWant...)
		})
	}
	t.Run("a region or unknown code is no panel", func(t *testing.T) {
		t.Parallel()
		for _, target := range []string{"/panel/aanmelden/ijmond", "/panel/aanmelden/GM9999"} {
			if resp, _ := webtest.Send(t, site, webtest.Request{Target: target}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status = %d, want 404", target, resp.StatusCode)
			}
		}
	})
}

func TestSignupErrorsAreTiedToTheirFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		form    func(url.Values)
		refuse  error // the service's answer
		want    [][2]string
		invalid []string // inputs marked aria-invalid
	}{
		{
			name: "nothing filled in",
			form: func(f url.Values) {
				f.Del("gemeente")
				f.Del("email")
				f.Del("toestemming")
			},
			want: [][2]string{
				{"#gemeente", "Je gemeente: Kies je gemeente."},
				{"#email", "Je e-mailadres: Vul je e-mailadres in."},
				{"#toestemming", "Toestemming: Geef toestemming om je aan te melden."},
			},
			invalid: []string{"gemeente", "email", "toestemming"},
		},
		{
			name:   "the service refuses the address and the postcode",
			refuse: webtest.Invalid("/email", "is not an e-mail address", "/postcode", "is not a Dutch postcode such as 1971 AB"),
			want: [][2]string{
				{"#email", "Je e-mailadres: Vul een e-mailadres in zoals naam@voorbeeld.nl."},
				{"#postcode", "Je postcode: Vul een postcode in zoals 1971 AB of 1971, of laat dit leeg."},
			},
			invalid: []string{"email", "postcode"},
		},
		{
			name: "a neighbourhood of another municipality, or typed",
			form: func(f url.Values) { f.Set("wijk", "BEV-05") },
			want: [][2]string{
				{"#wijk", "Je wijk: Kies een wijk uit de lijst van de gemeente die je koos, of kies ‘Zeg ik liever niet’."},
			},
			invalid: []string{"wijk"},
		},
		{
			name:   "the service refuses the neighbourhood",
			refuse: webtest.Invalid("/neighbourhood", "is not one of this municipality's neighbourhoods"),
			want: [][2]string{
				{"#wijk", "Je wijk: Kies een wijk uit de lijst van de gemeente die je koos, of kies ‘Zeg ik liever niet’."},
			},
			invalid: []string{"wijk"},
		},
		{
			name: "the consent text changed while the form was open",
			form: func(f url.Values) { f.Set("versie", "meedoen-panel-2020-01") },
			want: [][2]string{
				{"#toestemming", "Toestemming: De tekst over je gegevens is net gewijzigd. Lees hem en geef opnieuw toestemming."},
			},
			invalid: []string{"toestemming"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			panels, site := panelSite(t)
			if tc.refuse != nil {
				panels.FailWith("SignUp", tc.refuse)
			}
			form := signupForm()
			if tc.form != nil {
				tc.form(form)
			}
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden", Form: form})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", resp.StatusCode)
			}
			if diff := cmp.Diff(tc.want, webtest.SummaryOf(t, body)); diff != "" {
				t.Errorf("error summary (-want +got):\n%s", diff)
			}
			for _, name := range tc.invalid {
				webtest.MustContain(t, body, `id="`+name+`-fout"`)
				if !regexp.MustCompile(`id="` + name + `"[^>]*aria-describedby="([^"]* )?` + name + `-fout"`).MatchString(body) {
					t.Errorf("the input %s does not point to its error", name)
				}
			}
			webtest.MustContain(t, body, "<title>Fout: Aanmelden voor het inwonerspanel · Meedoen</title>")
			if tc.refuse == nil && panels.CallsOf("SignUp") != 0 {
				t.Error("the site asked the service about a form it should have refused itself")
			}
		})
	}
}

func TestSignupEndsOnAPageThatRevealsNothing(t *testing.T) {
	t.Parallel()
	panels, site := panelSite(t)
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden", Form: signupForm(), Lang: "nl"})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/panel/aanmelden/verstuurd" {
		t.Fatalf("got %d to %q, want 303 to the page that says a mail was sent", resp.StatusCode, got)
	}
	want := &surveysv1.SignUpRequest{
		MunicipalityCode: "GM0453", Email: "sam@example.nl", Postcode: "1971 ab", Neighbourhood: "VEL-01",
		AgeBand: "27-40", ConsentVersion: signupConsentVersion, Language: "nl",
	}
	if diff := cmp.Diff(want, panels.Request("SignUp"), protocmp.Transform()); diff != "" {
		t.Errorf("SignUp request (-want +got):\n%s", diff)
	}
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden/verstuurd"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Bevestig je aanmelding: we hebben je een e-mail gestuurd")
	webtest.MustNotContain(t, body, "sam@example.nl")

	t.Run("the municipality from the URL", func(t *testing.T) {
		form := signupForm()
		form.Set("gemeente", "GM0375") // ignored: the URL decides
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden/GM0453", Form: form, Lang: "en"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		got := panels.Request("SignUp").(*surveysv1.SignUpRequest)
		if got.GetMunicipalityCode() != "GM0453" || got.GetLanguage() != "en" {
			t.Errorf("signed up for %q in %q, want GM0453 in en", got.GetMunicipalityCode(), got.GetLanguage())
		}
	})
}

func TestSignupForAMunicipalityWithoutAPanel(t *testing.T) {
	t.Parallel()
	panels, site := panelSite(t)
	panels.FailWith("SignUp", webtest.Invalid("/municipalityCode", "is not a municipality with a panel"))
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden/GM0396", Form: signupForm()})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("with the municipality in the URL: status = %d, want 404", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Deze gemeente heeft hier geen inwonerspanel")

	resp, body = webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden", Form: signupForm()})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("with the municipality chosen: status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#gemeente", "Je gemeente: Kies je gemeente."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
}

func TestMailLinksChangeNothingUntilTheButtonIsPressed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, method string
		token              string
		button, done, body string
		// again is the status of a second POST: a confirmation link
		// works once, leaving twice is fine.
		again int
	}{
		{"confirming a sign-up", "/panel/bevestigen/", "ConfirmSignUp", confirmToken, "Ja, ik meld me aan", "/panel/bevestigd?gemeente=GM0453", "Je bent aangemeld", http.StatusNotFound},
		{"leaving the panel", "/panel/afmelden/", "Unsubscribe", leaveToken, "Ja, meld me af", "/panel/afgemeld?gemeente=GM0453", "Je bent afgemeld", http.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			panels, site := panelSite(t)
			link := tc.path + tc.token

			// A mail scanner fetches the link: nothing happens.
			for range 2 {
				resp, body := webtest.Send(t, site, webtest.Request{Target: link})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET status = %d, want 200", resp.StatusCode)
				}
				webtest.MustContain(t, body, `<form class="utrecht-form" method="post" action="`+link+`">`, tc.button+"</button>")
			}
			if n := panels.CallsOf(tc.method); n != 0 {
				t.Fatalf("GET called %s %d times, want none", tc.method, n)
			}

			resp, _ := webtest.Send(t, site, webtest.Request{Target: link, Form: url.Values{}})
			if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != tc.done {
				t.Fatalf("POST: got %d to %q, want 303 to %q", resp.StatusCode, got, tc.done)
			}
			if diff := cmp.Diff(tc.token, tokenOf(panels.Request(tc.method))); diff != "" {
				t.Errorf("token sent (-want +got):\n%s", diff)
			}
			_, body := webtest.Send(t, site, webtest.Request{Target: tc.done})
			webtest.MustContain(t, body, tc.body, "Velsen")

			resp, body = webtest.Send(t, site, webtest.Request{Target: link, Form: url.Values{}})
			if resp.StatusCode != tc.again {
				t.Errorf("second POST: status = %d, want %d", resp.StatusCode, tc.again)
			}
			if tc.again == http.StatusNotFound {
				webtest.MustContain(t, body, "Deze link werkt niet (meer)")
			}
		})
	}
	t.Run("what cannot be a token", func(t *testing.T) {
		t.Parallel()
		panels, site := panelSite(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panel/afmelden/kort", Form: url.Values{}})
		if resp.StatusCode != http.StatusNotFound || panels.CallsOf("Unsubscribe") != 0 {
			t.Errorf("got %d after %d calls, want 404 without asking the service", resp.StatusCode, panels.CallsOf("Unsubscribe"))
		}
	})
}

func tokenOf(m proto.Message) string {
	switch r := m.(type) {
	case *surveysv1.ConfirmSignUpRequest:
		return r.GetToken()
	case *surveysv1.UnsubscribeRequest:
		return r.GetToken()
	}
	return ""
}

func TestResidentPanelPagesWithoutTheService(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden"})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Het inwonerspanel is hier niet beschikbaar")
}
