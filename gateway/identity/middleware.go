package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/meedoen/meedoen/internal/auth"
)

// Middleware puts the caller's identity into the request context (see
// auth.FromContext). A bearer token in the Authorization header wins over
// a session cookie; an invalid token is answered with 401 and goes no
// further. A request without credentials passes on without an identity:
// whether a route is public is for the services to decide.
//
// A cookie-authenticated request with an unsafe method from another origin
// is refused with 403, because browsers attach cookies to such requests on
// their own.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			id, err := a.bearer(r.Context(), h)
			switch {
			case errors.Is(err, errIssuerUnavailable):
				issuerUnavailable(w, r)
			case err != nil:
				a.refuseToken(w, r, err)
			default:
				next.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
			}
			return
		}
		if id, ok := a.sessionFrom(r); ok {
			if err := a.originProt.Check(r); err != nil {
				writeProblem(w, r, http.StatusForbidden, "cross-origin request refused")
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokenError is why a bearer token was refused, in words fit for the
// client; the cause goes to the log.
type tokenError struct {
	code   string // RFC 6750 error code, if any
	reason string
	cause  error
}

func (e *tokenError) Error() string { return fmt.Sprintf("%s: %v", e.reason, e.cause) }
func (e *tokenError) Unwrap() error { return e.cause }

// bearer verifies the token in an Authorization header value.
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
	tok, err := d.bearers.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token has expired", cause: err}
		}
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	}
	if !slices.ContainsFunc(tok.Audience, func(aud string) bool { return slices.Contains(a.audiences, aud) }) {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token is meant for another audience",
			cause: fmt.Errorf("audience %q, want one of %q", tok.Audience, a.audiences)}
	}
	id, err := a.identityFrom(ctx, tok)
	if err != nil {
		return auth.Identity{}, &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	}
	return id, nil
}

// refuseToken answers 401 as RFC 6750 section 3 asks, with a problem body.
func (a *Authenticator) refuseToken(w http.ResponseWriter, r *http.Request, err error) {
	te := &tokenError{code: "invalid_token", reason: "the token could not be verified", cause: err}
	errors.As(err, &te)
	a.log.DebugContext(r.Context(), "bearer token refused", "error", err)
	challenge := `Bearer realm="meedoen"`
	if te.code != "" {
		challenge += fmt.Sprintf(`, error=%q, error_description=%q`, te.code, te.reason)
	}
	w.Header().Set("WWW-Authenticate", challenge)
	writeProblem(w, r, http.StatusUnauthorized, te.reason)
}
