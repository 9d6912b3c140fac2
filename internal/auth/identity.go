// Package auth is who a caller is and what they may do. Staff authenticate
// with their organisation's OpenID Connect provider at the gateway; the
// gateway maps the provider's claims to an Identity once and passes it to
// the services as a short-lived internal token, which every service verifies
// itself (see docs/authorization.md for why). Residents never get an
// Identity: they answer polls with invitation tokens or an open-link cookie.
package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Role is what a person may do for one tenant.
type Role string

// The staff roles.
const (
	CouncilMember       Role = "council_member"       // participatieraadslid
	Chair               Role = "chair"                // voorzitter
	Secretary           Role = "secretary"            // secretaris
	PolicyOfficer       Role = "policy_officer"       // beleidsmedewerker
	RegionalCoordinator Role = "regional_coordinator" // regionaal coördinator
	Admin               Role = "admin"                // beheerder
)

// Roles lists every role, in a stable order.
var Roles = []Role{CouncilMember, Chair, Secretary, PolicyOfficer, RegionalCoordinator, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// AllTenants is the tenant of a platform-wide grant, e.g. admin@*: the
// grant counts in every tenant.
const AllTenants = "*"

// Grant is one role in one tenant: a municipality's CBS code (GM0453), a
// region's id (ijmond), or AllTenants.
type Grant struct {
	Tenant string `json:"tenant"`
	Role   Role   `json:"role"`
}

// String formats the grant as "<role>@<tenant>", the form the identity
// provider's roles claim uses.
func (g Grant) String() string { return string(g.Role) + "@" + g.Tenant }

// ParseGrant parses "<role>@<tenant>".
func ParseGrant(s string) (Grant, error) {
	role, tenant, ok := strings.Cut(strings.TrimSpace(s), "@")
	g := Grant{Tenant: tenant, Role: Role(role)}
	if !ok || tenant == "" || !g.Role.Valid() {
		return Grant{}, fmt.Errorf("grant %q: want <role>@<tenant> with a role of %v", s, Roles)
	}
	return g, nil
}

// Identity is a verified staff member.
type Identity struct {
	// Subject is the identity provider's stable, pseudonymous id for the
	// person; logs and events carry this, never the name.
	Subject string `json:"sub"`
	// Name is for display only.
	Name string `json:"name,omitempty"`
	// Grants are the person's roles per tenant.
	Grants []Grant `json:"grants"`
}

// Has reports whether the identity holds any of roles for tenant. An admin
// grant for a tenant counts for every role there.
func (id Identity) Has(tenant string, roles ...Role) bool {
	for _, g := range id.Grants {
		if g.Tenant != tenant && g.Tenant != AllTenants {
			continue
		}
		if g.Role == Admin || slices.Contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// HasAnywhere reports whether the identity holds any of roles in any
// tenant; an admin grant counts for every role.
func (id Identity) HasAnywhere(roles ...Role) bool {
	for _, g := range id.Grants {
		if g.Role == Admin || slices.Contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// Tenants lists the tenants the identity has any role in, sorted.
func (id Identity) Tenants() []string {
	var ts []string
	for _, g := range id.Grants {
		if !slices.Contains(ts, g.Tenant) {
			ts = append(ts, g.Tenant)
		}
	}
	slices.Sort(ts)
	return ts
}

type ctxKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the identity ctx carries, if any.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}

// SubjectHash is how a login subject travels where the subject itself may
// not (events): the lower-case hex SHA-256 of it, or "" for none. A
// service that knows a subject can compare; one that reads the hash
// learns nothing typed.
func SubjectHash(subject string) string {
	if subject == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(subject))
	return hex.EncodeToString(sum[:])
}
