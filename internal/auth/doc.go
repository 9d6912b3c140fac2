package auth

import (
	"fmt"
	"strings"
)

// PolicyMarkdown renders the policy as docs/authorization.md; the
// binary's test keeps that file current with its policy.
func PolicyMarkdown(p Policy) string {
	var b strings.Builder
	b.WriteString(`# Authorisation

<!-- Generated from the services' rules (services/<name>.Policy, composed
     in cmd/meedoen) by
     go test ./cmd/meedoen -run PolicyDocument -update
     Do not edit by hand. -->

Who may call what. Every API endpoint is one gRPC method; every method has one
rule here, enforced by the service itself before the method runs (the gateway
only authenticates). A method without a rule is refused, and the policy matrix
test (cmd/meedoen) calls every endpoint in the OpenAPI document as every role
in every demo tenant and fails on an endpoint without a rule.

Roles are held per tenant: a municipality's CBS code (GM0453), a region's id
(ijmond), or * for the whole platform. An admin grant counts for every role in
its tenant. A rule's roles say who may call the method at all; the scope says
how the method narrows that to the tenants the caller holds the roles in.
Resources of a tenant the caller has no role in answer 404, so their existence
does not leak.

## How identity reaches a service

The gateway verifies the caller (a bearer token from the municipality's
OpenID Connect provider, or the web session), maps the provider's roles claim
to grants once, and calls the service with an internal token: a JWT signed
with the gateway's Ed25519 key, valid for one minute, carrying the subject and
the grants. Each service verifies it with the public key, locally. We chose
an internal token over forwarding the provider's token because the claim
mapping then lives in one place, services need no network access to the
provider's JWKS, and a service can be called only through something that holds
the signing key. A call without a valid token reaches only public methods.

| role | Dutch |
|---|---|
| council_member | participatieraadslid |
| chair | voorzitter |
| secretary | secretaris |
| policy_officer | beleidsmedewerker |
| regional_coordinator | regionaal coördinator |
| admin | beheerder |

## Rules

| method | access | roles | scope |
|---|---|---|---|
`)
	for _, r := range p.Rules() {
		roles := make([]string, len(r.Roles))
		for i, role := range r.Roles {
			roles[i] = string(role)
		}
		who := strings.Join(roles, ", ")
		switch {
		case r.Access == Public:
			who = "anyone"
		case r.Platform:
			who += " (platform-wide, tenant *)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", strings.TrimPrefix(r.Method, "/"), r.Access, who, r.Scope)
	}
	return b.String()
}
