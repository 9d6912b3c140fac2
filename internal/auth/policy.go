package auth

import (
	"cmp"
	"slices"
	"strings"
)

// Access is what a call does.
type Access string

// The kinds of access a rule grants.
const (
	Public Access = "public" // anyone, no identity needed
	Read   Access = "read"
	Change Access = "change"
)

// Rule says who may call one gRPC method. The services enforce it before the
// method runs; the method then scopes what it reads or changes to the
// tenants the caller has the roles in (see Scope).
type Rule struct {
	// Method is the full gRPC method name.
	Method string
	// Access is read, change or public.
	Access Access
	// Roles may call the method (an admin grant counts for every role).
	Roles []Role
	// Platform requires the roles platform-wide (a grant for tenant "*"),
	// for things that belong to no single tenant, such as creating a
	// municipality.
	Platform bool
	// Scope explains, for the policy document, how the method narrows the
	// caller's access to tenants.
	Scope string
}

// Allows reports whether id may call the method at all.
func (r Rule) Allows(id Identity, authenticated bool) bool {
	if r.Access == Public {
		return true
	}
	if !authenticated {
		return false
	}
	if r.Platform {
		return id.Has(AllTenants, r.Roles...) && hasPlatformGrant(id)
	}
	return id.HasAnywhere(r.Roles...)
}

func hasPlatformGrant(id Identity) bool {
	for _, g := range id.Grants {
		if g.Tenant == AllTenants {
			return true
		}
	}
	return false
}

// Policy is the set of rules, one per gRPC method. A method without a rule
// is refused.
type Policy struct {
	rules map[string]Rule
}

// NewPolicy returns a policy of rules.
func NewPolicy(rules ...Rule) Policy {
	p := Policy{rules: make(map[string]Rule, len(rules))}
	for _, r := range rules {
		p.rules[r.Method] = r
	}
	return p
}

// Lookup returns the rule for a full gRPC method name.
func (p Policy) Lookup(method string) (Rule, bool) {
	r, ok := p.rules[method]
	return r, ok
}

// Rules returns every rule, sorted by method.
func (p Policy) Rules() []Rule {
	out := make([]Rule, 0, len(p.rules))
	for _, r := range p.rules {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Rule) int { return cmp.Compare(a.Method, b.Method) })
	return out
}

// MethodName is the last element of a full gRPC method name.
func MethodName(method string) string { return method[strings.LastIndex(method, "/")+1:] }
