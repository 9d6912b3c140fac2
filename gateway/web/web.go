// Package web is Meedoen's server-rendered web UI: html/template pages in
// a shared layout, Dutch first with an English switch, styled with NL Design
// System components, and served under a strict Content-Security-Policy.
//
// Pages are plain HTML and forms; they work without JavaScript. Every text a
// person reads comes from the message catalogue in i18n/, never from a
// template. The stylesheet static/meedoen.css is built by scripts/css.sh and
// committed, so running Meedoen needs no Node.js.
//
// The site trusts the identity that the gateway's authentication put in the
// request context (auth.FromContext); it does no authentication itself.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
)

// Config configures the site. The zero value works.
type Config struct {
	// APIVersion is shown in the footer next to the link to the API's
	// OpenAPI document.
	APIVersion string
	// DevLogin shows the "log in with a demo account" hint for the
	// development identity provider (dev mode).
	DevLogin bool
	// TenantNames maps tenant codes (GM0453, ijmond) to display names
	// (Velsen, IJmond); a tenant without a name shows its code.
	TenantNames map[string]string
	// ContactEmail is where people report accessibility problems and ask
	// about privacy; empty points them to their municipality instead.
	ContactEmail string
}

// Site serves the web UI.
type Site struct {
	cfg    Config
	log    *slog.Logger
	pages  map[string]map[string]*template.Template // language → page → template
	cats   catalogues
	assets *assets
}

// New parses the templates and loads the message catalogues and static
// files. log may be nil.
func New(cfg Config, log *slog.Logger) (*Site, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cats, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, log: log, cats: cats, assets: a}
	if s.pages, err = parsePages(cats, a); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the site's routes, meant to be mounted at "/": every path
// the gateway does not claim for the API or authentication lands here, and
// unknown ones get the 404 page.
func (s *Site) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/{$}", s.page("start", s.start))
	mux.Handle("/toegankelijkheid", s.page("accessibility", s.accessibility))
	mux.Handle("/privacy", s.page("privacy", s.privacy))
	for _, sec := range sections {
		if sec.later {
			mux.Handle(sec.path, s.page("later", s.later(sec)))
		}
	}
	mux.Handle("GET /static/{file}", http.HandlerFunc(s.assets.serve))
	mux.Handle("/", s.page("notfound", s.notFound))
	// Same-origin checks (Sec-Fetch-Site, Origin) on every unsafe method, so
	// that the POST forms later pages add are safe from cross-site requests
	// without tokens in each form.
	return securityHeaders(http.NewCrossOriginProtection().Handler(mux))
}

// securityHeaders sets the headers every response of the site carries. The
// policy allows our own stylesheet and images and nothing else: no scripts,
// no inline styles, no third party, no framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the site's policy. Add script-src 'self' when the
// first script ships, and only then.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
