package workspace

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/textcheck"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

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
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda" + tc.query, As: &webtest.VelsenChair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			if diff := cmp.Diff(tc.want, fake.Request("ListQuestions"), protocmp.Transform()); diff != "" {
				t.Errorf("ListQuestions request (-want +got):\n%s", diff)
			}
			webtest.MustContain(t, body, tc.selected...)
		})
	}
}

func TestAgendaFiltersKeepTheirResults(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/agenda?herkomst=ongevraagd", As: &webtest.VelsenChair})
	webtest.MustContain(t, body, "Toegankelijke stembureaus", "Alle vraagstukken tonen",
		// The language switch keeps the filter.
		`href="/agenda?herkomst=ongevraagd&amp;lang=en"`)
	webtest.MustNotContain(t, body, "Mantelzorgwaardering 2027")
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
		{name: "chair decides and starts", as: webtest.VelsenChair, decide: true, start: true, raiseLink: true},
		{name: "member starts", as: member, start: true, raiseLink: true},
		{name: "policy officer raises", as: webtest.VelsenOfficer, raiseLink: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := webtest.Send(t, site, webtest.Request{Target: "/agenda", As: &tc.as})
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
		resp, _ := webtest.Send(t, site, webtest.Request{
			Target: "/agenda/besluit?herkomst=gevraagd", As: &webtest.VelsenChair,
			Form: url.Values{"vraag": {"q-open"}, "besluit": {"aannemen"}, "reden": {""}},
		})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/agenda?gelukt=aangenomen&herkomst=gevraagd#vraag-q-open"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.DecideQuestionRequest{Id: "q-open", Accept: true}
		if diff := cmp.Diff(want, fake.Request("DecideQuestion"), protocmp.Transform()); diff != "" {
			t.Errorf("DecideQuestion request (-want +got):\n%s", diff)
		}
		page, _, _ := strings.Cut(resp.Header.Get("Location"), "#")
		_, body := webtest.Send(t, site, webtest.Request{Target: page, As: &webtest.VelsenChair})
		webtest.MustContain(t, body, `role="status"`, "De raad heeft de vraag aangenomen.")
	})
	t.Run("a refused rejection shows the error at the question, reason kept", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("DecideQuestion", webtest.Invalid("/reason", "is required when rejecting a question"))
		resp, body := webtest.Send(t, site, webtest.Request{
			Target: "/agenda/besluit", As: &webtest.VelsenChair,
			Form: url.Values{"vraag": {"q-open"}, "besluit": {"afwijzen"}, "reden": {"  "}},
		})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body,
			"<title>Fout: Agenda: Velsen · Meedoen</title>",
			`<a class="utrecht-link utrecht-link--html-a" href="#reden-q-open">Reden: Vul dit in.</a>`,
			`id="reden-q-open-fout"`, `aria-invalid="true"`,
			// The language switch leads to the agenda, not to the action.
			`href="/agenda?lang=en"`,
		)
	})
	t.Run("a decided question says why at the question", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		// The councils service's own words, which the catalogue of
		// reasons says in Dutch.
		fake.FailWith("DecideQuestion", status.Error(codes.FailedPrecondition, "the question was already accepted; only open questions can be decided"))
		resp, body := webtest.Send(t, site, webtest.Request{
			Target: "/agenda/besluit", As: &webtest.VelsenChair,
			Form: url.Values{"vraag": {"q-open"}, "besluit": {"aannemen"}},
		})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#vraag-q-open">Mantelzorgwaardering 2027: De vraag is al aangenomen. Je kunt alleen over een open vraag beslissen.</a>`)
		webtest.MustNotContain(t, body, `<span lang="en">`)
	})
}

func TestStartProcessLeadsToIt(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/agenda/traject", As: &webtest.VelsenChair, Form: url.Values{"vraag": {"q-regional"}}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Location"), "/trajecten/p-new?gelukt=traject"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if diff := cmp.Diff(&councilsv1.StartProcessRequest{QuestionId: "q-regional"}, fake.Request("StartProcess"), protocmp.Transform()); diff != "" {
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
			resp, _ := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &webtest.VelsenOfficer, Form: tc.form})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			if got, want := resp.Header.Get("Location"), "/agenda?gelukt=vraag"; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			want := &councilsv1.RaiseQuestionRequest{Question: tc.want}
			if diff := cmp.Diff(want, fake.Request("RaiseQuestion"), protocmp.Transform()); diff != "" {
				t.Errorf("RaiseQuestion request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRaiseQuestionShowsErrorsPerFieldWithTheValuesKept(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	fake.FailWith("RaiseQuestion", webtest.Invalid(
		"/scope/participatingMunicipalities", "regional work needs at least one participating municipality",
		"/title", "is required",
		"/adviceNeededBy", "must not be in the past",
		"/somethingElse", "is odd",
	))
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &webtest.VelsenOfficer, Form: url.Values{
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
	webtest.MustContain(t, body,
		"<title>Fout: Vraag voorleggen: Velsen · Meedoen</title>",
		"Titel: Vul dit in.",
		`<div class="utrecht-form-field__error-message" id="titel-fout">`,
		`id="titel" name="titel" value="" autocomplete="off" aria-invalid="true" aria-describedby="titel-fout"`,
		"Advies nodig vóór: Kies een datum vandaag of later.",
		"Deelnemende gemeenten: Kies gemeenten uit deze regio; regionaal werk heeft er minstens één nodig.",
		// A reason the page does not know is shown as the service gave it.
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
	// The council changed its way of working after the form was shown.
	fake.FailWith("RaiseQuestion", webtest.Unmet("the council of Velsen only takes questions from the municipality",
		"/origin", "the council of Velsen only takes questions from the municipality"))
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &member, Form: url.Values{
		"titel": {"Eenzaamheid"}, "thema": {"mantelzorg"}, "herkomst": {"ongevraagd"}, "reikwijdte": {"lokaal"},
	}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body,
		`href="#herkomst-gevraagd">Herkomst: Niet elke raad die het betreft neemt ongevraagde vragen aan`,
		`<div class="utrecht-form-field__error-message mdn-fieldset__error" id="herkomst-fout">`,
		`value="Eenzaamheid"`,
	)
	webtest.MustNotContain(t, body, `<span lang="en">`)
}

// Every reason the councils service gives for a raised question reads in
// Dutch on the form: none falls back to the service's English.
func TestEveryRefusalOfAQuestionIsInDutch(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	for _, fields := range [][]string{
		{"/title", "is required", "/theme", "is required", "/origin", "is required: solicited (asked by the municipality) or unsolicited (raised by the council)",
			"/adviceNeededBy", "is required for a solicited question: the date the municipality needs the advice"},
		{"/title", "must be at most 200 characters", "/description", "must be at most 4000 characters",
			"/theme", `"x" is not a known theme`, "/adviceNeededBy", "must be a date written YYYY-MM-DD"},
		{"/adviceNeededBy", "must not be in the past", "/scope/tenant", "is required: a municipality's CBS code for local work, or a region's id for regional work"},
		{"/scope/participatingMunicipalities", "regional work needs at least one participating municipality",
			"/scope/participatingMunicipalities/0", `municipality "GM9999" does not exist`,
			"/scope/participatingMunicipalities/1", "Zandvoort (GM0473) is not in region ijmond",
			"/scope/tenant", `"x" is neither a known municipality nor a known region`},
		{"/title", textcheck.ReasonNUL},
	} {
		fake.FailWith("RaiseQuestion", webtest.Invalid(fields...))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &webtest.VelsenOfficer, Form: url.Values{
			"titel": {"Eenzaamheid"}, "thema": {"mantelzorg"}, "herkomst": {"gevraagd"}, "reikwijdte": {"regionaal"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: status = %d, want 422", fields, resp.StatusCode)
		}
		if i := strings.Index(body, `<span lang="en">`); i >= 0 {
			t.Errorf("%v: the page shows the service's English: %s", fields, body[i:min(i+200, len(body))])
		}
	}
}

// The form offers only what the councils service would take from the
// person, as GetRaiseOptions answers; with nothing to offer there is no
// form and no link to it.
func TestQuestionFormOffersOnlyWhatThePersonMayRaise(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	sol, unsol := councilsv1.Origin_ORIGIN_SOLICITED, councilsv1.Origin_ORIGIN_UNSOLICITED
	velsenMember := auth.Identity{Subject: "u-velsen-member", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	beverwijkMember := auth.Identity{Subject: "u-beverwijk-member", Grants: []auth.Grant{{Tenant: "GM0375", Role: auth.CouncilMember}}}
	fake.onlyFor(velsenMember.Subject, []string{"GM0453"})
	fake.onlyFor(webtest.VelsenChair.Subject, []string{"GM0453"})
	fake.onlyFor(webtest.VelsenOfficer.Subject, nil, sol)
	fake.onlyFor(beverwijkMember.Subject, nil, unsol)
	fake.onlyFor(webtest.IJmondCoordinator.Subject, []string{"GM0453"}, sol)
	tests := []struct {
		name    string
		as      auth.Identity
		offered []string // the origins offered
		checked string   // the origin chosen for them
		local   bool     // whether local scope is offered
	}{
		{"a Velsen council member", velsenMember, nil, "", false},
		{"the Velsen chair", webtest.VelsenChair, nil, "", false},
		{"a Velsen policy officer asks", webtest.VelsenOfficer, []string{"gevraagd"}, "gevraagd", true},
		{"a Beverwijk council member raises", beverwijkMember, []string{"ongevraagd"}, "ongevraagd", true},
		{"regional coordinator: regional only", webtest.IJmondCoordinator, []string{"gevraagd"}, "gevraagd", false},
	}
	radio := regexp.MustCompile(`name="herkomst" value="([a-z]+)"[^>]*?( checked)?>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &tc.as})
			var offered []string
			checked := ""
			for _, m := range radio.FindAllStringSubmatch(body, -1) {
				offered = append(offered, m[1])
				if m[2] != "" {
					checked = m[1]
				}
			}
			if diff := cmp.Diff(tc.offered, offered); diff != "" {
				t.Errorf("origins offered (-want +got):\n%s", diff)
			}
			if checked != tc.checked {
				t.Errorf("origin checked = %q, want %q", checked, tc.checked)
			}
			if local := strings.Contains(body, `id="reikwijdte-lokaal"`); local != tc.local {
				t.Errorf("local scope offered = %v, want %v", local, tc.local)
			}
			_, agenda := webtest.Send(t, site, webtest.Request{Target: "/agenda", As: &tc.as})
			if linked := strings.Contains(agenda, `href="/agenda/nieuw"`); linked != (tc.offered != nil) {
				t.Errorf("agenda links to the form = %v, want %v", linked, tc.offered != nil)
			}
			if tc.offered == nil {
				webtest.MustContain(t, body, "De participatieraad van Velsen neemt alleen vragen van de gemeente aan", `href="/agenda">Terug naar de agenda</a>`)
				webtest.MustNotContain(t, body, `<form class="utrecht-form mdn-form"`, `<span lang="en">`)
				// A form sent anyway (from an old tab) gets the same answer.
				before := fake.CallsOf("RaiseQuestion")
				resp, sent := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &tc.as, Form: url.Values{
					"titel": {"Eenzaamheid"}, "thema": {"mantelzorg"}, "herkomst": {"ongevraagd"}, "reikwijdte": {"lokaal"},
				}})
				if resp.StatusCode != http.StatusConflict {
					t.Errorf("sending the form anyway: status %d, want 409", resp.StatusCode)
				}
				webtest.MustContain(t, sent, "De participatieraad van Velsen neemt alleen vragen van de gemeente aan")
				webtest.MustNotContain(t, sent, `<span lang="en">`, `id="fouten"`)
				if fake.CallsOf("RaiseQuestion") != before {
					t.Error("the question was sent to the service")
				}
			}
		})
	}
}
