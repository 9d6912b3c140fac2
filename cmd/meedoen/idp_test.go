package main

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/internal/auth"
)

// testIdP is an OpenID Connect provider outside the binary, reached over
// HTTP like a municipality's own: the development provider with one user per
// role in every demo tenant, and a platform admin "root".
type testIdP struct {
	p      *devidp.Provider
	issuer string
}

// matrixTenants are the tenants the policy matrix calls as.
var matrixTenants = []string{"GM0453", "GM0375", "GM0396", "ijmond", auth.AllTenants}

func matrixSubject(role auth.Role, tenant string) string { return string(role) + "@" + tenant }

func newTestIdP(t *testing.T) *testIdP {
	t.Helper()
	users := []devidp.User{{Subject: "root", Name: "Root", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}}}
	for _, tenant := range matrixTenants {
		for _, role := range auth.Roles {
			users = append(users, devidp.User{Subject: matrixSubject(role, tenant), Name: matrixSubject(role, tenant),
				Grants: []auth.Grant{{Tenant: tenant, Role: role}}})
		}
	}
	// The issuer URL must be known before the provider is made.
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	p, err := devidp.New(issuer, users)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return &testIdP{p: p, issuer: issuer}
}

func (i *testIdP) token(t *testing.T, subject string) string {
	t.Helper()
	tok, err := i.p.IssueToken(subject, "meedoen-api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
