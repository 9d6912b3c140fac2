package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
)

// newGatewayServer serves what the gateway's modules mount for cfg at
// base, the public URL, on a plain-HTTP test server.
func newGatewayServer(t *testing.T, cfg Config, base string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if base == "" {
		base = srv.URL
	}
	// Never dialled: the pages under test do not call the service.
	conn, err := grpc.NewClient("passthrough:///127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	cfg.OIDCClientID, cfg.OIDCRolesClaim = "meedoen", "meedoen_roles"
	cfg.SessionTTL, cfg.OIDCRecheckInterval = 8*time.Hour, time.Minute
	deps := gatewayDeps(t)
	// What the modules before the gateway's own would have left.
	a := newApp(cfg, nil, io.Discard, io.Discard, hooks{})
	a.log, a.tel, a.health, a.deps = slog.New(slog.DiscardHandler), deps.Telemetry, deps.Health, deps
	a.mux, a.base, a.conns = mux, base, gateway.Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}
	t.Cleanup(a.stop)
	if err := a.start(t.Context(), modulesNamed(t, sessionsModule, devIdPModule, apiModule, identityModule, termsModule, webModule, gatewayTarget)); err != nil {
		t.Fatalf("starting the gateway's modules: %v", err)
	}
	return srv
}

// modulesNamed returns the table's modules of those names, in the table's
// order.
func modulesNamed(t *testing.T, names ...string) []module {
	t.Helper()
	var out []module
	for _, m := range modules() {
		if slices.Contains(names, m.name) {
			out = append(out, m)
		}
	}
	if len(out) != len(names) {
		t.Fatalf("modules %v: found %d", names, len(out))
	}
	return out
}

// gatewayDeps is what the gateway's modules need of the platform: a database of
// its own and a JetStream server, for the gateway's schema and its
// consumer of the councils service's member events.
func gatewayDeps(t *testing.T) platform.Deps {
	t.Helper()
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "gateway-test", LogLevel: slog.LevelError}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, _, js := testkit.NewJetStream(t)
	return platform.Deps{DatabaseURL: testkit.NewDatabase(t), JetStream: js, Telemetry: tel, Health: health.New()}
}

// Behind a proxy that ends TLS the gateway sees plain HTTP; an https
// public URL must still make every cookie it sets Secure.
func TestCookiesAreSecureWithAnHTTPSPublicURL(t *testing.T) {
	t.Parallel()
	external := newTestIdP(t)
	tests := []struct {
		name       string
		base       string
		wantSecure bool
	}{
		{name: "http public URL", base: "", wantSecure: false},
		{name: "https public URL", base: "https://meedoen.example", wantSecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newGatewayServer(t, Config{OIDCIssuer: external.issuer}, tt.base)
			c := srv.Client()
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			got := map[string]bool{}
			for _, path := range []string{"/?lang=en", "/auth/login"} {
				resp, err := c.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				for _, ck := range resp.Cookies() {
					got[ck.Name] = ck.Secure
				}
			}
			want := map[string]bool{"meedoen_lang": tt.wantSecure, "meedoen_login": tt.wantSecure}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Secure per cookie (-want +got):\n%s", diff)
			}
		})
	}
}

// Each answer at /auth/callback makes the gateway redeem a code at the
// provider's token endpoint. Anyone can start a login and replay its cookie
// with made-up codes, so the callback must be rate limited like the API.
func TestLoginCallbackIsRateLimited(t *testing.T) {
	t.Parallel()
	var redeemed atomic.Int64
	idpSrv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idpSrv.Listener.Addr().String()
	idp, err := devidp.New(issuer, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	idpSrv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			redeemed.Add(1)
		}
		idp.Handler().ServeHTTP(w, r)
	})
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)

	// 60 a minute: a burst of 6.
	srv := newGatewayServer(t, Config{OIDCIssuer: issuer, AnonymousRateLimit: 60}, "")
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(srv.URL + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	authorize, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || len(resp.Cookies()) != 1 {
		t.Fatalf("login answered %s with Location %q and cookies %v", resp.Status, resp.Header.Get("Location"), resp.Cookies())
	}
	login := resp.Cookies()[0]
	callback := srv.URL + "/auth/callback?code=made-up&state=" + url.QueryEscape(authorize.Query().Get("state"))
	statuses := map[int]int{}
	for range 20 {
		req, _ := http.NewRequest(http.MethodGet, callback, nil)
		req.AddCookie(login)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if n := redeemed.Load(); n > 6 {
		t.Errorf("20 replays of one login made %d requests to the token endpoint, want at most the burst of 6 (statuses %v)", n, statuses)
	}
	if statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("no replay was answered 429 (statuses %v)", statuses)
	}
}

// The development identity provider lets anyone log in as anyone, so only
// -dev without -oidc-issuer serves it, and only then does the start page
// offer demo accounts.
func TestDevelopmentProviderOnlyWithDevAndNoIssuer(t *testing.T) {
	t.Parallel()
	external := newTestIdP(t)
	tests := []struct {
		name         string
		dev          bool
		issuer       string
		wantProvider bool
	}{
		{name: "no provider configured", wantProvider: false},
		{name: "a real provider", issuer: external.issuer, wantProvider: false},
		{name: "-dev", dev: true, wantProvider: true},
		{name: "-dev with a real provider", dev: true, issuer: external.issuer, wantProvider: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newGatewayServer(t, Config{Dev: tt.dev, OIDCIssuer: tt.issuer}, "")
			resp, err := http.Get(srv.URL + devIssuerPath + "/.well-known/openid-configuration")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.StatusCode == http.StatusOK; got != tt.wantProvider {
				t.Errorf("development provider served = %v (status %d), want %v", got, resp.StatusCode, tt.wantProvider)
			}
			resp, err = http.Get(srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := strings.Contains(string(body), "Inloggen met een demo-account"); got != tt.wantProvider {
				t.Errorf("start page offers demo accounts = %v, want %v", got, tt.wantProvider)
			}
		})
	}
}
