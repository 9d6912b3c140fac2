package workspace

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// workspace returns the fake service and a site that uses it.
func workspace(t *testing.T) (*fakeCouncils, *Site) {
	t.Helper()
	fake := newFakeCouncils()
	return fake, newSite(t, Config{Councils: fake.serve(t)})
}

func TestWorkspacePagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	tests := []struct {
		path   string
		as     auth.Identity
		nl, en []string
	}{
		{"/agenda", webtest.VelsenChair,
			[]string{"<h1 class=\"utrecht-heading-1\">Agenda van Velsen</h1>", "Gevraagd", "Ongevraagd", "Mantelzorg", "Advies nodig vóór", "1 september 2026", "Regionaal (IJmond): Beverwijk, Velsen", "Afgewezen", "Geen sociaal domein."},
			[]string{"<h1 class=\"utrecht-heading-1\">Agenda of Velsen</h1>", "Solicited", "Unsolicited", "Informal care", "Advice needed by", "1 September 2026", "Regional (IJmond): Beverwijk, Velsen", "Rejected"}},
		{"/agenda/nieuw", webtest.VelsenOfficer,
			[]string{"Vraag voorleggen aan de raad", "Alleen Velsen", "Regionaal: IJmond", "Deelnemende gemeenten", "Heemskerk"},
			[]string{"Raise a question with the council", "Velsen only", "Regional: IJmond", "Participating municipalities", "Heemskerk"}},
		{"/trajecten", webtest.VelsenChair,
			[]string{"Trajecten van Velsen", "Vormen kiezen", "Terugkoppelen", "Afgesloten", "Klaar voor de volgende fase: Concretiseren", "Nog nodig voor Vormen kiezen:", "de precieze vraag"},
			[]string{"Processes of Velsen", "Choose forms", "Feed back", "Closed", "Ready for the next phase: Concretise", "Still needed for Choose forms:", "the precise question"}},
		{"/trajecten/p-execute", webtest.VelsenChair,
			[]string{"Schuldhulp voor jongeren", "Fase: Uitvoeren", "Stappenplan", "Volgende fase: Analyseren", "Voedselbank IJmuiden", "Tijdlijn", "Belangenverklaringen", "Bezoek aan bestaande groep"},
			[]string{"Schuldhulp voor jongeren", "Phase: Execute", "Step plan", "Next phase: Analyse", "Voedselbank IJmuiden", "Timeline", "Declarations of interest", "Visit to an existing group"}},
		{"/trajecten/p-regional/veldactiviteit", webtest.VelsenChair,
			[]string{"Veldactiviteit vastleggen", "Kies een vorm", "Spiegelgesprek", "Kies een gemeente", "Schrijf geen namen van inwoners op."},
			[]string{"Record a field activity", "Choose a form", "Mirror conversation", "Choose a municipality", "Do not write down residents&#39; names."}},
		{"/raad", webtest.VelsenChair,
			[]string{"Participatieraad van Velsen", "Voorzitter", "Lid", "Oud-leden", "Secretaris", "7 vacatures", "Alleen gevraagd advies"},
			[]string{"Participation council of Velsen", "Chair", "Member", "Former members", "Secretary", "7 vacancies", "Solicited advice only"}},
	}
	for _, tc := range tests {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.path+"/"+lang, func(t *testing.T) {
				t.Parallel()
				resp, body := webtest.Send(t, site, webtest.Request{Target: tc.path, As: &tc.as, Lang: lang})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status = %d, want 200", resp.StatusCode)
				}
				if !strings.Contains(body, `<html lang="`+lang+`"`) {
					t.Errorf("page is not in %s", lang)
				}
				want := tc.nl
				if lang == "en" {
					want = tc.en
				}
				webtest.MustContain(t, body, want...)
			})
		}
	}
}

func TestWorkspaceCallsTheServiceAsThePerson(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	webtest.Send(t, site, webtest.Request{Target: "/agenda", As: &webtest.VelsenChair})
	subjects := fake.Subjects()
	if len(subjects) == 0 {
		t.Fatal("the service was not called")
	}
	for _, s := range subjects {
		if s != webtest.VelsenChair.Subject {
			t.Errorf("a call was made for %q, want %q", s, webtest.VelsenChair.Subject)
		}
	}
}

// A page asked for without a login sends the visitor to log in and come
// back. A form sent without one (the session ended while it was filled in)
// gets a page that says so and offers the same login: a redirect would
// pass the form on to the identity provider, which browsers block under
// the form-action policy, so the person would see nothing happen.
func TestWorkspaceSendsAnonymousVisitorsToLogIn(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	tests := []struct {
		method, target, wantReturn string
	}{
		{"GET", "/agenda?thema=mantelzorg", "/agenda?thema=mantelzorg"},
		{"GET", "/trajecten/p-intake", "/trajecten/p-intake"},
		{"GET", "/raad", "/raad"},
		{"POST", "/agenda/besluit?herkomst=gevraagd", "/agenda?herkomst=gevraagd"},
		{"POST", "/trajecten/p-intake/fase", "/trajecten/p-intake"},
		{"POST", "/trajecten/p-intake/veldactiviteit", "/trajecten/p-intake/veldactiviteit"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			t.Parallel()
			rq := webtest.Request{Method: tc.method, Target: tc.target}
			if tc.method == "POST" {
				rq.Form = url.Values{}
			}
			resp, body := webtest.Send(t, site, rq)
			want := "/auth/login?returnTo=" + url.QueryEscape(tc.wantReturn)
			if tc.method == "POST" {
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401", resp.StatusCode)
				}
				webtest.MustContain(t, body, "Je bent niet meer ingelogd", "Wat je invulde is niet opgeslagen",
					`href="`+template.HTMLEscapeString(want)+`"`)
				return
			}
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			if got := resp.Header.Get("Location"); got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
		})
	}
}

func TestWorkspaceWithoutTheServiceSaysSo(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	for _, path := range []string{"/agenda", "/agenda/nieuw", "/trajecten", "/trajecten/p-1", "/raad"} {
		resp, body := webtest.Send(t, site, webtest.Request{Target: path, As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: status = %d, want 503", path, resp.StatusCode)
		}
		webtest.MustContain(t, body, "Dit onderdeel is niet beschikbaar")
	}
}

func TestWorkspaceNeedsATenant(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	nobody := auth.Identity{Subject: "u-new", Name: "Nieuw"}
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda", As: &nobody})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Je werkt nog niet voor een organisatie")
}

func TestServiceErrorsBecomeErrorPages(t *testing.T) {
	t.Parallel()
	const secret = "pq: connection to 10.0.0.7 refused"
	tests := []struct {
		code       codes.Code
		wantStatus int
		want       string
	}{
		{codes.NotFound, http.StatusNotFound, "Deze pagina bestaat niet"},
		{codes.PermissionDenied, http.StatusForbidden, "Dit mag je niet"},
		{codes.Unavailable, http.StatusServiceUnavailable, "tijdelijk niet beschikbaar"},
		{codes.Internal, http.StatusInternalServerError, "Er ging iets mis"},
		{codes.Unknown, http.StatusInternalServerError, "Er ging iets mis"},
	}
	for _, tc := range tests {
		t.Run(tc.code.String(), func(t *testing.T) {
			t.Parallel()
			fake, site := workspace(t)
			fake.FailWith("GetProcess", status.Error(tc.code, secret))
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake", As: &webtest.VelsenChair})
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			webtest.MustContain(t, body, tc.want, `<nav class="utrecht-nav-bar mdn-nav"`)
			webtest.MustNotContain(t, body, secret)
		})
	}
}

func TestWorkspacePagesHaveNoInlineStyleOrScript(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	forbidden := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|https?://`)
	for _, path := range []string{"/agenda", "/agenda/nieuw", "/trajecten", "/trajecten/p-execute", "/trajecten/p-regional/veldactiviteit", "/raad"} {
		_, body := webtest.Send(t, site, webtest.Request{Target: path, As: &webtest.VelsenChair})
		if m := forbidden.FindString(body); m != "" {
			t.Errorf("%s holds %q: the CSP would block it, or it reaches another site", path, m)
		}
	}
}

// The keys the site computes from the API's values must all be in the
// catalogue; a missing one would show as its key.
func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	var need []string
	for v := range councilsv1.Phase_name {
		need = append(need, phaseKey(councilsv1.Phase(v)))
	}
	for v := range councilsv1.FormKind_name {
		need = append(need, formKey(councilsv1.FormKind(v)))
	}
	for v := range councilsv1.Origin_name {
		need = append(need, originKey(councilsv1.Origin(v)))
	}
	for v := range councilsv1.QuestionStatus_name {
		need = append(need, statusKey(councilsv1.QuestionStatus(v)))
	}
	for v := range councilsv1.MemberRole_name {
		need = append(need, memberRoleKey(councilsv1.MemberRole(v)))
	}
	for _, k := range doneKeys {
		need = append(need, "done."+k)
	}
	for _, k := range gateKeys {
		need = append(need, k)
	}
	for _, p := range []string{"notenant", "unconfigured", "unavailable", "forbidden", "internal", "badform"} {
		need = append(need, "error."+p+".title", "error."+p+".heading", "error."+p+".body")
	}
	for _, o := range []string{solicitedValue, unsolicitedValue} {
		need = append(need, "question.origin.hint."+o)
	}
	for _, lang := range kit.Langs {
		for _, k := range need {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}

func TestWorkspaceRefusesCrossSiteForms(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	r := httptest.NewRequest(http.MethodPost, "/agenda/besluit", strings.NewReader("vraag=q-open&besluit=aannemen"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, _ := webtest.Get(t, webtest.WithIdentity(webtest.VelsenChair, site.Handler()), r)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", resp.StatusCode)
	}
	if fake.Request("DecideQuestion") != nil {
		t.Error("a cross-site form reached the service")
	}
}
