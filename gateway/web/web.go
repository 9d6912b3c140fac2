// Package web is Meedoen's server-rendered web UI: html/template pages in
// a shared layout, Dutch first with an English switch, styled with NL
// Design System components, and served under a strict
// Content-Security-Policy. Pages are plain HTML and forms; they work
// without JavaScript.
//
// This package assembles the site from its areas, each a package of its
// own over the shared kit (gateway/web/kit): workspace (the council's
// agenda, processes and roster), polls (the staff's poll pages and
// builder), respond (the residents' poll pages), panels (resident
// panels, for staff and residents), focusgroups (focus groups for
// staff, and for their members through the links mailed to them), advice
// (the council's advice and the municipalities' responses) and results
// (the public pages of what came of residents' input). It
// serves the informational pages itself (pages.go). docs/architecture.md says where a page's code lives.
//
// The site trusts the identity that the gateway's authentication put in the
// request context (auth.FromContext); it does no authentication itself.
// Staff pages call the services with that same context, so the services
// authorise every call as the person.
package web

import (
	"embed"
	"log/slog"
	"net/http"

	"github.com/meedoen/meedoen/gateway/web/advice"
	"github.com/meedoen/meedoen/gateway/web/focusgroups"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/panels"
	"github.com/meedoen/meedoen/gateway/web/polls"
	"github.com/meedoen/meedoen/gateway/web/respond"
	"github.com/meedoen/meedoen/gateway/web/results"
	"github.com/meedoen/meedoen/gateway/web/workspace"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config configures the site. The zero value works.
type Config struct {
	// APIVersion is shown in the footer next to the link to the API's
	// OpenAPI document.
	APIVersion string
	// DevLogin shows the "log in with a demo account" hint for the
	// development identity provider (dev mode).
	DevLogin bool
	// FormActionOrigins returns the origins besides the site's own that
	// forms may lead to (the policy's form-action), asked for each page:
	// the identity provider's, since logging out is a form whose answer
	// redirects to it (identity.Authenticator.FormActionOrigins). Nil
	// allows the site's own origin only.
	FormActionOrigins func() []string
	// TenantNames maps tenant codes (GM0453, ijmond) to display names
	// (Velsen, IJmond); a tenant without a name shows its code. When nil,
	// the names are read from the councils service.
	TenantNames map[string]string
	// SecureCookies sets the Secure flag on the site's cookies even when a
	// request arrives over plain HTTP, as it does behind a proxy that ends
	// TLS; set it when the public URL is https.
	SecureCookies bool
	// ContactEmail is where people report accessibility problems and ask
	// about privacy; empty points them to their municipality instead.
	ContactEmail string
	// Councils is the councils service, which the council workspace (the
	// agenda, processes and roster) reads and changes. The site calls it
	// with each request's context, which carries the caller's identity;
	// the connection must turn that into the service's credentials. Nil
	// makes the workspace pages say that the service is unavailable.
	Councils councilsv1.CouncilsServiceClient
	// Surveys is the surveys service, which the staff's poll pages and
	// the residents' poll pages (/p/{slug}, /i/{token}) read and answer.
	// Residents have no identity: the site calls it with none. Nil makes
	// those pages say that polls are unavailable.
	Surveys surveysv1.SurveysServiceClient
	// Panels is the surveys service's resident panels: the staff's panel
	// pages and the poll page's invitations call it with the person's
	// identity, the residents' sign-up, confirmation and unsubscribe
	// pages with none. Nil makes those pages say that panels are
	// unavailable.
	Panels surveysv1.PanelsServiceClient
	// FocusGroups is the focus groups service, which the staff's focus
	// group pages (/focusgroepen) read and change with the person's
	// identity. Nil makes those pages say that focus groups are
	// unavailable.
	FocusGroups focusgroupsv1.FocusGroupsServiceClient
	// FocusGroupLinks is the focus groups service's side for members,
	// which the pages of the links mailed to them (/focusgroep/...) call
	// with no identity and the link's token. Nil makes those pages say
	// that focus groups are unavailable.
	FocusGroupLinks focusgroupsv1.MemberLinksServiceClient
	// Advice is the results service's advice side: the council's advice
	// pages and the policy officers' inbox call it with the person's
	// identity. Nil makes those pages say that advice is unavailable.
	Advice resultsv1.AdviceServiceClient
	// Results is the results service's public side (what came of
	// residents' input, the evaluation figures), called with no identity
	// by the public pages and with the person's by the staff pages. Nil
	// makes those pages say that results are unavailable.
	Results resultsv1.ResultsServiceClient
	// Files is the results service's documents and charts: the pages
	// inline its SVG charts and link its downloads. Nil leaves the charts
	// out (their data tables stay).
	Files resultsv1.FilesServiceClient
	// RespondentKey seals the respondent cookie that tells browsers apart
	// on open links: 32 random bytes, the same for every gateway
	// instance and kept across restarts. Nil makes a random key at each
	// start, which forgets every cookie issued before: fine for
	// development and tests, but in production a browser could then
	// answer an open poll again after a restart.
	RespondentKey []byte
	// Postcodes finds the municipality (its CBS code) of a postcode
	// written "1971AB", for open links that accept only residents of the
	// poll's municipalities; ok is false for a postcode it does not
	// know. Nil makes such polls say that they cannot be answered here.
	Postcodes func(postcode string) (municipalityCode string, ok bool)
}

// Site serves the web UI.
type Site struct {
	kit *kit.Site
	// surveys lists the open polls on the start page; nil when the site
	// has no surveys service.
	surveys surveysv1.SurveysServiceClient
	// areas register their pages on the site's mux, in this order.
	areas []func(*http.ServeMux)
}

//go:embed templates/*.html
var templates embed.FS

// New parses the templates and loads the message catalogues and static
// files. log may be nil.
func New(cfg Config, log *slog.Logger) (*Site, error) {
	k, err := kit.New(kit.Config{
		APIVersion:        cfg.APIVersion,
		DevLogin:          cfg.DevLogin,
		FormActionOrigins: cfg.FormActionOrigins,
		TenantNames:       cfg.TenantNames,
		SecureCookies:     cfg.SecureCookies,
		ContactEmail:      cfg.ContactEmail,
		Councils:          cfg.Councils,
		Panels:            cfg.Panels,
	}, log)
	if err != nil {
		return nil, err
	}
	s := &Site{kit: k, surveys: cfg.Surveys}
	if err := s.parsePages(); err != nil {
		return nil, err
	}
	ws, err := workspace.New(k, workspace.Config{Councils: cfg.Councils, Surveys: cfg.Surveys, FocusGroups: cfg.FocusGroups})
	if err != nil {
		return nil, err
	}
	ps, err := polls.New(k, polls.Config{Surveys: cfg.Surveys, Councils: cfg.Councils, Panels: cfg.Panels})
	if err != nil {
		return nil, err
	}
	rs, err := respond.New(k, respond.Config{Surveys: cfg.Surveys, RespondentKey: cfg.RespondentKey, Postcodes: cfg.Postcodes})
	if err != nil {
		return nil, err
	}
	pn, err := panels.New(k, panels.Config{Panels: cfg.Panels})
	if err != nil {
		return nil, err
	}
	fg, err := focusgroups.New(k, focusgroups.Config{FocusGroups: cfg.FocusGroups, Links: cfg.FocusGroupLinks, Councils: cfg.Councils})
	if err != nil {
		return nil, err
	}
	rp, err := results.New(k, results.Config{Results: cfg.Results, Files: cfg.Files})
	if err != nil {
		return nil, err
	}
	ad, err := advice.New(k, advice.Config{Advice: cfg.Advice, Councils: cfg.Councils})
	if err != nil {
		return nil, err
	}
	s.areas = []func(*http.ServeMux){s.routes, ws.Routes, ps.Routes, rs.Routes, pn.Routes, fg.Routes, rp.Routes, ad.Routes}
	return s, nil
}

// Handler returns the site's routes, meant to be mounted at "/": every path
// the gateway does not claim for the API or authentication lands here, and
// unknown ones get the 404 page.
func (s *Site) Handler() http.Handler { return s.kit.Handler(s.areas...) }
