// Package devidp is a small but real OpenID Connect provider for
// development and tests, switched on only by `meedoen -dev`. It lists demo
// staff on a login page and issues RS256-signed ID and access tokens, so
// the gateway's OIDC client runs exactly the code it runs against a real
// issuer: discovery, JWKS, the authorization-code flow with PKCE, and
// RP-initiated logout.
//
// It is not meant to face the internet: anyone who reaches the login page
// can be anyone. It still refuses what would make it a tool against other
// sites: it redirects only to its own host, requires PKCE (S256), and
// accepts each authorization code once.
package devidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// RolesClaim is the claim that carries a user's grants as
// "<role>@<tenant>" strings.
const RolesClaim = "meedoen_roles"

// APIAudience is the audience of the tokens the login page hands out for
// calling the API by hand.
const APIAudience = "meedoen-api"

const (
	codeTTL     = 60 * time.Second
	tokenTTL    = time.Hour
	apiTokenTTL = 8 * time.Hour
	maxCodes    = 1000 // pending codes; a dev provider needs few
	refreshTTL  = 8 * time.Hour
	maxRefresh  = 10000 // live refresh tokens
)

// Provider is the development identity provider. It keeps its signing key
// and pending authorization codes in memory only, so restarting the
// process logs everybody out.
type Provider struct {
	issuer string
	host   string // host name redirects must stay on
	users  []User
	bySub  map[string]User

	jwk    jose.JSONWebKey // public half, for /jwks
	signer jose.Signer
	pages  *pages

	mu       sync.Mutex
	codes    map[string]authCode
	refreshs map[string]refreshGrant
}

// refreshGrant is what a refresh token stands for until it is used: each
// is used once and replaced (rotation), as stricter real providers do.
type refreshGrant struct {
	clientID string
	subject  string
	expires  time.Time
}

// authCode is what an authorization code stands for until /token redeems it.
type authCode struct {
	clientID    string
	redirectURI string
	subject     string
	nonce       string
	challenge   string // PKCE S256 code_challenge
	expires     time.Time
}

// New returns a provider for issuer, the absolute URL at which Handler is
// served (e.g. http://127.0.0.1:8080/dev/oidc), that can log in as users.
// It generates a fresh RSA-2048 signing key.
func New(issuer string, users []User) (*Provider, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("dev identity provider: issuer %q is not an absolute http(s) URL without query", issuer)
	}
	p := &Provider{
		issuer: strings.TrimSuffix(issuer, "/"),
		host:   u.Hostname(),
		users:  users,
		bySub:  make(map[string]User, len(users)),
		codes:  make(map[string]authCode),
		// A refresh token lives as long as a working day's session.
		refreshs: make(map[string]refreshGrant),
	}
	for _, usr := range users {
		if usr.Subject == "" || usr.Name == "" {
			return nil, fmt.Errorf("dev identity provider: user %+v needs a subject and a name", usr)
		}
		if _, dup := p.bySub[usr.Subject]; dup {
			return nil, fmt.Errorf("dev identity provider: subject %q appears twice", usr.Subject)
		}
		p.bySub[usr.Subject] = usr
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("dev identity provider: generating signing key: %w", err)
	}
	p.jwk = jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, err := p.jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("dev identity provider: key thumbprint: %w", err)
	}
	p.jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	p.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", p.jwk.KeyID))
	if err != nil {
		return nil, fmt.Errorf("dev identity provider: signer: %w", err)
	}
	if p.pages, err = newPages(); err != nil {
		return nil, fmt.Errorf("dev identity provider: %w", err)
	}
	return p, nil
}

// Issuer returns the issuer URL, without a trailing slash.
func (p *Provider) Issuer() string { return p.issuer }

// Handler serves the provider's endpoints at paths relative to the issuer
// URL (/.well-known/openid-configuration, /jwks, /authorize, /token,
// /logout, /api-token); mount it with http.StripPrefix of the issuer's path.
func (p *Provider) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.serveDiscovery)
	mux.HandleFunc("GET /jwks", p.serveJWKS)
	mux.HandleFunc("GET /authorize", p.serveLoginPage)
	// Form posts come only from the provider's own pages; refusing
	// cross-origin ones stops other sites logging a browser in as a demo user.
	csrf := http.NewCrossOriginProtection()
	mux.Handle("POST /authorize", csrf.Handler(http.HandlerFunc(p.serveLogin)))
	mux.Handle("POST /api-token", csrf.Handler(http.HandlerFunc(p.serveAPIToken)))
	mux.HandleFunc("POST /token", p.serveToken)
	mux.HandleFunc("GET /logout", p.serveLogout)
	mux.HandleFunc("POST /logout", p.serveLogout)
	return mux
}

func (p *Provider) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"jwks_uri":                              p.issuer + "/jwks",
		"end_session_endpoint":                  p.issuer + "/logout",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{string(jose.RS256)},
		"scopes_supported":                      []string{"openid", "profile"},
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256"},
		"claims_supported":                      []string{"iss", "sub", "aud", "exp", "iat", "nonce", "name", RolesClaim},
	})
}

func (p *Provider) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{p.jwk}})
}

// claims is the payload of both the ID and the access tokens.
type claims struct {
	jwt.Claims
	Nonce  string   `json:"nonce,omitempty"`
	AtHash string   `json:"at_hash,omitempty"`
	Scope  string   `json:"scope,omitempty"` // access tokens only
	Name   string   `json:"name"`
	Roles  []string `json:"meedoen_roles"`
}

// ErrUnknownUser means a subject is not one of the provider's users.
var ErrUnknownUser = errors.New("unknown user")

// IssueToken returns a signed JWT for the user with subject, audience
// clientID, valid for ttl — the same token the login page's API token
// button shows. A negative ttl gives an already expired token, for tests.
func (p *Provider) IssueToken(subject, clientID string, ttl time.Duration) (string, error) {
	usr, ok := p.bySub[subject]
	if !ok {
		return "", fmt.Errorf("issuing token for %q: %w", subject, ErrUnknownUser)
	}
	c := p.claimsFor(usr, clientID, ttl)
	c.Scope = tokenScope
	id, err := randomString()
	if err != nil {
		return "", fmt.Errorf("issuing token: %w", err)
	}
	c.ID = id
	return p.sign(c)
}

func (p *Provider) claimsFor(usr User, audience string, ttl time.Duration) claims {
	now := time.Now()
	roles := make([]string, 0, len(usr.Grants))
	for _, g := range usr.Grants {
		roles = append(roles, g.String())
	}
	return claims{
		Claims: jwt.Claims{
			Issuer:   p.issuer,
			Subject:  usr.Subject,
			Audience: jwt.Audience{audience},
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(ttl)),
		},
		Name:  usr.Name,
		Roles: roles,
	}
}

func (p *Provider) sign(c claims) (string, error) {
	tok, err := jwt.Signed(p.signer).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	return tok, nil
}

// randomString returns 256 random bits, base64url-encoded.
func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sameHost checks that raw is an absolute http(s) URL on the issuer's host
// name, which keeps the provider from redirecting browsers elsewhere. The
// port may differ, so a web app and the provider can run apart in tests.
func (p *Provider) sameHost(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Fragment != "" {
		return nil, errors.New("must be an absolute http(s) URL without user info or fragment")
	}
	if u.Hostname() != p.host {
		return nil, fmt.Errorf("must be on host %s", p.host)
	}
	return u, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// The status is sent; a failed write leaves nothing to tell the client.
	_ = json.NewEncoder(w).Encode(v)
}
