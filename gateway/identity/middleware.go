package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/meedoen/meedoen/internal/auth"
)

// Middleware puts the caller's identity into the request context (see
// auth.FromContext). A bearer token in the Authorization header wins over
// a session cookie; an invalid token is answered with 401 and goes no
// further. A request without credentials passes on without an identity:
// whether a route is public is for the services to decide. A cookie whose
// session has ended is cleared, and the request passes on without one.
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
			case errors.Is(err, errIssuerMisconfigured):
				issuerMisconfigured(w, r)
			case err != nil:
				a.refuseToken(w, r, err)
			default:
				next.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
			}
			return
		}
		s, ok, clear, err := a.session(r)
		if err != nil {
			w.Header().Set("Retry-After", "5")
			writeProblem(w, r, http.StatusServiceUnavailable, "sessions cannot be checked just now; try again shortly")
			return
		}
		if clear {
			http.SetCookie(w, a.cookie(SessionCookie, "/", "", 0))
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if err := a.originProt.Check(r); err != nil {
			writeProblem(w, r, http.StatusForbidden, "cross-origin request refused")
			return
		}
		ctx := auth.WithIdentity(r.Context(), auth.Identity{Subject: s.Subject, Name: s.Name, Grants: s.Grants})
		if s.RolesMissing {
			ctx = WithRolesMissing(ctx)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type rolesMissingKey struct{}

// WithRolesMissing returns ctx marked as RolesMissing reports; the
// middleware marks the requests of such sessions.
func WithRolesMissing(ctx context.Context) context.Context {
	return context.WithValue(ctx, rolesMissingKey{}, true)
}

// RolesMissing reports whether the request's session came from a login
// whose roles claim was missing or unreadable, so a page can say that the
// person's roles did not arrive rather than that they have none.
func RolesMissing(ctx context.Context) bool {
	missing, _ := ctx.Value(rolesMissingKey{}).(bool)
	return missing
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
