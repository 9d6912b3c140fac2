package identity_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
)

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
