package identity

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// discovered is what the provider's discovery document gives.
type discovered struct {
	provider      *oidc.Provider
	oauth         oauth2.Config
	idTokens      *oidc.IDTokenVerifier // aud must be ClientID
	bearers       *oidc.IDTokenVerifier // aud checked by the Authenticator
	endSession    string
	introspection string
	revocation    string
	userinfo      string
}

// discoveryDocument is the part of the provider's metadata the gateway
// reads (OpenID Connect Discovery 1.0, RFC 8414, RFC 7662, RP-Initiated
// Logout 1.0).
type discoveryDocument struct {
	oidc.ProviderConfig
	EndSession    string `json:"end_session_endpoint"`
	Introspection string `json:"introspection_endpoint"`
	Revocation    string `json:"revocation_endpoint"`
}

// Discovery fails in one of two ways, which the gateway answers
// differently.
var (
	// errIssuerUnavailable means the provider could not be reached, or
	// failed, so tokens cannot be verified yet: 503 with Retry-After.
	errIssuerUnavailable = errors.New("identity provider unavailable")
	// errIssuerMisconfigured means something answered at the issuer URL,
	// but not as the provider the setting names: a wrong issuer (trailing
	// slash, localhost for 127.0.0.1, http for https, another port). No
	// retry will help until the setting or the provider is fixed, so it is
	// reported as a configuration error rather than as an outage.
	errIssuerMisconfigured = errors.New("identity provider configured wrongly")
)

// signingAlgorithms are the asymmetric JWS algorithms go-oidc verifies; a
// provider that announces others (HS256, none) gets them ignored.
var signingAlgorithms = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
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
		a.lastFail, a.lastErr = time.Now(), err
		a.logDiscoveryFailure(ctx, err)
		return nil, err
	}
	a.disc, a.lastErr = d, nil
	a.log.InfoContext(ctx, "openid connect discovery done", "issuer", a.cfg.Issuer)
	return d, nil
}

// logDiscoveryFailure logs a failed discovery: a configuration error at
// ERROR, an unreachable provider at WARN, each message at most once a
// minute so that a flood of logins does not flood the log. a.mu is held.
func (a *Authenticator) logDiscoveryFailure(ctx context.Context, err error) {
	msg := err.Error()
	if msg == a.lastLogged && time.Since(a.lastLog) < time.Minute {
		return
	}
	a.lastLogged, a.lastLog = msg, time.Now()
	if errors.Is(err, errIssuerMisconfigured) {
		a.log.ErrorContext(ctx, "identity provider configuration error: staff cannot log in until it is fixed",
			"issuer", a.cfg.Issuer, "error", err)
		return
	}
	a.log.WarnContext(ctx, "identity provider cannot be reached; retrying", "issuer", a.cfg.Issuer, "error", err)
}

// Ready reports a provider configured wrongly as not ready, with the
// reason, for /readyz: the outcome of the last discovery, by a login or by
// Run's probe, so a probe of readiness never waits for the provider. A
// provider that is merely down is not a readiness failure: the residents'
// pages do not need it, and taking every replica out of service would not
// bring it back.
func (a *Authenticator) Ready(context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.disc == nil && errors.Is(a.lastErr, errIssuerMisconfigured) {
		return a.lastErr
	}
	return nil
}

func (a *Authenticator) fetchDiscovery(ctx context.Context) (*discovered, error) {
	// Detached from the request so one impatient client cannot spoil the
	// discovery for the next; bounded so a hanging provider cannot pile up
	// requests behind the mutex.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discoveryTimeout)
	defer cancel()
	doc, err := a.fetchDocument(ctx)
	if err != nil {
		return nil, err
	}
	style := oauth2.AuthStyleAutoDetect
	if a.cfg.ClientSecret == "" {
		style = oauth2.AuthStyleInParams // a public client names itself in the form
	}
	var algs []string
	for _, alg := range doc.Algorithms {
		if slices.Contains(signingAlgorithms, alg) {
			algs = append(algs, alg)
		}
	}
	doc.Algorithms = algs
	// The key set gets a client of its own, whose transport limits how
	// often it asks the provider: see jwksThrottle.
	keysClient := *a.cfg.HTTPClient
	keysClient.Transport = newJWKSThrottle(keysClient.Transport)
	// Like go-oidc's own key set, it outlives this request's context.
	keysCtx := oidc.ClientContext(context.Background(), &keysClient)
	p := doc.ProviderConfig.NewProvider(keysCtx)
	ep := p.Endpoint()
	ep.AuthStyle = style
	return &discovered{
		provider: p,
		oauth: oauth2.Config{
			ClientID:     a.cfg.ClientID,
			ClientSecret: a.cfg.ClientSecret,
			Endpoint:     ep,
			RedirectURL:  a.cfg.RedirectURL,
			Scopes:       a.cfg.Scopes,
		},
		idTokens:      p.VerifierContext(keysCtx, &oidc.Config{ClientID: a.cfg.ClientID, SupportedSigningAlgs: algs}),
		bearers:       p.VerifierContext(keysCtx, &oidc.Config{SkipClientIDCheck: true, SupportedSigningAlgs: algs}),
		endSession:    doc.EndSession,
		introspection: doc.Introspection,
		revocation:    doc.Revocation,
		userinfo:      doc.UserInfoURL,
	}, nil
}

// maxDiscoveryBytes bounds the discovery document; real ones are a few KB.
const maxDiscoveryBytes = 1 << 20

// fetchDocument reads the discovery document and sorts failures into
// errIssuerUnavailable and errIssuerMisconfigured.
func (a *Authenticator) fetchDocument(ctx context.Context) (*discoveryDocument, error) {
	wellKnown := strings.TrimSuffix(a.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wellKnown, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: the issuer %q is not a URL: %v", errIssuerMisconfigured, a.cfg.Issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		if misconfiguredTransport(err) {
			return nil, fmt.Errorf("%w: %s: %v", errIssuerMisconfigured, wellKnown, err)
		}
		return nil, fmt.Errorf("%w: %v", errIssuerUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %v", errIssuerUnavailable, wellKnown, err)
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("%w: %s answered %s", errIssuerUnavailable, wellKnown, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: %s answered %s: no OpenID provider there; check the issuer setting",
			errIssuerMisconfigured, wellKnown, resp.Status)
	}
	var doc discoveryDocument
	if err := json.Unmarshal(body, &doc); err != nil || doc.IssuerURL == "" {
		return nil, fmt.Errorf("%w: %s is not an OpenID Connect discovery document; check the issuer setting",
			errIssuerMisconfigured, wellKnown)
	}
	if doc.IssuerURL != a.cfg.Issuer {
		// Tokens name their issuer; it must be the very string the
		// provider gives, so the setting must be that string.
		return nil, fmt.Errorf("%w: the provider at %s calls itself %q, but the issuer setting is %q; set it to %q",
			errIssuerMisconfigured, wellKnown, doc.IssuerURL, a.cfg.Issuer, doc.IssuerURL)
	}
	if doc.AuthURL == "" || doc.TokenURL == "" || doc.JWKSURL == "" {
		return nil, fmt.Errorf("%w: the discovery document at %s lacks an authorization, token or jwks endpoint",
			errIssuerMisconfigured, wellKnown)
	}
	return &doc, nil
}

// misconfiguredTransport reports failures that say the issuer URL is wrong
// rather than that the provider is down: https to a plain-HTTP server, or a
// certificate that is not the host's or not trusted.
func misconfiguredTransport(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		hostname  x509.HostnameError
		authority x509.UnknownAuthorityError
		header    tls.RecordHeaderError
	)
	if errors.As(err, &verify) || errors.As(err, &hostname) || errors.As(err, &authority) || errors.As(err, &header) {
		return true
	}
	// net/http replaces the record header error of https to a plain-HTTP
	// port by an error of its own, with only these words to know it by.
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}
