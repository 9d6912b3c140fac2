package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
)

func TestTenantSwitcher(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	admin := auth.Identity{Subject: "u-3", Name: "Beheer", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}}
	tests := []struct {
		name        string
		id          *auth.Identity
		query       string
		cookie      string
		wantStatus  int
		wantOptions []string // the switcher's options, nil when it is absent
		wantCurrent string   // the selected option, or the single tenant shown
		wantCookie  string
		wantRefusal bool
	}{
		{name: "anonymous: no switcher", wantStatus: 200},
		{name: "one tenant: named, no switcher", id: &webtest.OneTenant, wantStatus: 200, wantCurrent: "Beverwijk"},
		{
			name: "two tenants: switcher, first by name selected", id: &webtest.TwoTenants, wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "ijmond",
		},
		{
			name: "switch to a tenant with a role", id: &webtest.TwoTenants, query: "?tenant=GM0453", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453", wantCookie: "GM0453",
		},
		{
			name: "the cookie keeps the switch", id: &webtest.TwoTenants, cookie: "GM0453", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453",
		},
		{
			name: "switch to a tenant without a role is refused", id: &webtest.TwoTenants, query: "?tenant=GM0396", cookie: "GM0453",
			wantStatus: http.StatusForbidden, wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "GM0453", wantRefusal: true,
		},
		{
			name: "a forged cookie is ignored", id: &webtest.TwoTenants, cookie: "GM0396", wantStatus: 200,
			wantOptions: []string{"ijmond", "GM0453"}, wantCurrent: "ijmond",
		},
		{
			name: "anonymous cannot pick a tenant", query: "?tenant=GM0453", wantStatus: http.StatusForbidden, wantRefusal: true,
		},
		{
			name: "a platform-wide admin may pick any known tenant", id: &admin, query: "?tenant=GM0396", wantStatus: 200,
			wantOptions: []string{"GM0375", "GM0396", "ijmond", "GM0453"}, wantCurrent: "GM0396", wantCookie: "GM0396",
		},
	}
	optionRE := regexp.MustCompile(`<option value="([^"]+)"( selected)?>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := site.Handler()
			if tc.id != nil {
				h = webtest.WithIdentity(*tc.id, h)
			}
			r := httptest.NewRequest("GET", "/privacy"+tc.query, nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: kit.TenantCookie, Value: tc.cookie})
			}
			resp, body := webtest.Get(t, h, r)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			var options []string
			selected := ""
			for _, m := range optionRE.FindAllStringSubmatch(body, -1) {
				options = append(options, m[1])
				if m[2] != "" {
					selected = m[1]
				}
			}
			if diff := cmp.Diff(tc.wantOptions, options); diff != "" {
				t.Errorf("switcher options (-want +got):\n%s", diff)
			}
			if tc.wantOptions != nil {
				if selected != tc.wantCurrent {
					t.Errorf("selected tenant = %q, want %q", selected, tc.wantCurrent)
				}
				if !strings.Contains(body, `<form class="utrecht-form mdn-tenant" method="get" action="/privacy">`) {
					t.Error("switcher is not a GET form back to the same page")
				}
			} else if tc.wantCurrent != "" && !strings.Contains(body, "Organisatie: "+tc.wantCurrent) {
				t.Errorf("page does not name the tenant %q", tc.wantCurrent)
			}
			if got := webtest.CookieValue(resp, kit.TenantCookie); got != tc.wantCookie {
				t.Errorf("%s cookie = %q, want %q", kit.TenantCookie, got, tc.wantCookie)
			}
			if refused := strings.Contains(body, "Je hebt geen rol bij die organisatie."); refused != tc.wantRefusal {
				t.Errorf("refusal shown = %v, want %v", refused, tc.wantRefusal)
			}
		})
	}
}
