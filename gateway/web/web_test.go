package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
)

// ijmond names the demo tenants.
var ijmond = map[string]string{
	"GM0453": "Velsen",
	"GM0375": "Beverwijk",
	"GM0396": "Heemskerk",
	"ijmond": "IJmond",
}

// twoTenants sits on Velsen's council and coordinates the IJmond region:
// two tenants, so the switcher shows.
var twoTenants = auth.Identity{
	Subject: "u-1",
	Name:    "Anne de Vries",
	Grants: []auth.Grant{
		{Tenant: "GM0453", Role: auth.CouncilMember},
		{Tenant: "ijmond", Role: auth.RegionalCoordinator},
	},
}

// oneTenant is a policy officer of Beverwijk only.
var oneTenant = auth.Identity{
	Subject: "u-2",
	Name:    "Bram Jansen",
	Grants:  []auth.Grant{{Tenant: "GM0375", Role: auth.PolicyOfficer}},
}

func newSite(t *testing.T, cfg Config) *Site {
	t.Helper()
	if cfg.TenantNames == nil {
		cfg.TenantNames = ijmond
	}
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// withIdentity stands in for the gateway's authentication: it puts id in
// every request's context.
func withIdentity(id auth.Identity, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
	})
}

// get sends one request through h and returns the response and its body.
func get(t *testing.T, h http.Handler, r *http.Request) (*http.Response, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := w.Result()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp, string(body)
}

func TestPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	tests := []struct {
		path       string
		status     int
		nl, en     string // a heading in each language
		navCurrent string // the nav link marked current, if any
	}{
		{"/", http.StatusOK, "Wat is Meedoen?", "What is Meedoen?", "/"},
		{"/toegankelijkheid", http.StatusOK, "Hoe we testen", "How we test", ""},
		{"/privacy", http.StatusOK, "Waar de gegevens blijven", "Where the data stays", ""},
		{"/focusgroepen", http.StatusOK, "Dit onderdeel is nog niet gebouwd.", "This part has not been built yet.", "/focusgroepen"},
		{"/adviezen", http.StatusOK, "Dit onderdeel is nog niet gebouwd.", "This part has not been built yet.", "/adviezen"},
		{"/bestaat-niet", http.StatusNotFound, "Deze pagina bestaat niet", "This page does not exist", ""},
	}
	for _, tc := range tests {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.path+"/"+lang, func(t *testing.T) {
				t.Parallel()
				r := httptest.NewRequest("GET", tc.path, nil)
				if lang == "en" {
					r.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
				}
				resp, body := get(t, h, r)
				if resp.StatusCode != tc.status {
					t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
				}
				if got := resp.Header.Get("Content-Language"); got != lang {
					t.Errorf("Content-Language = %q, want %q", got, lang)
				}
				if !strings.Contains(body, `<html lang="`+lang+`"`) {
					t.Errorf("page lacks <html lang=%q>", lang)
				}
				want, other := tc.nl, tc.en
				if lang == "en" {
					want, other = tc.en, tc.nl
				}
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
				if strings.Contains(body, other) {
					t.Errorf("page in %s holds the other language's %q", lang, other)
				}
				current := regexp.MustCompile(`href="([^"]*)" aria-current="page"`).FindAllStringSubmatch(body, -1)
				var got []string
				for _, m := range current {
					got = append(got, m[1])
				}
				var wantCurrent []string
				if tc.navCurrent != "" {
					wantCurrent = []string{tc.navCurrent}
				}
				if diff := cmp.Diff(wantCurrent, got); diff != "" {
					t.Errorf("current nav link (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	tests := []struct {
		name       string
		query      string
		cookie     string
		wantLang   string
		wantCookie string // the meedoen_lang cookie set, if any
	}{
		{name: "Dutch by default", wantLang: "nl"},
		{name: "a link switches and remembers", query: "?lang=en", wantLang: "en", wantCookie: "en"},
		{name: "the cookie keeps the choice", cookie: "en", wantLang: "en"},
		{name: "a link overrides the cookie", query: "?lang=nl", cookie: "en", wantLang: "nl", wantCookie: "nl"},
		{name: "an unknown language is ignored", query: "?lang=fr", wantLang: "nl"},
		{name: "an unknown cookie is ignored", cookie: "de", wantLang: "nl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/privacy"+tc.query, nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: langCookie, Value: tc.cookie})
			}
			resp, body := get(t, h, r)
			if !strings.Contains(body, `<html lang="`+tc.wantLang+`"`) {
				t.Errorf("page is not in %q", tc.wantLang)
			}
			if got := cookieValue(resp, langCookie); got != tc.wantCookie {
				t.Errorf("%s cookie = %q, want %q", langCookie, got, tc.wantCookie)
			}
		})
	}
}

// Behind a proxy that ends TLS the site sees plain HTTP; the public URL
// being https (Config.SecureCookies) must still make its cookies Secure.
func TestPreferenceCookiesAreSecure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		secure     bool
		tls        bool
		wantSecure bool
	}{
		{name: "plain-HTTP development", wantSecure: false},
		{name: "TLS at the site", tls: true, wantSecure: true},
		{name: "https public URL behind a proxy", secure: true, wantSecure: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := withIdentity(twoTenants, newSite(t, Config{SecureCookies: tc.secure}).Handler())
			target := "http://meedoen.test/privacy?lang=en&tenant=ijmond"
			if tc.tls {
				target = "https://meedoen.test/privacy?lang=en&tenant=ijmond"
			}
			resp, _ := get(t, h, httptest.NewRequest("GET", target, nil))
			got := map[string]bool{}
			for _, c := range resp.Cookies() {
				got[c.Name] = c.Secure
			}
			want := map[string]bool{langCookie: tc.wantSecure, tenantCookie: tc.wantSecure}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Secure per cookie (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLanguageSwitchLinksToTheSamePage(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	_, body := get(t, h, httptest.NewRequest("GET", "/privacy", nil))
	want := `<a class="utrecht-link utrecht-link--html-a" href="/privacy?lang=en" lang="en" hreflang="en">English</a>`
	if !strings.Contains(body, want) {
		t.Errorf("Dutch page lacks the switch %s", want)
	}
	r := httptest.NewRequest("GET", "/privacy?lang=en", nil)
	_, body = get(t, h, r)
	want = `href="/privacy?lang=nl" lang="nl" hreflang="nl">Nederlands</a>`
	if !strings.Contains(body, want) {
		t.Errorf("English page lacks the switch %s", want)
	}
}

// A request for /%2F%2Fevil.example has the path //evil.example, which
// ServeMux does not clean; links back to the page (the language switch, the
// tenant switcher) must not turn into links to that host.
func TestLinksBackToThePageStayOnTheSite(t *testing.T) {
	t.Parallel()
	h := withIdentity(twoTenants, newSite(t, Config{}).Handler())
	tests := []struct {
		name       string
		target     string
		wantSwitch string // the language switch's link
	}{
		{name: "encoded slashes", target: "/%2F%2Fevil.example", wantSwitch: "/%2F/evil.example?lang=en"},
		{name: "encoded slash and backslash", target: "/%2F%5Cevil.example", wantSwitch: "/%2F%5Cevil.example?lang=en"},
		{name: "encoded question mark", target: "/nergens%3Fx", wantSwitch: "/nergens%3Fx?lang=en"},
	}
	linkRE := regexp.MustCompile(`(href|action)="([^"]*)"`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := get(t, h, httptest.NewRequest("GET", tc.target, nil))
			for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
				if link := m[2]; strings.HasPrefix(link, "//") || strings.HasPrefix(link, `/\`) {
					t.Errorf("%s=%q leads to another host", m[1], link)
				}
			}
			if want := `href="` + tc.wantSwitch + `" lang="en"`; !strings.Contains(body, want) {
				t.Errorf("page lacks the language switch %s", want)
			}
		})
	}
}

func TestTenantSwitcher(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	admin := auth.Identity{Subject: "u-3", Name: "Beheer", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}}
	tests := []struct {
		name        string
		id          *auth.Identity
		query       string
		cookie      string
		wantStatus  int
		wantOptions []string // the switcher's options, nil when it is absent
		wantCurrent string   // the selected option, or the single tenant shown
		wantCookie  string
		wantRefusal bool
	}{
		{name: "anonymous: no switcher", wantStatus: 200},
		{name: "one tenant: named, no switcher", id: &oneTenant, wantStatus: 200, wantCurrent: "Beverwijk"},
		{
			name: "two tenants: switcher, first by name selected", id: &twoTenants, wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "ijmond",
		},
		{
			name: "switch to a tenant with a role", id: &twoTenants, query: "?tenant=GM0453", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453", wantCookie: "GM0453",
		},
		{
			name: "the cookie keeps the switch", id: &twoTenants, cookie: "GM0453", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453",
		},
		{
			name: "switch to a tenant without a role is refused", id: &twoTenants, query: "?tenant=GM0396", cookie: "GM0453",
			wantStatus: http.StatusForbidden, wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453", wantRefusal: true,
		},
		{
			name: "a forged cookie is ignored", id: &twoTenants, cookie: "GM0396", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "ijmond",
		},
		{
			name: "anonymous cannot pick a tenant", query: "?tenant=GM0453", wantStatus: http.StatusForbidden, wantRefusal: true,
		},
		{
			name: "a platform-wide admin may pick any known tenant", id: &admin, query: "?tenant=GM0396", wantStatus: 200,
			wantOptions: []string{"GM0375", "GM0396", "ijmond", "GM0453"}, wantCurrent: "GM0396", wantCookie: "GM0396",
		},
	}
	optionRE := regexp.MustCompile(`<option value="([^"]+)"( selected)?>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := site.Handler()
			if tc.id != nil {
				h = withIdentity(*tc.id, h)
			}
			r := httptest.NewRequest("GET", "/focusgroepen"+tc.query, nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: tenantCookie, Value: tc.cookie})
			}
			resp, body := get(t, h, r)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			var options []string
			selected := ""
			for _, m := range optionRE.FindAllStringSubmatch(body, -1) {
				options = append(options, m[1])
				if m[2] != "" {
					selected = m[1]
				}
			}
			if diff := cmp.Diff(tc.wantOptions, options); diff != "" {
				t.Errorf("switcher options (-want +got):\n%s", diff)
			}
			if tc.wantOptions != nil {
				if selected != tc.wantCurrent {
					t.Errorf("selected tenant = %q, want %q", selected, tc.wantCurrent)
				}
				if !strings.Contains(body, `<form class="utrecht-form mdn-tenant" method="get" action="/focusgroepen">`) {
					t.Error("switcher is not a GET form back to the same page")
				}
			} else if tc.wantCurrent != "" && !strings.Contains(body, "Organisatie: "+tc.wantCurrent) {
				t.Errorf("page does not name the tenant %q", tc.wantCurrent)
			}
			if got := cookieValue(resp, tenantCookie); got != tc.wantCookie {
				t.Errorf("%s cookie = %q, want %q", tenantCookie, got, tc.wantCookie)
			}
			if refused := strings.Contains(body, "U heeft geen rol bij die organisatie."); refused != tc.wantRefusal {
				t.Errorf("refusal shown = %v, want %v", refused, tc.wantRefusal)
			}
		})
	}
}

func TestStartPageNamesRolesInWords(t *testing.T) {
	t.Parallel()
	h := withIdentity(twoTenants, newSite(t, Config{}).Handler())
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"Welkom, Anne de Vries", "Participatieraadslid in Velsen", "Regionaal coördinator in IJmond", "Ingelogd als Anne de Vries"}},
		{"en", []string{"Welcome, Anne de Vries", "Council member in Velsen", "Regional coordinator in IJmond", "Logged in as Anne de Vries"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			_, body := get(t, h, httptest.NewRequest("GET", "/?lang="+tc.lang, nil))
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("start page lacks %q", want)
				}
			}
		})
	}
}

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	_, anon := get(t, site.Handler(), httptest.NewRequest("GET", "/focusgroepen", nil))
	if want := `href="/auth/login?returnTo=%2Ffocusgroepen"`; !strings.Contains(anon, want) {
		t.Errorf("anonymous page lacks the login link %s", want)
	}
	if strings.Contains(anon, "/auth/logout") {
		t.Error("anonymous page offers to log out")
	}
	_, staff := get(t, withIdentity(oneTenant, site.Handler()), httptest.NewRequest("GET", "/focusgroepen", nil))
	if want := `<form class="utrecht-form mdn-account" method="post" action="/auth/logout">`; !strings.Contains(staff, want) {
		t.Errorf("logged-in page lacks the logout form %s", want)
	}
	if strings.Contains(staff, "/auth/login") {
		t.Error("logged-in page offers to log in")
	}
}

func TestDevLoginHint(t *testing.T) {
	t.Parallel()
	for _, dev := range []bool{false, true} {
		_, body := get(t, newSite(t, Config{DevLogin: dev}).Handler(), httptest.NewRequest("GET", "/", nil))
		if got := strings.Contains(body, "Inloggen met een demo-account"); got != dev {
			t.Errorf("DevLogin %v: hint shown = %v", dev, got)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	css, err := site.assets.url("meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for _, path := range []string{"/", "/privacy", "/bestaat-niet", css} {
		resp, _ := get(t, withIdentity(twoTenants, site.Handler()), httptest.NewRequest("GET", path, nil))
		got := map[string]string{}
		for k := range want {
			got[k] = resp.Header.Get(k)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: headers (-want +got):\n%s", path, diff)
		}
	}
}

// The logout form's answer redirects to the identity provider, and
// browsers apply form-action to that redirect: the provider's origins must
// be in it, on every page, the live tally's included.
func TestPolicyLetsFormsLeadToTheIdentityProvider(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		origins []string
		want    string
	}{
		{"none", nil, "form-action 'self';"},
		{"the provider", []string{"https://login.example.nl"}, "form-action 'self' https://login.example.nl;"},
		{"two origins", []string{"https://a.example", "http://127.0.0.1:9000"}, "form-action 'self' https://a.example http://127.0.0.1:9000;"},
		{"nothing that could end the directive", []string{"https://a.example; script-src *", "https://b.example"}, "form-action 'self' https://b.example;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := newSite(t, Config{FormActionOrigins: func() []string { return tt.origins }})
			resp, _ := get(t, withIdentity(twoTenants, site.Handler()), httptest.NewRequest("GET", "/", nil))
			if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, tt.want) {
				t.Errorf("policy %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// A login whose roles claim did not arrive says so on the page, rather
// than only that the person works for no organisation.
func TestPagesSayWhenRolesDidNotArrive(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	noRoles := auth.Identity{Subject: "u-new", Name: "Nieuwe Medewerker"}
	for _, missing := range []bool{false, true} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := auth.WithIdentity(r.Context(), noRoles)
			if missing {
				ctx = identity.WithRolesMissing(ctx)
			}
			site.Handler().ServeHTTP(w, r.WithContext(ctx))
		})
		_, body := get(t, h, httptest.NewRequest("GET", "/", nil))
		if got := strings.Contains(body, "Uw rollen zijn niet meegekomen met uw inlog"); got != missing {
			t.Errorf("roles missing %v: notice shown = %v", missing, got)
		}
	}
}

func TestPagesHaveNoInlineStyleOrScript(t *testing.T) {
	t.Parallel()
	h := withIdentity(twoTenants, newSite(t, Config{DevLogin: true}).Handler())
	forbidden := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|https?://`)
	for _, path := range []string{"/", "/toegankelijkheid", "/privacy", "/peilingen", "/agenda", "/bestaat-niet"} {
		_, body := get(t, h, httptest.NewRequest("GET", path, nil))
		if m := forbidden.FindString(body); m != "" {
			t.Errorf("%s holds %q: the CSP would block it, or it reaches another site", path, m)
		}
	}
}

func TestRoutingEdges(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	tests := []struct {
		name      string
		method    string
		path      string
		header    map[string]string
		status    int
		wantAllow string
		inLayout  bool
	}{
		{name: "unknown path", method: "GET", path: "/nergens", status: 404, inLayout: true},
		{name: "trailing slash", method: "GET", path: "/privacy/", status: 404, inLayout: true},
		{name: "HEAD works", method: "HEAD", path: "/privacy", status: 200},
		{name: "POST to a page", method: "POST", path: "/privacy", status: 405, wantAllow: "GET, HEAD"},
		{
			name: "cross-site POST", method: "POST", path: "/privacy",
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			resp, body := get(t, h, r)
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			if got := strings.Contains(body, `<nav class="utrecht-nav-bar mdn-nav"`); got != tc.inLayout {
				t.Errorf("page in the layout = %v, want %v", got, tc.inLayout)
			}
		})
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	h := site.Handler()
	current, err := site.assets.url("meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	_, page := get(t, h, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(page, `<link rel="stylesheet" href="`+current+`">`) {
		t.Fatalf("page does not link %s", current)
	}
	tests := []struct {
		name         string
		path         string
		gzip         bool
		status       int
		cacheControl string
		encoding     string
	}{
		{"current hash", current, false, 200, "public, max-age=31536000, immutable", ""},
		{"current hash, gzipped", current, true, 200, "public, max-age=31536000, immutable", "gzip"},
		{"old hash", "/static/meedoen.0123456789.css", false, 200, "no-cache", ""},
		{"no hash", "/static/meedoen.css", false, 200, "no-cache", ""},
		{"unknown file", "/static/other.css", false, 404, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", tc.path, nil)
			if tc.gzip {
				r.Header.Set("Accept-Encoding", "gzip, deflate, br")
			}
			resp, _ := get(t, h, r)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			got := []string{resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type")}
			want := []string{tc.cacheControl, tc.encoding, "text/css; charset=utf-8"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Cache-Control, Content-Encoding, Content-Type (-want +got):\n%s", diff)
			}
		})
	}
}

// cookieValue returns the value of the cookie resp sets, or "".
func cookieValue(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
