package results

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// get sends a GET for target, in lang when set, as someone without a
// login.
func get(t *testing.T, s *Site, target, lang string) (*http.Response, string) {
	t.Helper()
	return webtest.Send(t, s, webtest.Request{Target: target, Lang: lang})
}

// Every page is public: no login, no staff menu, no tenant switch; the
// same for a logged-in council member.
func TestPagesArePublic(t *testing.T) {
	t.Parallel()
	s, _ := site(t)
	for _, target := range []string{"/resultaten", "/resultaten/" + sharedID, "/resultaten/evaluatie"} {
		for name, as := range map[string]*auth.Identity{"anonymous": nil, "staff": &webtest.TwoTenants} {
			rq := webtest.Request{Target: target, As: as}
			resp, body := webtest.Send(t, s, rq)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s as %s: status = %d, want 200", target, name, resp.StatusCode)
			}
			webtest.MustNotContain(t, body, `class="utrecht-nav-bar mdn-nav"`, "/auth/login", `name="tenant"`, "Anne de Vries")
			// The site's policy blocks inline styles and scripts; nothing
			// may reach another site.
			if m := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|https?://`).FindString(body); m != "" {
				t.Errorf("%s holds %q", target, m)
			}
		}
	}
}

// The list shows each process with its theme, places, sending day and
// where it is: how many municipalities answered, or the report.
func TestListShowsWhereEachProcessIs(t *testing.T) {
	t.Parallel()
	s, _ := site(t)
	resp, body := get(t, s, "/resultaten", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	text := sectionText(t, body, "trajecten")
	for _, want := range []string{
		"Advies over respijtzorg voor mantelzorgers in de IJmond Mantelzorg 2 van de 3 gemeenten hebben gereageerd Voor: Velsen, Beverwijk en Heemskerk Advies verstuurd op 20 januari 2027 · kenmerk PR-ijmond-2027-001",
		"Advies over jeugdhulp in Heemskerk Jeugd Eindverslag gepubliceerd Voor: Heemskerk Advies verstuurd op 5 oktober 2026",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the list lacks %q; it reads:\n%s", want, text)
		}
	}
	webtest.MustContain(t, body, `href="/resultaten/p-mantelzorg"`, `href="/resultaten/p-jeugd"`, `href="/resultaten/evaluatie"`,
		`href="/api/v1/open-data/process-results?format=csv"`, `href="/api/v1/open-data/process-results?format=json"`)
}

// The municipality filter is a GET form: choosing Velsen asks the
// service for Velsen's processes, shared ones included, and keeps the
// choice; an unknown municipality is refused before the service is asked.
func TestListFiltersByMunicipality(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	_, body := get(t, s, "/resultaten?gemeente=GM0453", "")
	if got := fk.results.Request("ListProcessResults").(*resultsv1.ListProcessResultsRequest).GetTenant(); got != "GM0453" {
		t.Errorf("asked for tenant %q, want GM0453", got)
	}
	text := sectionText(t, body, "trajecten")
	if !strings.Contains(text, "Advies over respijtzorg") || strings.Contains(text, "jeugdhulp") {
		t.Errorf("Velsen's list reads:\n%s", text)
	}
	webtest.MustContain(t, body, `<form class="utrecht-form mdn-filter" method="get" action="/resultaten"`,
		`<option value="GM0453" selected>Velsen</option>`, `href="/resultaten">Alles tonen</a>`)

	_, body = get(t, s, "/resultaten?gemeente=GM0396", "")
	if text := sectionText(t, body, "trajecten"); !strings.Contains(text, "jeugdhulp") || !strings.Contains(text, "respijtzorg") {
		t.Errorf("Heemskerk's list reads:\n%s", text)
	}

	calls := fk.results.CallsOf("ListProcessResults")
	resp, body := get(t, s, "/resultaten?gemeente=GM9999", "")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown municipality: status = %d, want 400", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Deze keuze kennen we niet")
	if fk.results.CallsOf("ListProcessResults") != calls {
		t.Error("the service was asked for an unknown municipality")
	}
}

// A long list comes a page at a time; the next page keeps the filter and
// offers the way back to the start.
func TestListPages(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	fk.results.addProcesses(25)
	_, body := get(t, s, "/resultaten?gemeente=GM0453", "")
	if n := strings.Count(sectionText(t, body, "trajecten"), "Advies verstuurd op"); n != listSize {
		t.Errorf("first page shows %d processes, want %d", n, listSize)
	}
	next := regexp.MustCompile(`href="([^"]*)">Volgende resultaten`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	target := strings.ReplaceAll(next[1], "&amp;", "&")
	if target != "/resultaten?gemeente=GM0453&vanaf=20" {
		t.Errorf("next page = %q", target)
	}
	_, body = get(t, s, target, "")
	if n := strings.Count(sectionText(t, body, "trajecten"), "Advies verstuurd op"); n != 6 {
		t.Errorf("second page shows %d processes, want 6", n)
	}
	webtest.MustContain(t, body, `href="/resultaten?gemeente=GM0453">Naar het begin van de lijst`)
	webtest.MustNotContain(t, body, "Volgende resultaten")

	resp, _ := get(t, s, "/resultaten?vanaf=kapot", "")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a broken cursor: status = %d, want 400", resp.StatusCode)
	}
}

// The process page tells a resident what came of their input: the
// question, how residents took part, what they said, the advice with
// every recommendation and each municipality's decision on it, and where
// each municipality's response is.
func TestProcessPageTellsWhatWasDone(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	resp, body := get(t, s, "/resultaten/"+sharedID, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if got := fk.results.Request("GetProcessResults").(*resultsv1.GetProcessResultsRequest).GetProcessId(); got != sharedID {
		t.Errorf("asked for process %q", got)
	}
	webtest.MustContain(t, body, "<title>Advies over respijtzorg voor mantelzorgers in de IJmond · Meedoen</title>",
		"Wat is er met je inbreng gedaan?")
	tests := []struct{ section, want string }{
		{"vraag", "Wat hebben mantelzorgers nodig om het vol te houden? De gemeente vroeg de participatieraad om dit advies."},
		{"meedoen", "Focusgroep Velsen 2 november 2026 tot en met 14 december 2026 3 1.234"},
		{"meedoen", "Flitspeiling Beverwijk 1 december 2026 1 minder dan 5"},
		{"meedoen", "Focusgroepen kwamen 3 keer bij elkaar. Aantal aanwezigen, elke keer apart geteld: 21."},
		{"inbreng", "Veel mantelzorgers kennen respijtzorg niet. “Ik wist niet dat het bestond.” De focusgroepen schreven 4 bevindingen op."},
		{"peilingen", "Flitspeiling, gesloten op 1 december 2026 Gemeente Ingevulde antwoorden Velsen 48 Beverwijk niet getoond Heemskerk niet getoond Totaal 57"},
		{"conclusies", "Respijtzorg moet bekender worden."},
		{"advies", "Kenmerk PR-ijmond-2027-001"},
		{"advies", "Verstuurd op 20 januari 2027"},
		{"advies", "Controlegetal (SHA-256) " + hash},
		{"advies", "Correctie: Aanbeveling 2 noemde het verkeerde loket."},
		{"reacties", "Velsen Het college van burgemeester en wethouders besloot op 10 februari 2027. De reactie kwam op tijd."},
		{"reacties", "Beverwijk Te laat De gemeente heeft het advies ontvangen en werkt aan een reactie. Te laat: de termijn liep tot en met 3 maart 2027. Er is nog geen reactie."},
		{"reacties", "Heemskerk Het college van burgemeester en wethouders besloot op 24 februari 2027. De reactie kwam op tijd. De participatieraad vroeg de gemeente om een nieuwe reactie. Nog geen nieuwe reactie; termijn tot en met 14 april 2027."},
		{"eindverslag", "Er is nog geen eindverslag."},
	}
	for _, tc := range tests {
		if text := sectionText(t, body, tc.section); !strings.Contains(text, tc.want) {
			t.Errorf("section %s lacks %q; it reads:\n%s", tc.section, tc.want, text)
		}
	}
	recs := []struct{ id, want string }{
		{"aanbeveling-1", "Maak respijtzorg bekend via de huisarts. Velsen: Overgenomen. Beverwijk: nog geen reactie. Heemskerk: Wordt onderzocht. We zoeken het uit."},
		{"aanbeveling-2", "Zorg voor één loket voor mantelzorgers. Velsen: Deels overgenomen. Het loket komt er, maar alleen online. Beverwijk: nog geen reactie. Heemskerk: Overgenomen."},
		{"aanbeveling-3", "Geef mantelzorgers een vast contactpersoon. Velsen: Niet overgenomen. Daar is geen geld voor. Beverwijk: nog geen reactie. Heemskerk: Overgenomen."},
	}
	for _, r := range recs {
		if got := idText(t, body, r.id); got != r.want {
			t.Errorf("%s reads %q, want %q", r.id, got, r.want)
		}
	}
	// The recommendations keep their numbers, in one ordered list.
	if got := regexp.MustCompile(`<li class="utrecht-ordered-list__item" value="(\d+)"`).FindAllStringSubmatch(body, -1); len(got) != 3 || got[0][1] != "1" || got[2][1] != "3" {
		t.Errorf("numbered items = %v", got)
	}
	webtest.MustContain(t, body,
		`href="/api/v1/advices/a-mantelzorg/document?format=pdf"`, `href="/api/v1/advices/a-mantelzorg/document?format=html"`,
		`role="note"`)
	// The bound of a hidden count comes from the service's figures for
	// the process's region.
	if got := fk.results.Request("GetFigures").(*resultsv1.GetFiguresRequest); got.GetRegionId() != "ijmond" || got.GetMunicipalityCode() != "" {
		t.Errorf("figures asked with %v, want the region ijmond", got)
	}
}

// Hidden counts are never shown as 0: with the service's bound "minder
// dan 5", without it a dash that screen readers read as "niet getoond".
func TestHiddenCountsAreNeverZero(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	fk.results.FailWith("GetFigures", status.Error(codes.Unavailable, "down"))
	resp, body := get(t, s, "/resultaten/"+sharedID, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("without figures: status = %d, want 200", resp.StatusCode)
	}
	text := sectionText(t, body, "meedoen")
	if !strings.Contains(text, "Flitspeiling Beverwijk 1 december 2026 1 niet getoond") {
		t.Errorf("a hidden reach without a bound reads:\n%s", text)
	}
	for _, section := range []string{"meedoen", "peilingen"} {
		for _, row := range regexp.MustCompile(`(Beverwijk|Heemskerk) [^A-Z]*`).FindAllString(sectionText(t, body, section), -1) {
			if regexp.MustCompile(`\b0\b`).MatchString(row) {
				t.Errorf("section %s shows a hidden count as 0: %q", section, row)
			}
		}
	}
	webtest.MustContain(t, body, "Een streepje (—) betekent: dit aantal tonen we niet.")
}

// A process with its final report shows the report; the report's
// municipality answered after its term.
func TestProcessPageShowsTheReport(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	_, body := get(t, s, "/resultaten/"+localID, "")
	if text := sectionText(t, body, "eindverslag"); text != "Gepubliceerd op 8 januari 2027. De inloop is er sinds januari. Controlegetal (SHA-256) bb22" {
		t.Errorf("the report reads %q", text)
	}
	if text := sectionText(t, body, "reacties"); !strings.Contains(text, "De reactie kwam te laat. De termijn liep tot en met 16 november 2026.") {
		t.Errorf("the response reads %q", text)
	}
	webtest.MustContain(t, body, "Eindverslag gepubliceerd", "Afgerond")
	if got := fk.results.Request("GetFigures").(*resultsv1.GetFiguresRequest); got.GetMunicipalityCode() != "GM0396" || got.GetRegionId() != "" {
		t.Errorf("figures asked with %v, want Heemskerk", got)
	}
}

// A process that does not exist, or has no public results, gets the
// site's 404 page, as does a path below a process.
func TestUnknownProcessIsNotFound(t *testing.T) {
	t.Parallel()
	s, _ := site(t)
	for _, target := range []string{"/resultaten/p-bestaat-niet", "/resultaten/" + sharedID + "/meer", "/resultaten/"} {
		resp, body := get(t, s, target, "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 404", target, resp.StatusCode)
		}
		webtest.MustContain(t, body, "Deze pagina bestaat niet")
	}
}

// The pages speak English on request, numbers and dates included.
func TestPagesInEnglish(t *testing.T) {
	t.Parallel()
	s, _ := site(t)
	_, body := get(t, s, "/resultaten/"+sharedID, "en")
	webtest.MustContain(t, body, `<html lang="en"`, `href="/api/v1/advices/a-mantelzorg/document?format=html&amp;language=en"`)
	webtest.MustContain(t, mainText(t, body), "What was done with your input?", "Focus group Velsen 2 November 2026 to 14 December 2026 3 1,234",
		"fewer than 5", "Velsen: Adopted.", "Late: the term ran until 3 March 2027.")
	webtest.MustNotContain(t, body, "Wat is er met je inbreng gedaan?")
	_, body = get(t, s, "/resultaten/evaluatie", "en")
	webtest.MustContain(t, mainText(t, body), "Figures on taking part", "Velsen 6 12.5 40 83%", "Velsen 4 1,234 310", "fewer than 5")
}

// The dashboard shows each chart, inlined and made safe, followed by its
// data table; figures in Dutch, hidden ones as hidden.
func TestEvaluationDashboard(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	resp, body := get(t, s, "/resultaten/evaluatie", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if diff := cmp.Diff(&resultsv1.GetFiguresRequest{}, fk.results.Request("GetFigures"), protocmp.Transform()); diff != "" {
		t.Errorf("GetFigures (-want +got):\n%s", diff)
	}
	if n := fk.files.CallsOf("RenderChart"); n != 3 {
		t.Errorf("RenderChart called %d times, want 3", n)
	}
	tables := []struct{ section, want string }{
		{"overzicht", "Velsen 4 1.234 310 niet getoond 100%"},
		{"overzicht", "Beverwijk 1 minder dan 5 0 niet getoond niet getoond"},
		{"aanbevelingen", "Grafiek adoption Staafdiagram per gemeente."},
		{"aanbevelingen", "Velsen 2 10 5 (50%) 3 (30%) 2 (20%) 0"},
		{"aanbevelingen", "Beverwijk 1 0 0 (niet getoond) 0 (niet getoond) 0 (niet getoond) 0"},
		{"snelheid", "Grafiek response-days"},
		{"snelheid", "Velsen 6 12,5 40 83%"},
		{"snelheid", "Beverwijk 0 niet getoond niet getoond niet getoond"},
		{"vormen", "Grafiek reach"},
		{"vormen", "Focusgroep Velsen 2 40 Bezoek aan bestaande groep Beverwijk 1 minder dan 5"},
		{"themas", "Mantelzorg 3 2 5 (50%) 50% Dementie 1 0 0 (niet getoond) niet getoond"},
	}
	for _, tc := range tables {
		if text := sectionText(t, body, tc.section); !strings.Contains(text, tc.want) {
			t.Errorf("section %s lacks %q; it reads:\n%s", tc.section, tc.want, text)
		}
	}
	// Each chart comes before its table.
	for _, c := range []struct{ chart, table string }{{"adoption", "overname-titel"}, {"response-days", "snelheid-titel"}, {"reach", "vormen-titel"}} {
		chart, table := strings.Index(body, `id="grafiek-`+c.chart+`-title"`), strings.Index(body, `id="`+c.table+`"`)
		if chart < 0 || table < 0 || chart > table {
			t.Errorf("chart %s at %d, its table at %d", c.chart, chart, table)
		}
	}
	// Every table has a caption and every header a scope.
	if n, m := strings.Count(body, "<table"), strings.Count(body, `<caption class="utrecht-table__caption"`); n != 5 || m != 5 {
		t.Errorf("%d tables, %d captions; want 5 of each", n, m)
	}
	if strings.Count(body, "<th ") != strings.Count(body, `<th class="utrecht-table__header-cell" scope=`)+strings.Count(body, `<th class="utrecht-table__header-cell utrecht-table__header-cell--numeric-column" scope=`) {
		t.Error("a header cell has no scope")
	}
	webtest.MustContain(t, body, "Stand van 4 maart 2027, 12:15.", "Bij minder dan 5 inwoners staat er “minder dan 5”.",
		`href="/api/v1/open-data/evaluation-figures?format=csv"`, `href="/api/v1/open-data/evaluation-figures?format=json"`,
		`href="/api/v1/open-data/catalog"`)
	webtest.MustNotContain(t, body, "alert(", "<script", "onload", "xmlns", `width="640"`)
}

// The dashboard's filters narrow the figures; the charts follow a region
// and are left out for a municipality or a theme, which they cannot show;
// an unknown choice is refused before the service is asked.
func TestEvaluationFilters(t *testing.T) {
	t.Parallel()
	s, fk := site(t)
	_, body := get(t, s, "/resultaten/evaluatie?regio=ijmond", "")
	if got := fk.files.Request("RenderChart").(*resultsv1.RenderChartRequest); got.GetRegionId() != "ijmond" || got.GetLanguage() != "nl" {
		t.Errorf("RenderChart = %v, want the region ijmond in Dutch", got)
	}
	webtest.MustContain(t, body, `<option value="ijmond" selected>IJmond</option>`, "Grafiek adoption")

	charts := fk.files.CallsOf("RenderChart")
	_, body = get(t, s, "/resultaten/evaluatie?regio=ijmond&gemeente=GM0375&thema=mantelzorg", "")
	want := &resultsv1.GetFiguresRequest{RegionId: "ijmond", MunicipalityCode: "GM0375", Theme: "mantelzorg"}
	if diff := cmp.Diff(want, fk.results.Request("GetFigures"), protocmp.Transform()); diff != "" {
		t.Errorf("GetFigures (-want +got):\n%s", diff)
	}
	if fk.files.CallsOf("RenderChart") != charts {
		t.Error("charts were drawn for a municipality and a theme")
	}
	webtest.MustContain(t, body, "Grafieken zijn er alleen voor een hele regio of voor alles.",
		`<option value="GM0375" selected>Beverwijk</option>`, `<option value="mantelzorg" selected>Mantelzorg</option>`)
	webtest.MustNotContain(t, body, "<svg")
	// The tables stay.
	webtest.MustContain(t, body, `id="overname-titel"`, `id="snelheid-titel"`, `id="vormen-titel"`)

	figures := fk.results.CallsOf("GetFigures")
	for _, q := range []string{"regio=atlantis", "gemeente=GM9999", "gemeente=ijmond", "thema=%3Cscript%3E"} {
		resp, _ := get(t, s, "/resultaten/evaluatie?"+q, "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status = %d, want 400", q, resp.StatusCode)
		}
	}
	if fk.results.CallsOf("GetFigures") != figures {
		t.Error("the service was asked for an unknown choice")
	}
}

// A chart that fails, or a site without the files service, leaves the
// charts out and the tables in.
func TestChartsFailQuietly(t *testing.T) {
	t.Parallel()
	fk := newFakes(t)
	fk.files.FailWith("RenderChart", status.Error(codes.Internal, "boom"))
	for name, cfg := range map[string]Config{"failing": fk.cfg, "without files": {Results: fk.cfg.Results}} {
		resp, body := get(t, newSite(t, cfg), "/resultaten/evaluatie", "")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status = %d, want 200", name, resp.StatusCode)
		}
		webtest.MustNotContain(t, body, "<svg")
		webtest.MustContain(t, sectionText(t, body, "aanbevelingen"), "Velsen 2 10 5 (50%)")
	}
}

// Without the results service, or while it is down, the pages say so.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	resp, body := get(t, newSite(t, Config{}), "/resultaten", "")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("unconfigured: status = %d, want 503", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Resultaten zijn hier niet beschikbaar")

	s, fk := site(t)
	fk.results.FailWith("GetProcessResults", status.Error(codes.Unavailable, "down"))
	resp, body = get(t, s, "/resultaten/"+sharedID, "")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("down: status = %d, want 503", resp.StatusCode)
	}
	webtest.MustContain(t, body, "De resultaten zijn tijdelijk niet bereikbaar")
}
