package devidp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// maxFormBytes bounds the forms the provider reads; its own forms are tiny.
const maxFormBytes = 64 << 10

// authRequest is a validated OpenID Connect authentication request.
type authRequest struct {
	ClientID    string
	RedirectURI string
	State       string
	Nonce       string
	Scope       string
	Challenge   string
}

// parseAuthRequest validates the parameters of /authorize. It rejects
// rather than redirects on any error: a dev provider helps more with a page
// saying what is wrong than with an error code at the client.
func (p *Provider) parseAuthRequest(v url.Values) (authRequest, error) {
	req := authRequest{
		ClientID:    v.Get("client_id"),
		RedirectURI: v.Get("redirect_uri"),
		State:       v.Get("state"),
		Nonce:       v.Get("nonce"),
		Scope:       v.Get("scope"),
		Challenge:   v.Get("code_challenge"),
	}
	if req.ClientID == "" {
		return req, errors.New("client_id is missing")
	}
	if _, err := p.sameHost(req.RedirectURI); err != nil {
		return req, fmt.Errorf("redirect_uri %q: %w", req.RedirectURI, err)
	}
	if rt := v.Get("response_type"); rt != "code" {
		return req, fmt.Errorf("response_type %q: only code is supported", rt)
	}
	if !slices.Contains(strings.Fields(req.Scope), "openid") {
		return req, errors.New("scope must include openid")
	}
	// PKCE is required: without it a stolen code is as good as a token.
	if m := v.Get("code_challenge_method"); m != "S256" {
		return req, fmt.Errorf("code_challenge_method %q: PKCE with S256 is required", m)
	}
	if len(req.Challenge) != 43 || strings.Trim(req.Challenge, base64URLAlphabet) != "" {
		return req, errors.New("code_challenge must be a base64url SHA-256 digest (43 characters)")
	}
	return req, nil
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// serveLoginPage shows the demo users. Opened without parameters it offers
// only API tokens, so a developer can get one without a web client.
func (p *Provider) serveLoginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if len(q) == 0 {
		p.pages.render(w, http.StatusOK, "login", p.loginData(nil))
		return
	}
	req, err := p.parseAuthRequest(q)
	if err != nil {
		p.pages.renderError(w, http.StatusBadRequest, err)
		return
	}
	p.pages.render(w, http.StatusOK, "login", p.loginData(&req))
}

// serveLogin takes the chosen user and sends the browser back to the
// client with an authorization code.
func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p.pages.renderError(w, http.StatusBadRequest, fmt.Errorf("reading form: %w", err))
		return
	}
	req, err := p.parseAuthRequest(r.PostForm)
	if err != nil {
		p.pages.renderError(w, http.StatusBadRequest, err)
		return
	}
	usr, ok := p.bySub[r.PostForm.Get("subject")]
	if !ok {
		p.pages.renderError(w, http.StatusBadRequest, errors.New("choose one of the listed users"))
		return
	}
	code, err := p.newCode(authCode{
		clientID:    req.ClientID,
		redirectURI: req.RedirectURI,
		subject:     usr.Subject,
		nonce:       req.Nonce,
		challenge:   req.Challenge,
	})
	if err != nil {
		p.pages.renderError(w, http.StatusServiceUnavailable, err)
		return
	}
	back, _ := p.sameHost(req.RedirectURI) // validated by parseAuthRequest
	bq := back.Query()
	bq.Set("code", code)
	if req.State != "" {
		bq.Set("state", req.State)
	}
	bq.Set("iss", p.issuer) // RFC 9207, against mix-up attacks
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}

// newCode stores ac under a fresh code. Expired codes are swept here, so
// the provider needs no background goroutine.
func (p *Provider) newCode(ac authCode) (string, error) {
	code, err := randomString()
	if err != nil {
		return "", fmt.Errorf("making authorization code: %w", err)
	}
	now := time.Now()
	ac.expires = now.Add(codeTTL)
	p.mu.Lock()
	defer p.mu.Unlock()
	for c, old := range p.codes {
		if now.After(old.expires) {
			delete(p.codes, c)
		}
	}
	if len(p.codes) >= maxCodes {
		return "", errors.New("too many logins in progress; try again in a minute")
	}
	p.codes[code] = ac
	return code, nil
}

// redeem returns what code stands for and forgets it, whether or not the
// rest of the token request turns out valid: a code is tried once.
func (p *Provider) redeem(code string) (authCode, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ac, ok := p.codes[code]
	delete(p.codes, code)
	if !ok || time.Now().After(ac.expires) {
		return authCode{}, false
	}
	return ac, true
}

// serveAPIToken shows a bearer token for calling the API by hand.
func (p *Provider) serveAPIToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p.pages.renderError(w, http.StatusBadRequest, fmt.Errorf("reading form: %w", err))
		return
	}
	usr, ok := p.bySub[r.PostForm.Get("subject")]
	if !ok {
		p.pages.renderError(w, http.StatusBadRequest, errors.New("choose one of the listed users"))
		return
	}
	tok, err := p.IssueToken(usr.Subject, APIAudience, apiTokenTTL)
	if err != nil {
		p.pages.renderError(w, http.StatusInternalServerError, err)
		return
	}
	origin, _ := url.Parse(p.issuer) // validated by New
	p.pages.render(w, http.StatusOK, "token", tokenData{
		Name:     usr.Name,
		Token:    tok,
		Hours:    int(apiTokenTTL / time.Hour),
		Audience: APIAudience,
		APIURL:   origin.Scheme + "://" + origin.Host + "/api/v1/municipalities",
		Back:     p.issuer + "/authorize",
	})
}

// serveLogout is the end_session_endpoint. The provider keeps no session of
// its own, so logging out is only the way back to the client.
func (p *Provider) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	if err := r.ParseForm(); err != nil {
		p.pages.renderError(w, http.StatusBadRequest, fmt.Errorf("reading form: %w", err))
		return
	}
	raw := r.Form.Get("post_logout_redirect_uri")
	if raw == "" {
		p.pages.render(w, http.StatusOK, "loggedout", nil)
		return
	}
	back, err := p.sameHost(raw)
	if err != nil {
		p.pages.renderError(w, http.StatusBadRequest, fmt.Errorf("post_logout_redirect_uri %q: %w", raw, err))
		return
	}
	if state := r.Form.Get("state"); state != "" {
		bq := back.Query()
		bq.Set("state", state)
		back.RawQuery = bq.Encode()
	}
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}
