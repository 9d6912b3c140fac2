package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// LoginHandler starts a login (GET /auth/login?returnTo=/path): it sends
// the browser to the provider with an authorization-code request carrying a
// PKCE S256 challenge, a state and a nonce, and keeps those in a short-lived
// encrypted cookie for CallbackHandler. returnTo must be a path on this
// site; anything else is refused, so the login cannot be used to send
// people to another site.
func (a *Authenticator) LoginHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, r, "GET, HEAD")
			return
		}
		returnTo, ok := localPath(r.URL.Query().Get("returnTo"))
		if !ok {
			writeProblem(w, r, http.StatusBadRequest, "returnTo must be a path on this site, starting with a single /")
			return
		}
		d, err := a.discover(r.Context())
		if err != nil {
			issuerUnavailable(w, r)
			return
		}
		ls := loginState{
			State:    rand.Text(),
			Nonce:    rand.Text(),
			Verifier: oauth2.GenerateVerifier(),
			ReturnTo: returnTo,
			Expires:  time.Now().Add(loginTTL).Unix(),
		}
		val, err := a.cookies.seal(loginCookie, ls)
		if err != nil {
			a.log.ErrorContext(r.Context(), "starting login", "error", err)
			writeProblem(w, r, http.StatusInternalServerError, "the login could not be started")
			return
		}
		http.SetCookie(w, a.cookie(loginCookie, a.callbackPath(), val, loginTTL))
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, d.oauth.AuthCodeURL(ls.State, oidc.Nonce(ls.Nonce), oauth2.S256ChallengeOption(ls.Verifier)), http.StatusFound)
	})
}

// CallbackHandler finishes a login (GET /auth/callback): it checks the
// state against the login cookie, redeems the code with the PKCE verifier,
// verifies the ID token and its nonce, maps its claims to an identity, sets
// the session cookie and redirects to the returnTo of the login.
func (a *Authenticator) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, "GET")
			return
		}
		ctx := r.Context()
		w.Header().Set("Cache-Control", "no-store")
		c, err := r.Cookie(loginCookie)
		if err != nil {
			writeProblem(w, r, http.StatusBadRequest, "no login in progress, or it took too long; log in again")
			return
		}
		// One attempt per login, successful or not.
		http.SetCookie(w, a.cookie(loginCookie, a.callbackPath(), "", 0))
		var ls loginState
		if err := a.cookies.open(loginCookie, c.Value, &ls); err != nil || time.Now().Unix() >= ls.Expires {
			writeProblem(w, r, http.StatusBadRequest, "no login in progress, or it took too long; log in again")
			return
		}
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(ls.State)) != 1 {
			writeProblem(w, r, http.StatusBadRequest, "this answer does not belong to the login in progress; log in again")
			return
		}
		if e := q.Get("error"); e != "" {
			a.log.InfoContext(ctx, "identity provider refused login", "error", e, "description", truncate(q.Get("error_description"), 200))
			writeProblem(w, r, http.StatusUnauthorized, "the identity provider did not log you in")
			return
		}
		// RFC 9207: an answer naming another issuer is a mix-up attack.
		if iss := q.Get("iss"); iss != "" && iss != a.cfg.Issuer {
			writeProblem(w, r, http.StatusBadRequest, "this answer comes from another identity provider")
			return
		}
		d, err := a.discover(ctx)
		if err != nil {
			issuerUnavailable(w, r)
			return
		}
		tok, err := d.oauth.Exchange(oidc.ClientContext(ctx, a.cfg.HTTPClient), q.Get("code"), oauth2.VerifierOption(ls.Verifier))
		if err != nil {
			a.log.WarnContext(ctx, "redeeming authorization code failed", "error", err)
			writeProblem(w, r, http.StatusUnauthorized, "the identity provider did not accept the login; log in again")
			return
		}
		rawID, _ := tok.Extra("id_token").(string)
		idt, err := d.idTokens.Verify(ctx, rawID)
		if err == nil && subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(ls.Nonce)) != 1 {
			err = errNonce
		}
		if err == nil && idt.AccessTokenHash != "" {
			err = idt.VerifyAccessToken(tok.AccessToken)
		}
		if err != nil {
			a.log.WarnContext(ctx, "id token refused", "error", err)
			writeProblem(w, r, http.StatusUnauthorized, "the identity provider's answer could not be verified")
			return
		}
		id, err := a.identityFrom(ctx, idt)
		if err == nil {
			err = a.setSession(w, id)
		}
		if err != nil {
			a.log.ErrorContext(ctx, "starting session", "sub", idt.Subject, "error", err)
			writeProblem(w, r, http.StatusInternalServerError, "the session could not be started")
			return
		}
		a.log.InfoContext(ctx, "logged in", "sub", id.Subject, "tenants", id.Tenants())
		http.Redirect(w, r, ls.ReturnTo, http.StatusSeeOther)
	})
}

// LogoutHandler ends a session (POST /auth/logout). It clears the session
// cookie and sends the browser to the provider's end_session_endpoint when
// discovery has one (so the provider's own session ends too), else to "/".
//
// Against cross-site request forgery it uses net/http's
// CrossOriginProtection: a browser request whose Sec-Fetch-Site, or failing
// that whose Origin, shows another origin is refused with 403. Requests
// with neither header (not from a browser) pass.
func (a *Authenticator) LogoutHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r, "POST")
			return
		}
		if err := a.originProt.Check(r); err != nil {
			writeProblem(w, r, http.StatusForbidden, "cross-origin request refused")
			return
		}
		if id, ok := a.sessionFrom(r); ok {
			a.log.InfoContext(r.Context(), "logged out", "sub", id.Subject)
		}
		http.SetCookie(w, a.cookie(SessionCookie, "/", "", 0))
		w.Header().Set("Cache-Control", "no-store")
		target := "/"
		if d, err := a.discover(r.Context()); err == nil && d.endSession != "" {
			if u, err := url.Parse(d.endSession); err == nil {
				eq := u.Query()
				eq.Set("client_id", a.cfg.ClientID)
				eq.Set("post_logout_redirect_uri", a.callback.Scheme+"://"+a.callback.Host+"/")
				u.RawQuery = eq.Encode()
				target = u.String()
			}
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

var errNonce = errors.New("id token nonce does not match the login")

// callbackPath scopes the login cookie to the callback.
func (a *Authenticator) callbackPath() string {
	if a.callback.Path == "" {
		return "/"
	}
	return a.callback.Path
}

// localPath accepts a path on this site. Browsers read "//host" and
// "/\host" as another host, so those are refused along with anything that
// has a scheme or a host.
func localPath(s string) (string, bool) {
	if s == "" {
		return "/", true
	}
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") {
		return "", false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", false
	}
	return s, true
}
