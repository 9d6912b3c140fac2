package identity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/internal/auth"
)

const (
	clientID = "meedoen-web"
	velsenCM = "dev-velsen-council-member"
)

// env is a gateway-like server: the development provider under /dev/oidc,
// the login routes under /auth, and /whoami behind the middleware.
type env struct {
	srv    *httptest.Server
	mux    *http.ServeMux
	idp    *devidp.Provider
	authn  *identity.Authenticator
	store  *store.Store
	issuer string
	logs   *syncBuffer
	// reached counts requests that got past the middleware.
	reached atomic.Int64
	// jwksFetches counts requests for the provider's key set.
	jwksFetches atomic.Int64
}

type envOption func(*identity.Config, *[]devidp.User)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux(), logs: &syncBuffer{}}
	e.srv = httptest.NewServer(e.mux)
	t.Cleanup(e.srv.Close)
	e.issuer = e.srv.URL + "/dev/oidc"

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	e.store = newStore(t)
	cfg := identity.Config{
		Issuer:       e.issuer,
		ClientID:     clientID,
		RedirectURL:  e.srv.URL + "/auth/callback",
		APIAudiences: []string{devidp.APIAudience},
		SessionKey:   key,
		Sessions:     e.store,
		HTTPClient:   e.srv.Client(),
	}
	users := devidp.DemoUsers()
	for _, o := range opts {
		o(&cfg, &users)
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	authn, err := identity.New(t.Context(), cfg, log)
	if err != nil {
		t.Fatalf("identity.New: %v", err)
	}
	e.authn = authn
	e.mux.Handle("GET /auth/login", authn.LoginHandler())
	e.mux.Handle("GET /auth/callback", authn.CallbackHandler())
	e.mux.Handle("/auth/logout", authn.LogoutHandler())
	e.mux.Handle("/whoami", authn.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.reached.Add(1)
		id, ok := auth.FromContext(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.Write([]byte("null"))
			return
		}
		json.NewEncoder(w).Encode(id)
	})))

	idp, err := devidp.New(e.issuer, users)
	if err != nil {
		t.Fatalf("devidp.New: %v", err)
	}
	e.idp = idp
	// Mounted after identity.New, as in the binary, where the provider
	// comes up with the server that New precedes.
	e.mux.Handle("/dev/oidc/", http.StripPrefix("/dev/oidc", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jwks" {
			e.jwksFetches.Add(1)
		}
		idp.Handler().ServeHTTP(w, r)
	})))
	return e
}

// browser is a cookie-keeping client that stops at every redirect, so the
// test walks the flow step by step.
func (e *env) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *e.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", req.URL, err)
	}
	return resp, string(body)
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func wantStatus(t *testing.T, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, want, body)
	}
}

// login runs the browser through the whole flow as subject and returns
// where the callback sent it.
func (e *env) login(t *testing.T, b *http.Client, subject, returnTo string) string {
	t.Helper()
	resp, body := get(t, b, e.srv.URL+"/auth/login?returnTo="+url.QueryEscape(returnTo))
	wantStatus(t, resp, body, http.StatusFound)
	authorize := resp.Header.Get("Location")
	if !strings.HasPrefix(authorize, e.issuer+"/authorize?") {
		t.Fatalf("login redirected to %s, want the provider's authorize endpoint", authorize)
	}

	resp, page := get(t, b, authorize)
	wantStatus(t, resp, page, http.StatusOK)
	if !strings.Contains(page, `value="`+subject+`"`) {
		t.Fatalf("login page has no button for %s", subject)
	}
	// Submit the page's form: its hidden fields repeat the request.
	au, _ := url.Parse(authorize)
	form := au.Query()
	form.Set("subject", subject)
	req, _ := http.NewRequest(http.MethodPost, e.issuer+"/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body = do(t, b, req)
	wantStatus(t, resp, body, http.StatusSeeOther)
	callback := resp.Header.Get("Location")
	if !strings.HasPrefix(callback, e.srv.URL+"/auth/callback?") {
		t.Fatalf("provider redirected to %s, want the callback", callback)
	}

	resp, body = get(t, b, callback)
	wantStatus(t, resp, body, http.StatusSeeOther)
	return resp.Header.Get("Location")
}

// whoami returns the identity the middleware found, or nil.
func (e *env) whoami(t *testing.T, c *http.Client, edit func(*http.Request)) *auth.Identity {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/whoami", nil)
	if edit != nil {
		edit(req)
	}
	resp, body := do(t, c, req)
	wantStatus(t, resp, body, http.StatusOK)
	var id *auth.Identity
	if err := json.Unmarshal([]byte(body), &id); err != nil {
		t.Fatalf("decoding whoami: %v", err)
	}
	return id
}

func TestLoginFlowYieldsTheChosenIdentity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name     string
		subject  string
		returnTo string
		want     auth.Identity
	}{
		{
			name:     "council member of Velsen",
			subject:  velsenCM,
			returnTo: "/processes?tenant=GM0453",
			want: auth.Identity{Subject: velsenCM, Name: "Anouk de Vries",
				Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}},
		},
		{
			name:     "roles in two tenants",
			subject:  "dev-velsen-council-member-ijmond-coordinator",
			returnTo: "/",
			want: auth.Identity{Subject: "dev-velsen-council-member-ijmond-coordinator", Name: "Femke van Leeuwen",
				Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}, {Tenant: "ijmond", Role: auth.RegionalCoordinator}}},
		},
		{
			name:     "platform admin, no returnTo",
			subject:  "dev-platform-admin",
			returnTo: "",
			want: auth.Identity{Subject: "dev-platform-admin", Name: "Wim van Dijk",
				Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := e.browser(t)
			if got := e.whoami(t, b, nil); got != nil {
				t.Fatalf("identity before login: %+v", got)
			}
			wantBack := tt.returnTo
			if wantBack == "" {
				wantBack = "/"
			}
			if back := e.login(t, b, tt.subject, tt.returnTo); back != wantBack {
				t.Errorf("callback redirected to %q, want %q", back, wantBack)
			}
			got := e.whoami(t, b, nil)
			if got == nil {
				t.Fatal("no identity after login")
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *identity.Config, _ *[]devidp.User) { c.SessionTTL = time.Hour })
	b := e.browser(t)
	resp, body := get(t, b, e.srv.URL+"/auth/login")
	wantStatus(t, resp, body, http.StatusFound)
	// Finish the flow by hand to see the callback's Set-Cookie.
	au, _ := url.Parse(resp.Header.Get("Location"))
	form := au.Query()
	form.Set("subject", velsenCM)
	resp, err := b.PostForm(e.issuer+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, body = get(t, b, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	var c *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == identity.SessionCookie {
			c = k
		}
	}
	if c == nil {
		t.Fatalf("callback set no %s cookie", identity.SessionCookie)
	}
	// Max-Age counts from when the session was stored, a moment before.
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge < 3590 || c.MaxAge > 3600 {
		t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q MaxAge=%d; want HttpOnly, Lax, /, an hour", c.HttpOnly, c.SameSite, c.Path, c.MaxAge)
	}
	if strings.Contains(c.Value, velsenCM) || strings.Contains(c.Value, "GM0453") {
		t.Error("session cookie shows its content; it must be encrypted")
	}
}

func TestCallbackRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name string
		// callback returns the callback URL to hit, after any setup in b.
		callback func(t *testing.T, b *http.Client) string
		want     int
	}{
		{
			name: "no login in progress",
			callback: func(*testing.T, *http.Client) string {
				return e.srv.URL + "/auth/callback?code=x&state=y"
			},
			want: http.StatusBadRequest,
		},
		{
			name: "state of another login",
			callback: func(t *testing.T, b *http.Client) string {
				resp, body := get(t, b, e.srv.URL+"/auth/login")
				wantStatus(t, resp, body, http.StatusFound)
				return e.srv.URL + "/auth/callback?code=x&state=forged"
			},
			want: http.StatusBadRequest,
		},
		{
			name: "a code already redeemed",
			callback: func(t *testing.T, b *http.Client) string {
				// Someone else's finished login leaks its callback URL ...
				other := e.browser(t)
				resp, body := get(t, other, e.srv.URL+"/auth/login")
				wantStatus(t, resp, body, http.StatusFound)
				au, _ := url.Parse(resp.Header.Get("Location"))
				form := au.Query()
				form.Set("subject", velsenCM)
				resp, err := other.PostForm(e.issuer+"/authorize", form)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				leaked, _ := url.Parse(resp.Header.Get("Location"))
				resp, body = get(t, other, leaked.String())
				wantStatus(t, resp, body, http.StatusSeeOther)
				// ... and is replayed into a login of b, with b's state.
				resp, body = get(t, b, e.srv.URL+"/auth/login")
				wantStatus(t, resp, body, http.StatusFound)
				au, _ = url.Parse(resp.Header.Get("Location"))
				q := leaked.Query()
				q.Set("state", au.Query().Get("state"))
				leaked.RawQuery = q.Encode()
				return leaked.String()
			},
			want: http.StatusUnauthorized,
		},
		{
			name: "the provider said no",
			callback: func(t *testing.T, b *http.Client) string {
				resp, body := get(t, b, e.srv.URL+"/auth/login")
				wantStatus(t, resp, body, http.StatusFound)
				au, _ := url.Parse(resp.Header.Get("Location"))
				return e.srv.URL + "/auth/callback?error=access_denied&state=" + au.Query().Get("state")
			},
			want: http.StatusUnauthorized,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := e.browser(t)
			resp, body := get(t, b, tt.callback(t, b))
			wantStatus(t, resp, body, tt.want)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
			if got := e.whoami(t, b, nil); got != nil {
				t.Errorf("identity after a refused callback: %+v", got)
			}
		})
	}
}

func TestLoginRefusesOpenRedirects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, returnTo := range []string{
		"https://evil.example",
		"//evil.example",
		"//evil.example/path",
		`/\evil.example`,
		"evil.example",
		"javascript:alert(1)",
		"/ok\r\nSet-Cookie: x=y",
	} {
		t.Run(returnTo, func(t *testing.T) {
			t.Parallel()
			resp, body := get(t, e.browser(t), e.srv.URL+"/auth/login?returnTo="+url.QueryEscape(returnTo))
			wantStatus(t, resp, body, http.StatusBadRequest)
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("redirected to %q", loc)
			}
			if len(resp.Cookies()) != 0 {
				t.Errorf("set cookies %v", resp.Cookies())
			}
		})
	}
}

func TestBearerTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A provider at the same issuer URL but with its own key, as an
	// attacker who copied the discovery document would have.
	impostor, err := devidp.New(e.issuer, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	issue := func(p *devidp.Provider, aud string, ttl time.Duration) func(t *testing.T) string {
		return func(t *testing.T) string {
			tok, err := p.IssueToken(velsenCM, aud, ttl)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
	}
	councilMember := &auth.Identity{Subject: velsenCM, Name: "Anouk de Vries",
		Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	tests := []struct {
		name      string
		header    func(t *testing.T) string
		want      *auth.Identity
		wantError string // in WWW-Authenticate; "" with want set means accepted
	}{
		{"API token", prefixed("Bearer ", issue(e.idp, devidp.APIAudience, time.Minute)), councilMember, ""},
		{"token for the web client, which the API does not accept", prefixed("Bearer ", issue(e.idp, clientID, time.Minute)), nil, `error="invalid_token"`},
		{"lower-case scheme", prefixed("bearer ", issue(e.idp, devidp.APIAudience, time.Minute)), councilMember, ""},
		{"expired", prefixed("Bearer ", issue(e.idp, devidp.APIAudience, -time.Minute)), nil, `error="invalid_token"`},
		{"signed by another key", prefixed("Bearer ", issue(impostor, devidp.APIAudience, time.Minute)), nil, `error="invalid_token"`},
		{"another audience", prefixed("Bearer ", issue(e.idp, "someone-else", time.Minute)), nil, `error="invalid_token"`},
		{"garbage", func(*testing.T) string { return "Bearer not.a.jwt" }, nil, `error="invalid_token"`},
		{"not a JWT at all", func(*testing.T) string { return "Bearer x" }, nil, `error="invalid_token"`},
		{"another scheme", func(*testing.T) string { return "Basic dXNlcjpwdw==" }, nil, `Bearer realm="meedoen"`},
		{"scheme without token", func(*testing.T) string { return "Bearer " }, nil, `Bearer realm="meedoen"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header(t)
			before := e.reached.Load()
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/whoami", nil)
			req.Header.Set("Authorization", header)
			resp, body := do(t, e.srv.Client(), req)
			if tt.want != nil {
				wantStatus(t, resp, body, http.StatusOK)
				var got auth.Identity
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(*tt.want, got); diff != "" {
					t.Errorf("identity (-want +got):\n%s", diff)
				}
				return
			}
			wantStatus(t, resp, body, http.StatusUnauthorized)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
			if wa := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer ") || !strings.Contains(wa, tt.wantError) {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge with %s", wa, tt.wantError)
			}
			var p map[string]any
			if err := json.Unmarshal([]byte(body), &p); err != nil || p["status"] != float64(401) {
				t.Errorf("body %s, want a problem with status 401", body)
			}
			if e.reached.Load() != before {
				t.Error("the next handler ran for a refused token")
			}
		})
	}
}

// Anyone can send a token with the provider's issuer, a future expiry and
// a key the gateway does not know; verifying it must not cost a request to
// the provider every time.
func TestForgedBearerTokensDoNotFloodTheProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	impostor, err := devidp.New(e.issuer, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	bearer := func(p *devidp.Provider) func(*http.Request) {
		tok, err := p.IssueToken(velsenCM, devidp.APIAudience, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	if got := e.whoami(t, e.srv.Client(), bearer(e.idp)); got == nil {
		t.Fatal("a genuine token was refused")
	}
	before := e.jwksFetches.Load()
	forged := bearer(impostor)
	for range 20 {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/whoami", nil)
		forged(req)
		resp, body := do(t, e.srv.Client(), req)
		wantStatus(t, resp, body, http.StatusUnauthorized)
	}
	if n := e.jwksFetches.Load() - before; n > 1 {
		t.Errorf("20 forged tokens made %d requests for the provider's keys, want at most 1", n)
	}
	if got := e.whoami(t, e.srv.Client(), bearer(e.idp)); got == nil {
		t.Error("a genuine token was refused after the forged ones")
	}
}

func prefixed(p string, f func(*testing.T) string) func(*testing.T) string {
	return func(t *testing.T) string { return p + f(t) }
}

func TestUnknownRoleEntriesAreIgnoredAndLogged(t *testing.T) {
	t.Parallel()
	const sub = "dev-odd-roles"
	e := newEnv(t, func(_ *identity.Config, users *[]devidp.User) {
		*users = append(*users, devidp.User{Subject: sub, Name: "Olga Odd", Grants: []auth.Grant{
			{Tenant: "GM0453", Role: auth.Chair},
			{Tenant: "GM0453", Role: "mayor"},
			{Tenant: "", Role: auth.Secretary},
			{Tenant: "GM0453", Role: auth.Chair},
		}})
	})
	tok, err := e.idp.IssueToken(sub, devidp.APIAudience, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := e.whoami(t, e.srv.Client(), func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) })
	want := &auth.Identity{Subject: sub, Name: "Olga Odd", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "ignoring unknown role entry"); n != 2 {
		t.Errorf("logged %d unknown entries, want 2:\n%s", n, logs)
	}
	if !strings.Contains(logs, "sub="+sub) || strings.Contains(logs, "Olga") {
		t.Errorf("log should name the subject and not the person:\n%s", logs)
	}
}

func TestRolesClaimFromANestedClaim(t *testing.T) {
	t.Parallel()
	// The development provider emits meedoen_roles at the top level; a
	// dotted path that does not exist yields an identity without grants.
	e := newEnv(t, func(c *identity.Config, _ *[]devidp.User) { c.RolesClaim = "realm_access.roles" })
	tok, err := e.idp.IssueToken(velsenCM, devidp.APIAudience, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := e.whoami(t, e.srv.Client(), func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) })
	if got == nil || got.Subject != velsenCM || len(got.Grants) != 0 {
		t.Errorf("identity %+v, want %s without grants", got, velsenCM)
	}
}

func TestTamperedSessionCookieIsNoSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := newEnv(t) // same code, another session key
	cookieOf := func(e *env) string {
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		u, _ := url.Parse(e.srv.URL)
		for _, c := range b.Jar.Cookies(u) {
			if c.Name == identity.SessionCookie {
				return c.Value
			}
		}
		t.Fatal("no session cookie after login")
		return ""
	}
	valid := cookieOf(e)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		value  string
		wantID bool
	}{
		{"untouched", valid, true},
		{"one character changed at the start", flip(valid, 0), false},
		{"one character changed in the middle", flip(valid, len(valid)/2), false},
		{"one character changed at the end", flip(valid, len(valid)-1), false},
		{"cut short", valid[:len(valid)-4], false},
		{"not base64", "!!!" + valid, false},
		{"sealed with another key", cookieOf(other), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := e.whoami(t, e.srv.Client(), func(r *http.Request) {
				r.AddCookie(&http.Cookie{Name: identity.SessionCookie, Value: tt.value})
			})
			if (got != nil) != tt.wantID {
				t.Errorf("identity %+v, want one: %v", got, tt.wantID)
			}
		})
	}
}

func TestCookieSessionRefusesCrossOriginWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	e.login(t, b, velsenCM, "/")
	tests := []struct {
		name     string
		fetch    string
		origin   string
		wantCode int
	}{
		{"same origin", "same-origin", e.srv.URL, http.StatusOK},
		{"no browser headers", "", "", http.StatusOK},
		{"another site", "cross-site", "https://evil.example", http.StatusForbidden},
		{"another origin, old browser", "", "https://evil.example", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/whoami", nil)
			if tt.fetch != "" {
				req.Header.Set("Sec-Fetch-Site", tt.fetch)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, body := do(t, b, req)
			wantStatus(t, resp, body, tt.wantCode)
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	post := func(t *testing.T, b *http.Client, fetch, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/auth/logout", nil)
		req.Header.Set("Sec-Fetch-Site", fetch)
		req.Header.Set("Origin", origin)
		resp, _ := do(t, b, req)
		return resp
	}

	t.Run("same origin ends the session at the gateway and the provider", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		resp := post(t, b, "same-origin", e.srv.URL)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		cleared := false
		for _, c := range resp.Cookies() {
			cleared = cleared || (c.Name == identity.SessionCookie && c.MaxAge < 0)
		}
		if !cleared {
			t.Errorf("Set-Cookie %v does not clear %s", resp.Header.Values("Set-Cookie"), identity.SessionCookie)
		}
		end, _ := url.Parse(resp.Header.Get("Location"))
		if got := end.Scheme + "://" + end.Host + end.Path; got != e.issuer+"/logout" {
			t.Errorf("redirected to %s, want the end_session_endpoint", got)
		}
		if end.Query().Get("id_token_hint") == "" {
			t.Errorf("the end_session request %s names no id_token_hint", end)
		}
		if got := e.whoami(t, b, nil); got != nil {
			t.Errorf("identity after logout: %+v", got)
		}
		resp, body := get(t, b, end.String())
		wantStatus(t, resp, body, http.StatusSeeOther)
		if got := resp.Header.Get("Location"); got != e.srv.URL+"/" {
			t.Errorf("provider sent the browser to %q, want %q", got, e.srv.URL+"/")
		}
	})
	t.Run("cross-site is refused", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		if resp := post(t, b, "cross-site", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
		if got := e.whoami(t, b, nil); got == nil {
			t.Error("a cross-site logout ended the session")
		}
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		t.Parallel()
		resp, body := get(t, e.browser(t), e.srv.URL+"/auth/logout")
		wantStatus(t, resp, body, http.StatusMethodNotAllowed)
		if resp.Header.Get("Allow") != "POST" {
			t.Errorf("Allow %q, want POST", resp.Header.Get("Allow"))
		}
	})
}

func TestDiscoveryWaitsForTheProvider(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	issuer := srv.URL + "/dev/oidc"
	authn, err := identity.New(t.Context(), identity.Config{
		Issuer: issuer, ClientID: clientID, RedirectURL: srv.URL + "/auth/callback",
		SessionKey: bytes.Repeat([]byte("k"), 32), Sessions: newStore(t), HTTPClient: srv.Client(),
	}, nil)
	if err != nil {
		t.Fatalf("New before the provider is up: %v", err)
	}
	mux.Handle("/auth/login", authn.LoginHandler())
	// A provider that is down answers as the proxy in front of it does.
	var provider atomic.Pointer[http.Handler]
	mux.Handle("/dev/oidc/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := provider.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "no backend", http.StatusBadGateway)
	}))
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	resp, body := get(t, c, srv.URL+"/auth/login")
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if err := authn.Ready(t.Context()); err != nil {
		t.Errorf("Ready with the provider down: %v, want nil (down is not a configuration error)", err)
	}

	idp, err := devidp.New(issuer, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	h := http.StripPrefix("/dev/oidc", idp.Handler())
	provider.Store(&h)
	checkFor(t, 5*time.Second, 100*time.Millisecond, func() bool {
		resp, _ := get(t, c, srv.URL+"/auth/login")
		return resp.StatusCode == http.StatusFound
	})
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := identity.Config{
		Issuer: "http://127.0.0.1/dev/oidc", ClientID: clientID,
		RedirectURL: "http://127.0.0.1/auth/callback", SessionKey: bytes.Repeat([]byte("k"), 32),
		Sessions: newStore(t),
	}
	tests := []struct {
		name string
		edit func(*identity.Config)
	}{
		{"no issuer", func(c *identity.Config) { c.Issuer = "" }},
		{"no client id", func(c *identity.Config) { c.ClientID = "" }},
		{"relative redirect URL", func(c *identity.Config) { c.RedirectURL = "/auth/callback" }},
		{"short session key", func(c *identity.Config) { c.SessionKey = c.SessionKey[:31] }},
		{"no session store", func(c *identity.Config) { c.Sessions = nil }},
		{"introspection without a client secret", func(c *identity.Config) { c.Introspection = true }},
	}
	if _, err := identity.New(context.Background(), good, nil); err != nil {
		t.Fatalf("New with a good config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.edit(&cfg)
			if _, err := identity.New(context.Background(), cfg, nil); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

// checkFor polls fn until it reports true or wait has passed.
func checkFor(t *testing.T, wait, sleep time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", wait)
		}
		time.Sleep(sleep)
	}
}

// syncBuffer is a log sink safe for parallel handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
