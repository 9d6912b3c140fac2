package panels

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

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
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
			name: "summary for a keeper", target: "/panels", as: webtest.VelsenOfficer, lang: "nl",
			want: []string{
				"Inwonerspanels van Velsen", "Panel van Velsen", "Actief", "<dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--html-dd\">2</dd>",
				"Wacht op bevestiging", "Afgemeld", "Actieve leden per leeftijdsgroep", "41 tot en met 65 jaar", "76 jaar of ouder",
				"Actieve leden per wijk", "IJmuiden", "Niet opgegeven", `href="/panels/GM0453/leden"`, `href="/panels/GM0453/importeren"`,
				`href="/panel/aanmelden"`, `aria-current="page">Panels</a>`,
			},
		},
		{
			name: "summary for a chair, who reads but does not keep", target: "/panels", as: webtest.VelsenChair, lang: "en",
			want:    []string{"Residents&#39; panels of Velsen", "Active members by age band", "Awaiting confirmation"},
			notWant: []string{`href="/panels/GM0453/leden"`, `href="/panels/GM0453/importeren"`},
		},
		{
			name: "members, one a page", target: "/panels/GM0453/leden", as: webtest.VelsenOfficer, lang: "nl",
			want: []string{
				"Leden van het panel van Velsen", erasedEmail, `href="/panels/GM0453/leden/member-anna"`, "Actief",
				"41 tot en met 65 jaar", "1971 AB", `href="/panels/GM0453/leden?na=member-bram">Volgende pagina</a>`,
			},
			notWant: []string{"bram@example.nl", "Eerste pagina", "Filters wissen"},
		},
		{
			name: "members, second page", target: "/panels/GM0453/leden?na=member-bram", as: webtest.VelsenOfficer, lang: "nl",
			want: []string{"bram@example.nl", `href="/panels/GM0453/leden">Eerste pagina</a>`},
		},
		{
			name: "members filtered", target: "/panels/GM0453/leden?status=afgemeld", as: webtest.VelsenOfficer, lang: "nl",
			want:    []string{`<option value="afgemeld" selected>Afgemeld</option>`, "Lid member-gone", "Filters wissen"},
			notWant: []string{erasedEmail, "Volgende pagina", "E-mailadressen staan hier niet"},
		},
		{
			name: "a member", target: "/panels/GM0453/leden/member-anna", as: webtest.VelsenOfficer, lang: "nl",
			want: []string{
				erasedEmail, "Zelf aangemeld", "Toestemming gegeven op", "1 oktober 2026, 12:00", signupConsentVersion,
				"Toestemming gegeven", "Aanmelding bevestigd", "Mantelzorg in de IJmond", "heeft gereageerd",
				`href="/panels/GM0453/leden/member-anna/gegevens" download>Gegevens downloaden</a>`,
				`href="/panels/GM0453/leden/member-anna/wissen">Gegevens wissen</a>`,
			},
			notWant: []string{`action="/panels/GM0453/leden/member-anna/wissen"`},
		},
		{
			name: "the import form", target: "/panels/GM0453/importeren", as: webtest.VelsenOfficer, lang: "nl",
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
			_, site := panelSite(t)
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &tc.as, Lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.want...)
			webtest.MustNotContain(t, body, tc.notWant...)
		})
	}
}

func TestStaffPanelPagesShowAddressesOnlyWhenTheServiceGivesThem(t *testing.T) {
	t.Parallel()
	panels, site := panelSite(t)
	panels.mu.Lock()
	panels.hideEmail = true
	panels.mu.Unlock()
	_, body := webtest.Send(t, site, webtest.Request{Target: "/panels/GM0453/leden", As: &webtest.VelsenOfficer})
	webtest.MustContain(t, body, "Lid member-anna", "E-mailadressen staan hier niet")
	webtest.MustNotContain(t, body, erasedEmail)
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
			panels, site := panelSite(t)
			for m, err := range tc.fail {
				panels.FailWith(m, err)
			}
			resp, _ := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &webtest.VelsenOfficer})
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		t.Parallel()
		_, site := panelSite(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panels/GM0453/leden"})
		if got, want := resp.Header.Get("Location"), "/auth/login?returnTo=%2Fpanels%2FGM0453%2Fleden"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
	})
	t.Run("without the service", func(t *testing.T) {
		t.Parallel()
		site := newSite(t, Config{})
		if resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panels", As: &webtest.VelsenOfficer}); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
	})
}

func TestEraseAsksForConfirmationFirst(t *testing.T) {
	t.Parallel()
	panels, site := panelSite(t)
	member := "/panels/GM0453/leden/" + memberAnna

	resp, body := webtest.Send(t, site, webtest.Request{Target: member + "/wissen", As: &webtest.VelsenOfficer})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Gegevens van dit lid wissen?", erasedEmail,
		`<form class="utrecht-form" method="post" action="`+member+`/wissen">`, "Ja, gegevens wissen</button>",
		`href="`+member+`">Nee, niet wissen</a>`)
	if n := panels.CallsOf("ErasePanelMember"); n != 0 {
		t.Fatalf("showing the question erased %d times", n)
	}

	resp, _ = webtest.Send(t, site, webtest.Request{Target: member + "/wissen", As: &webtest.VelsenOfficer, Form: url.Values{}})
	if got, want := resp.Header.Get("Location"), "/panels/GM0453/leden?gelukt=gewist"; resp.StatusCode != http.StatusSeeOther || got != want {
		t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
	}
	want := &surveysv1.ErasePanelMemberRequest{MunicipalityCode: "GM0453", Id: memberAnna}
	if diff := cmp.Diff(want, panels.Request("ErasePanelMember"), protocmp.Transform()); diff != "" {
		t.Errorf("ErasePanelMember request (-want +got):\n%s", diff)
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: "/panels/GM0453/leden?gelukt=gewist", As: &webtest.VelsenOfficer})
	webtest.MustContain(t, body, "De gegevens van het lid zijn gewist.")
	webtest.MustNotContain(t, body, erasedEmail)
}

func TestMemberDataDownloadsAsJSON(t *testing.T) {
	t.Parallel()
	_, site := panelSite(t)
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/panels/GM0453/leden/" + memberAnna + "/gegevens", As: &webtest.VelsenOfficer})
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
	return webtest.Get(t, webtest.WithIdentity(webtest.VelsenOfficer, site.Handler()), r)
}

func TestImportShowsRejectedRowsBeforeImporting(t *testing.T) {
	t.Parallel()
	panels, site := panelSite(t)
	const target = "/panels/GM0453/importeren"
	csv := []byte("email;toestemming_datum\r\nsam@example.nl;2026-03-31\r\nkees-at-example.nl;2026-03-31\r\nlot@example.nl;2026-03-31\r\ngeen adres;2026-03-31\r\n")

	resp, body := upload(t, site, target, map[string]string{"versie": "wervingsbrief 2026-03", "stap": "controleren"}, csv)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("check: status = %d, want 200", resp.StatusCode)
	}
	check := panels.Request("ImportPanelMembers").(*surveysv1.ImportPanelMembersRequest)
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
	webtest.MustContain(t, body, "Controle van het bestand", "Bestand: leden.csv", "importeer nu alleen de goede regels: 2.", `value="importeren">Importeren</button>`)

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
	done := panels.Request("ImportPanelMembers").(*surveysv1.ImportPanelMembersRequest)
	if done.GetDryRun() || !bytes.Equal(done.GetCsv(), csv) {
		t.Errorf("the import sent dry run %v and %q, want the checked file for real", done.GetDryRun(), done.GetCsv())
	}
	webtest.MustContain(t, body, "De leden zijn geïmporteerd.", "Resultaat van de import")
	webtest.MustNotContain(t, body, `name="inhoud"`)
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
			refuse: webtest.Invalid("/csv", "has no email column"),
			want:   [][2]string{{"#bestand", "CSV-bestand: has no email column"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			panels, site := panelSite(t)
			if tc.refuse != nil {
				panels.FailWith("ImportPanelMembers", tc.refuse)
			}
			resp, body := upload(t, site, "/panels/GM0453/importeren", tc.fields, tc.csv)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", resp.StatusCode)
			}
			if diff := cmp.Diff(tc.want, webtest.SummaryOf(t, body)); diff != "" {
				t.Errorf("error summary (-want +got):\n%s", diff)
			}
			webtest.MustContain(t, body, `id="bestand-fout"`)
		})
	}
}

func TestAgeBandsHaveNamesInTheCatalogue(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	keys := []string{"panel.ageBand.none"}
	for _, b := range kit.AgeBands {
		keys = append(keys, kit.AgeBandKey(b))
	}
	for _, st := range memberStatuses {
		keys = append(keys, memberStatusKey(st.status))
	}
	for _, lang := range kit.Langs {
		for _, k := range keys {
			if strings.TrimSpace(cats[lang][k]) == "" {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}
