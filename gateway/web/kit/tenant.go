package kit

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/meedoen/meedoen/internal/auth"
)

// TenantCookie keeps the tenant a staff member works for right now.
const TenantCookie = "meedoen_tenant"

// tenantChoice is the outcome of picking the current tenant for a request.
type tenantChoice struct {
	// current is the tenant the pages work for; empty for anonymous users
	// and for staff without any concrete tenant.
	current string
	// options are the tenants the person may switch between.
	options []string
	// refused is set when the request asked for a tenant the person has no
	// role in; the choice stays as it was.
	refused bool
}

// chooseTenant picks the current tenant: a ?tenant= switch, which it also
// remembers in a cookie, else the cookie, else the first tenant. Only tenants
// in which the identity holds a role are accepted, wherever the code comes
// from, because the cookie is as much the client's to forge as the query.
func (s *Site) chooseTenant(w http.ResponseWriter, r *http.Request, id auth.Identity, loggedIn bool) tenantChoice {
	var c tenantChoice
	if loggedIn {
		c.options = s.tenantOptions(id)
	}
	if q := r.URL.Query().Get("tenant"); q != "" {
		if slices.Contains(c.options, q) {
			s.setPreference(w, r, TenantCookie, q)
			c.current = q
			return c
		}
		c.refused = true
	}
	if ck, err := r.Cookie(TenantCookie); err == nil && slices.Contains(c.options, ck.Value) {
		c.current = ck.Value
		return c
	}
	if len(c.options) > 0 {
		c.current = c.options[0]
	}
	return c
}

// tenantOptions lists the tenants id may work for, sorted by display name. A
// platform-wide grant (auth.AllTenants) opens every tenant the site knows by
// name.
func (s *Site) tenantOptions(id auth.Identity) []string {
	var ts []string
	for _, t := range id.Tenants() {
		if t == auth.AllTenants {
			for known := range s.TenantNames(context.Background()) {
				if !slices.Contains(ts, known) {
					ts = append(ts, known)
				}
			}
			continue
		}
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.TenantName(a), s.TenantName(b)), cmp.Compare(a, b))
	})
	return ts
}

// TenantName is the display name of a tenant code; the code itself when the
// site has no name for it.
func (s *Site) TenantName(code string) string {
	if name, ok := s.TenantNames(context.Background())[code]; ok && name != "" {
		return name
	}
	return code
}
