// Package webtest is what the web's tests share: the demo tenants and
// staff, requests sent as a browser sends them, a kit for an area's pages
// alone, loopback servers for the fakes of the services, the errors the
// services answer with, and steps of the browser tests. Only tests import
// it; each area's fakes stay with its own tests.
package webtest

import (
	"flag"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
)

// Screenshots, when set, is a folder where the accessibility tests save
// pages at both widths, for a person to look at:
//
//	go test ./gateway/web/... -run Accessible -args -screenshots=/tmp
var Screenshots = flag.String("screenshots", "", "folder to save screenshots of pages in")

// Ijmond names the demo tenants.
var Ijmond = map[string]string{
	"GM0453": "Velsen",
	"GM0375": "Beverwijk",
	"GM0396": "Heemskerk",
	"ijmond": "IJmond",
}

// The demo staff.
var (
	// TwoTenants sits on Velsen's council and coordinates the IJmond
	// region: two tenants, so the switcher shows.
	TwoTenants = auth.Identity{
		Subject: "u-1",
		Name:    "Anne de Vries",
		Grants: []auth.Grant{
			{Tenant: "GM0453", Role: auth.CouncilMember},
			{Tenant: "ijmond", Role: auth.RegionalCoordinator},
		},
	}
	// OneTenant is a policy officer of Beverwijk only.
	OneTenant = auth.Identity{
		Subject: "u-2",
		Name:    "Bram Jansen",
		Grants:  []auth.Grant{{Tenant: "GM0375", Role: auth.PolicyOfficer}},
	}
	// VelsenChair chairs Velsen's council: the board role that decides
	// on questions.
	VelsenChair = auth.Identity{
		Subject: "u-chair",
		Name:    "Fatima El Amrani",
		Grants:  []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}},
	}
	// VelsenOfficer is a policy officer of Velsen, who asks for advice.
	VelsenOfficer = auth.Identity{
		Subject: "u-officer",
		Name:    "Pieter Bakker",
		Grants:  []auth.Grant{{Tenant: "GM0453", Role: auth.PolicyOfficer}},
	}
	// IJmondCoordinator coordinates the IJmond region: a region as
	// tenant.
	IJmondCoordinator = auth.Identity{
		Subject: "u-coordinator",
		Name:    "Yvonne Koster",
		Grants:  []auth.Grant{{Tenant: "ijmond", Role: auth.RegionalCoordinator}},
	}
)

// Kit makes a kit as gateway/web does, with the demo tenants' names when
// cfg names none. log may be nil.
func Kit(t testing.TB, cfg kit.Config, log *slog.Logger) *kit.Site {
	t.Helper()
	if cfg.TenantNames == nil {
		cfg.TenantNames = Ijmond
	}
	k, err := kit.New(cfg, log)
	if err != nil {
		t.Fatalf("kit.New: %v", err)
	}
	return k
}

// Area makes an area's pages with build over a kit with cfg (Kit), as
// gateway/web makes them.
func Area[P any](t testing.TB, cfg kit.Config, log *slog.Logger, build func(*kit.Site) (P, error)) (P, *kit.Site) {
	t.Helper()
	k := Kit(t, cfg, log)
	p, err := build(k)
	if err != nil {
		t.Fatalf("making the pages: %v", err)
	}
	return p, k
}

// WithIdentity stands in for the gateway's authentication: it puts id in
// every request's context.
func WithIdentity(id auth.Identity, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
	})
}

// Get sends one request through h and returns the response and its body.
func Get(t testing.TB, h http.Handler, r *http.Request) (*http.Response, string) {
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

// Request is one request to a site.
type Request struct {
	Method string // GET unless set, POST with a Form
	Target string
	As     *auth.Identity
	Form   url.Values // posted when set
	Lang   string
	// Cookies are sent along, as a browser sends what it was given.
	Cookies []*http.Cookie
}

// Site is what serves the pages a test sends requests to.
type Site interface {
	Handler() http.Handler
}

// Send sends rq through the site's handler.
func Send(t testing.TB, s Site, rq Request) (*http.Response, string) {
	t.Helper()
	method := rq.Method
	if method == "" {
		method = http.MethodGet
		if rq.Form != nil {
			method = http.MethodPost
		}
	}
	var r *http.Request
	if rq.Form != nil {
		r = httptest.NewRequest(method, rq.Target, strings.NewReader(rq.Form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, rq.Target, nil)
	}
	if rq.Lang != "" {
		r.AddCookie(&http.Cookie{Name: kit.LangCookie, Value: rq.Lang})
	}
	for _, c := range rq.Cookies {
		r.AddCookie(c)
	}
	h := s.Handler()
	if rq.As != nil {
		h = WithIdentity(*rq.As, h)
	}
	return Get(t, h, r)
}

// MustContain fails the test for each of wants that body lacks.
func MustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// MustNotContain fails the test for each of unwanted that body holds.
func MustNotContain(t testing.TB, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("page holds %q", u)
		}
	}
}

// CookieValue returns the value of the cookie resp sets, or "".
func CookieValue(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Catalogues are the kit's message catalogues by language, for tests that
// every key a page computes exists.
func Catalogues(t testing.TB) map[string]kit.Catalogue {
	t.Helper()
	k := Kit(t, kit.Config{}, nil)
	cats := map[string]kit.Catalogue{}
	for _, lang := range kit.Langs {
		cats[lang] = k.Catalogue(lang)
	}
	return cats
}

// SummaryOf is a page's error summary: each problem's link and text.
func SummaryOf(t testing.TB, body string) [][2]string {
	t.Helper()
	block := regexp.MustCompile(`(?s)<div class="utrecht-alert utrecht-alert--error mdn-error-summary".*?</ul>`).FindString(body)
	if block == "" {
		t.Fatal("the page has no error summary")
	}
	var lines [][2]string
	for _, m := range regexp.MustCompile(`(?s)<li class="utrecht-unordered-list__item">(.*?)</li>`).FindAllStringSubmatch(block, -1) {
		href := ""
		if h := regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(m[1]); h != nil {
			href = h[1]
		}
		lines = append(lines, [2]string{href, html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))})
	}
	return lines
}

// TitleOf is a page's title as a browser shows it.
func TitleOf(t testing.TB, body string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<title>(.*?)</title>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no title")
	}
	return html.UnescapeString(m[1])
}
