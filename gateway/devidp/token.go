package devidp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// tokenResponse is the token endpoint's answer (RFC 6749 section 5.1).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// tokenError is an RFC 6749 section 5.2 error.
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// serveToken redeems an authorization code for an ID and an access token.
// Any client id is accepted, but it must be the one the code was issued to,
// and the PKCE verifier must match the challenge.
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	fail := func(code, desc string) {
		writeJSON(w, http.StatusBadRequest, tokenError{Error: code, Description: desc})
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		fail("invalid_request", "unreadable form")
		return
	}
	f := r.PostForm
	if gt := f.Get("grant_type"); gt != "authorization_code" {
		fail("unsupported_grant_type", fmt.Sprintf("grant_type %q: only authorization_code is supported", gt))
		return
	}
	clientID := f.Get("client_id")
	if user, _, ok := r.BasicAuth(); ok {
		// RFC 6749 section 2.3.1 form-encodes the id before basic auth.
		u, err := url.QueryUnescape(user)
		if err != nil {
			fail("invalid_client", "malformed client id")
			return
		}
		clientID = u
	}
	ac, ok := p.redeem(f.Get("code"))
	switch {
	case !ok:
		fail("invalid_grant", "the code is unknown, used or expired")
		return
	case ac.clientID != clientID:
		fail("invalid_grant", "the code was issued to another client")
		return
	case ac.redirectURI != f.Get("redirect_uri"):
		fail("invalid_grant", "redirect_uri differs from the authorization request")
		return
	case !verifierMatches(f.Get("code_verifier"), ac.challenge):
		fail("invalid_grant", "code_verifier is missing or does not match the code_challenge")
		return
	}
	usr, ok := p.bySub[ac.subject]
	if !ok { // users are fixed at New, so this is a bug
		fail("server_error", "user vanished")
		return
	}

	access := p.claimsFor(usr, clientID, tokenTTL)
	jti, err := randomString()
	if err != nil {
		fail("server_error", "no randomness")
		return
	}
	access.ID = jti
	at, err := p.sign(access)
	if err != nil {
		fail("server_error", "signing failed")
		return
	}
	id := p.claimsFor(usr, clientID, tokenTTL)
	id.Nonce = ac.nonce
	sum := sha256.Sum256([]byte(at))
	id.AtHash = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	it, err := p.sign(id)
	if err != nil {
		fail("server_error", "signing failed")
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: at,
		IDToken:     it,
		TokenType:   "Bearer",
		ExpiresIn:   int(tokenTTL.Seconds()),
		Scope:       "openid profile",
	})
}

// verifierMatches checks an RFC 7636 code_verifier against an S256
// challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 || strings.Trim(verifier, base64URLAlphabet+".~") != "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}
