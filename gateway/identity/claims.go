package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/meedoen/meedoen/internal/auth"
)

// claimSet is what a token or an answer of the provider says, by claim
// name, each value as it came.
type claimSet map[string]json.RawMessage

// errNoSubject refuses a token or answer without sub: without it there is
// nobody to log in, and nothing for logs to name.
var errNoSubject = errors.New("no subject (sub claim)")

func claimsOf(tok *oidc.IDToken) (claimSet, error) {
	var c claimSet
	if err := tok.Claims(&c); err != nil {
		return nil, fmt.Errorf("reading token claims: %w", err)
	}
	return c, nil
}

// mapped is an identity read from claims, with whether its roles claim was
// missing or unreadable.
type mapped struct {
	id           auth.Identity
	rolesMissing bool
}

// identityFrom maps claims to an identity, as the package comment
// describes. source names where the claims came from, for the log.
func (a *Authenticator) identityFrom(ctx context.Context, c claimSet, source string) (mapped, error) {
	return identityFrom(ctx, a.log, a.cfg.RolesClaim, c, source)
}

// identityFrom is the mapping, logging to log.
func identityFrom(ctx context.Context, log *slog.Logger, rolesClaim string, c claimSet, source string) (mapped, error) {
	sub := stringClaim(c, "sub")
	if sub == "" {
		return mapped{}, errNoSubject
	}
	m := mapped{id: auth.Identity{Subject: sub, Name: stringClaim(c, "name")}}
	if m.id.Name == "" {
		m.id.Name = stringClaim(c, "preferred_username")
	}
	raw, ok := lookupClaim(c, rolesClaim)
	if !ok {
		// The most common mistake in setting up a provider: the mapper that
		// adds the claim is missing, or adds it to another token, or under
		// another name. The names that did arrive tell which; their values
		// may be personal data and stay out.
		log.WarnContext(ctx, "the roles claim is missing: the person gets no roles",
			"sub", sub, "source", source, "roles_claim", rolesClaim, "claims_present", claimNames(c))
		m.rolesMissing = true
		return m, nil
	}
	entries, ok := roleEntries(raw)
	if !ok {
		log.WarnContext(ctx, "the roles claim is neither a list of strings, a string nor an object keyed by role: the person gets no roles",
			"sub", sub, "source", source, "roles_claim", rolesClaim, "json_type", jsonType(raw))
		m.rolesMissing = true
		return m, nil
	}
	for _, e := range entries {
		g, err := auth.ParseGrant(e)
		if err != nil {
			// Providers often put unrelated roles in the same claim; those
			// are not errors, but a typo in ours should be findable.
			log.WarnContext(ctx, "ignoring unknown role entry", "sub", sub, "entry", truncate(e, 100))
			continue
		}
		if !slices.Contains(m.id.Grants, g) {
			m.id.Grants = append(m.id.Grants, g)
		}
	}
	return m, nil
}

// roleEntries reads the roles claim in any of the shapes providers use: a
// list of strings (Keycloak, Entra ID, ADFS with several roles), one string
// (ADFS with one role), or an object whose keys are the roles (Zitadel).
func roleEntries(raw json.RawMessage) ([]string, bool) {
	if jsonType(raw) == "null" {
		return nil, false
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, true
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true
	}
	var keyed map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keyed); err == nil && keyed != nil {
		return slices.Sorted(maps.Keys(keyed)), true
	}
	return nil, false
}

// withUserinfo completes c from the provider's userinfo endpoint when it
// lacks a display name or the roles claim: a standard provider may keep
// profile claims out of an ID token that comes with an access token (OpenID
// Connect Core 5.4), and some put roles only there. The ID token's claims
// win; the answer must be about the same subject.
func (a *Authenticator) withUserinfo(ctx context.Context, d *discovered, c claimSet, tok *oauth2.Token) claimSet {
	_, hasRoles := lookupClaim(c, a.cfg.RolesClaim)
	if d.userinfo == "" || tok == nil || tok.AccessToken == "" ||
		(hasRoles && (stringClaim(c, "name") != "" || stringClaim(c, "preferred_username") != "")) {
		return c
	}
	info, err := d.provider.UserInfo(oidc.ClientContext(ctx, a.cfg.HTTPClient), oauth2.StaticTokenSource(tok))
	if err != nil {
		a.log.WarnContext(ctx, "asking the userinfo endpoint failed", "sub", stringClaim(c, "sub"), "error", err)
		return c
	}
	var extra claimSet
	if err := info.Claims(&extra); err != nil {
		a.log.WarnContext(ctx, "reading the userinfo answer failed", "sub", stringClaim(c, "sub"), "error", err)
		return c
	}
	if info.Subject != stringClaim(c, "sub") {
		// OpenID Connect Core 5.3.2: otherwise the answer must not be used.
		a.log.WarnContext(ctx, "ignoring a userinfo answer about another subject", "sub", stringClaim(c, "sub"))
		return c
	}
	out := maps.Clone(c)
	for k, v := range extra {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// lookupClaim finds name as a top-level claim or, failing that, as a
// dotted path into nested objects.
func lookupClaim(claims claimSet, name string) (json.RawMessage, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	parts := strings.Split(name, ".")
	if len(parts) < 2 {
		return nil, false
	}
	cur := map[string]json.RawMessage(claims)
	for _, p := range parts[:len(parts)-1] {
		var next map[string]json.RawMessage
		if err := json.Unmarshal(cur[p], &next); err != nil || next == nil {
			return nil, false
		}
		cur = next
	}
	v, ok := cur[parts[len(parts)-1]]
	return v, ok
}

func stringClaim(claims claimSet, name string) string {
	var s string
	if err := json.Unmarshal(claims[name], &s); err != nil {
		return ""
	}
	return s
}

// claimNames lists the top-level claim names, sorted, for the log.
func claimNames(c claimSet) []string {
	return slices.Sorted(maps.Keys(c))
}

// jsonType names the JSON type of a value, for the log.
func jsonType(raw json.RawMessage) string {
	switch s := strings.TrimSpace(string(raw)); {
	case s == "" || s == "null":
		return "null"
	case s[0] == '"':
		return "string"
	case s[0] == '[':
		return "array"
	case s[0] == '{':
		return "object"
	case s == "true" || s == "false":
		return "boolean"
	default:
		return "number"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
