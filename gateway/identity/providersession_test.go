package identity_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
)

// A role changed, or a session ended, at the provider shows at the gateway
// within the recheck interval, on the session that is already running.
func TestSessionsFollowTheProvider(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, func(c *identity.Config) { c.RecheckInterval = 50 * time.Millisecond })
	t.Run("a role changed", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		if status, _ := e.login(t, b, pieter); status != http.StatusOK {
			t.Fatalf("login: %d", status)
		}
		e.op.SetRoles(pieter.ID, []string{"council_member@GM0453"})
		want := []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}
		checkFor(t, 5*time.Second, 50*time.Millisecond, func() bool {
			got := e.whoami(t, b, nil).Identity
			return got != nil && cmp.Equal(want, got.Grants)
		})
	})
	t.Run("the session ended", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		if status, _ := e.login(t, b, anouk); status != http.StatusOK {
			t.Fatalf("login: %d", status)
		}
		if err := e.op.EndSessions(t.Context(), anouk.ID); err != nil {
			t.Fatal(err)
		}
		checkFor(t, 5*time.Second, 50*time.Millisecond, func() bool { return e.whoami(t, b, nil).Identity == nil })
	})
}

// Logging out ends the session at the gateway, so a copy of the cookie
// opens nothing, and at the provider, named by the ID token.
func TestLogoutReachesTheIndependentProvider(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, nil)
	b := e.browser(t)
	if status, _ := e.login(t, b, anouk); status != http.StatusOK {
		t.Fatalf("login: %d", status)
	}
	u, _ := url.Parse(e.srv.URL)
	var copied *http.Cookie
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == identity.SessionCookie {
			copied = c
		}
	}
	if copied == nil {
		t.Fatal("no session cookie after login")
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/auth/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := do(t, b, req)
	wantStatus(t, resp, body, http.StatusOK)
	if got := resp.Request.URL.String(); got != e.srv.URL+"/" || body != "home" {
		t.Errorf("logout ended at %s, want the site's root after the provider", got)
	}
	if diff := cmp.Diff([]string{anouk.ID}, e.op.Terminated()); diff != "" {
		t.Errorf("sessions ended at the provider (-want +got):\n%s", diff)
	}
	got := e.whoami(t, &http.Client{}, func(r *http.Request) { r.AddCookie(copied) })
	if got.Identity != nil {
		t.Errorf("a copy of the cookie still opens the session: %+v", got.Identity)
	}
}

// Two gateway replicas with the same key and the same database: a session
// begun at one works at the other, and a logout at either ends it at both.
func TestSessionsAreSharedByReplicas(t *testing.T) {
	t.Parallel()
	e := newOPEnv(t, nil)
	mux := http.NewServeMux()
	other := httptest.NewServer(mux)
	t.Cleanup(other.Close)
	authn, err := identity.New(t.Context(), identity.Config{
		Issuer: e.op.Issuer, ClientID: clientID, ClientSecret: opSecret, RedirectURL: e.srv.URL + "/auth/callback",
		SessionKey: e.key, Sessions: e.store,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("POST /auth/logout", authn.LogoutHandler())
	mux.Handle("/whoami", authn.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := auth.FromContext(r.Context())
		w.Write([]byte(id.Subject))
	})))
	atOther := func(method, path string, c *http.Cookie) string {
		t.Helper()
		req, _ := http.NewRequest(method, other.URL+path, nil)
		req.AddCookie(c)
		resp, body := do(t, noFollow(), req)
		if resp.StatusCode >= 400 {
			t.Fatalf("%s %s at the other replica: %d %s", method, path, resp.StatusCode, body)
		}
		return body
	}

	b := e.browser(t)
	if status, _ := e.login(t, b, anouk); status != http.StatusOK {
		t.Fatalf("login: %d", status)
	}
	u, _ := url.Parse(e.srv.URL)
	var c *http.Cookie
	for _, ck := range b.Jar.Cookies(u) {
		if ck.Name == identity.SessionCookie {
			c = ck
		}
	}
	if got := atOther(http.MethodGet, "/whoami", c); got != anouk.ID {
		t.Fatalf("the other replica sees %q, want %s", got, anouk.ID)
	}
	atOther(http.MethodPost, "/auth/logout", c)
	if got := e.whoami(t, b, nil); got.Identity != nil {
		t.Errorf("after a logout at the other replica, this one still sees %+v", got.Identity)
	}
}
