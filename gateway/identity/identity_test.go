package identity_test

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/testkit"

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
	logs   *testkit.Buffer
	// reached counts requests that got past the middleware.
	reached atomic.Int64
	// jwksFetches counts requests for the provider's key set.
	jwksFetches atomic.Int64
}

type envOption func(*identity.Config, *[]devidp.User)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux(), logs: &testkit.Buffer{}}
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
