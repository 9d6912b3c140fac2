package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/auth"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestStaffPanelPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  string
		as      auth.Identity
		lang    string
		want    []string
		notWant []string
	}{
		{
			name: "summary for a keeper", target: "/panels", as: velsenOfficer, lang: "nl",
			want: []string{
				"Inwonerspanels van Velsen", "Panel van Velsen", "Actief", "<dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--html-dd\">2</dd>",
				"Wacht op bevestiging", "Afgemeld", "Actieve leden per leeftijdsgroep", "41 tot en met 65 jaar", "76 jaar of ouder",
				"Actieve leden per wijk", "IJmuiden", "Niet opgegeven", `href="/panels/GM0453/leden"`, `href="/panels/GM0453/importeren"`,
				`href="/panel/aanmelden"`, `aria-current="page">Panels</a>`,
			},
		},
		{
			name: "summary for a chair, who reads but does not keep", target: "/panels", as: velsenChair, lang: "en",
			want:    []string{"Residents&#39; panels of Velsen", "Active members by age band", "Awaiting confirmation"},
			notWant: []string{`href="/panels/GM0453/leden"`, `href="/panels/GM0453/importeren"`},
		},
		{
			name: "members, one a page", target: "/panels/GM0453/leden", as: velsenOfficer, lang: "nl",
			want: []string{
				"Leden van het panel van Velsen", erasedEmail, `href="/panels/GM0453/leden/member-anna"`, "Actief",
				"41 tot en met 65 jaar", "1971 AB", `href="/panels/GM0453/leden?na=member-bram">Volgende pagina</a>`,
			},
			notWant: []string{"bram@example.nl", "Eerste pagina", "Filters wissen"},
		},
		{
			name: "members, second page", target: "/panels/GM0453/leden?na=member-bram", as: velsenOfficer, lang: "nl",
			want: []string{"bram@example.nl", `href="/panels/GM0453/leden">Eerste pagina</a>`},
		},
		{
			name: "members filtered", target: "/panels/GM0453/leden?status=afgemeld", as: velsenOfficer, lang: "nl",
			want:    []string{`<option value="afgemeld" selected>Afgemeld</option>`, "Lid member-gone", "Filters wissen"},
			notWant: []string{erasedEmail, "Volgende pagina", "E-mailadressen staan hier niet"},
		},
		{
			name: "a member", target: "/panels/GM0453/leden/member-anna", as: velsenOfficer, lang: "nl",
			want: []string{
				erasedEmail, "Zelf aangemeld", "Toestemming gegeven op", "1 oktober 2026, 12:00", signupConsentVersion,
				"Toestemming gegeven", "Aanmelding bevestigd", "Mantelzorg in de IJmond", "heeft gereageerd",
				`href="/panels/GM0453/leden/member-anna/gegevens" download>Gegevens downloaden</a>`,
				`href="/panels/GM0453/leden/member-anna/wissen">Gegevens wissen</a>`,
			},
			notWant: []string{`action="/panels/GM0453/leden/member-anna/wissen"`},
		},
		{
			name: "the import form", target: "/panels/GM0453/importeren", as: velsenOfficer, lang: "nl",
			want: []string{
				"Leden importeren voor Velsen", `enctype="multipart/form-data"`, `type="file" id="bestand" name="bestand" accept=".csv,text/csv"`,
				`id="versie" name="versie"`, "Bestand controleren",
			},
			notWant: []string{"Importeren</button>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, site := panelSite(t)
			resp, body := send(t, site, request{target: tc.target, as: &tc.as, lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			mustContain(t, body, tc.want...)
			mustNotContain(t, body, tc.notWant...)
		})
	}
}

func TestStaffPanelPagesShowAddressesOnlyWhenTheServiceGivesThem(t *testing.T) {
	t.Parallel()
	panels, _, site := panelSite(t)
	panels.mu.Lock()
	panels.hideEmail = true
	panels.mu.Unlock()
	_, body := send(t, site, request{target: "/panels/GM0453/leden", as: &velsenOfficer})
	mustContain(t, body, "Lid member-anna", "E-mailadressen staan hier niet")
	mustNotContain(t, body, erasedEmail)
}

func TestStaffPanelPagesRefuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		fail   map[string]error
		want   int
	}{
		{"another tenant's municipality", "/panels/GM0375/leden", nil, http.StatusNotFound},
		{"what is no municipality", "/panels/ijmond/leden", nil, http.StatusNotFound},
		{"an unknown member", "/panels/GM0453/leden/member-none", nil, http.StatusNotFound},
		{"a role that may not keep the panel", "/panels/GM0453/leden", map[string]error{"ListPanelMembers": status.Error(codes.PermissionDenied, "no")}, http.StatusForbidden},
		{"the service is down", "/panels", map[string]error{"GetPanelSummary": status.Error(codes.Unavailable, "down")}, http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			panels, _, site := panelSite(t)
			for m, err := range tc.fail {
				panels.failWith(m, err)
			}
			resp, _ := send(t, site, request{target: tc.target, as: &velsenOfficer})
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		t.Parallel()
		_, _, site := panelSite(t)
		resp, _ := send(t, site, request{target: "/panels/GM0453/leden"})
		if got, want := resp.Header.Get("Location"), "/auth/login?returnTo=%2Fpanels%2FGM0453%2Fleden"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
	})
	t.Run("without the service", func(t *testing.T) {
		t.Parallel()
		site := newSite(t, Config{})
		if resp, _ := send(t, site, request{target: "/panels", as: &velsenOfficer}); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
	})
}

func TestEraseAsksForConfirmationFirst(t *testing.T) {
	t.Parallel()
	panels, _, site := panelSite(t)
	member := "/panels/GM0453/leden/" + memberAnna

	resp, body := send(t, site, request{target: member + "/wissen", as: &velsenOfficer})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	mustContain(t, body, "Gegevens van dit lid wissen?", erasedEmail,
		`<form class="utrecht-form" method="post" action="`+member+`/wissen">`, "Ja, gegevens wissen</button>",
		`href="`+member+`">Annuleren</a>`)
	if n := panels.callsOf("ErasePanelMember"); n != 0 {
		t.Fatalf("showing the question erased %d times", n)
	}

	resp, _ = send(t, site, request{target: member + "/wissen", as: &velsenOfficer, form: url.Values{}})
	if got, want := resp.Header.Get("Location"), "/panels/GM0453/leden?gelukt=gewist"; resp.StatusCode != http.StatusSeeOther || got != want {
		t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
	}
	want := &surveysv1.ErasePanelMemberRequest{MunicipalityCode: "GM0453", Id: memberAnna}
	if diff := cmp.Diff(want, panels.request("ErasePanelMember"), protocmp.Transform()); diff != "" {
		t.Errorf("ErasePanelMember request (-want +got):\n%s", diff)
	}
	_, body = send(t, site, request{target: "/panels/GM0453/leden?gelukt=gewist", as: &velsenOfficer})
	mustContain(t, body, "De gegevens van het lid zijn gewist.")
	mustNotContain(t, body, erasedEmail)
}

func TestMemberDataDownloadsAsJSON(t *testing.T) {
	t.Parallel()
	_, _, site := panelSite(t)
	resp, body := send(t, site, request{target: "/panels/GM0453/leden/" + memberAnna + "/gegevens", as: &velsenOfficer})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Content-Type":        "application/json; charset=utf-8",
		"Content-Disposition": `attachment; filename="panellid-member-anna.json"`,
		"Cache-Control":       "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var got struct {
		Member struct {
			Email string `json:"email"`
		} `json:"member"`
		Invitations []struct {
			PollID string `json:"pollId"`
		} `json:"invitations"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("the download is no JSON: %v", err)
	}
	if got.Member.Email != erasedEmail || len(got.Invitations) != 1 {
		t.Errorf("the download holds %+v, want the member's address and one invitation", got)
	}
}

// upload posts a multipart form with fields and, when csv is not nil, the
// file "bestand".
func upload(t *testing.T, site *Site, target string, fields map[string]string, csv []byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if csv != nil {
		fw, err := mw.CreateFormFile("bestand", "leden.csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(csv); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, target, &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return get(t, withIdentity(velsenOfficer, site.Handler()), r)
}

func TestImportShowsRejectedRowsBeforeImporting(t *testing.T) {
	t.Parallel()
	panels, _, site := panelSite(t)
	const target = "/panels/GM0453/importeren"
	csv := []byte("email;toestemming_datum\r\nsam@example.nl;2026-03-31\r\nkees-at-example.nl;2026-03-31\r\nlot@example.nl;2026-03-31\r\ngeen adres;2026-03-31\r\n")

	resp, body := upload(t, site, target, map[string]string{"versie": "wervingsbrief 2026-03", "stap": "controleren"}, csv)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("check: status = %d, want 200", resp.StatusCode)
	}
	check := panels.request("ImportPanelMembers").(*surveysv1.ImportPanelMembersRequest)
	if !check.GetDryRun() || !bytes.Equal(check.GetCsv(), csv) || check.GetConsentVersion() != "wervingsbrief 2026-03" {
		t.Fatalf("the check sent dry run %v, version %q and %d bytes; want a dry run of the file", check.GetDryRun(), check.GetConsentVersion(), len(check.GetCsv()))
	}
	var rows [][3]string
	table := regexp.MustCompile(`(?s)<table[^>]*id="afgekeurd".*?</table>`).FindString(body)
	for _, m := range regexp.MustCompile(`(?s)<tr class="utrecht-table__row">\s*<th[^>]*scope="row">(\d+)</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>`).FindAllStringSubmatch(table, -1) {
		rows = append(rows, [3]string{m[1], m[2], m[3]})
	}
	wantRows := [][3]string{{"3", "email", "is geen e-mailadres"}, {"5", "email", "is geen e-mailadres"}}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("rejected rows (-want +got):\n%s", diff)
	}
	mustContain(t, body, "Controle van het bestand", "Bestand: leden.csv", "importeer nu alleen de goede regels: 2.", `value="importeren">Importeren</button>`)

	data := regexp.MustCompile(`name="inhoud" value="([^"]*)"`).FindStringSubmatch(body)
	if data == nil {
		t.Fatal("the check's page does not carry the file to the import")
	}
	resp, body = upload(t, site, target, map[string]string{
		"inhoud": data[1], "bestand-naam": "leden.csv", "versie": "wervingsbrief 2026-03", "stap": "importeren",
	}, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import: status = %d, want 200", resp.StatusCode)
	}
	done := panels.request("ImportPanelMembers").(*surveysv1.ImportPanelMembersRequest)
	if done.GetDryRun() || !bytes.Equal(done.GetCsv(), csv) {
		t.Errorf("the import sent dry run %v and %q, want the checked file for real", done.GetDryRun(), done.GetCsv())
	}
	mustContain(t, body, "De leden zijn geïmporteerd.", "Resultaat van de import")
	mustNotContain(t, body, `name="inhoud"`)
}

func TestImportErrorsAreTiedToTheirFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields map[string]string
		csv    []byte
		refuse error
		want   [][2]string
	}{
		{
			name: "no file, no version", fields: map[string]string{"stap": "controleren"},
			want: [][2]string{{"#bestand", "CSV-bestand: Kies een CSV-bestand."}, {"#versie", "Versie van de toestemmingstekst: Vul in welke toestemmingstekst de inwoners lazen."}},
		},
		{
			name: "a file the service cannot read", fields: map[string]string{"versie": "v1"}, csv: []byte("naam\nSam\n"),
			refuse: invalid("/csv", "has no email column"),
			want:   [][2]string{{"#bestand", "CSV-bestand: has no email column"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			panels, _, site := panelSite(t)
			if tc.refuse != nil {
				panels.failWith("ImportPanelMembers", tc.refuse)
			}
			resp, body := upload(t, site, "/panels/GM0453/importeren", tc.fields, tc.csv)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", resp.StatusCode)
			}
			if diff := cmp.Diff(tc.want, summaryOf(t, body)); diff != "" {
				t.Errorf("error summary (-want +got):\n%s", diff)
			}
			mustContain(t, body, `id="bestand-fout"`)
		})
	}
}

// panelPoll makes the fake's open shared poll one for the IJmond panels.
func panelPoll(f *fakeSurveys) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staff[openPollID].Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL}
}

func TestPollPageInvitesAndRemindsThePanel(t *testing.T) {
	t.Parallel()
	panels, surveys, site := panelSite(t)
	panelPoll(surveys)
	page := "/peilingen/" + openPollID

	_, body := send(t, site, request{target: page, as: &velsenChair})
	mustContain(t, body, "Panel uitnodigen</button>", `action="`+page+`/panel-uitnodigen"`, `<option value="GM0396">Heemskerk</option>`,
		`id="leeftijd-66-75" name="leeftijd" value="66-75"`, "Herinnering sturen</button>", `action="`+page+`/herinneren"`)

	resp, _ := send(t, site, request{target: page + "/panel-uitnodigen", as: &velsenChair, form: url.Values{
		"gemeente": {"GM0453"}, "leeftijd": {"66-75", "76+"}, "wijken": {"IJmuiden-Noord, Velsen-Zuid"}, "postcodes": {"1971 1972"},
	}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: status = %d, want 303", resp.StatusCode)
	}
	want := &surveysv1.InvitePanelRequest{
		PollId: openPollID, MunicipalityCode: "GM0453", AgeBands: []string{"66-75", "76+"},
		Neighbourhoods: []string{"IJmuiden-Noord", "Velsen-Zuid"}, PostcodePrefixes: []string{"1971", "1972"},
	}
	if diff := cmp.Diff(want, panels.request("InvitePanel"), protocmp.Transform()); diff != "" {
		t.Errorf("InvitePanel request (-want +got):\n%s", diff)
	}
	_, body = send(t, site, request{target: withoutFragment(t, resp), as: &velsenChair})
	mustContain(t, body, "12 leden uitgenodigd. 3 eerder uitgenodigde leden overgeslagen.")

	resp, _ = send(t, site, request{target: page + "/herinneren", as: &velsenChair, form: url.Values{}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: status = %d, want 303", resp.StatusCode)
	}
	_, body = send(t, site, request{target: withoutFragment(t, resp), as: &velsenChair, lang: "en"})
	mustContain(t, body, "7 reminders sent.")
}

// withoutFragment is where a redirect leads, as a browser asks for it:
// without the fragment, which it keeps to itself.
func withoutFragment(t *testing.T, resp *http.Response) string {
	t.Helper()
	loc, frag, _ := strings.Cut(resp.Header.Get("Location"), "#")
	if frag != "panel-titel" {
		t.Errorf("the redirect leads to #%s, want the panel's heading", frag)
	}
	return loc
}

func TestPollPagePanelErrorsAreTiedToTheirFields(t *testing.T) {
	t.Parallel()
	panels, surveys, site := panelSite(t)
	panelPoll(surveys)
	panels.failWith("InvitePanel", invalid("/municipalityCode", "is not one of the poll's municipalities"))
	page := "/peilingen/" + openPollID

	resp, body := send(t, site, request{target: page + "/panel-uitnodigen", as: &velsenChair, form: url.Values{"gemeente": {"GM0375"}, "postcodes": {"19x1"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#postcodes", "Postcodes die beginnen met: Vul het begin van postcodes in als cijfers, zoals 1971."}}, summaryOf(t, body)); diff != "" {
		t.Errorf("the site's own check (-want +got):\n%s", diff)
	}
	if panels.callsOf("InvitePanel") != 0 {
		t.Error("the site sent a postcode it should have refused itself")
	}

	resp, body = send(t, site, request{target: page + "/panel-uitnodigen", as: &velsenChair, form: url.Values{"gemeente": {"GM0375"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#gemeente", "Panel van: is not one of the poll's municipalities"}}, summaryOf(t, body)); diff != "" {
		t.Errorf("the service's objection (-want +got):\n%s", diff)
	}
	mustContain(t, body, `aria-invalid="true" aria-describedby="gemeente-fout"`)
}

func TestPollPageHasNoPanelFormForOpenLinks(t *testing.T) {
	t.Parallel()
	_, _, site := panelSite(t)
	_, body := send(t, site, request{target: "/peilingen/" + openPollID, as: &velsenChair})
	mustNotContain(t, body, "Panel uitnodigen", "Herinnering sturen")
}

func TestAgeBandsHaveNamesInTheCatalogue(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"panel.ageBand.none"}
	for _, b := range ageBands {
		keys = append(keys, ageBandKey(b))
	}
	for _, st := range memberStatuses {
		keys = append(keys, memberStatusKey(st.status))
	}
	for _, lang := range langs {
		for _, k := range keys {
			if strings.TrimSpace(cats[lang][k]) == "" {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}
