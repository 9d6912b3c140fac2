package group

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Role is what a member is in a focus group. Roles are a closed list per
// tenant: events carry a member's role, and a key from the list can never
// be text a person typed.
type Role struct {
	// Key is the role's name in storage, the API and events.
	Key string
	// NL and EN are its labels.
	NL, EN string
	// Resident says whether members in the role are usually residents
	// rather than staff.
	Resident bool
}

// The built-in roles' keys.
const (
	Client           = "client"            // cliënt
	ExperienceExpert = "experience_expert" // ervaringsdeskundige
	KeyFigure        = "key_figure"        // sleutelfiguur
	InformalCarer    = "informal_carer"    // mantelzorger
	CouncilMember    = "council_member"    // participatieraadslid
	PolicyOfficer    = "policy_officer"    // beleidsmedewerker
	Facilitator      = "facilitator"       // gespreksleider
)

// builtIn are the roles every tenant's groups take, residents' first.
var builtIn = []Role{
	{Key: Client, NL: "Cliënt", EN: "Client", Resident: true},
	{Key: ExperienceExpert, NL: "Ervaringsdeskundige", EN: "Experience expert", Resident: true},
	{Key: KeyFigure, NL: "Sleutelfiguur", EN: "Key figure", Resident: true},
	{Key: InformalCarer, NL: "Mantelzorger", EN: "Informal carer", Resident: true},
	{Key: CouncilMember, NL: "Participatieraadslid", EN: "Council member"},
	{Key: PolicyOfficer, NL: "Beleidsmedewerker", EN: "Policy officer"},
	{Key: Facilitator, NL: "Gespreksleider", EN: "Facilitator"},
}

// BuiltIn lists the roles every tenant's groups take, residents' first.
func BuiltIn() []Role { return slices.Clone(builtIn) }

// IsBuiltIn reports whether key names a built-in role.
func IsBuiltIn(key string) bool {
	return slices.ContainsFunc(builtIn, func(r Role) bool { return r.Key == key })
}

// CompareKeys orders role keys the way lists of roles show them: the
// built-in roles in their order, then any other key alphabetically (a
// tenant's extra roles, and roles the operator has since removed).
func CompareKeys(a, b string) int {
	ia := slices.IndexFunc(builtIn, func(r Role) bool { return r.Key == a })
	ib := slices.IndexFunc(builtIn, func(r Role) bool { return r.Key == b })
	switch {
	case ia >= 0 && ib >= 0:
		return cmp.Compare(ia, ib)
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return cmp.Compare(a, b)
}

// Catalog is every tenant's roles: the built-in ones, which every tenant
// has, and the extra roles the operator configures per tenant. A group's
// tenant decides which extra roles it takes, so a region's extra roles
// apply to the region's shared groups and not to groups of its
// municipalities. The zero value and nil know only the built-in roles; a
// Catalog is not changed once made, so it is safe for concurrent use.
type Catalog struct {
	extra map[string][]Role
}

// NewCatalog returns the catalog with extra roles per tenant. The caller
// checks the roles (the operator's file is read by package roletable);
// this refuses only what would make the list ambiguous: a built-in key, or
// a key twice for one tenant.
func NewCatalog(extra map[string][]Role) (*Catalog, error) {
	c := &Catalog{extra: make(map[string][]Role, len(extra))}
	for tenant, roles := range extra {
		seen := map[string]bool{}
		for _, r := range roles {
			switch {
			case r.Key == "":
				return nil, fmt.Errorf("tenant %s: a role without a key", tenant)
			case IsBuiltIn(r.Key):
				return nil, fmt.Errorf("tenant %s: %s is a built-in role", tenant, r.Key)
			case seen[r.Key]:
				return nil, fmt.Errorf("tenant %s: the role %s is listed twice", tenant, r.Key)
			}
			seen[r.Key] = true
		}
		if len(roles) > 0 {
			c.extra[tenant] = slices.Clone(roles)
		}
	}
	return c, nil
}

// Len is how many extra roles the catalog holds, over all tenants.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	n := 0
	for _, roles := range c.extra {
		n += len(roles)
	}
	return n
}

// For returns the roles groups of tenant take: the built-in ones and the
// tenant's own.
func (c *Catalog) For(tenant string) RoleSet {
	if c == nil {
		return RoleSet{}
	}
	return RoleSet{extra: c.extra[tenant]}
}

// RoleSet is the closed list of roles one tenant's groups take. Its zero
// value is the built-in roles alone.
type RoleSet struct {
	// extra is shared with the Catalog and never written.
	extra []Role
}

// All lists the set's roles: the built-in ones, residents' first, then
// the tenant's in the order the operator lists them.
func (s RoleSet) All() []Role { return append(BuiltIn(), s.extra...) }

// Lookup returns the role with key, if the set has it.
func (s RoleSet) Lookup(key string) (Role, bool) {
	for _, list := range [][]Role{builtIn, s.extra} {
		if i := slices.IndexFunc(list, func(r Role) bool { return r.Key == key }); i >= 0 {
			return list[i], true
		}
	}
	return Role{}, false
}

// Valid reports whether key names one of the set's roles.
func (s RoleSet) Valid(key string) bool {
	_, ok := s.Lookup(key)
	return ok
}

// Label returns the role with key for showing: a member keeps a role the
// operator has since removed from the tenant's list, and it is shown with
// its key as its labels rather than failing the page.
func (s RoleSet) Label(key string) Role {
	if r, ok := s.Lookup(key); ok {
		return r
	}
	return Role{Key: key, NL: key, EN: key}
}

// Reason is what a key that names none of the set's roles is told.
func (s RoleSet) Reason() string {
	roles := s.All()
	keys := make([]string, len(roles))
	for i, r := range roles {
		keys[i] = r.Key
	}
	return "must be one of " + strings.Join(keys[:len(keys)-1], ", ") + " or " + keys[len(keys)-1]
}

// Keeping returns the set with key added when it has no such role, shown
// with its key as its labels: for a member made from what was checked
// before (an invitation), whose role the operator may have removed since.
func (s RoleSet) Keeping(key string) RoleSet {
	if s.Valid(key) {
		return s
	}
	return RoleSet{extra: append(slices.Clone(s.extra), s.Label(key))}
}
