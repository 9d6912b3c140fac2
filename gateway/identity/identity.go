// Package identity is the gateway's OpenID Connect relying party: it logs
// staff in with the authorization-code flow and PKCE, keeps them logged in
// with a server-side session named by an encrypted cookie, accepts bearer
// access tokens on the API (JWTs, and opaque tokens through RFC 7662
// introspection when turned on), and turns either into an auth.Identity in
// the request context.
//
// # Claims
//
// A verified ID token, userinfo answer, bearer token or introspection
// answer becomes an auth.Identity:
//
//   - sub → Subject (the only thing logs carry); a token without one is
//     refused;
//   - name, else preferred_username → Name (display only); when the ID
//     token has neither, the provider's userinfo endpoint is asked;
//   - the roles claim (Config.RolesClaim, default "meedoen_roles") → Grants.
//     It holds "<role>@<tenant>" entries, e.g. "council_member@GM0453" or
//     "admin@*", as a list of strings, a single string, or an object whose
//     keys are the entries (Zitadel's shape). Entries that are not a known
//     role at a tenant are ignored and logged with the subject. A claim
//     name with dots that is not itself a top-level claim is read as a path
//     into nested objects, e.g. "realm_access.roles". A missing or
//     unreadable roles claim is logged with the names of the claims that
//     did arrive, and the session remembers it (RolesMissing).
//
// # Sessions
//
// A login is a Session kept by a SessionStore that every replica shares;
// the cookie holds only its sealed id. Logging out ends the session in the
// store, so a copied cookie stops working on every replica at once. A
// session is confirmed at the provider with its refresh token every
// RecheckInterval: a role removed at the provider, a disabled account or a
// session ended at the provider shows within that interval. Without a
// refresh token a session ends when the provider's tokens expire.
//
// Discovery happens on first use, not in New, because the development
// provider is served by the same HTTP server that starts after New, and a
// real provider may be down when the gateway starts. Run probes it at
// start and tells a provider that is down (retried, 503 meanwhile) from one
// that is configured wrongly (an issuer mismatch: logged at ERROR and shown
// by Ready).
package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Defaults for Config.
const (
	DefaultRolesClaim       = "meedoen_roles"
	DefaultSessionTTL       = 8 * time.Hour
	DefaultRecheckInterval  = time.Minute
	DefaultIntrospectionTTL = 30 * time.Second
)

// DefaultScopes are the scopes a login asks for unless Config.Scopes says
// otherwise.
var DefaultScopes = []string{oidc.ScopeOpenID, "profile"}

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
	// checkLease is how long one replica has to confirm a session at the
	// provider before another may try.
	checkLease = 30 * time.Second
	// recheckGrace is how long a session goes on with what the provider
	// last confirmed while the provider cannot be reached.
	recheckGrace = 15 * time.Minute
	// probeInterval is how often Run asks a provider that has not yet
	// answered, and forgets expired introspection answers.
	probeInterval = 10 * time.Second
)

// Config configures an Authenticator.
type Config struct {
	// Issuer is the OpenID Connect issuer URL: a real provider's, or the
	// development provider's. It must be exactly what the provider's
	// discovery document says, trailing slash and all.
	Issuer string
	// ClientID is the gateway's client id at the provider.
	ClientID string
	// ClientSecret is optional; without it the gateway is a public client
	// and relies on PKCE alone.
	ClientSecret string
	// RedirectURL is the absolute URL of CallbackHandler, as registered at
	// the provider, e.g. http://127.0.0.1:8080/auth/callback.
	RedirectURL string
	// APIAudiences are the accepted aud values of bearer tokens: the API's
	// identifier at the provider (Keycloak's audience mapper, Entra's
	// Application ID URI or client id). Default: ClientID.
	APIAudiences []string
	// Scopes are asked for at login; openid is always among them. Default
	// DefaultScopes. Refresh tokens need offline_access at some providers
	// (Entra ID, Zitadel).
	Scopes []string
	// RolesClaim names the claim with "<role>@<tenant>" grants. Default
	// DefaultRolesClaim.
	RolesClaim string
	// SessionKey, at least 32 bytes, protects the session and login
	// cookies and the provider's tokens kept with each session. Changing it
	// logs everybody out. Every replica needs the same key.
	SessionKey []byte
	// SessionTTL is the longest a login lasts. Default DefaultSessionTTL.
	SessionTTL time.Duration
	// RecheckInterval is how often a session is confirmed at the provider.
	// Default DefaultRecheckInterval.
	RecheckInterval time.Duration
	// Introspection lets opaque (non-JWT) bearer tokens in by asking the
	// provider's RFC 7662 introspection endpoint, when it has one.
	Introspection bool
	// IntrospectionTTL is how long an introspection answer is reused.
	// Default DefaultIntrospectionTTL.
	IntrospectionTTL time.Duration
	// Sessions keeps the sessions. Required.
	Sessions SessionStore
	// SecureCookies sets the Secure flag; turn it off only for plain-HTTP
	// development on 127.0.0.1 or localhost.
	SecureCookies bool
	// HTTPClient talks to the provider (discovery, JWKS, token, userinfo
	// and introspection endpoints). Default: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Authenticator authenticates staff for the gateway.
type Authenticator struct {
	cfg        Config
	log        *slog.Logger
	cookies    *sealer
	callback   *url.URL // parsed RedirectURL
	originProt *http.CrossOriginProtection
	introspect *introspector

	mu         sync.Mutex
	disc       *discovered // nil until discovery succeeded
	lastFail   time.Time
	lastErr    error
	lastLog    time.Time // of the last logged discovery failure
	lastLogged string
}

// New checks cfg and returns an Authenticator. It does not contact the
// provider: discovery happens on first use and is retried until it works.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Authenticator, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("identity: issuer and client id are required")
	}
	if cfg.Sessions == nil {
		return nil, errors.New("identity: a session store is required")
	}
	cb, err := url.Parse(cfg.RedirectURL)
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return nil, fmt.Errorf("identity: redirect URL %q is not an absolute http(s) URL", cfg.RedirectURL)
	}
	if len(cfg.SessionKey) < minSessionKey {
		return nil, fmt.Errorf("identity: session key has %d bytes, want at least %d", len(cfg.SessionKey), minSessionKey)
	}
	if len(cfg.APIAudiences) == 0 {
		cfg.APIAudiences = []string{cfg.ClientID}
	}
	cfg.Scopes = scopes(cfg.Scopes)
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = DefaultRolesClaim
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.RecheckInterval <= 0 {
		cfg.RecheckInterval = DefaultRecheckInterval
	}
	if cfg.IntrospectionTTL <= 0 {
		cfg.IntrospectionTTL = DefaultIntrospectionTTL
	}
	if cfg.Introspection && cfg.ClientSecret == "" {
		// RFC 7662 section 2.1: the endpoint must know who asks, or it
		// would tell anyone whether a token is live.
		return nil, errors.New("identity: token introspection needs a client secret")
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
		"client_secret_set", cfg.ClientSecret != "", "redirect_url", cfg.RedirectURL, "api_audiences", cfg.APIAudiences,
		"scopes", cfg.Scopes, "roles_claim", cfg.RolesClaim, "session_ttl", cfg.SessionTTL,
		"recheck_interval", cfg.RecheckInterval, "introspection", cfg.Introspection, "secure_cookies", cfg.SecureCookies)
	return &Authenticator{
		cfg:        cfg,
		log:        log,
		cookies:    s,
		callback:   cb,
		originProt: http.NewCrossOriginProtection(),
		introspect: newIntrospector(cfg.IntrospectionTTL),
	}, nil
}

// scopes returns the configured scopes with openid first and once, or the
// defaults.
func scopes(configured []string) []string {
	out := []string{oidc.ScopeOpenID}
	for _, s := range configured {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 1 {
		return slices.Clone(DefaultScopes)
	}
	return out
}

// Run probes the provider at start, so that a wrong setting is reported at
// start rather than at the first login, and again every probeInterval until
// discovery has worked, so that Ready follows a provider that is fixed or
// comes up; meanwhile it forgets expired introspection answers. It returns
// when ctx ends.
func (a *Authenticator) Run(ctx context.Context) error {
	if _, err := a.discover(ctx); err == nil {
		a.log.InfoContext(ctx, "identity provider found", "issuer", a.cfg.Issuer)
	}
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			a.mu.Lock()
			found := a.disc != nil
			a.mu.Unlock()
			if !found {
				_, _ = a.discover(ctx) // logged by discover
			}
			a.introspect.sweep(now)
		}
	}
}
