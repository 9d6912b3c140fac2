package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/meedoen/meedoen/internal/auth"
)

// identityFrom maps a verified token's claims to an Identity, as the
// package comment describes.
func (a *Authenticator) identityFrom(ctx context.Context, tok *oidc.IDToken) (auth.Identity, error) {
	if tok.Subject == "" {
		return auth.Identity{}, errors.New("token has no subject")
	}
	var claims map[string]json.RawMessage
	if err := tok.Claims(&claims); err != nil {
		return auth.Identity{}, fmt.Errorf("reading token claims: %w", err)
	}
	id := auth.Identity{Subject: tok.Subject, Name: stringClaim(claims, "name")}
	if id.Name == "" {
		id.Name = stringClaim(claims, "preferred_username")
	}
	raw, ok := lookupClaim(claims, a.cfg.RolesClaim)
	if !ok {
		return id, nil
	}
	var entries []string
	if err := json.Unmarshal(raw, &entries); err != nil {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			a.log.WarnContext(ctx, "ignoring roles claim that is neither a string nor a list of strings",
				"sub", id.Subject, "claim", a.cfg.RolesClaim)
			return id, nil
		}
		entries = []string{one}
	}
	for _, e := range entries {
		g, err := auth.ParseGrant(e)
		if err != nil {
			// Providers often put unrelated roles in the same claim; those
			// are not errors, but a typo in ours should be findable.
			a.log.WarnContext(ctx, "ignoring unknown role entry", "sub", id.Subject, "entry", truncate(e, 100))
			continue
		}
		if !slices.Contains(id.Grants, g) {
			id.Grants = append(id.Grants, g)
		}
	}
	return id, nil
}

// lookupClaim finds name as a top-level claim or, failing that, as a
// dotted path into nested objects.
func lookupClaim(claims map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	parts := strings.Split(name, ".")
	if len(parts) < 2 {
		return nil, false
	}
	cur := claims
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

func stringClaim(claims map[string]json.RawMessage, name string) string {
	var s string
	if err := json.Unmarshal(claims[name], &s); err != nil {
		return ""
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
