package devidp_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/meedoen/meedoen/gateway/devidp"
)

func TestTokenEndpointRequiresPKCEAndSingleUseCodes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name string
		// redeem gets a fresh code for verifier and makes the request(s);
		// it returns the status of the last one.
		redeem    func(t *testing.T, code, verifier string) (int, map[string]any)
		wantOK    bool
		wantError string
	}{
		{
			name: "right verifier",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				return s.redeem(t, s.tokenForm(code, verifier))
			},
			wantOK: true,
		},
		{
			name: "wrong verifier",
			redeem: func(t *testing.T, code, _ string) (int, map[string]any) {
				return s.redeem(t, s.tokenForm(code, oauth2.GenerateVerifier()))
			},
			wantError: "invalid_grant",
		},
		{
			name: "no verifier",
			redeem: func(t *testing.T, code, _ string) (int, map[string]any) {
				f := s.tokenForm(code, "")
				f.Del("code_verifier")
				return s.redeem(t, f)
			},
			wantError: "invalid_grant",
		},
		{
			name: "code used twice",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				if status, body := s.redeem(t, s.tokenForm(code, verifier)); status != http.StatusOK {
					t.Fatalf("first use: status %d %v", status, body)
				}
				return s.redeem(t, s.tokenForm(code, verifier))
			},
			wantError: "invalid_grant",
		},
		{
			name: "code retried after a wrong verifier",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				s.redeem(t, s.tokenForm(code, oauth2.GenerateVerifier()))
				return s.redeem(t, s.tokenForm(code, verifier))
			},
			wantError: "invalid_grant",
		},
		{
			name: "another client",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				f := s.tokenForm(code, verifier)
				f.Set("client_id", "someone-else")
				return s.redeem(t, f)
			},
			wantError: "invalid_grant",
		},
		{
			name: "another redirect_uri",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				f := s.tokenForm(code, verifier)
				f.Set("redirect_uri", s.URL+"/elsewhere")
				return s.redeem(t, f)
			},
			wantError: "invalid_grant",
		},
		{
			name: "made-up code",
			redeem: func(t *testing.T, _, verifier string) (int, map[string]any) {
				return s.redeem(t, s.tokenForm("made-up", verifier))
			},
			wantError: "invalid_grant",
		},
		{
			name: "another grant type",
			redeem: func(t *testing.T, code, verifier string) (int, map[string]any) {
				f := s.tokenForm(code, verifier)
				f.Set("grant_type", "password")
				return s.redeem(t, f)
			},
			wantError: "unsupported_grant_type",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			verifier := oauth2.GenerateVerifier()
			code := s.code(t, verifier, "dev-velsen-council-member")
			status, body := tt.redeem(t, code, verifier)
			if !tt.wantOK {
				if status != http.StatusBadRequest || body["error"] != tt.wantError {
					t.Errorf("got %d %v, want 400 with error %s", status, body, tt.wantError)
				}
				return
			}
			if status != http.StatusOK || body["token_type"] != "Bearer" {
				t.Fatalf("got %d %v, want 200 with a bearer token", status, body)
			}
			id := s.verify(t, body["id_token"].(string))
			want := map[string]any{
				"iss":           s.issuer,
				"sub":           "dev-velsen-council-member",
				"aud":           "meedoen-web",
				"nonce":         "nc",
				"name":          "Anouk de Vries",
				"meedoen_roles": []any{"council_member@GM0453"},
			}
			for k, w := range want {
				if diff := cmp.Diff(w, id[k]); diff != "" {
					t.Errorf("id token claim %s (-want +got):\n%s", k, diff)
				}
			}
			access := s.verify(t, body["access_token"].(string))
			if access["sub"] != "dev-velsen-council-member" || access["aud"] != "meedoen-web" {
				t.Errorf("access token sub %v aud %v", access["sub"], access["aud"])
			}
		})
	}
}

// A refresh token gives new tokens once, to the client it was issued to,
// and is replaced by a new one each time (rotation).
func TestRefreshTokensRotate(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	refreshForm := func(rt, client string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}}
	}
	login := func(t *testing.T) string {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		status, body := s.redeem(t, s.tokenForm(s.code(t, verifier, "dev-velsen-council-member"), verifier))
		rt, _ := body["refresh_token"].(string)
		if status != http.StatusOK || rt == "" {
			t.Fatalf("code exchange: %d %v, want a refresh token", status, body)
		}
		return rt
	}
	tests := []struct {
		name      string
		use       func(t *testing.T, rt string) (int, map[string]any)
		wantError string
	}{
		{
			name: "once, by its client",
			use: func(t *testing.T, rt string) (int, map[string]any) {
				return s.redeem(t, refreshForm(rt, "meedoen-web"))
			},
		},
		{
			name: "twice",
			use: func(t *testing.T, rt string) (int, map[string]any) {
				if status, body := s.redeem(t, refreshForm(rt, "meedoen-web")); status != http.StatusOK {
					t.Fatalf("first use: %d %v", status, body)
				}
				return s.redeem(t, refreshForm(rt, "meedoen-web"))
			},
			wantError: "invalid_grant",
		},
		{
			name: "by another client",
			use: func(t *testing.T, rt string) (int, map[string]any) {
				return s.redeem(t, refreshForm(rt, "someone-else"))
			},
			wantError: "invalid_grant",
		},
		{
			name: "made up",
			use: func(t *testing.T, _ string) (int, map[string]any) {
				return s.redeem(t, refreshForm("made-up", "meedoen-web"))
			},
			wantError: "invalid_grant",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := tt.use(t, login(t))
			if tt.wantError != "" {
				if status != http.StatusBadRequest || body["error"] != tt.wantError {
					t.Errorf("got %d %v, want 400 with error %s", status, body, tt.wantError)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("got %d %v, want 200", status, body)
			}
			id := s.verify(t, body["id_token"].(string))
			if id["sub"] != "dev-velsen-council-member" || id["nonce"] != nil {
				t.Errorf("refreshed id token sub %v nonce %v, want the same subject and no nonce", id["sub"], id["nonce"])
			}
			if rt, _ := body["refresh_token"].(string); rt == "" {
				t.Error("no new refresh token")
			}
		})
	}
}

func TestIssueToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok, err := s.idp.IssueToken("dev-velsen-council-member-ijmond-coordinator", devidp.APIAudience, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c := s.verify(t, tok)
	if diff := cmp.Diff([]any{"council_member@GM0453", "regional_coordinator@ijmond"}, c["meedoen_roles"]); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if c["aud"] != devidp.APIAudience || c["iss"] != s.issuer {
		t.Errorf("aud %v iss %v", c["aud"], c["iss"])
	}
	if exp := time.Unix(int64(c["exp"].(float64)), 0); time.Until(exp) > time.Minute || time.Until(exp) < 50*time.Second {
		t.Errorf("expires at %v, want in about a minute", exp)
	}
	if _, err := s.idp.IssueToken("nobody", devidp.APIAudience, time.Minute); err == nil {
		t.Error("IssueToken for an unknown subject succeeded")
	}
}
