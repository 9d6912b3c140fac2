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

	"github.com/meedoen/meedoen/internal/errs"
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
			discoveryFailed(w, r, err)
			return
		}
		ls := loginState{
			State:    rand.Text(),
			Nonce:    rand.Text(),
			Verifier: oauth2.GenerateVerifier(),
			ReturnTo: returnTo,
			Expires:  time.Now().Add(loginTTL).Unix(),
		}
		val, err := a.cookies.sealCookie(loginCookie, ls)
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
// verifies the ID token and its nonce, maps its claims, completed from the
// userinfo endpoint, to an identity, stores a session, sets the cookie that
// names it and redirects to the returnTo of the login.
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
		if err := a.cookies.openCookie(loginCookie, c.Value, &ls); err != nil || time.Now().Unix() >= ls.Expires {
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
			discoveryFailed(w, r, err)
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
		var m mapped
		if err == nil {
			var c claimSet
			if c, err = claimsOf(idt); err == nil {
				m, err = a.identityFrom(ctx, a.withUserinfo(ctx, d, c, tok), "id_token")
			}
		}
		if err != nil {
			a.log.WarnContext(ctx, "id token refused", "error", err)
			writeProblem(w, r, http.StatusUnauthorized, "the identity provider's answer could not be verified")
			return
		}
		now := time.Now()
		s := Session{
			Subject: m.id.Subject, Name: m.id.Name, Grants: m.id.Grants, RolesMissing: m.rolesMissing,
			Created: now, Checked: now, Expires: now.Add(a.cfg.SessionTTL),
		}
		if tok.RefreshToken == "" {
			// Nothing to confirm the session with later: it lasts no longer
			// than the provider's own word (docs/identity.md, "Sessions").
			end := tok.Expiry
			if end.IsZero() {
				end = idt.Expiry
			}
			if end.Before(s.Expires) {
				s.Expires = end
			}
		}
		// A login replaces the session this browser had, rather than leave
		// it live in the store for whoever kept a copy of its cookie.
		a.endSession(r, "replaced by a new login")
		if err := a.startSession(ctx, w, s, providerTokens{Refresh: tok.RefreshToken, ID: rawID}); err != nil {
			a.log.ErrorContext(ctx, "starting session", "sub", s.Subject, "error", err)
			writeProblem(w, r, http.StatusInternalServerError, "the session could not be started")
			return
		}
		a.log.InfoContext(ctx, "logged in", "sub", s.Subject, "tenants", m.id.Tenants(),
			"refresh_token", tok.RefreshToken != "", "session_ends", s.Expires.UTC().Format(time.RFC3339))
		http.Redirect(w, r, ls.ReturnTo, http.StatusSeeOther)
	})
}

// LogoutHandler ends a session (POST /auth/logout). It ends the session in
// the store, so the cookie is worthless on every replica even if copied,
// clears the cookie, and sends the browser to the provider's
// end_session_endpoint when discovery has one (so the provider's own
// session ends too, or a shared PC would log the next person in as the
// last), else to "/". The provider gets the session's ID token as
// id_token_hint, so it need not ask whom to log out, and its refresh token
// is revoked when the provider has a revocation endpoint.
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
		ctx := r.Context()
		toks := a.endSession(r, "logged out")
		http.SetCookie(w, a.cookie(SessionCookie, "/", "", 0))
		w.Header().Set("Cache-Control", "no-store")
		target := "/"
		if d, err := a.discover(ctx); err == nil {
			a.revoke(ctx, d, toks.Refresh)
			if d.endSession != "" {
				if u, err := url.Parse(d.endSession); err == nil {
					eq := u.Query()
					eq.Set("client_id", a.cfg.ClientID)
					eq.Set("post_logout_redirect_uri", a.callback.Scheme+"://"+a.callback.Host+"/")
					if toks.ID != "" {
						eq.Set("id_token_hint", toks.ID)
					}
					u.RawQuery = eq.Encode()
					target = u.String()
				}
			}
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// endSession ends the session the request's cookie names, if any, and
// returns the provider's tokens it kept. why goes to the log.
func (a *Authenticator) endSession(r *http.Request, why string) providerTokens {
	ctx := r.Context()
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return providerTokens{}
	}
	var sc sessionCookie
	if err := a.cookies.openCookie(SessionCookie, c.Value, &sc); err != nil || sc.ID == "" {
		return providerTokens{}
	}
	hash := hashID(sc.ID)
	s, err := a.cfg.Sessions.EndSession(ctx, hash)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return providerTokens{}
	case err != nil:
		// The browser's cookie goes and the provider still ends its
		// session; the log tells the operator that a copy of the cookie
		// would still work until the session expires.
		a.log.ErrorContext(ctx, "ending session in the store failed; the session stays valid until it expires", "error", err)
		return providerTokens{}
	}
	toks, err := a.openTokens(hash, s.Tokens)
	if err != nil {
		a.log.WarnContext(ctx, "the session's provider tokens do not open", "sub", s.Subject, "error", err)
	}
	a.log.InfoContext(ctx, "session ended: "+why, "sub", s.Subject)
	return toks
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
