package web

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// velsenChair chairs Velsen's council: the board role that decides on
// questions.
var velsenChair = auth.Identity{
	Subject: "u-chair",
	Name:    "Fatima El Amrani",
	Grants:  []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}},
}

// velsenOfficer is a policy officer of Velsen, who asks for advice.
var velsenOfficer = auth.Identity{
	Subject: "u-officer",
	Name:    "Pieter Bakker",
	Grants:  []auth.Grant{{Tenant: "GM0453", Role: auth.PolicyOfficer}},
}

// ijmondCoordinator coordinates the IJmond region: a region as tenant.
var ijmondCoordinator = auth.Identity{
	Subject: "u-coordinator",
	Name:    "Yvonne Koster",
	Grants:  []auth.Grant{{Tenant: "ijmond", Role: auth.RegionalCoordinator}},
}

// workspace returns the fake service and a site that uses it.
func workspace(t *testing.T) (*fakeCouncils, *Site) {
	t.Helper()
	fake := newFakeCouncils()
	return fake, newSite(t, Config{Councils: fake.serve(t)})
}

// request is one request to the site.
type request struct {
	method string // GET unless set
	target string
	as     *auth.Identity
	form   url.Values // posted when set
	lang   string
	// cookies are sent along, as a browser sends what it was given.
	cookies []*http.Cookie
}

// send sends rq through the site's handler.
func send(t *testing.T, s *Site, rq request) (*http.Response, string) {
	t.Helper()
	method := rq.method
	if method == "" {
		method = http.MethodGet
		if rq.form != nil {
			method = http.MethodPost
		}
	}
	var r *http.Request
	if rq.form != nil {
		r = httptest.NewRequest(method, rq.target, strings.NewReader(rq.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, rq.target, nil)
	}
	if rq.lang != "" {
		r.AddCookie(&http.Cookie{Name: langCookie, Value: rq.lang})
	}
	for _, c := range rq.cookies {
		r.AddCookie(c)
	}
	h := s.Handler()
	if rq.as != nil {
		h = withIdentity(*rq.as, h)
	}
	return get(t, h, r)
}

// mustContain fails the test for each of wants that body lacks.
func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// mustNotContain fails the test for each of unwanted that body holds.
func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("page holds %q", u)
		}
	}
}

func TestWorkspacePagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	tests := []struct {
		path   string
		as     auth.Identity
		nl, en []string
	}{
		{"/agenda", velsenChair,
			[]string{"<h1 class=\"utrecht-heading-1\">Agenda van Velsen</h1>", "Gevraagd", "Ongevraagd", "Mantelzorg", "Advies nodig vóór", "1 september 2026", "Regionaal (IJmond): Beverwijk, Velsen", "Afgewezen", "Geen sociaal domein."},
			[]string{"<h1 class=\"utrecht-heading-1\">Agenda of Velsen</h1>", "Solicited", "Unsolicited", "Informal care", "Advice needed by", "1 September 2026", "Regional (IJmond): Beverwijk, Velsen", "Rejected"}},
		{"/agenda/nieuw", velsenOfficer,
			[]string{"Vraag voorleggen aan de raad", "Alleen Velsen", "Regionaal: IJmond", "Deelnemende gemeenten", "Heemskerk"},
			[]string{"Raise a question with the council", "Velsen only", "Regional: IJmond", "Participating municipalities", "Heemskerk"}},
		{"/trajecten", velsenChair,
			[]string{"Trajecten van Velsen", "Vormen kiezen", "Terugkoppelen", "Afgesloten", "Klaar voor de volgende fase: Concretiseren", "Nog nodig voor Vormen kiezen:", "de precieze vraag"},
			[]string{"Processes of Velsen", "Choose forms", "Feed back", "Closed", "Ready for the next phase: Concretise", "Still needed for Choose forms:", "the precise question"}},
		{"/trajecten/p-execute", velsenChair,
			[]string{"Schuldhulp voor jongeren", "Fase: Uitvoeren", "Stappenplan", "Volgende fase: Analyseren", "Voedselbank IJmuiden", "Tijdlijn", "Belangenverklaringen", "Bezoek aan bestaande groep"},
			[]string{"Schuldhulp voor jongeren", "Phase: Execute", "Step plan", "Next phase: Analyse", "Voedselbank IJmuiden", "Timeline", "Declarations of interest", "Visit to an existing group"}},
		{"/trajecten/p-regional/veldactiviteit", velsenChair,
			[]string{"Veldactiviteit vastleggen", "Kies een vorm", "Spiegelgesprek", "Kies een gemeente", "Schrijf geen namen van inwoners op."},
			[]string{"Record a field activity", "Choose a form", "Mirror conversation", "Choose a municipality", "Do not write down residents&#39; names."}},
		{"/raad", velsenChair,
			[]string{"Participatieraad van Velsen", "Voorzitter", "Lid", "Oud-leden", "Secretaris", "7 vacatures", "Alleen gevraagd advies"},
			[]string{"Participation council of Velsen", "Chair", "Member", "Former members", "Secretary", "7 vacancies", "Solicited advice only"}},
	}
	for _, tc := range tests {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.path+"/"+lang, func(t *testing.T) {
				t.Parallel()
				resp, body := send(t, site, request{target: tc.path, as: &tc.as, lang: lang})
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
				mustContain(t, body, want...)
			})
		}
	}
}

func TestWorkspaceCallsTheServiceAsThePerson(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	send(t, site, request{target: "/agenda", as: &velsenChair})
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.subjects) == 0 {
		t.Fatal("the service was not called")
	}
	for _, s := range fake.subjects {
		if s != velsenChair.Subject {
			t.Errorf("a call was made for %q, want %q", s, velsenChair.Subject)
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
			rq := request{method: tc.method, target: tc.target}
			if tc.method == "POST" {
				rq.form = url.Values{}
			}
			resp, body := send(t, site, rq)
			want := "/auth/login?returnTo=" + url.QueryEscape(tc.wantReturn)
			if tc.method == "POST" {
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401", resp.StatusCode)
				}
				mustContain(t, body, "U bent niet meer ingelogd", "Wat u invulde is niet opgeslagen",
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
		resp, body := send(t, site, request{target: path, as: &velsenChair})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: status = %d, want 503", path, resp.StatusCode)
		}
		mustContain(t, body, "Dit onderdeel is niet beschikbaar")
	}
}

func TestWorkspaceNeedsATenant(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	nobody := auth.Identity{Subject: "u-new", Name: "Nieuw"}
	resp, body := send(t, site, request{target: "/agenda", as: &nobody})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", resp.StatusCode)
	}
	mustContain(t, body, "U werkt nog niet voor een organisatie")
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
		{codes.PermissionDenied, http.StatusForbidden, "U mag dit niet"},
		{codes.Unavailable, http.StatusServiceUnavailable, "tijdelijk niet beschikbaar"},
		{codes.Internal, http.StatusInternalServerError, "Er ging iets mis"},
		{codes.Unknown, http.StatusInternalServerError, "Er ging iets mis"},
	}
	for _, tc := range tests {
		t.Run(tc.code.String(), func(t *testing.T) {
			t.Parallel()
			fake, site := workspace(t)
			fake.failWith("GetProcess", status.Error(tc.code, secret))
			resp, body := send(t, site, request{target: "/trajecten/p-intake", as: &velsenChair})
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			mustContain(t, body, tc.want, `<nav class="utrecht-nav-bar mdn-nav"`)
			mustNotContain(t, body, secret)
		})
	}
}

func TestAgendaFiltersReachTheService(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		want  *councilsv1.ListQuestionsRequest
		// selected are the filter's selected options.
		selected []string
	}{
		{
			name: "no filter", query: "",
			want:     &councilsv1.ListQuestionsRequest{Tenant: "GM0453", Limit: agendaPageSize},
			selected: []string{`<option value="" selected>Alle thema&#39;s</option>`, `<option value="" selected>Gevraagd en ongevraagd</option>`},
		},
		{
			name: "theme and origin", query: "?thema=mantelzorg&herkomst=gevraagd",
			want:     &councilsv1.ListQuestionsRequest{Tenant: "GM0453", Theme: "mantelzorg", Origin: councilsv1.Origin_ORIGIN_SOLICITED, Limit: agendaPageSize},
			selected: []string{`<option value="mantelzorg" selected>Mantelzorg</option>`, `<option value="gevraagd" selected>Gevraagd</option>`},
		},
		{
			name: "unsolicited", query: "?herkomst=ongevraagd",
			want:     &councilsv1.ListQuestionsRequest{Tenant: "GM0453", Origin: councilsv1.Origin_ORIGIN_UNSOLICITED, Limit: agendaPageSize},
			selected: []string{`<option value="ongevraagd" selected>Ongevraagd</option>`},
		},
		{
			name: "unknown values are dropped", query: "?thema=astrologie&herkomst=misschien",
			want:     &councilsv1.ListQuestionsRequest{Tenant: "GM0453", Limit: agendaPageSize},
			selected: []string{`<option value="" selected>Alle thema&#39;s</option>`},
		},
		{
			name: "a page further", query: "?thema=mantelzorg&na=abc",
			want: &councilsv1.ListQuestionsRequest{Tenant: "GM0453", Theme: "mantelzorg", Limit: agendaPageSize, Cursor: "abc"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := workspace(t)
			resp, body := send(t, site, request{target: "/agenda" + tc.query, as: &velsenChair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			if diff := cmp.Diff(tc.want, fake.request("ListQuestions"), protocmp.Transform()); diff != "" {
				t.Errorf("ListQuestions request (-want +got):\n%s", diff)
			}
			mustContain(t, body, tc.selected...)
		})
	}
}

func TestAgendaFiltersKeepTheirResults(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := send(t, site, request{target: "/agenda?herkomst=ongevraagd", as: &velsenChair})
	mustContain(t, body, "Toegankelijke stembureaus", "Alle vraagstukken tonen",
		// The language switch keeps the filter.
		`href="/agenda?herkomst=ongevraagd&amp;lang=en"`)
	mustNotContain(t, body, "Mantelzorgwaardering 2027")
}

func TestAgendaOffersFormsByRole(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	member := auth.Identity{Subject: "u-m", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	tests := []struct {
		name                     string
		as                       auth.Identity
		decide, start, raiseLink bool
	}{
		{name: "chair decides and starts", as: velsenChair, decide: true, start: true, raiseLink: true},
		{name: "member starts", as: member, start: true, raiseLink: true},
		{name: "policy officer raises", as: velsenOfficer, raiseLink: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := send(t, site, request{target: "/agenda", as: &tc.as})
			got := [3]bool{
				strings.Contains(body, `action="/agenda/besluit"`),
				strings.Contains(body, `action="/agenda/traject"`),
				strings.Contains(body, `href="/agenda/nieuw">Vraag voorleggen</a>`),
			}
			if want := [3]bool{tc.decide, tc.start, tc.raiseLink}; got != want {
				t.Errorf("decide, start, raise offered = %v, want %v", got, want)
			}
		})
	}
}

func TestDecideQuestion(t *testing.T) {
	t.Parallel()
	t.Run("accepting redirects back to the agenda as it was", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := send(t, site, request{
			target: "/agenda/besluit?herkomst=gevraagd", as: &velsenChair,
			form: url.Values{"vraag": {"q-open"}, "besluit": {"aannemen"}, "reden": {""}},
		})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/agenda?gelukt=aangenomen&herkomst=gevraagd#vraag-q-open"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.DecideQuestionRequest{Id: "q-open", Accept: true}
		if diff := cmp.Diff(want, fake.request("DecideQuestion"), protocmp.Transform()); diff != "" {
			t.Errorf("DecideQuestion request (-want +got):\n%s", diff)
		}
		page, _, _ := strings.Cut(resp.Header.Get("Location"), "#")
		_, body := send(t, site, request{target: page, as: &velsenChair})
		mustContain(t, body, `role="status"`, "De raad heeft de vraag aangenomen.")
	})
	t.Run("a refused rejection shows the error at the question, reason kept", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("DecideQuestion", invalid("/reason", "is required when rejecting a question"))
		resp, body := send(t, site, request{
			target: "/agenda/besluit", as: &velsenChair,
			form: url.Values{"vraag": {"q-open"}, "besluit": {"afwijzen"}, "reden": {"  "}},
		})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body,
			"<title>Fout: Agenda · Meedoen</title>",
			`<a class="utrecht-link utrecht-link--html-a" href="#reden-q-open">Reden: <span lang="en">is required when rejecting a question</span></a>`,
			`id="reden-q-open-fout"`, `aria-invalid="true"`,
			// The language switch leads to the agenda, not to the action.
			`href="/agenda?lang=en"`,
		)
	})
	t.Run("a decided question says why at the question", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("DecideQuestion", status.Error(codes.FailedPrecondition, "the question is already decided"))
		resp, body := send(t, site, request{
			target: "/agenda/besluit", as: &velsenChair,
			form: url.Values{"vraag": {"q-open"}, "besluit": {"aannemen"}},
		})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		mustContain(t, body, `href="#vraag-q-open">Mantelzorgwaardering 2027: <span lang="en">the question is already decided</span>`)
	})
}

func TestStartProcessLeadsToIt(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	resp, _ := send(t, site, request{target: "/agenda/traject", as: &velsenChair, form: url.Values{"vraag": {"q-regional"}}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Location"), "/trajecten/p-new?gelukt=traject"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if diff := cmp.Diff(&councilsv1.StartProcessRequest{QuestionId: "q-regional"}, fake.request("StartProcess"), protocmp.Transform()); diff != "" {
		t.Errorf("StartProcess request (-want +got):\n%s", diff)
	}
}

func TestRaiseQuestion(t *testing.T) {
	t.Parallel()
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name string
		form url.Values
		want *councilsv1.Question
	}{
		{
			name: "solicited and local",
			form: form("titel", " Vervoer ", "omschrijving", "Hoe komen ouderen er?", "thema", "mantelzorg",
				"herkomst", "gevraagd", "advies-nodig-voor", "2026-10-01", "reikwijdte", "lokaal", "gemeenten", "GM0453"),
			want: &councilsv1.Question{Title: "Vervoer", Description: "Hoe komen ouderen er?", Theme: "mantelzorg",
				Origin: councilsv1.Origin_ORIGIN_SOLICITED, AdviceNeededBy: "2026-10-01", Scope: &councilsv1.Scope{Tenant: "GM0453"}},
		},
		{
			name: "unsolicited and regional: no day, the region with its participants",
			form: form("titel", "Stembureaus", "thema", "toegankelijkheid", "herkomst", "ongevraagd",
				"advies-nodig-voor", "2026-10-01", "reikwijdte", "regionaal", "gemeenten", "GM0453", "gemeenten", "GM0396"),
			want: &councilsv1.Question{Title: "Stembureaus", Theme: "toegankelijkheid", Origin: councilsv1.Origin_ORIGIN_UNSOLICITED,
				Scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0396"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := workspace(t)
			resp, _ := send(t, site, request{target: "/agenda/nieuw", as: &velsenOfficer, form: tc.form})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			if got, want := resp.Header.Get("Location"), "/agenda?gelukt=vraag"; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			want := &councilsv1.RaiseQuestionRequest{Question: tc.want}
			if diff := cmp.Diff(want, fake.request("RaiseQuestion"), protocmp.Transform()); diff != "" {
				t.Errorf("RaiseQuestion request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRaiseQuestionShowsErrorsPerFieldWithTheValuesKept(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	fake.failWith("RaiseQuestion", invalid(
		"/scope/participatingMunicipalities", "regional work needs at least one participating municipality",
		"/title", "is required",
		"/adviceNeededBy", "must not be in the past",
		"/somethingElse", "is odd",
	))
	resp, body := send(t, site, request{target: "/agenda/nieuw", as: &velsenOfficer, form: url.Values{
		"titel": {""}, "omschrijving": {"Iets <b>vets</b>"}, "thema": {"minimabeleid"}, "herkomst": {"gevraagd"},
		"advies-nodig-voor": {"2020-01-01"}, "reikwijdte": {"regionaal"},
	}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	// The summary comes first and lists the fields in the form's order,
	// each linked to its input; what no field owns comes last.
	links := regexp.MustCompile(`<li class="utrecht-unordered-list__item">(?:<a class="utrecht-link utrecht-link--html-a" href="#([^"]+)">)?`).FindAllStringSubmatch(body, -1)
	var anchors []string
	for _, m := range links {
		anchors = append(anchors, m[1])
	}
	if diff := cmp.Diff([]string{"titel", "advies-nodig-voor", "gemeente-GM0375", ""}, anchors); diff != "" {
		t.Errorf("summary links (-want +got):\n%s", diff)
	}
	if strings.Index(body, `id="fouten"`) > strings.Index(body, `<form class="utrecht-form mdn-form"`) {
		t.Error("the error summary comes after the form")
	}
	mustContain(t, body,
		"<title>Fout: Vraag voorleggen · Meedoen</title>",
		"Titel: Vul dit in.",
		`<div class="utrecht-form-field__error-message" id="titel-fout">`,
		`id="titel" name="titel" value="" autocomplete="off" aria-invalid="true" aria-describedby="titel-fout"`,
		`<span lang="en">must not be in the past</span>`,
		`<span lang="en">is odd</span>`,
		`id="gemeenten-fout"`,
		// The values entered stay, escaped.
		`>Iets &lt;b&gt;vets&lt;/b&gt;</textarea>`,
		`<option value="minimabeleid" selected>Minimabeleid</option>`,
		`id="herkomst-gevraagd" name="herkomst" value="gevraagd" aria-describedby="herkomst-gevraagd-hint" checked>`,
		`value="2020-01-01"`,
		`value="regionaal" aria-describedby="reikwijdte-regionaal-hint" checked>`,
	)
}

func TestRaiseQuestionRefusedByTheCouncil(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	member := auth.Identity{Subject: "u-m", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	fake.failWith("RaiseQuestion", unmet("the council of Velsen only takes questions from the municipality",
		"/origin", "the council of Velsen only takes questions from the municipality"))
	resp, body := send(t, site, request{target: "/agenda/nieuw", as: &member, form: url.Values{
		"titel": {"Eenzaamheid"}, "thema": {"mantelzorg"}, "herkomst": {"ongevraagd"}, "reikwijdte": {"lokaal"},
	}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status = %d, want 409", resp.StatusCode)
	}
	mustContain(t, body,
		`href="#herkomst-gevraagd">Herkomst: <span lang="en">the council of Velsen only takes questions from the municipality</span>`,
		`<div class="utrecht-form-field__error-message mdn-fieldset__error" id="herkomst-fout">`,
		`value="Eenzaamheid"`,
	)
}

func TestQuestionFormFitsTheRole(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	member := auth.Identity{Subject: "u-m", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	tests := []struct {
		name    string
		as      auth.Identity
		checked string // the origin chosen for them
		local   bool   // whether local scope is offered
	}{
		{"policy officer asks", velsenOfficer, "gevraagd", true},
		{"council member raises", member, "ongevraagd", true},
		{"regional coordinator: regional only", ijmondCoordinator, "", false},
	}
	checked := regexp.MustCompile(`name="herkomst" value="([a-z]+)"[^>]*checked>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := send(t, site, request{target: "/agenda/nieuw", as: &tc.as})
			got := ""
			if m := checked.FindStringSubmatch(body); m != nil {
				got = m[1]
			}
			if got != tc.checked {
				t.Errorf("origin checked = %q, want %q", got, tc.checked)
			}
			if local := strings.Contains(body, `id="reikwijdte-lokaal"`); local != tc.local {
				t.Errorf("local scope offered = %v, want %v", local, tc.local)
			}
		})
	}
}

func TestBoardGroupsProcessesByPhase(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	_, body := send(t, site, request{target: "/trajecten", as: &velsenChair})
	if diff := cmp.Diff(&councilsv1.ListProcessesRequest{Tenant: "GM0453", Limit: boardPageSize}, fake.request("ListProcesses"), protocmp.Transform()); diff != "" {
		t.Errorf("ListProcesses request (-want +got):\n%s", diff)
	}
	columns := regexp.MustCompile(`(?s)<section class="mdn-board__column" aria-labelledby="(fase-[a-z_]+)">(.*?)</section>`).FindAllStringSubmatch(body, -1)
	got := map[string][]string{}
	var order []string
	for _, c := range columns {
		order = append(order, c[1])
		for _, title := range regexp.MustCompile(`href="/trajecten/([^"]+)"`).FindAllStringSubmatch(c[2], -1) {
			got[c[1]] = append(got[c[1]], title[1])
		}
	}
	wantOrder := []string{"fase-intake", "fase-concretise", "fase-choose_forms", "fase-execute", "fase-analyse", "fase-advise", "fase-feedback", "fase-closed"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	want := map[string][]string{
		"fase-intake":     {"p-intake"},
		"fase-concretise": {"p-regional"},
		"fase-execute":    {"p-execute"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cards per column (-want +got):\n%s", diff)
	}
	mustContain(t, body,
		`<span class="utrecht-status-badge mdn-badge mdn-badge--regional">Regionaal</span> Heemskerk, Velsen`,
		"<li class=\"mdn-gate__item\">de precieze vraag</li>",
		"<li class=\"mdn-gate__item\">de doelgroep</li>",
	)
}

func TestGateChecklistWords(t *testing.T) {
	t.Parallel()
	got := gateChecklist([]string{"/preciseQuestion", "/target_group: the target group is not set", "/forms", "a condition in words"})
	want := []fieldError{
		{Key: "gate.preciseQuestion"},
		{Key: "gate.targetGroup"},
		{Key: "gate.forms"},
		{Text: "a condition in words", Lang: "en"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checklist (-want +got):\n%s", diff)
	}
}

func TestProcessPage(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := send(t, site, request{target: "/trajecten/p-execute", as: &velsenChair})
	mustContain(t, body,
		// The question, with its day.
		"Jongeren met schulden zoeken laat hulp.", "1 december 2026",
		// The step plan with the current phase marked.
		`<li class="mdn-steps__item mdn-steps__item--current" aria-current="step">Uitvoeren`,
		// The gate of the next phase.
		"Nog nodig voor Analyseren:", "inbreng uit een uitgevoerde vorm",
		// The edit form holds the current values.
		`>Wat houdt jongeren tegen om hulp te vragen?</textarea>`,
		`id="vorm-focus_group" name="vormen" value="focus_group" checked>`,
		// The timeline: times in Amsterdam, names from the roster.
		"20 januari 2026, 10:15", "Door Fatima El Amrani", "Door u-elsewhere",
		"Terug van Vormen kiezen naar Concretiseren", "De doelgroep was te breed.",
		"2 juli 2026, 00:30", "Automatisch, na een bericht van een andere dienst", `<span lang="en">the advice was sent</span>`,
		// What happened.
		"Inwoners bereikt", ">23<", "Veel jongeren kennen het loket niet.",
		"Fatima El Amrani: Werkt als vrijwilliger bij de schuldhulp.",
		`href="/trajecten/p-execute/veldactiviteit"`,
	)
}

func TestProcessPageIsReadOnlyForPolicyOfficers(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := send(t, site, request{target: "/trajecten/p-execute", as: &velsenOfficer})
	mustNotContain(t, body, `action="/trajecten/p-execute/`)
	mustContain(t, body, "Gesprekken op school", "Focusgroep, Bezoek aan bestaande groep")
}

func TestUpdateProcess(t *testing.T) {
	t.Parallel()
	t.Run("saved", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := send(t, site, request{target: "/trajecten/p-regional/bijwerken", as: &velsenChair, form: url.Values{
			"precieze-vraag": {" Waar lopen kiezers vast? "}, "aanpak": {"Meelopen op de verkiezingsdag"},
			"doelgroep": {"Kiezers met een beperking"}, "vormen": {"visit", "flash_poll"}, "versie": {"v2"},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-regional?gelukt=bijgewerkt#gegevens"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.UpdateProcessRequest{Id: "p-regional", Process: &councilsv1.Process{
			PreciseQuestion: "Waar lopen kiezers vast?", Approach: "Meelopen op de verkiezingsdag", TargetGroup: "Kiezers met een beperking",
			Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT, councilsv1.FormKind_FORM_KIND_FLASH_POLL},
			Etag:  "v2",
		}}
		if diff := cmp.Diff(want, fake.request("UpdateProcess"), protocmp.Transform()); diff != "" {
			t.Errorf("UpdateProcess request (-want +got):\n%s", diff)
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("UpdateProcess", invalid("/targetGroup", "must be at most 500 characters", "/forms/1", "is not a participation form"))
		resp, body := send(t, site, request{target: "/trajecten/p-regional/bijwerken", as: &velsenChair, form: url.Values{
			"precieze-vraag": {"Nieuw"}, "doelgroep": {"Lang"}, "vormen": {"opinion_bus"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body,
			`href="#doelgroep">Doelgroep: <span lang="en">must be at most 500 characters</span>`,
			`href="#vorm-focus_group">Participatievormen: <span lang="en">is not a participation form</span>`,
			`>Nieuw</textarea>`, `value="Lang"`, `value="opinion_bus" checked>`,
		)
	})
	t.Run("changed meanwhile", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("UpdateProcess", status.Error(codes.Aborted, "the process changed since it was read"))
		resp, body := send(t, site, request{target: "/trajecten/p-regional/bijwerken", as: &velsenChair, form: url.Values{
			"precieze-vraag": {"Nieuw"}, "doelgroep": {"Ouderen"}, "vormen": {"opinion_bus"}, "versie": {"v1"},
		}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		// What was typed stays, now based on the stored version, so that
		// saving again replaces the other's change knowingly.
		mustContain(t, body,
			"Iemand anders heeft dit traject gewijzigd nadat u dit formulier opende; er is niets opgeslagen.",
			`>Nieuw</textarea>`, `value="Ouderen"`, `value="opinion_bus" checked>`,
			`<input type="hidden" name="versie" value="v2">`,
		)
	})
}

func TestTransition(t *testing.T) {
	t.Parallel()
	t.Run("forward", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := send(t, site, request{target: "/trajecten/p-intake/fase", as: &velsenChair, form: url.Values{
			"richting": {"vooruit"}, "naar": {"concretise"}, "reden": {""},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-intake?gelukt=fase"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.TransitionProcessRequest{Id: "p-intake", ToPhase: councilsv1.Phase_PHASE_CONCRETISE}
		if diff := cmp.Diff(want, fake.request("TransitionProcess"), protocmp.Transform()); diff != "" {
			t.Errorf("TransitionProcess request (-want +got):\n%s", diff)
		}
	})
	t.Run("a closed gate lists what is missing, linked to where it is filled in", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("TransitionProcess", unmet("the process cannot enter phase choose_forms yet",
			"/preciseQuestion", "the precise question is not set", "/targetGroup", "the target group is not set"))
		resp, body := send(t, site, request{target: "/trajecten/p-regional/fase", as: &velsenChair, form: url.Values{
			"richting": {"vooruit"}, "naar": {"choose_forms"}, "reden": {"Klaar met trechteren"},
		}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		mustContain(t, body,
			`<a class="utrecht-link utrecht-link--html-a" href="#precieze-vraag">de precieze vraag</a>`,
			`<a class="utrecht-link utrecht-link--html-a" href="#doelgroep">de doelgroep</a>`,
			"Het traject kan nog niet naar de volgende fase.",
			">Klaar met trechteren</textarea>",
		)
	})
	t.Run("back without a reason", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("TransitionProcess", invalid("/reason", "is required when moving back to an earlier phase"))
		resp, body := send(t, site, request{target: "/trajecten/p-execute/fase", as: &velsenChair, form: url.Values{
			"richting": {"terug"}, "naar": {"concretise"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body,
			`href="#reden-terug">Toelichting: <span lang="en">is required when moving back to an earlier phase</span>`,
			`id="reden-terug-fout"`,
			`<option value="concretise" selected>Concretiseren</option>`,
		)
	})
}

func TestRecordFieldActivity(t *testing.T) {
	t.Parallel()
	t.Run("recorded", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := send(t, site, request{target: "/trajecten/p-regional/veldactiviteit", as: &velsenChair, form: url.Values{
			"vorm": {"visit"}, "datum": {"2026-03-20"}, "plaats": {" Koor in de Dorpskerk "}, "gemeente": {"GM0396"},
			"bereikt": {"14"}, "notities": {"Drempels bij de ingang."},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-regional?gelukt=veldactiviteit#veldactiviteiten"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.RecordFieldActivityRequest{Id: "p-regional", FieldActivity: &councilsv1.FieldActivity{
			Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: "2026-03-20", Place: "Koor in de Dorpskerk",
			MunicipalityCode: "GM0396", ResidentsReached: 14, Notes: "Drempels bij de ingang.",
		}}
		if diff := cmp.Diff(want, fake.request("RecordFieldActivity"), protocmp.Transform()); diff != "" {
			t.Errorf("RecordFieldActivity request (-want +got):\n%s", diff)
		}
		page, _, _ := strings.Cut(resp.Header.Get("Location"), "#")
		_, body := send(t, site, request{target: page, as: &velsenChair})
		mustContain(t, body, "De veldactiviteit is vastgelegd.")
	})
	t.Run("a count that is no number stops at the site", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, body := send(t, site, request{target: "/trajecten/p-intake/veldactiviteit", as: &velsenChair, form: url.Values{
			"vorm": {"visit"}, "datum": {"2026-03-20"}, "plaats": {"Buurthuis"}, "bereikt": {"veel"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		if fake.request("RecordFieldActivity") != nil {
			t.Error("the service was asked to record it")
		}
		mustContain(t, body, `href="#bereikt">Aantal inwoners bereikt: Vul het aantal in als een heel getal, 0 of meer.</a>`,
			`value="Buurthuis"`, `<option value="visit" selected>`)
		// A local process needs no municipality.
		mustNotContain(t, body, `id="gemeente"`)
	})
	t.Run("refused by the service", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.failWith("RecordFieldActivity", invalid("/place", "is required", "/date", "must not be in the future"))
		resp, body := send(t, site, request{target: "/trajecten/p-intake/veldactiviteit", as: &velsenChair, form: url.Values{
			"vorm": {"visit"}, "datum": {"2030-01-01"}, "bereikt": {"3"}, "notities": {"Gezellig"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body, `href="#datum">Datum: <span lang="en">must not be in the future</span>`,
			`href="#plaats">Plaats: Vul dit in.`, `value="2030-01-01"`, `>Gezellig</textarea>`, `value="3"`)
		if strings.Index(body, `href="#datum"`) > strings.Index(body, `href="#plaats"`) {
			t.Error("the summary does not follow the form's order")
		}
	})
}

func TestCouncilRoster(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	t.Run("a municipality's council", func(t *testing.T) {
		t.Parallel()
		_, body := send(t, site, request{target: "/raad", as: &velsenChair})
		mustContain(t, body,
			`<th class="utrecht-table__header-cell" scope="row">Fatima El Amrani</th>`,
			"1 januari 2025 tot en met 31 december 2028", "Vanaf 1 juni 2025",
			"<caption class=\"utrecht-table__caption\">Oud-leden</caption>", "Ria Smit",
			"raad@example.org", "Zetels",
		)
		if strings.Index(body, "Ria Smit") < strings.Index(body, "Kees de Boer") {
			t.Error("former members come before current ones")
		}
	})
	t.Run("a region lists its councils", func(t *testing.T) {
		t.Parallel()
		_, body := send(t, site, request{target: "/raad", as: &ijmondCoordinator})
		mustContain(t, body, "Participatieraden in de regio IJmond", "Participatieraad Beverwijk",
			"Participatieraad Heemskerk", "Participatieraad Velsen", "Gevraagd en ongevraagd advies")
	})
}

func TestWorkspacePagesHaveNoInlineStyleOrScript(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	forbidden := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|https?://`)
	for _, path := range []string{"/agenda", "/agenda/nieuw", "/trajecten", "/trajecten/p-execute", "/trajecten/p-regional/veldactiviteit", "/raad"} {
		_, body := send(t, site, request{target: path, as: &velsenChair})
		if m := forbidden.FindString(body); m != "" {
			t.Errorf("%s holds %q: the CSP would block it, or it reaches another site", path, m)
		}
	}
}

func TestFieldPaths(t *testing.T) {
	t.Parallel()
	fields := []formField{
		{Path: "/title", Name: "titel"},
		{Path: "/scope", Name: "reikwijdte"},
		{Path: "/scope/participatingMunicipalities", Name: "gemeenten"},
		{Anchor: "top"},
	}
	tests := []struct {
		path, want string
	}{
		{"/title", "titel"},
		{"title", "titel"},
		{"question.title", "titel"},
		{"/scope/participatingMunicipalities", "gemeenten"},
		{"/scope/participatingMunicipalities/2", "gemeenten"},
		{"/scope/participating_municipalities", "gemeenten"},
		{"question.scope.participating_municipalities[1]", "gemeenten"},
		{"/scope/tenant", "reikwijdte"},
		{"/titles", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := fieldFor(fields, "question", tc.path); got.Name != tc.want {
			t.Errorf("fieldFor(%q) = %q, want %q", tc.path, got.Name, tc.want)
		}
	}
}

// The keys the site computes from the API's values must all be in the
// catalogue; a missing one would show as its key.
func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
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
	for m := 1; m <= 12; m++ {
		need = append(need, "month."+strconv.Itoa(m))
	}
	for _, k := range doneKeys {
		need = append(need, "done."+k)
	}
	for _, k := range gateKeys {
		need = append(need, k)
	}
	for _, k := range commonReasons {
		need = append(need, k)
	}
	for _, p := range []string{"notenant", "unconfigured", "unavailable", "forbidden", "internal", "badform"} {
		need = append(need, "error."+p+".title", "error."+p+".heading", "error."+p+".body")
	}
	for _, o := range []string{solicitedValue, unsolicitedValue} {
		need = append(need, "question.origin.hint."+o)
	}
	for _, lang := range langs {
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
	resp, _ := get(t, withIdentity(velsenChair, site.Handler()), r)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", resp.StatusCode)
	}
	if fake.request("DecideQuestion") != nil {
		t.Error("a cross-site form reached the service")
	}
}
