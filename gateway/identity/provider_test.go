package identity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/testkit"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/testop"
)

// The people of the independent provider. Their tokens' name claim comes
// only from the userinfo endpoint: the provider keeps profile claims out of
// an ID token that comes with an access token, as OpenID Connect allows.
var (
	anouk = testop.User{ID: "op-anouk", Username: "anouk", Password: "geheim-anouk", FirstName: "Anouk", LastName: "de Vries",
		Roles: []string{"council_member@GM0453"}}
	pieter = testop.User{ID: "op-pieter", Username: "pieter", Password: "geheim-pieter", FirstName: "Pieter", LastName: "Bakker",
		Roles: "chair@GM0453"} // one role as a string, as ADFS sends it
	ingrid = testop.User{ID: "op-ingrid", Username: "ingrid", Password: "geheim-ingrid", FirstName: "Ingrid", LastName: "Hoekstra",
		Roles: map[string]any{"regional_coordinator@ijmond": map[string]string{"123": "ijmond.example"}}} // Zitadel's shape
	noor = testop.User{ID: "op-noor", Username: "noor", Password: "geheim-noor", FirstName: "Noor", LastName: "Bos"} // no roles claim
	hans = testop.User{ID: "op-hans", Username: "hans", Password: "geheim-hans", FirstName: "Hans", LastName: "Dekker",
		Roles: 42} // a claim of the wrong type
	nobody = testop.User{ID: "", Username: "nobody", Password: "geheim-nobody", FirstName: "No", LastName: "Body",
		Roles: []string{"admin@*"}} // tokens without sub
)

const opSecret = "meedoen-client-secret"

// opEnv is a gateway-like server in front of the independent provider:
// the login routes under /auth and /whoami behind the middleware, which
// answers the identity and whether its roles were missing.
type opEnv struct {
	srv   *httptest.Server
	op    *testop.Provider
	authn *identity.Authenticator
	logs  *testkit.Buffer
	key   []byte
	store *store.Store
}

type whoamiAnswer struct {
	Identity     *auth.Identity `json:"identity"`
	RolesMissing bool           `json:"rolesMissing"`
}

func newOPEnv(t *testing.T, edit func(*identity.Config)) *opEnv {
	t.Helper()
	e := &opEnv{logs: &testkit.Buffer{}, key: make([]byte, 32)}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.op = testop.Start(t, testop.Config{
		ClientID: clientID, ClientSecret: opSecret,
		RedirectURI: e.srv.URL + "/auth/callback", PostLogoutRedirectURI: e.srv.URL + "/",
		RolesClaim: identity.DefaultRolesClaim,
		Users:      []testop.User{anouk, pieter, ingrid, noor, hans, nobody},
	})
	if _, err := rand.Read(e.key); err != nil {
		t.Fatal(err)
	}
	e.store = newStore(t)
	cfg := identity.Config{
		Issuer:       e.op.Issuer,
		ClientID:     clientID,
		ClientSecret: opSecret,
		RedirectURL:  e.srv.URL + "/auth/callback",
		Scopes:       []string{"openid", "profile", "offline_access"},
		SessionKey:   e.key,
		Sessions:     e.store,
	}
	if edit != nil {
		edit(&cfg)
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	authn, err := identity.New(t.Context(), cfg, log)
	if err != nil {
		t.Fatalf("identity.New: %v", err)
	}
	e.authn = authn
	mux.Handle("GET /auth/login", authn.LoginHandler())
	mux.Handle("GET /auth/callback", authn.CallbackHandler())
	mux.Handle("POST /auth/logout", authn.LogoutHandler())
	mux.Handle("/whoami", authn.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a whoamiAnswer
		if id, ok := auth.FromContext(r.Context()); ok {
			a.Identity = &id
		}
		a.RolesMissing = identity.RolesMissing(r.Context())
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a)
	})))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("home")) }))
	return e
}

// browser is a cookie-keeping client that follows redirects, across the
// gateway's and the provider's origins, as a browser does.
func (e *opEnv) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// login logs in as u on the provider's own login page and returns the
// status of the page the flow ended on.
func (e *opEnv) login(t *testing.T, b *http.Client, u testop.User) (int, string) {
	t.Helper()
	resp, body := get(t, b, e.srv.URL+"/auth/login?returnTo=/")
	wantStatus(t, resp, body, http.StatusOK)
	id := resp.Request.URL.Query().Get("authRequestID")
	if !strings.HasPrefix(resp.Request.URL.String(), e.op.Issuer+"/login/username") || id == "" {
		t.Fatalf("login ended at %s, want the provider's login page", resp.Request.URL)
	}
	resp, err := b.PostForm(e.op.Issuer+"/login/username", url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

func (e *opEnv) whoami(t *testing.T, c *http.Client, edit func(*http.Request)) whoamiAnswer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/whoami", nil)
	if edit != nil {
		edit(req)
	}
	resp, body := do(t, c, req)
	wantStatus(t, resp, body, http.StatusOK)
	var a whoamiAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("decoding whoami: %v", err)
	}
	return a
}

func TestLoginAtAnIndependentProvider(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, nil)
	tests := []struct {
		name        string
		user        testop.User
		want        whoamiAnswer
		wantLogged  string
		wantLogKeys string
	}{
		{
			name: "roles as a list",
			user: anouk,
			want: whoamiAnswer{Identity: &auth.Identity{Subject: anouk.ID, Name: "Anouk de Vries",
				Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}},
		},
		{
			name: "one role as a string",
			user: pieter,
			want: whoamiAnswer{Identity: &auth.Identity{Subject: pieter.ID, Name: "Pieter Bakker",
				Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}}}},
		},
		{
			name: "roles as an object keyed by role",
			user: ingrid,
			want: whoamiAnswer{Identity: &auth.Identity{Subject: ingrid.ID, Name: "Ingrid Hoekstra",
				Grants: []auth.Grant{{Tenant: "ijmond", Role: auth.RegionalCoordinator}}}},
		},
		{
			name:        "no roles claim",
			user:        noor,
			want:        whoamiAnswer{Identity: &auth.Identity{Subject: noor.ID, Name: "Noor Bos"}, RolesMissing: true},
			wantLogged:  "the roles claim is missing",
			wantLogKeys: "claims_present=",
		},
		{
			name:        "a roles claim of the wrong type",
			user:        hans,
			want:        whoamiAnswer{Identity: &auth.Identity{Subject: hans.ID, Name: "Hans Dekker"}, RolesMissing: true},
			wantLogged:  "the roles claim is neither",
			wantLogKeys: "json_type=number",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := e.browser(t)
			status, body := e.login(t, b, tt.user)
			if status != http.StatusOK || body != "home" {
				t.Fatalf("login ended with %d %q, want the home page", status, body)
			}
			if diff := cmp.Diff(tt.want, e.whoami(t, b, nil)); diff != "" {
				t.Errorf("whoami (-want +got):\n%s", diff)
			}
			if tt.wantLogged == "" {
				return
			}
			var line string
			for l := range strings.SplitSeq(e.logs.String(), "\n") {
				if strings.Contains(l, tt.wantLogged) && strings.Contains(l, "sub="+tt.user.ID) {
					line = l
				}
			}
			if !strings.Contains(line, "level=WARN") || !strings.Contains(line, tt.wantLogKeys) ||
				!strings.Contains(line, "roles_claim="+identity.DefaultRolesClaim) {
				t.Errorf("log has no warning naming the claim and %s for %s:\n%s", tt.wantLogKeys, tt.user.ID, e.logs.String())
			}
			if strings.Contains(line, tt.user.FirstName) {
				t.Errorf("the warning shows the person's name: %s", line)
			}
		})
	}
}

func TestIDTokenWithoutSubjectIsRefused(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, nil)
	b := e.browser(t)
	status, body := e.login(t, b, nobody)
	if status != http.StatusUnauthorized {
		t.Fatalf("callback answered %d %s, want 401", status, body)
	}
	if got := e.whoami(t, b, nil); got.Identity != nil {
		t.Errorf("identity after a token without sub: %+v", got.Identity)
	}
	if !strings.Contains(e.logs.String(), "no subject") {
		t.Errorf("the refusal was not logged:\n%s", e.logs.String())
	}
}

func noFollow() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestBearerTokensOfAnIndependentProvider(t *testing.T) {
	t.Parallel()
	tokens := func(t *testing.T, e *opEnv, opaque bool) (access, id string) {
		t.Helper()
		e.op.SetOpaqueAccessTokens(opaque)
		tok, err := e.op.Tokens(t.Context(), anouk.Username, anouk.Password, "openid", "profile")
		if err != nil {
			t.Fatal(err)
		}
		id, _ = tok.Extra("id_token").(string)
		return tok.AccessToken, id
	}
	councilMember := &auth.Identity{Subject: anouk.ID, Name: "Anouk de Vries",
		Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	tests := []struct {
		name          string
		introspection bool
		token         func(t *testing.T, e *opEnv) string
		want          *auth.Identity
		wantReason    string
	}{
		{
			// Access tokens carry no profile claims here; the API needs none.
			name:  "a JWT access token",
			token: func(t *testing.T, e *opEnv) string { access, _ := tokens(t, e, false); return access },
			want:  &auth.Identity{Subject: anouk.ID, Grants: councilMember.Grants},
		},
		{
			name:       "an ID token",
			token:      func(t *testing.T, e *opEnv) string { _, id := tokens(t, e, false); return id },
			wantReason: "an ID token is not an access token",
		},
		{
			name:          "an opaque access token, introspected",
			introspection: true,
			token:         func(t *testing.T, e *opEnv) string { access, _ := tokens(t, e, true); return access },
			want:          councilMember,
		},
		{
			name:       "an opaque access token without introspection",
			token:      func(t *testing.T, e *opEnv) string { access, _ := tokens(t, e, true); return access },
			wantReason: "introspection is off",
		},
		{
			name:          "a made-up opaque token",
			introspection: true,
			token:         func(*testing.T, *opEnv) string { return "made-up-token" },
			wantReason:    "the token is not active",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newOPEnv(t, func(c *identity.Config) { c.Introspection = tt.introspection })
			tok := tt.token(t, e)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/whoami", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, body := do(t, &http.Client{}, req)
			if tt.want == nil {
				wantStatus(t, resp, body, http.StatusUnauthorized)
				if !strings.Contains(resp.Header.Get("WWW-Authenticate"), tt.wantReason) {
					t.Errorf("WWW-Authenticate %q, want the reason %q", resp.Header.Get("WWW-Authenticate"), tt.wantReason)
				}
				return
			}
			wantStatus(t, resp, body, http.StatusOK)
			var got whoamiAnswer
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Identity); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

// An issuer setting that does not name the provider exactly is a wrong
// setting, not an outage: logins answer 500, Ready says why, the log says
// it at ERROR. A provider that does not answer at all is an outage: 503,
// and ready.
func TestWrongIssuerIsAConfigurationError(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, nil)
	issuer, _ := url.Parse(e.op.Issuer)
	_, port, _ := net.SplitHostPort(issuer.Host)
	notOP := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notOP.Close)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	tests := []struct {
		name       string
		issuer     string
		wantStatus int
		wantReady  string // in Ready's error; "" means ready
	}{
		{"a trailing slash", e.op.Issuer + "/", http.StatusInternalServerError, "calls itself"},
		{"localhost for 127.0.0.1", "http://localhost:" + port, http.StatusInternalServerError, "calls itself"},
		{"https for http", "https://" + issuer.Host, http.StatusInternalServerError, "HTTPS"},
		{"another port, where something else answers", notOP.URL, http.StatusInternalServerError, "no OpenID provider there"},
		{"a port where nothing answers", "http://" + closedAddr, http.StatusServiceUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logs := &testkit.Buffer{}
			authn, err := identity.New(t.Context(), identity.Config{
				Issuer: tt.issuer, ClientID: clientID, ClientSecret: opSecret, RedirectURL: e.srv.URL + "/auth/callback",
				SessionKey: bytes.Repeat([]byte("k"), 32), Sessions: newStore(t),
			}, slog.New(slog.NewTextHandler(logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			authn.LoginHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/login", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("login answered %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			err = authn.Ready(context.Background())
			switch {
			case tt.wantReady == "" && err != nil:
				t.Errorf("Ready: %v, want ready", err)
			case tt.wantReady != "" && (err == nil || !strings.Contains(err.Error(), tt.wantReady)):
				t.Errorf("Ready: %v, want an error saying %q", err, tt.wantReady)
			}
			wantLevel := "level=ERROR"
			if tt.wantReady == "" {
				wantLevel = "level=WARN"
			}
			if !strings.Contains(logs.String(), wantLevel) {
				t.Errorf("log has no %s line:\n%s", wantLevel, logs)
			}
		})
	}
}
