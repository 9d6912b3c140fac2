package identity

import (
	"net/url"
	"slices"
)

// FormActionOrigins returns the origins, besides the site's own, that a
// page's forms must be allowed to lead to: the provider's, because logging
// out is a form posted to this site that the site answers with a redirect
// to the provider's end_session_endpoint, and browsers apply the
// Content-Security-Policy's form-action to every redirect that follows a
// form. Without it the browser stops at the redirect and the provider's
// session lives on.
func (a *Authenticator) FormActionOrigins() []string {
	out := []string{}
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		o := u.Scheme + "://" + u.Host
		if o != a.callback.Scheme+"://"+a.callback.Host && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	add(a.cfg.Issuer)
	a.mu.Lock()
	d := a.disc
	a.mu.Unlock()
	if d != nil {
		add(d.endSession)
		// A form sent after the session ended (the tenant switcher, the
		// agenda's filters: GET forms) is redirected to log in again, one
		// redirect on to the authorization endpoint.
		add(d.oauth.Endpoint.AuthURL)
	}
	return out
}
