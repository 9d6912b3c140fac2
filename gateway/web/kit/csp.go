package kit

import (
	"net/http"
	"strings"
)

// securityHeaders sets the headers every response of the site carries. The
// policy allows our own stylesheet and images and nothing else: no scripts,
// no inline styles, no third party, no framing; forms lead to this site and
// the identity provider only. The one page with a script, an open poll's
// live tally, widens it for itself (Request.Script).
func (s *Site) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", s.policy())
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the site's policy when forms lead to the site
// only. It has no script-src: pages that need a script of our own add it
// for themselves.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// policy is the site's policy, with the identity provider's origins in
// form-action. Browsers apply form-action to each redirect that follows a
// form, so without them the logout form's redirect to the provider (and a
// GET form's redirect to log in again after the session ended) stops in
// the browser.
func (s *Site) policy() string {
	if s.cfg.FormActionOrigins == nil {
		return contentSecurityPolicy
	}
	var extra strings.Builder
	for _, o := range s.cfg.FormActionOrigins() {
		// Origins come from settings and the provider's discovery
		// document; anything that could end the directive stays out.
		if o == "" || strings.ContainsAny(o, " ;,'\"\r\n\t") {
			continue
		}
		extra.WriteString(" " + o)
	}
	return strings.Replace(contentSecurityPolicy, "form-action 'self'", "form-action 'self'"+extra.String(), 1)
}

// scriptPolicy is what a page with a script of ours adds to the site's
// policy: our own script, and its connection to an event stream.
const scriptPolicy = "; script-src 'self'; connect-src 'self'"
