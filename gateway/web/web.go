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
// The council workspace (agenda, processes, roster) reads and changes the
// councils service through Config.Councils with that same context, so the
// service authorises every call as the person; its forms post back and
// redirect (Post/Redirect/Get), or show the service's objections next to
// the fields.
package web

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
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
	// the names are read from the councils service (directory.go).
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
	// Surveys is the surveys service, which the residents' poll pages
	// (/p/{slug}, /i/{token}) read and answer. Residents have no
	// identity: the site calls it with none. Nil makes those pages say
	// that polls are unavailable.
	Surveys surveysv1.SurveysServiceClient
	// Panels is the surveys service's resident panels: the staff's panel
	// pages and the poll page's invitations call it with the person's
	// identity, the residents' sign-up, confirmation and unsubscribe
	// pages with none. Nil makes those pages say that panels are
	// unavailable.
	Panels surveysv1.PanelsServiceClient
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
	cfg    Config
	log    *slog.Logger
	dir    *directory                               // nil when cfg.TenantNames fixes the names
	hoods  *neighbourhoods                          // nil without the panels service
	pages  map[string]map[string]*template.Template // language → page → template
	cats   catalogues
	assets *assets
	loc    *time.Location // where times are shown
	// respondents seal the open links' respondent cookies.
	respondents respondentSealers
	// liveEvery is how often a live tally asks the service, liveFor how
	// long one stream lasts; tests shorten them.
	liveEvery, liveFor time.Duration
	// forms keeps open polls' forms for reading submits (formcache.go).
	forms *formCache
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
	loc := nlgov.Amsterdam()
	key := cfg.RespondentKey
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("making a respondent cookie key: %w", err)
		}
	}
	respondents, err := newRespondentSealers(key)
	if err != nil {
		return nil, err
	}
	s := &Site{
		cfg: cfg, log: log, cats: cats, assets: a, loc: loc, respondents: respondents,
		liveEvery: defaultLiveEvery, liveFor: defaultLiveFor, forms: newFormCache(),
	}
	if s.pages, err = parsePages(cats, a); err != nil {
		return nil, err
	}
	if cfg.TenantNames == nil && cfg.Councils != nil {
		s.dir = newDirectory(cfg.Councils, log)
	}
	if cfg.Panels != nil {
		s.hoods = newNeighbourhoods(cfg.Panels, log)
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
	// The council workspace. Forms post to the page they are on, or to an
	// action under it; every POST ends in a redirect (Post/Redirect/Get),
	// or shows its page again with what the service objected to.
	mux.Handle("GET /agenda", s.work("agenda", s.agenda))
	mux.Handle("POST /agenda/besluit", s.act("agenda", s.decide))
	mux.Handle("POST /agenda/traject", s.act("agenda", s.startProcess))
	mux.Handle("GET /agenda/nieuw", s.work("question", s.newQuestion))
	mux.Handle("POST /agenda/nieuw", s.work("question", s.raiseQuestion))
	mux.Handle("GET /trajecten", s.work("board", s.board))
	mux.Handle("GET /trajecten/{id}", s.work("process", s.process))
	mux.Handle("POST /trajecten/{id}/bijwerken", s.act("process", s.updateProcess))
	mux.Handle("POST /trajecten/{id}/fase", s.act("process", s.transition))
	mux.Handle("GET /trajecten/{id}/veldactiviteit", s.work("activity", s.newActivity))
	mux.Handle("POST /trajecten/{id}/veldactiviteit", s.work("activity", s.recordActivity))
	mux.Handle("GET /raad", s.work("council", s.council))
	// The staff's poll pages, with the live tally's event stream. The
	// stream is a web route: the gateway's API rate limit does not
	// apply to it.
	mux.Handle("GET /peilingen", s.staffPolls("polls", func(r *http.Request) string { return r.URL.RequestURI() }, s.polls))
	mux.Handle("GET /peilingen/{id}", s.staffPolls("polldetail", func(r *http.Request) string { return r.URL.RequestURI() }, s.pollDetail))
	mux.Handle("POST /peilingen/{id}/{action}", s.staffPolls("polldetail", pageOf, s.pollAct))
	mux.Handle("GET /peilingen/{id}/live", http.HandlerFunc(s.liveTally))
	// The poll builder (builder.go): a new poll, its draft's editor and
	// the preview of the resident's page. More specific than the
	// lifecycle's actions above, so these win.
	self := func(r *http.Request) string { return r.URL.RequestURI() }
	mux.Handle("GET /peilingen/nieuw", s.staffPolls("buildernew", self, s.newPoll))
	mux.Handle("POST /peilingen/nieuw", s.staffPolls("buildernew", self, s.createPoll))
	mux.Handle("GET /peilingen/{id}/bewerken", s.staffPolls("builder", self, s.editPoll))
	mux.Handle("POST /peilingen/{id}/bewerken", s.staffPolls("builder", self, s.saveDraft))
	mux.Handle("GET /peilingen/{id}/voorbeeld", s.staffPolls("builderpreview", self, s.previewPoll))
	mux.Handle("POST /peilingen/{id}/voorbeeld", s.staffPolls("builderpreview", self, s.previewPoll))
	mux.Handle("POST /peilingen/{id}/intrekken", s.staffPolls("polldetail", pageOf, s.unschedulePoll))
	// The residents' poll pages: no login, since residents have none.
	// The integrator puts the open link's POST behind the rate limit.
	mux.Handle("GET /p/{slug}", s.respond(openLink, s.showPoll))
	mux.Handle("POST /p/{slug}", s.respond(openLink, s.submitPoll))
	mux.Handle("GET /p/{slug}/bedankt", s.respond(openLink, s.thanks))
	mux.Handle("GET /i/{token}", s.respond(invitationLink, s.showPoll))
	mux.Handle("POST /i/{token}", s.respond(invitationLink, s.submitPoll))
	mux.Handle("GET /i/{token}/bedankt", s.respond(invitationLink, s.thanks))
	// The staff's panel pages (panels.go) and the panel on a poll's page
	// (panelinvite.go).
	mux.Handle("GET /panels", s.staffPanels("panels", false, s.panels))
	mux.Handle("GET /panels/{municipality}/leden", s.staffPanels("panelsmembers", false, s.members))
	mux.Handle("GET /panels/{municipality}/leden/{id}", s.staffPanels("panelsmember", false, s.member))
	mux.Handle("GET /panels/{municipality}/leden/{id}/gegevens", s.staffPanels("panelsmember", false, s.downloadMember))
	mux.Handle("GET /panels/{municipality}/leden/{id}/wissen", s.staffPanels("panelserase", false, s.confirmErase))
	mux.Handle("POST /panels/{municipality}/leden/{id}/wissen", s.staffPanels("panelserase", false, s.erase))
	mux.Handle("GET /panels/{municipality}/importeren", s.staffPanels("panelsimport", false, s.importForm))
	mux.Handle("POST /panels/{municipality}/importeren", s.staffPanels("panelsimport", true, s.importMembers))
	mux.Handle("POST /peilingen/{id}"+pollInvitePath, s.staffPolls("polldetail", pageOf, s.invitePanel))
	mux.Handle("POST /peilingen/{id}"+pollRemindPath, s.staffPolls("polldetail", pageOf, s.remindPanel))
	// The residents' panel pages (panelsignup.go): no login. The
	// integrator puts their POSTs behind the rate limit.
	mux.Handle("GET "+signupPath, s.resident(s.signup))
	mux.Handle("POST "+signupPath, s.resident(s.submitSignup))
	mux.Handle("GET "+signupSentPath, s.resident(s.signupSent))
	mux.Handle("GET "+signupPath+"/{municipality}", s.resident(s.signup))
	mux.Handle("POST "+signupPath+"/{municipality}", s.resident(s.submitSignup))
	mux.Handle("GET "+confirmPath+"{token}", s.resident(s.showLink(confirmLink)))
	mux.Handle("POST "+confirmPath+"{token}", s.resident(s.followLink(confirmLink)))
	mux.Handle("GET "+confirmedPath, s.resident(s.linkDone("signup.confirmed")))
	mux.Handle("GET "+unsubscribePath+"{token}", s.resident(s.showLink(unsubscribeLink)))
	mux.Handle("POST "+unsubscribePath+"{token}", s.resident(s.followLink(unsubscribeLink)))
	mux.Handle("GET "+leftPath, s.resident(s.linkDone("signup.left")))
	mux.Handle("GET /static/{file}", http.HandlerFunc(s.assets.serve))
	mux.Handle("/", s.page("notfound", s.notFound))
	// Same-origin checks (Sec-Fetch-Site, Origin) on every unsafe method, so
	// that the workspace's POST forms are safe from cross-site requests
	// without tokens in each form.
	return s.securityHeaders(http.NewCrossOriginProtection().Handler(mux))
}

// securityHeaders sets the headers every response of the site carries. The
// policy allows our own stylesheet and images and nothing else: no scripts,
// no inline styles, no third party, no framing; forms lead to this site and
// the identity provider only. The one page with a script, an open poll's
// live tally, widens it for itself (livePolicy).
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
