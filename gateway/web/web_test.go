package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
)

func newSite(t *testing.T, cfg Config) *Site {
	t.Helper()
	if cfg.TenantNames == nil {
		cfg.TenantNames = webtest.Ijmond
	}
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
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
		{"/", http.StatusOK, "Wat is Meedoen?", "What is Meedoen?", ""}, // a resident's page: no staff menu
		{"/toegankelijkheid", http.StatusOK, "Hoe we testen", "How we test", ""},
		{"/privacy", http.StatusOK, "Waar de gegevens blijven", "Where the data stays", ""},
		{"/bestaat-niet", http.StatusNotFound, "Deze pagina bestaat niet", "This page does not exist", ""},
	}
	for _, tc := range tests {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.path+"/"+lang, func(t *testing.T) {
				t.Parallel()
				r := httptest.NewRequest("GET", tc.path, nil)
				if lang == "en" {
					r.AddCookie(&http.Cookie{Name: kit.LangCookie, Value: "en"})
				}
				resp, body := webtest.Get(t, h, r)
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
				r.AddCookie(&http.Cookie{Name: kit.LangCookie, Value: tc.cookie})
			}
			resp, body := webtest.Get(t, h, r)
			if !strings.Contains(body, `<html lang="`+tc.wantLang+`"`) {
				t.Errorf("page is not in %q", tc.wantLang)
			}
			if got := webtest.CookieValue(resp, kit.LangCookie); got != tc.wantCookie {
				t.Errorf("%s cookie = %q, want %q", kit.LangCookie, got, tc.wantCookie)
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
			h := webtest.WithIdentity(webtest.TwoTenants, newSite(t, Config{SecureCookies: tc.secure}).Handler())
			target := "http://meedoen.test/privacy?lang=en&tenant=ijmond"
			if tc.tls {
				target = "https://meedoen.test/privacy?lang=en&tenant=ijmond"
			}
			resp, _ := webtest.Get(t, h, httptest.NewRequest("GET", target, nil))
			got := map[string]bool{}
			for _, c := range resp.Cookies() {
				got[c.Name] = c.Secure
			}
			want := map[string]bool{kit.LangCookie: tc.wantSecure, kit.TenantCookie: tc.wantSecure}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Secure per cookie (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLanguageSwitchLinksToTheSamePage(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	_, body := webtest.Get(t, h, httptest.NewRequest("GET", "/privacy", nil))
	want := `<a class="utrecht-link utrecht-link--html-a" href="/privacy?lang=en" lang="en" hreflang="en">English</a>`
	if !strings.Contains(body, want) {
		t.Errorf("Dutch page lacks the switch %s", want)
	}
	r := httptest.NewRequest("GET", "/privacy?lang=en", nil)
	_, body = webtest.Get(t, h, r)
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
	h := webtest.WithIdentity(webtest.TwoTenants, newSite(t, Config{}).Handler())
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
			_, body := webtest.Get(t, h, httptest.NewRequest("GET", tc.target, nil))
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

func TestStartPageNamesRolesInWords(t *testing.T) {
	t.Parallel()
	h := webtest.WithIdentity(webtest.TwoTenants, newSite(t, Config{}).Handler())
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
			_, body := webtest.Get(t, h, httptest.NewRequest("GET", "/?lang="+tc.lang, nil))
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
	_, anon := webtest.Get(t, site.Handler(), httptest.NewRequest("GET", "/privacy", nil))
	if want := `href="/auth/login?returnTo=%2Fprivacy"`; !strings.Contains(anon, want) {
		t.Errorf("anonymous page lacks the login link %s", want)
	}
	if strings.Contains(anon, "/auth/logout") {
		t.Error("anonymous page offers to log out")
	}
	_, staff := webtest.Get(t, webtest.WithIdentity(webtest.OneTenant, site.Handler()), httptest.NewRequest("GET", "/privacy", nil))
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
		_, body := webtest.Get(t, newSite(t, Config{DevLogin: dev}).Handler(), httptest.NewRequest("GET", "/", nil))
		if got := strings.Contains(body, "Inloggen met een demo-account"); got != dev {
			t.Errorf("DevLogin %v: hint shown = %v", dev, got)
		}
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
		_, body := webtest.Get(t, h, httptest.NewRequest("GET", "/", nil))
		if got := strings.Contains(body, "Je rollen zijn niet meegekomen met je inlog"); got != missing {
			t.Errorf("roles missing %v: notice shown = %v", missing, got)
		}
	}
}
