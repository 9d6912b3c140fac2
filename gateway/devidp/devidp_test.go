package devidp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/internal/auth"
)

const prefix = "/dev/oidc"

// server runs a provider with the demo users under /dev/oidc, as the
// binary mounts it.
type server struct {
	*httptest.Server
	idp    *devidp.Provider
	issuer string
}

func newServer(t *testing.T) *server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	idp, err := devidp.New(srv.URL+prefix, devidp.DemoUsers())
	if err != nil {
		t.Fatalf("devidp.New: %v", err)
	}
	mux.Handle(prefix+"/", http.StripPrefix(prefix, idp.Handler()))
	return &server{Server: srv, idp: idp, issuer: srv.URL + prefix}
}

// noRedirects returns a client that shows redirects instead of following
// them.
func (s *server) noRedirects() *http.Client {
	c := *s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// authParams is a valid authorization request for verifier.
func (s *server) authParams(verifier string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {"meedoen-web"},
		"redirect_uri":          {s.URL + "/auth/callback"},
		"scope":                 {"openid profile"},
		"state":                 {"st"},
		"nonce":                 {"nc"},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(verifier)},
		"code_challenge_method": {"S256"},
	}
}

// code logs in as subject and returns the authorization code.
func (s *server) code(t *testing.T, verifier, subject string) string {
	t.Helper()
	form := s.authParams(verifier)
	form.Set("subject", subject)
	resp, err := s.noRedirects().PostForm(s.issuer+"/authorize", form)
	if err != nil {
		t.Fatalf("POST /authorize: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /authorize: status %d, want 303", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	if got, want := loc.Scheme+"://"+loc.Host+loc.Path, s.URL+"/auth/callback"; got != want {
		t.Fatalf("redirected to %s, want %s", got, want)
	}
	if got := loc.Query().Get("state"); got != "st" {
		t.Fatalf("state %q, want st", got)
	}
	return loc.Query().Get("code")
}

// redeem posts a token request and returns the status and decoded body.
func (s *server) redeem(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := s.Client().PostForm(s.issuer+"/token", form)
	if err != nil {
		t.Fatalf("POST /token: %v", err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decoding token response: %v", err)
	}
	return resp.StatusCode, body
}

func (s *server) tokenForm(code, verifier string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {"meedoen-web"},
		"redirect_uri":  {s.URL + "/auth/callback"},
		"code_verifier": {verifier},
	}
}

// verify checks tok against the provider's published JWKS and returns its
// claims.
func (s *server) verify(t *testing.T, tok string) map[string]any {
	t.Helper()
	resp, err := s.Client().Get(s.issuer + "/jwks")
	if err != nil {
		t.Fatalf("GET /jwks: %v", err)
	}
	defer resp.Body.Close()
	var jwks jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil {
		t.Fatalf("decoding JWKS: %v", err)
	}
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parsing token: %v", err)
	}
	keys := jwks.Key(parsed.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("JWKS has %d keys for kid %q, want 1", len(keys), parsed.Headers[0].KeyID)
	}
	var claims map[string]any
	if err := parsed.Claims(keys[0].Key, &claims); err != nil {
		t.Fatalf("token signature: %v", err)
	}
	return claims
}

func TestDemoUsersCoverEveryRoleInEveryDemoTenant(t *testing.T) {
	t.Parallel()
	var have []string
	multi := 0
	for _, u := range devidp.DemoUsers() {
		tenants := map[string]bool{}
		for _, g := range u.Grants {
			have = append(have, g.String())
			tenants[g.Tenant] = true
		}
		if len(tenants) > 1 {
			multi++
		}
	}
	var want []string
	for _, m := range []string{"GM0453", "GM0375", "GM0396"} {
		for _, r := range []auth.Role{auth.CouncilMember, auth.Chair, auth.Secretary, auth.PolicyOfficer} {
			want = append(want, auth.Grant{Tenant: m, Role: r}.String())
		}
	}
	want = append(want, "regional_coordinator@ijmond", "admin@*")
	for _, w := range want {
		if !slices.Contains(have, w) {
			t.Errorf("no demo user holds %s", w)
		}
	}
	if multi == 0 {
		t.Error("no demo user has roles in two tenants")
	}
	if _, err := devidp.New("http://127.0.0.1/dev/oidc", devidp.DemoUsers()); err != nil {
		t.Errorf("New with the demo users: %v", err)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		issuer string
		users  []devidp.User
	}{
		{"relative issuer", "/dev/oidc", nil},
		{"issuer with a query", "http://127.0.0.1/dev/oidc?x=1", nil},
		{"user without a name", "http://127.0.0.1/dev/oidc", []devidp.User{{Subject: "a"}}},
		{"duplicate subject", "http://127.0.0.1/dev/oidc", []devidp.User{{Subject: "a", Name: "A"}, {Subject: "a", Name: "B"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := devidp.New(tt.issuer, tt.users); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

func TestDiscoveryDocument(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	resp, err := s.Client().Get(s.issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                           s.issuer,
		"authorization_endpoint":           s.issuer + "/authorize",
		"token_endpoint":                   s.issuer + "/token",
		"jwks_uri":                         s.issuer + "/jwks",
		"end_session_endpoint":             s.issuer + "/logout",
		"code_challenge_methods_supported": []any{"S256"},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
}

func TestLoginPageListsDemoUsersAccessibly(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	resp, err := s.Client().Get(s.issuer + "/authorize?" + s.authParams(oauth2.GenerateVerifier()).Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200:\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{
		`<html lang="nl">`, `<section lang="en">`, `method="post"`,
		`<legend>Gemeente Velsen (GM0453)`, `<legend>Regio IJmond (ijmond)`,
		`formaction="` + s.issuer + `/api-token"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, u := range devidp.DemoUsers() {
		if !strings.Contains(page, `name="subject" value="`+u.Subject+`"`) {
			t.Errorf("page has no button for %s", u.Subject)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("page has a script; it must work without JavaScript")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q, want default-src 'none'", csp)
	}
}

func TestAuthorizeRefusesBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name string
		edit func(url.Values)
	}{
		{"redirect to another host", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }},
		{"redirect without scheme", func(v url.Values) { v.Set("redirect_uri", "//evil.example/cb") }},
		{"no PKCE challenge", func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }},
		{"plain PKCE", func(v url.Values) { v.Set("code_challenge_method", "plain") }},
		{"implicit flow", func(v url.Values) { v.Set("response_type", "token") }},
		{"no openid scope", func(v url.Values) { v.Set("scope", "profile") }},
		{"no client id", func(v url.Values) { v.Del("client_id") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := s.authParams(oauth2.GenerateVerifier())
			tt.edit(v)
			get, err := s.noRedirects().Get(s.issuer + "/authorize?" + v.Encode())
			if err != nil {
				t.Fatal(err)
			}
			get.Body.Close()
			v.Set("subject", "dev-velsen-council-member")
			post, err := s.noRedirects().PostForm(s.issuer+"/authorize", v)
			if err != nil {
				t.Fatal(err)
			}
			post.Body.Close()
			for _, resp := range []*http.Response{get, post} {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Errorf("%s: status %d, Location %q; want 400 without redirect",
						resp.Request.Method, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
		})
	}
}

func TestAuthorizeRefusesCrossOriginPosts(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	v := s.authParams(oauth2.GenerateVerifier())
	v.Set("subject", "dev-velsen-council-member")
	req, _ := http.NewRequest(http.MethodPost, s.issuer+"/authorize", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := s.noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", resp.StatusCode)
	}
}

func TestAPITokenPageShowsAWorkingToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	resp, err := s.Client().PostForm(s.issuer+"/api-token", url.Values{"subject": {"dev-platform-admin"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	start := strings.Index(page, "readonly")
	if resp.StatusCode != http.StatusOK || start < 0 {
		t.Fatalf("status %d, want 200 with a readonly textarea:\n%s", resp.StatusCode, page)
	}
	tok := page[strings.Index(page[start:], ">")+start+1:]
	tok = tok[:strings.Index(tok, "</textarea>")]
	if c := s.verify(t, tok); c["sub"] != "dev-platform-admin" || c["aud"] != devidp.APIAudience {
		t.Errorf("token sub %v aud %v", c["sub"], c["aud"])
	}
	if !strings.Contains(page, "curl -H") {
		t.Error("page has no curl example")
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name         string
		query        string
		wantStatus   int
		wantLocation string
	}{
		{"back to the client", "post_logout_redirect_uri=" + url.QueryEscape(s.URL+"/") + "&state=x", http.StatusSeeOther, s.URL + "/?state=x"},
		{"nowhere to go", "", http.StatusOK, ""},
		{"another host", "post_logout_redirect_uri=" + url.QueryEscape("https://evil.example/"), http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := s.noRedirects().Get(s.issuer + "/logout?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Location") != tt.wantLocation {
				t.Errorf("got %d Location %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), tt.wantStatus, tt.wantLocation)
			}
		})
	}
}
