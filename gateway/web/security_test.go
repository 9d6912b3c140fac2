package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	css := stylesheetURL(t, site.Handler())
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for _, path := range []string{"/", "/privacy", "/bestaat-niet", css} {
		resp, _ := webtest.Get(t, webtest.WithIdentity(webtest.TwoTenants, site.Handler()), httptest.NewRequest("GET", path, nil))
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
			resp, _ := webtest.Get(t, webtest.WithIdentity(webtest.TwoTenants, site.Handler()), httptest.NewRequest("GET", "/", nil))
			if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, tt.want) {
				t.Errorf("policy %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestPagesHaveNoInlineStyleOrScript(t *testing.T) {
	t.Parallel()
	h := webtest.WithIdentity(webtest.TwoTenants, newSite(t, Config{DevLogin: true}).Handler())
	forbidden := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|https?://`)
	for _, path := range []string{"/", "/toegankelijkheid", "/privacy", "/peilingen", "/agenda", "/bestaat-niet"} {
		_, body := webtest.Get(t, h, httptest.NewRequest("GET", path, nil))
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
			resp, body := webtest.Get(t, h, r)
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
	h := newSite(t, Config{}).Handler()
	current := stylesheetURL(t, h)
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
			resp, _ := webtest.Get(t, h, r)
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

// stylesheetURL is the address of the stylesheet the start page links,
// with the hash of its content in its name.
func stylesheetURL(t *testing.T, h http.Handler) string {
	t.Helper()
	_, page := webtest.Get(t, h, httptest.NewRequest("GET", "/", nil))
	m := regexp.MustCompile(`<link rel="stylesheet" href="(/static/meedoen\.[0-9a-f]{10}\.css)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page links no stylesheet with a hash in its name")
	}
	return m[1]
}
