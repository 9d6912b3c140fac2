package advice

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
	"github.com/meedoen/meedoen/internal/dutch"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The demo people of these tests, beside webtest's.
var (
	// member sits on Velsen's council: writes advice, does not decide.
	member = auth.Identity{Subject: "u-member", Name: "Anne de Vries", Grants: []auth.Grant{{Tenant: velsen, Role: auth.CouncilMember}}}
	// chair chairs Velsen's council: adopts, sends, asks for revisions.
	chair = webtest.VelsenChair
	// velsenOfficer gives Velsen's responses.
	velsenOfficer = webtest.VelsenOfficer
	// beverOfficer gives Beverwijk's.
	beverOfficer = webtest.OneTenant
	// secretary keeps Velsen's settings beside its officers.
	secretary = auth.Identity{Subject: "u-secretary", Name: "Sara Dekker", Grants: []auth.Grant{{Tenant: velsen, Role: auth.Secretary}}}
)

// send sends rq to a site over fk and checks the status.
func send(t *testing.T, fk *fakes, rq webtest.Request, want int) string {
	t.Helper()
	resp, body := webtest.Send(t, newSite(t, fk.cfg), rq)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", rq.Method, rq.Target, resp.StatusCode, want, body)
	}
	if rq.Form != nil && want == http.StatusSeeOther {
		return resp.Header.Get("Location")
	}
	return body
}

// rawKey finds a catalogue key shown as itself: a message the catalogue
// lacks.
var rawKey = regexp.MustCompile(`\badvice\.[a-z]+\.[a-zA-Z.]+`)

// Every page renders in Dutch and English for those who may see it,
// with no catalogue key left untranslated and, for staff, "u".
func TestPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	pages := []struct {
		name, target string
		as           auth.Identity
		nl, en       string
	}{
		{"list, council", "/adviezen", chair, "Adviezen van Velsen", "Advice of Velsen"},
		{"list, officer's inbox", "/adviezen", velsenOfficer, "Postvak: adviezen aan je gemeente", "Inbox: advice to your municipality"},
		{"choose a process", "/adviezen/nieuw", member, "Voor welk traject schrijf je het advies?", "Which process do you write the advice for?"},
		{"new advice", "/adviezen/nieuw?traject=" + procID, member, "Aanbeveling toevoegen", "Add a recommendation"},
		{"draft advice", "/adviezen/" + draftID, chair, "Advies vaststellen", "Adopt the advice"},
		{"sent advice", "/adviezen/" + sentID, chair, "Een verzonden advies verandert nooit meer.", "A sent advice never changes."},
		{"versions", "/adviezen/" + draftID + "/versies", member, "Steunpunt toegevoegd na de focusgroep.", "Versions of"},
		{"an old version", "/adviezen/" + draftID + "/versies/1", member, "Maak respijtzorg bekend.", "version 1"},
		{"new version", "/adviezen/" + draftID + "/versies/nieuw", member, "Wat is er veranderd", "What changed"},
		{"adopt", "/adviezen/" + draftID + "/vaststellen", chair, "Versie 2 vaststellen", "Adopt version 2"},
		{"response", "/adviezen/" + sentID + "/reacties/" + velsen, chair, "Vraag om herziene reactie", "Ask for a revised response"},
		{"respond", "/adviezen/" + sentID + "/reacties/" + bever + "/beantwoorden", beverOfficer, "Besluit over aanbeveling 3", "Decision on recommendation 3"},
		{"assign", "/adviezen/" + sentID + "/reacties/" + bever + "/eigenaar", beverOfficer, "Behandelaar toewijzen", "Assign an owner"},
		{"revision", "/adviezen/" + sentID + "/reacties/" + velsen + "/herziening", chair, "Herziene reactie vragen aan Velsen", "Ask Velsen for a revised response"},
		{"settings", "/adviezen/instellingen", velsenOfficer, "Termijn in dagen", "Term in days"},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()
			for lang, want := range map[string]string{"nl": pg.nl, "en": pg.en} {
				as := pg.as
				body := send(t, fk, webtest.Request{Target: pg.target, As: &as, Lang: lang}, http.StatusOK)
				webtest.MustContain(t, body, want)
				if m := rawKey.FindString(body); m != "" {
					t.Errorf("%s: the page shows the key %q", lang, m)
				}
				if f := dutch.Formal(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")); lang == "nl" && len(f) > 0 {
					t.Errorf("the page says %q: Meedoen says je (docs/language.md)", f)
				}
			}
		})
	}
}

// The list shows each advice's status and, for a sent one, every
// municipality's response by its deadline in Dutch with the overdue one
// marked; a policy officer also sees the inbox of their municipality,
// and a council member the button to write an advice.
func TestListShowsStatusDeadlinesAndInbox(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	body := send(t, fk, webtest.Request{Target: "/adviezen", As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Advies over mantelzorg in Velsen", "Concept", "Gevraagd",
		"Advies over minimaregelingen in de IJmond", "Verzonden", "Ongevraagd", "aan Beverwijk, Heemskerk, Velsen",
		"Beverwijk</a>: Nieuw, uiterlijk 20 november 2026 <span class=\"utrecht-status-badge mdn-badge\">Termijn verstreken</span>",
		"Velsen</a>: Beantwoord, uiterlijk 14 december 2026", `href="/adviezen/nieuw"`)
	webtest.MustNotContain(t, body, "Postvak")

	body = send(t, fk, webtest.Request{Target: "/adviezen", As: &beverOfficer}, http.StatusOK)
	webtest.MustContain(t, body, "Postvak: adviezen aan je gemeente", `href="/adviezen/a-minima/reacties/GM0375"`, "uiterlijk 20 november 2026", "Termijn verstreken")
	webtest.MustNotContain(t, body, `href="/adviezen/nieuw"`)

	// From a process's page: its advice only.
	body = send(t, fk, webtest.Request{Target: "/adviezen?traject=" + procID, As: &member}, http.StatusOK)
	webtest.MustContain(t, body, "Advies over mantelzorg in Velsen", `href="/adviezen/nieuw?traject=p-mantelzorg"`)
	webtest.MustNotContain(t, body, "minimaregelingen")
	if got := fk.advice.Request("ListAdvices").(*resultsv1.ListAdvicesRequest); got.GetProcessId() != procID || got.GetTenant() != velsen {
		t.Errorf("ListAdvices = %v", got)
	}
}

// The editor's buttons add, move and remove recommendations without
// JavaScript, keeping everything typed, and the preview shows the
// document without saving; nothing is sent until "Opslaan".
func TestEditorButtonsKeepWhatWasTyped(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	form := url.Values{
		fProcess: {"p-jeugd"}, fTitle: {"Advies over respijtzorg"}, fQuestion: {"Hoe vinden mantelzorgers rust?"},
		fConclusions: {"Weinig bekend."}, fRec: {"Eerste", "Tweede"},
	}
	with := func(action string) url.Values {
		v := url.Values{}
		for k, vs := range form {
			v[k] = vs
		}
		v.Set(fAction, action)
		return v
	}
	recs := regexp.MustCompile(`<textarea[^>]*id="(aanbeveling-\d+)" name="aanbeveling"[^>]*>([^<]*)</textarea>`)
	shown := func(body string) []string {
		var out []string
		for _, m := range recs.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1]+"="+m[2])
		}
		return out
	}
	for _, tc := range []struct {
		action string
		want   []string
	}{
		{actAdd, []string{"aanbeveling-1=Eerste", "aanbeveling-2=Tweede", "aanbeveling-3="}},
		{actUp + "2", []string{"aanbeveling-1=Tweede", "aanbeveling-2=Eerste"}},
		{actDown + "1", []string{"aanbeveling-1=Tweede", "aanbeveling-2=Eerste"}},
		{actRemove + "1", []string{"aanbeveling-1=Tweede"}},
		{actPreview, []string{"aanbeveling-1=Eerste", "aanbeveling-2=Tweede"}},
	} {
		body := send(t, fk, webtest.Request{Target: "/adviezen/nieuw", As: &member, Form: with(tc.action)}, http.StatusOK)
		if diff := cmp.Diff(tc.want, shown(body)); diff != "" {
			t.Errorf("%s: recommendations (-want +got):\n%s", tc.action, diff)
		}
		webtest.MustContain(t, body, `value="Advies over respijtzorg"`, "Hoe vinden mantelzorgers rust?", "Weinig bekend.", "Aan het college van", "Velsen")
		if tc.action == actPreview {
			webtest.MustContain(t, body, "Voorbeeld: Advies over respijtzorg", "Het is nog niet opgeslagen.", `<li class="utrecht-ordered-list__item mdn-multiline" value="2">Tweede</li>`)
		} else {
			webtest.MustNotContain(t, body, "Voorbeeld: ")
		}
	}
	if n := fk.advice.CallsOf("CreateAdvice"); n != 0 {
		t.Errorf("CreateAdvice called %d times before saving", n)
	}

	// Saving sends the text as typed, and leads to the new advice.
	loc := send(t, fk, webtest.Request{Target: "/adviezen/nieuw", As: &member, Form: with(actSave)}, http.StatusSeeOther)
	if !strings.HasPrefix(loc, "/adviezen/a-new-") || !strings.Contains(loc, "gelukt=aangemaakt") {
		t.Errorf("saved to %q", loc)
	}
	want := &resultsv1.CreateAdviceRequest{Advice: &resultsv1.Advice{ProcessId: "p-jeugd", Content: &resultsv1.AdviceContent{
		Title: "Advies over respijtzorg", Question: "Hoe vinden mantelzorgers rust?", Conclusions: "Weinig bekend.",
		Recommendations: []*resultsv1.Recommendation{{Text: "Eerste"}, {Text: "Tweede"}}}}}
	if diff := cmp.Diff(want, fk.advice.Request("CreateAdvice"), protocmp.Transform()); diff != "" {
		t.Errorf("CreateAdvice (-want +got):\n%s", diff)
	}
	// A second click finds the advice the first made.
	loc = send(t, fk, webtest.Request{Target: "/adviezen/nieuw", As: &member, Form: with(actSave)}, http.StatusSeeOther)
	if !strings.HasPrefix(loc, "/adviezen/a-new-1?") || !strings.Contains(loc, "gelukt=bestaat") {
		t.Errorf("the second save led to %q", loc)
	}
}

// What the editor can tell itself is refused before the service is
// asked, in an error summary after the heading that names each field in
// Dutch; the service's reasons read in Dutch too.
func TestEditorErrors(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	body := send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &member, Form: url.Values{
		fBasedOn: {"2"}, fTitle: {""}, fQuestion: {"Vraag"}, fRec: {"Eén", "  "}, fAction: {actSave},
	}}, http.StatusUnprocessableEntity)
	want := [][2]string{
		{"#titel", "Titel: Vul dit in."},
		{"#aanbeveling-2", "Aanbeveling 2: Vul dit in."},
		{"#wijziging", "Wat is er veranderd: Schrijf wat er veranderde en waarom."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if strings.Index(body, "mdn-error-summary") < strings.Index(body, "<h1") {
		t.Error("the error summary comes before the heading")
	}
	if n := fk.advice.CallsOf("CreateVersion"); n != 0 {
		t.Errorf("CreateVersion called %d times for a refused form", n)
	}

	fk.advice.FailWith("CreateVersion", webtest.Invalid("/content/recommendations/0/text", "must be at most 4000 characters", "/changeNote", "must not be empty"))
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &member, Form: url.Values{
		fBasedOn: {"2"}, fTitle: {"T"}, fQuestion: {"V"}, fRec: {"Lang"}, fNote: {"n"}, fAction: {actSave},
	}}, http.StatusUnprocessableEntity)
	want = [][2]string{
		{"#aanbeveling-1", "Aanbeveling 1: Deze tekst is te lang: hoogstens 4000 tekens."},
		{"#wijziging", "Wat is er veranderd: Vul dit in."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary of the service's reasons (-want +got):\n%s", diff)
	}
}

// A version based on an older one is refused in Dutch with what to do;
// the second click of a double click, which finds its own version saved,
// leads to the advice as the first did.
func TestNewVersionMeetsAnotherOne(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	form := url.Values{fBasedOn: {"2"}, fTitle: {"Advies over mantelzorg in Velsen"}, fQuestion: {"Vraag"}, fRec: {"Eén"}, fNote: {"Korter."}, fAction: {actSave}}
	as := member
	loc := send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &as, Form: form}, http.StatusSeeOther)
	if loc != "/adviezen/"+draftID+"?gelukt=versie" {
		t.Errorf("saved to %q", loc)
	}
	loc = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &as, Form: form}, http.StatusSeeOther)
	if loc != "/adviezen/"+draftID+"?gelukt=versie" {
		t.Errorf("the second click led to %q", loc)
	}
	// Someone else's version 3 meanwhile: the form stays, with the
	// reason.
	other := chair
	body := send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &other, Form: form}, http.StatusConflict)
	webtest.MustContain(t, body, "Iemand anders heeft intussen een nieuwe versie opgeslagen (nu versie 3).", "Korter.")
}

// Only the chair or secretary is offered adopting and sending, each on
// its own page that says what happens; the council member who may write
// is not, and reaching the page is refused in Dutch.
func TestAdoptAndSendAreTheBoards(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	body := send(t, fk, webtest.Request{Target: "/adviezen/" + draftID, As: &member}, http.StatusOK)
	webtest.MustContain(t, body, "Nieuwe versie schrijven")
	webtest.MustNotContain(t, body, "/vaststellen", "/verzenden")
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/vaststellen", As: &member}, http.StatusForbidden)
	webtest.MustContain(t, body, "Dit doet de voorzitter of de secretaris")

	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID, As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, `href="/adviezen/a-mantelzorg/vaststellen"`)
	webtest.MustNotContain(t, body, "/verzenden")

	// Refused: the text as it reads, in Dutch.
	fk.advice.FailWith("AdoptAdvice", webtest.Unmet("version 2 is adopted already", "/version", "version 2 is adopted already"))
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/vaststellen", As: &chair, Form: url.Values{fVersion: {"2"}}}, http.StatusConflict)
	webtest.MustContain(t, body, "Deze versie is al vastgesteld.")
	fk.advice.FailWith("AdoptAdvice", nil)

	loc := send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/vaststellen", As: &chair, Form: url.Values{fVersion: {"2"}}}, http.StatusSeeOther)
	if loc != "/adviezen/"+draftID+"?gelukt=vastgesteld" {
		t.Errorf("adopted, led to %q", loc)
	}
	if got := fk.advice.Request("AdoptAdvice").(*resultsv1.AdoptAdviceRequest); got.GetVersion() != 2 {
		t.Errorf("AdoptAdvice = %v", got)
	}
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "?gelukt=vastgesteld", As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Het advies is vastgesteld.", `href="/adviezen/a-mantelzorg/verzenden"`)

	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/verzenden", As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Je verzendt versie 2", "aan het college van Velsen", "verandert nooit meer",
		"Een correctie wordt een nieuwe versie met een zichtbare notitie.", "De beleidsmedewerkers van Velsen krijgen een e-mail")
	send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/verzenden", As: &chair, Form: url.Values{fVersion: {"2"}}}, http.StatusSeeOther)
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID, As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Correctie schrijven", "Reacties van de gemeenten", "18 januari 2027")

	// A correction keeps its recommendations: no buttons to change them;
	// the list says one is being written.
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Wat je nu opslaat, is een correctie", "Deze notitie staat zichtbaar op het gecorrigeerde advies.")
	webtest.MustNotContain(t, body, `value="toevoegen"`, `value="verwijderen-1"`)
	send(t, fk, webtest.Request{Target: "/adviezen/" + draftID + "/versies/nieuw", As: &chair, Form: url.Values{
		fBasedOn: {"2"}, fTitle: {"Advies over mantelzorg in Velsen"}, fQuestion: {"Vraag"}, fRec: {"Eén", "Twee"}, fNote: {"Tikfout."}, fAction: {actSave},
	}}, http.StatusSeeOther)
	body = send(t, fk, webtest.Request{Target: "/adviezen", As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Correctie in concept")
}

// The tracker shows each municipality's response; the council's chair
// asks for a revised response of an answered one, with a reason it must
// give, and the municipality's policy officers answer it.
func TestTrackerAndRevision(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	body := send(t, fk, webtest.Request{Target: "/adviezen/" + sentID + "/reacties/" + velsen, As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "Reactie van Velsen", "Beantwoord", "uiterlijk 14 december 2026 (42 dagen)", "Pieter Bakker",
		"24 november 2026", "Overgenomen", "Gedeeltelijk overgenomen</strong>: <span class=\"mdn-multiline\">Alleen in de bibliotheek.</span>",
		"Niet overgenomen", `href="/adviezen/a-minima/reacties/GM0453/herziening"`)
	webtest.MustNotContain(t, body, "/beantwoorden", "Ontvangst bevestigen")
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + sentID, As: &chair}, http.StatusOK)
	webtest.MustContain(t, body, "ontvangst bevestigd 4 november 2026, 10:00", "besluit van 24 november 2026 (op tijd)", "Termijn verstreken")

	body = send(t, fk, webtest.Request{Target: "/adviezen/" + sentID + "/reacties/" + velsen + "/herziening", As: &chair, Form: url.Values{fReason: {" "}}}, http.StatusUnprocessableEntity)
	if diff := cmp.Diff([][2]string{{"#reden", "Reden: Vul dit in."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if n := fk.advice.CallsOf("RequestRevision"); n != 0 {
		t.Errorf("RequestRevision called %d times without a reason", n)
	}
	send(t, fk, webtest.Request{Target: "/adviezen/" + sentID + "/reacties/" + velsen + "/herziening", As: &chair, Form: url.Values{fReason: {"Motiveer aanbeveling 3 beter."}}}, http.StatusSeeOther)

	// The officer sees the reason when revising, and the decisions given
	// before to start from.
	body = send(t, fk, webtest.Request{Target: "/adviezen/" + sentID + "/reacties/" + velsen + "/beantwoorden", As: &velsenOfficer}, http.StatusOK)
	webtest.MustContain(t, body, "De raad vraagt om een herziene reactie:", "Motiveer aanbeveling 3 beter.",
		`id="besluit-2-partly_adopted" name="besluit-2" value="partly_adopted" checked`, "Geen budget.")
}

// A policy officer acknowledges receipt, assigns an owner and records
// the decision per recommendation; a motivation is required unless the
// recommendation is adopted, and the service's reasons land on their
// fields in Dutch.
func TestOfficerResponds(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	page := "/adviezen/" + sentID + "/reacties/" + bever
	body := send(t, fk, webtest.Request{Target: page, As: &beverOfficer}, http.StatusOK)
	webtest.MustContain(t, body, "Ontvangst bevestigen", "Reactie geven", "Behandelaar toewijzen", "Termijn verstreken")
	webtest.MustNotContain(t, body, "/herziening")

	// Another municipality's officer may read it, not answer it.
	body = send(t, fk, webtest.Request{Target: page, As: &velsenOfficer}, http.StatusOK)
	webtest.MustNotContain(t, body, "Ontvangst bevestigen", "/beantwoorden", "/eigenaar")
	send(t, fk, webtest.Request{Target: page + "/beantwoorden", As: &velsenOfficer}, http.StatusForbidden)

	if loc := send(t, fk, webtest.Request{Target: page + "/ontvangst", As: &beverOfficer, Form: url.Values{}}, http.StatusSeeOther); loc != page+"?gelukt=ontvangen" {
		t.Errorf("acknowledged, led to %q", loc)
	}
	fk.advice.FailWith("AcknowledgeResponse", webtest.Unmet("receipt was acknowledged already", "/status", "receipt was acknowledged already"))
	body = send(t, fk, webtest.Request{Target: page + "/ontvangst", As: &beverOfficer, Form: url.Values{}}, http.StatusConflict)
	webtest.MustContain(t, body, "De ontvangst is al bevestigd.")

	fk.advice.FailWith("AssignResponse", webtest.Invalid("/ownerEmail", "is not an e-mail address"))
	body = send(t, fk, webtest.Request{Target: page + "/eigenaar", As: &beverOfficer, Form: url.Values{fOwner: {"Bram Jansen"}, fOwnerEmail: {"bram"}}}, http.StatusUnprocessableEntity)
	if diff := cmp.Diff([][2]string{{"#email", "E-mailadres voor herinneringen: Dit is geen e-mailadres. Schrijf het als naam@gemeente.nl."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	fk.advice.FailWith("AssignResponse", nil)
	send(t, fk, webtest.Request{Target: page + "/eigenaar", As: &beverOfficer, Form: url.Values{fOwner: {"Bram Jansen"}, fOwnerEmail: {"bram@beverwijk.example"}}}, http.StatusSeeOther)
	if got := fk.advice.Request("AssignResponse").(*resultsv1.AssignResponseRequest); got.GetOwnerName() != "Bram Jansen" || got.GetOwnerEmail() != "bram@beverwijk.example" || got.GetMunicipalityCode() != bever {
		t.Errorf("AssignResponse = %v", got)
	}

	body = send(t, fk, webtest.Request{Target: page + "/beantwoorden", As: &beverOfficer, Form: url.Values{
		"besluit-1": {"adopted"}, "besluit-2": {"not_adopted"}, "motivering-2": {" "}, fDecidedOn: {"7-12-2026"},
	}}, http.StatusUnprocessableEntity)
	want := [][2]string{
		{"#besluit-3-adopted", "Besluit over aanbeveling 3: Kies een besluit."},
		{"#motivering-2", "Motivering bij aanbeveling 2: Geef een motivering: die is nodig, behalve als de aanbeveling is overgenomen."},
		{"#besluitdatum", "Datum van het besluit van het college: Vul een datum in, bijvoorbeeld 2026-12-07."},
	}
	got := webtest.SummaryOf(t, body)
	if diff := cmp.Diff(want, got, cmp.Transformer("sort", sortPairs)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, `id="besluit-2-not_adopted" name="besluit-2" value="not_adopted" checked`)
	if n := fk.advice.CallsOf("RecordResponse"); n != 0 {
		t.Errorf("RecordResponse called %d times for a refused form", n)
	}

	answer := url.Values{
		"besluit-1": {"adopted"}, "besluit-2": {"to_be_investigated"}, "motivering-2": {"We onderzoeken de kosten."},
		"besluit-3": {"partly_adopted"}, "motivering-3": {"Alleen online."}, fDecidedOn: {"2026-12-01"},
	}
	fk.advice.FailWith("RecordResponse", webtest.Invalid("/decidedOn", "must not lie before the advice was sent (2026-11-02)", "/answers/2/motivation", "must be at most 4000 characters"))
	body = send(t, fk, webtest.Request{Target: page + "/beantwoorden", As: &beverOfficer, Form: answer}, http.StatusUnprocessableEntity)
	want = [][2]string{
		{"#motivering-3", "Motivering bij aanbeveling 3: Deze tekst is te lang: hoogstens 4000 tekens."},
		{"#besluitdatum", "Datum van het besluit van het college: Het besluit kan niet eerder zijn dan het verzenden van het advies (2 november 2026)."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary of the service's reasons (-want +got):\n%s", diff)
	}
	fk.advice.FailWith("RecordResponse", nil)
	send(t, fk, webtest.Request{Target: page + "/beantwoorden", As: &beverOfficer, Form: answer}, http.StatusSeeOther)
	wantReq := &resultsv1.RecordResponseRequest{Id: sentID, MunicipalityCode: bever, DecidedOn: "2026-12-01", Answers: []*resultsv1.RecommendationAnswer{
		{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
		{Recommendation: 2, Verdict: resultsv1.Verdict_VERDICT_TO_BE_INVESTIGATED, Motivation: "We onderzoeken de kosten."},
		{Recommendation: 3, Verdict: resultsv1.Verdict_VERDICT_PARTLY_ADOPTED, Motivation: "Alleen online."},
	}}
	if diff := cmp.Diff(wantReq, fk.advice.Request("RecordResponse"), protocmp.Transform()); diff != "" {
		t.Errorf("RecordResponse (-want +got):\n%s", diff)
	}
}

func sortPairs(in [][2]string) [][2]string {
	out := append([][2]string{}, in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j][0] < out[i][0] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A municipality's policy officers and its council's secretary change its
// term and addresses; other staff read them; a change meanwhile is not
// overwritten.
func TestResponseSettings(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	body := send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &member}, http.StatusOK)
	webtest.MustContain(t, body, "42 dagen (6 weken)", "adviezen@velsen.example")
	webtest.MustNotContain(t, body, "<form class=\"utrecht-form mdn-form\"")

	for _, as := range []auth.Identity{velsenOfficer, secretary} {
		body = send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &as}, http.StatusOK)
		webtest.MustContain(t, body, `name="termijn" value="42"`, "Instellingen opslaan")
	}
	body = send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &velsenOfficer, Form: url.Values{fTermDays: {"400"}, fEtag: {"s1"}}}, http.StatusUnprocessableEntity)
	if diff := cmp.Diff([][2]string{{"#termijn", "Termijn in dagen: Vul een termijn in van 1 tot en met 365 dagen."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	fk.advice.FailWith("UpdateResponseSettings", status.Error(codes.Aborted, "changed"))
	body = send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &velsenOfficer, Form: url.Values{fTermDays: {"56"}, fEtag: {"s0"}}}, http.StatusConflict)
	webtest.MustContain(t, body, "Iemand anders heeft de instellingen intussen gewijzigd.", `name="termijn" value="56"`)
	fk.advice.FailWith("UpdateResponseSettings", nil)
	send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &velsenOfficer, Form: url.Values{fTermDays: {"56"}, fOfficers: {"a@velsen.example"}, fEtag: {"s1"}}}, http.StatusSeeOther)
	got := fk.advice.Request("UpdateResponseSettings").(*resultsv1.UpdateResponseSettingsRequest)
	if got.GetSettings().GetTermDays() != 56 || got.GetSettings().GetEtag() != "s1" || got.GetMunicipalityCode() != velsen || len(got.GetUpdateMask().GetPaths()) != 3 {
		t.Errorf("UpdateResponseSettings = %v", got)
	}

	// The region has none of its own.
	coord := webtest.IJmondCoordinator
	body = send(t, fk, webtest.Request{Target: "/adviezen/instellingen", As: &coord}, http.StatusOK)
	webtest.MustContain(t, body, "Een regio heeft geen eigen termijn")
}

// Without the service the pages say so; without a login they send the
// person to log in.
func TestUnavailableAndAnonymous(t *testing.T) {
	t.Parallel()
	resp, body := webtest.Send(t, newSite(t, Config{}), webtest.Request{Target: "/adviezen", As: &chair})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d without the service", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Adviezen zijn hier niet beschikbaar")
	resp, _ = webtest.Send(t, newSite(t, newFakes(t).cfg), webtest.Request{Target: "/adviezen/" + draftID})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/auth/login") {
		t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
