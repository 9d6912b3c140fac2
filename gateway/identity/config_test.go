package identity_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
)

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
