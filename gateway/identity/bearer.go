package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/meedoen/meedoen/internal/auth"
)

// bearer verifies the token in an Authorization header value: a JWT access
// token against the provider's keys, or an opaque one by introspection.
func (a *Authenticator) bearer(ctx context.Context, header string) (auth.Identity, error) {
	scheme, raw, _ := strings.Cut(header, " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		// No error code: RFC 6750 section 3.1 leaves it out when the request
		// carries no bearer credential at all.
		return auth.Identity{}, &tokenError{reason: "use Authorization: Bearer <token>", cause: errors.New("not a bearer credential")}
	}
	d, err := a.discover(ctx)
	if err != nil {
		return auth.Identity{}, err
	}
	hdr, isJWT := jwtHeader(raw)
	if !isJWT {
		return a.opaque(ctx, d, raw)
	}
	tok, err := d.bearers.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token has expired", cause: err}
		}
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	}
	matched := slices.DeleteFunc(slices.Clone(tok.Audience), func(aud string) bool { return !slices.Contains(a.cfg.APIAudiences, aud) })
	if len(matched) == 0 {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token is meant for another audience",
			cause: fmt.Errorf("audience %q, want one of %q", tok.Audience, a.cfg.APIAudiences)}
	}
	c, err := claimsOf(tok)
	if err != nil {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	}
	if why := a.idTokenSign(hdr, c, matched); why != "" {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "an ID token is not an access token; send the access token",
			cause: errors.New(why)}
	}
	m, err := a.identityFrom(ctx, c, "access_token")
	if err != nil {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	}
	return m.id, nil
}

// joseHeader is the part of a JWT's header the gateway reads.
type joseHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
}

// jwtHeader reads the header of a compact JWS; ok is false for anything
// else (an opaque token, or an encrypted one), which only introspection
// can check.
func jwtHeader(raw string) (joseHeader, bool) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return joseHeader{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return joseHeader{}, false
	}
	var h joseHeader
	if err := json.Unmarshal(b, &h); err != nil || h.Alg == "" {
		return joseHeader{}, false
	}
	return h, true
}

// idTokenSign says why a verified JWT is an ID token rather than an access
// token, or "" when it is not one. An ID token tells the client who logged
// in; anyone who holds one (a browser's developer tools, a log) must not be
// able to call the API with it. matched are the token's audiences that the
// API accepts.
func (a *Authenticator) idTokenSign(h joseHeader, c claimSet, matched []string) string {
	switch strings.ToLower(h.Typ) {
	case "at+jwt", "application/at+jwt":
		return "" // RFC 9068 marks access tokens so
	}
	for _, claim := range []string{"nonce", "at_hash", "c_hash"} {
		if _, ok := c[claim]; ok {
			return "it has " + claim + ", which only ID tokens carry"
		}
	}
	if strings.EqualFold(stringClaim(c, "typ"), "ID") {
		return "its typ claim says ID" // Keycloak
	}
	if len(matched) == 1 && matched[0] == a.cfg.ClientID &&
		!slices.ContainsFunc([]string{"scope", "scp", "client_id", "appid", "azp"}, func(claim string) bool { _, ok := c[claim]; return ok }) {
		// Its only accepted audience is the client id, as an ID token's
		// is, and it has none of the claims by which access tokens name
		// what they are for and whom they were issued to: scope (RFC 9068,
		// Keycloak), scp (Entra ID, ADFS), client_id (RFC 9068, Zitadel),
		// appid (Entra ID v1, ADFS), azp (Entra ID v2, whose ID tokens
		// have none; Keycloak's and Zitadel's ID tokens, which do, were
		// refused above).
		return "its audience is the client id and it names no scope or client"
	}
	return ""
}
