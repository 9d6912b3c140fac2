package identity

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/meedoen/meedoen/internal/auth"
)

// Introspection's limits. Every token the cache does not know costs a
// request to the provider, and anyone can send tokens: past the rate the
// gateway answers 503 rather than pass a flood of made-up tokens on.
const (
	introspectionRate  = 20 // requests per second to the provider
	introspectionBurst = 50
	// maxIntrospected bounds the cache; when it is full of live answers it
	// starts afresh, which costs one more request per token.
	maxIntrospected = 10000
)

// errIntrospectionBusy means the gateway has asked the provider about as
// many tokens as it will in this second.
var errIntrospectionBusy = fmt.Errorf("%w: too many tokens to introspect", errIssuerUnavailable)

// introspector keeps the provider's recent answers about opaque tokens, by
// the token's SHA-256, so that a client's burst of calls costs the
// provider one request per token and TTL. A revoked token therefore works
// for at most TTL more.
type introspector struct {
	ttl     time.Duration
	limiter *rate.Limiter

	mu      sync.Mutex
	answers map[[sha256.Size]byte]introspected
}

// introspected is one remembered answer: an identity or a refusal.
type introspected struct {
	id    auth.Identity
	err   error
	until time.Time
}

func newIntrospector(ttl time.Duration) *introspector {
	return &introspector{
		ttl:     ttl,
		limiter: rate.NewLimiter(introspectionRate, introspectionBurst),
		answers: map[[sha256.Size]byte]introspected{},
	}
}

func (in *introspector) get(key [sha256.Size]byte, now time.Time) (introspected, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	got, ok := in.answers[key]
	if !ok || !now.Before(got.until) {
		return introspected{}, false
	}
	return got, true
}

func (in *introspector) put(key [sha256.Size]byte, answer introspected, now time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.answers) >= maxIntrospected {
		in.sweepLocked(now)
		if len(in.answers) >= maxIntrospected {
			clear(in.answers)
		}
	}
	in.answers[key] = answer
}

// sweep forgets expired answers.
func (in *introspector) sweep(now time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.sweepLocked(now)
}

func (in *introspector) sweepLocked(now time.Time) {
	for k, v := range in.answers {
		if !now.Before(v.until) {
			delete(in.answers, k)
		}
	}
}

// opaque checks a token that is not a JWT, by introspection when that is
// turned on and the provider offers it.
func (a *Authenticator) opaque(ctx context.Context, d *discovered, raw string) (auth.Identity, error) {
	if !a.cfg.Introspection {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token is not a JWT, and token introspection is off",
			cause: errors.New("opaque token")}
	}
	if d.introspection == "" {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token is not a JWT, and the identity provider offers no token introspection",
			cause: errors.New("no introspection_endpoint in the discovery document")}
	}
	key := sha256.Sum256([]byte(raw))
	now := time.Now()
	if got, ok := a.introspect.get(key, now); ok {
		return got.id, got.err
	}
	if !a.introspect.limiter.Allow() {
		return auth.Identity{}, errIntrospectionBusy
	}
	status, body, err := a.postForm(ctx, d.introspection, url.Values{"token": {raw}, "token_type_hint": {"access_token"}})
	switch {
	case err != nil || status >= 500:
		return auth.Identity{}, fmt.Errorf("%w: introspection: status %d: %v", errIssuerUnavailable, status, err)
	case status != http.StatusOK:
		// Most likely the provider does not accept the gateway's client
		// credentials for introspection: a setting to fix, not the caller's
		// fault.
		a.log.ErrorContext(ctx, "the identity provider refused to introspect a token; check the client's rights there",
			"status", status)
		return auth.Identity{}, fmt.Errorf("%w: introspection answered %d", errIssuerMisconfigured, status)
	}
	answer := introspected{until: now.Add(a.introspect.ttl)}
	var exp time.Time
	answer.id, exp, answer.err = a.readIntrospection(ctx, body, now)
	if !exp.IsZero() && exp.Before(answer.until) {
		answer.until = exp
	}
	a.introspect.put(key, answer, now)
	return answer.id, answer.err
}

// readIntrospection checks an RFC 7662 answer and maps it to an identity,
// with the token's expiry when the answer gives one.
func (a *Authenticator) readIntrospection(ctx context.Context, body []byte, now time.Time) (auth.Identity, time.Time, error) {
	refuse := func(reason string, cause error) (auth.Identity, time.Time, error) {
		return auth.Identity{}, time.Time{}, &tokenError{code: "invalid_token", reason: reason, cause: cause}
	}
	var c claimSet
	var meta struct {
		Active    bool            `json:"active"`
		Issuer    string          `json:"iss"`
		Expires   int64           `json:"exp"`
		Audience  json.RawMessage `json:"aud"`
		ClientID  string          `json:"client_id"`
		TokenType string          `json:"token_type"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return refuse("the token could not be verified", fmt.Errorf("introspection answer: %w", err))
	}
	if err := json.Unmarshal(body, &meta); err != nil {
		return refuse("the token could not be verified", fmt.Errorf("introspection answer: %w", err))
	}
	var exp time.Time
	if meta.Expires > 0 {
		exp = time.Unix(meta.Expires, 0)
	}
	switch {
	case !meta.Active:
		return refuse("the token is not active", errors.New("introspection: active is false"))
	case meta.Issuer != "" && meta.Issuer != a.cfg.Issuer:
		return refuse("the token could not be verified", fmt.Errorf("introspection: issuer %q", meta.Issuer))
	case !exp.IsZero() && !now.Before(exp):
		return refuse("the token has expired", errors.New("introspection: exp has passed"))
	case meta.TokenType == "refresh_token":
		return refuse("a refresh token is not an access token", errors.New("introspection: token_type refresh_token"))
	}
	if !a.meantForAPI(meta.Audience, meta.ClientID) {
		return refuse("the token is meant for another audience",
			fmt.Errorf("introspection: aud %s, client_id %q, want one of %q", meta.Audience, meta.ClientID, a.cfg.APIAudiences))
	}
	m, err := a.identityFrom(ctx, c, "introspection")
	if err != nil {
		return refuse("the token could not be verified", err)
	}
	return m.id, exp, nil
}

// meantForAPI checks an introspected token's audience. RFC 7662 makes aud
// optional; a provider that leaves it out vouches for the client the token
// was issued to instead, which must then be one the API accepts.
func (a *Authenticator) meantForAPI(rawAud json.RawMessage, clientID string) bool {
	var auds []string
	if err := json.Unmarshal(rawAud, &auds); err != nil {
		var one string
		if json.Unmarshal(rawAud, &one) == nil && one != "" {
			auds = []string{one}
		}
	}
	if len(auds) == 0 {
		return clientID != "" && slices.Contains(a.cfg.APIAudiences, clientID)
	}
	return slices.ContainsFunc(auds, func(aud string) bool { return slices.Contains(a.cfg.APIAudiences, aud) })
}
