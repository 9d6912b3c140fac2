package devidp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenResponse is the token endpoint's answer (RFC 6749 section 5.1).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
}

// tokenScope is the scope of every token: the provider knows no other.
const tokenScope = "openid profile"

// tokenError is an RFC 6749 section 5.2 error.
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// serveToken redeems an authorization code, or a refresh token, for an
// ID, an access and a new refresh token. Any client id is accepted, but it
// must be the one the code or refresh token was issued to, and a code
// needs the PKCE verifier that matches its challenge.
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
	var subject, nonce string
	switch gt := f.Get("grant_type"); gt {
	case "authorization_code":
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
		subject, nonce = ac.subject, ac.nonce
	case "refresh_token":
		rg, ok := p.useRefresh(f.Get("refresh_token"))
		switch {
		case !ok:
			fail("invalid_grant", "the refresh token is unknown, used or expired")
			return
		case rg.clientID != clientID:
			fail("invalid_grant", "the refresh token was issued to another client")
			return
		}
		subject = rg.subject
	default:
		fail("unsupported_grant_type", fmt.Sprintf("grant_type %q: only authorization_code and refresh_token are supported", gt))
		return
	}
	usr, ok := p.bySub[subject]
	if !ok { // users are fixed at New, so this is a bug
		fail("server_error", "user vanished")
		return
	}

	access := p.claimsFor(usr, clientID, tokenTTL)
	access.Scope = tokenScope
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
	id.Nonce = nonce // a refreshed ID token has none (OpenID Connect Core 12.2)
	sum := sha256.Sum256([]byte(at))
	id.AtHash = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	it, err := p.sign(id)
	if err != nil {
		fail("server_error", "signing failed")
		return
	}
	rt, err := p.grantRefresh(clientID, subject)
	if err != nil {
		fail("server_error", err.Error())
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  at,
		IDToken:      it,
		RefreshToken: rt,
		TokenType:    "Bearer",
		ExpiresIn:    int(tokenTTL.Seconds()),
		Scope:        tokenScope,
	})
}

// grantRefresh makes a refresh token for subject at clientID.
func (p *Provider) grantRefresh(clientID, subject string) (string, error) {
	rt, err := randomString()
	if err != nil {
		return "", errors.New("no randomness")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.refreshs) >= maxRefresh {
		now := time.Now()
		for k, v := range p.refreshs {
			if now.After(v.expires) {
				delete(p.refreshs, k)
			}
		}
		if len(p.refreshs) >= maxRefresh {
			return "", errors.New("too many sessions")
		}
	}
	p.refreshs[rt] = refreshGrant{clientID: clientID, subject: subject, expires: time.Now().Add(refreshTTL)}
	return rt, nil
}

// useRefresh takes a refresh token out of use and returns what it stood for.
func (p *Provider) useRefresh(rt string) (refreshGrant, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rg, ok := p.refreshs[rt]
	delete(p.refreshs, rt)
	if !ok || time.Now().After(rg.expires) {
		return refreshGrant{}, false
	}
	return rg, true
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
