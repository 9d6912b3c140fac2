// Package identity is the gateway's OpenID Connect relying party: it logs
// staff in with the authorization-code flow and PKCE, keeps them logged in
// with an encrypted session cookie, accepts bearer JWTs on the API, and
// turns either into an auth.Identity in the request context.
//
// # Claims
//
// A verified ID token or bearer token becomes an auth.Identity:
//
//   - sub → Subject (the only thing logs carry);
//   - name, else preferred_username → Name (display only);
//   - the roles claim (Config.RolesClaim, default "meedoen_roles") → Grants.
//     It holds strings "<role>@<tenant>", e.g. "council_member@GM0453" or
//     "admin@*"; a single string counts as a list of one. Entries that are
//     not a known role at a tenant are ignored and logged with the subject.
//     A claim name with dots that is not itself a top-level claim is read
//     as a path into nested objects, e.g. "realm_access.roles".
//
// Bearer tokens must be signed by a key in the issuer's JWKS, have the
// issuer as iss, an aud of ClientID or Audience, and not be expired. ID
// tokens from the login flow must have aud ClientID and the nonce of the
// login. docs/identity.md describes how to configure a real identity
// provider to emit the roles claim.
//
// Discovery happens on first use, not in New, because the development
// provider is served by the same HTTP server that starts after New, and a
// real provider may be down when the gateway starts.
package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Defaults for Config.
const (
	DefaultRolesClaim = "meedoen_roles"
	DefaultSessionTTL = 8 * time.Hour
)

// Cookie names.
const (
	SessionCookie = "meedoen_session"
	loginCookie   = "meedoen_login"
)

const (
	loginTTL         = 10 * time.Minute // time to finish a login at the provider
	discoveryTimeout = 10 * time.Second
	discoveryBackoff = time.Second // between failed discovery attempts
	minSessionKey    = 32
)

// Config configures an Authenticator.
type Config struct {
	// Issuer is the OpenID Connect issuer URL: a real provider's, or the
	// development provider's.
	Issuer string
	// ClientID is the gateway's client id at the provider.
	ClientID string
	// ClientSecret is optional; without it the gateway is a public client
	// and relies on PKCE alone.
	ClientSecret string
	// RedirectURL is the absolute URL of CallbackHandler, as registered at
	// the provider, e.g. http://127.0.0.1:8080/auth/callback.
	RedirectURL string
	// Audience is a second accepted aud of bearer tokens, besides ClientID,
	// for providers that issue API tokens to a resource (the development
	// provider's API tokens say "meedoen-api"). Default ClientID.
	Audience string
	// RolesClaim names the claim with "<role>@<tenant>" grants. Default
	// DefaultRolesClaim.
	RolesClaim string
	// SessionKey, at least 32 bytes, protects the session and login
	// cookies. Changing it logs everybody out.
	SessionKey []byte
	// SessionTTL is how long a login lasts. Default DefaultSessionTTL.
	SessionTTL time.Duration
	// SecureCookies sets the Secure flag; turn it off only for plain-HTTP
	// development on 127.0.0.1 or localhost.
	SecureCookies bool
	// HTTPClient talks to the provider (discovery, JWKS, token endpoint).
	// Default: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Authenticator authenticates staff for the gateway.
type Authenticator struct {
	cfg        Config
	log        *slog.Logger
	cookies    *sealer
	callback   *url.URL // parsed RedirectURL
	audiences  []string // accepted aud of bearer tokens
	originProt *http.CrossOriginProtection

	mu       sync.Mutex
	disc     *discovered // nil until discovery succeeded
	lastFail time.Time
	lastErr  error
}

// discovered is what the provider's discovery document gives.
type discovered struct {
	oauth      oauth2.Config
	idTokens   *oidc.IDTokenVerifier // aud must be ClientID
	bearers    *oidc.IDTokenVerifier // aud checked by the Authenticator
	endSession string
}

// errIssuerUnavailable means the provider's discovery document could not be
// fetched, so tokens cannot be verified yet.
var errIssuerUnavailable = errors.New("identity provider unavailable")

// New checks cfg and returns an Authenticator. It does not contact the
// provider: discovery happens on first use and is retried until it works.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Authenticator, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("identity: issuer and client id are required")
	}
	cb, err := url.Parse(cfg.RedirectURL)
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return nil, fmt.Errorf("identity: redirect URL %q is not an absolute http(s) URL", cfg.RedirectURL)
	}
	if len(cfg.SessionKey) < minSessionKey {
		return nil, fmt.Errorf("identity: session key has %d bytes, want at least %d", len(cfg.SessionKey), minSessionKey)
	}
	if cfg.Audience == "" {
		cfg.Audience = cfg.ClientID
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = DefaultRolesClaim
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: discoveryTimeout}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s, err := newSealer(cfg.SessionKey)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	log.DebugContext(ctx, "identity configured", "issuer", cfg.Issuer, "client_id", cfg.ClientID,
		"client_secret_set", cfg.ClientSecret != "", "redirect_url", cfg.RedirectURL, "audience", cfg.Audience,
		"roles_claim", cfg.RolesClaim, "session_ttl", cfg.SessionTTL, "secure_cookies", cfg.SecureCookies)
	auds := []string{cfg.ClientID}
	if cfg.Audience != cfg.ClientID {
		auds = append(auds, cfg.Audience)
	}
	return &Authenticator{
		cfg:        cfg,
		log:        log,
		cookies:    s,
		callback:   cb,
		audiences:  auds,
		originProt: http.NewCrossOriginProtection(),
	}, nil
}

// discover returns the provider's configuration, fetching it if this is the
// first use or earlier attempts failed. Failures are remembered for a
// moment so a down provider is not asked once per request.
func (a *Authenticator) discover(ctx context.Context) (*discovered, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.disc != nil {
		return a.disc, nil
	}
	if time.Since(a.lastFail) < discoveryBackoff {
		return nil, a.lastErr
	}
	d, err := a.fetchDiscovery(ctx)
	if err != nil {
		a.lastFail, a.lastErr = time.Now(), fmt.Errorf("%w: %v", errIssuerUnavailable, err)
		a.log.WarnContext(ctx, "openid connect discovery failed", "issuer", a.cfg.Issuer, "error", err)
		return nil, a.lastErr
	}
	a.disc = d
	a.log.InfoContext(ctx, "openid connect discovery done", "issuer", a.cfg.Issuer)
	return d, nil
}

func (a *Authenticator) fetchDiscovery(ctx context.Context) (*discovered, error) {
	// Detached from the request so one impatient client cannot spoil the
	// discovery for the next; bounded so a hanging provider cannot pile up
	// requests behind the mutex.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, a.cfg.HTTPClient), a.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discovering %s: %w", a.cfg.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("reading discovery document: %w", err)
	}
	style := oauth2.AuthStyleAutoDetect
	if a.cfg.ClientSecret == "" {
		style = oauth2.AuthStyleInParams // a public client names itself in the form
	}
	ep := p.Endpoint()
	ep.AuthStyle = style
	// The key set gets a client of its own, whose transport limits how
	// often it asks the provider: see jwksThrottle.
	keysClient := *a.cfg.HTTPClient
	keysClient.Transport = newJWKSThrottle(keysClient.Transport)
	// Like go-oidc's own key set, it outlives this request's context.
	keysCtx := oidc.ClientContext(context.Background(), &keysClient)
	return &discovered{
		oauth: oauth2.Config{
			ClientID:     a.cfg.ClientID,
			ClientSecret: a.cfg.ClientSecret,
			Endpoint:     ep,
			RedirectURL:  a.cfg.RedirectURL,
			Scopes:       []string{oidc.ScopeOpenID, "profile"},
		},
		idTokens:   p.VerifierContext(keysCtx, &oidc.Config{ClientID: a.cfg.ClientID}),
		bearers:    p.VerifierContext(keysCtx, &oidc.Config{SkipClientIDCheck: true}),
		endSession: meta.EndSession,
	}, nil
}
