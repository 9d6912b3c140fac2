package identity

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What providers put in the roles claim, and what the gateway reads.
func TestRoleEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    string
		want   []string
		wantOK bool
	}{
		{"a list (Keycloak, Entra ID)", `["chair@GM0453","admin@*"]`, []string{"chair@GM0453", "admin@*"}, true},
		{"an empty list", `[]`, []string{}, true},
		{"one string (ADFS with one role)", `"chair@GM0453"`, []string{"chair@GM0453"}, true},
		{"an object keyed by role (Zitadel), keys sorted", `{"secretary@GM0375":{"1":"a"},"chair@GM0453":{"2":"b"}}`, []string{"chair@GM0453", "secretary@GM0375"}, true},
		{"null", `null`, nil, false},
		{"a number", `42`, nil, false},
		{"a list with a number", `["chair@GM0453",7]`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := roleEntries(json.RawMessage(tt.raw))
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); tt.wantOK && diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

// The signs by which a verified JWT is taken for an ID token, and so
// refused on the API.
func TestIDTokenSign(t *testing.T) {
	t.Parallel()
	a := &Authenticator{cfg: Config{ClientID: "meedoen", APIAudiences: []string{"meedoen", "meedoen-api"}}}
	tests := []struct {
		name    string
		typ     string
		claims  string
		matched []string
		wantID  bool
	}{
		{"RFC 9068 access token", "at+jwt", `{"nonce":"n"}`, []string{"meedoen"}, false},
		{"nonce", "JWT", `{"nonce":"n","scope":"openid"}`, []string{"meedoen-api"}, true},
		{"at_hash", "JWT", `{"at_hash":"h","client_id":"meedoen"}`, []string{"meedoen"}, true},
		{"c_hash", "", `{"c_hash":"h"}`, []string{"meedoen-api"}, true},
		{"Keycloak's typ ID", "JWT", `{"typ":"ID","azp":"meedoen"}`, []string{"meedoen"}, true},
		{"Keycloak's access token", "JWT", `{"typ":"Bearer","azp":"meedoen","scope":"openid profile"}`, []string{"meedoen"}, false},
		{"Zitadel's access token", "JWT", `{"client_id":"meedoen","jti":"j"}`, []string{"meedoen"}, false},
		{"Entra ID v2 access token", "JWT", `{"azp":"x","scp":"access_as_user","ver":"2.0"}`, []string{"meedoen"}, false},
		{"Entra ID v2 ID token", "JWT", `{"ver":"2.0","oid":"o","tid":"t"}`, []string{"meedoen"}, true},
		{"a token for the API's own audience, no scope", "JWT", `{"jti":"j"}`, []string{"meedoen-api"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c claimSet
			if err := json.Unmarshal([]byte(tt.claims), &c); err != nil {
				t.Fatal(err)
			}
			why := a.idTokenSign(joseHeader{Alg: "RS256", Typ: tt.typ}, c, tt.matched)
			if got := why != ""; got != tt.wantID {
				t.Errorf("taken for an ID token = %v (%q), want %v", got, why, tt.wantID)
			}
		})
	}
}
