// Package kit is what every page of the web UI stands on: one request
// frame (Handle) that turns a request into a page, the layout and its
// templates, the message catalogues, forms and their errors, the static
// files, the Content-Security-Policy, the tenant switcher, and the names
// of tenants and neighbourhoods the pages show.
//
// The pages themselves live in area packages beside it (workspace, polls,
// respond, panels), which import the kit and never each other;
// gateway/web assembles them into one site. An area registers its
// templates with Parse, serves each page with Handle and a fill function,
// and returns a service's refusal as an error: the kit's one failure path
// (failure.go) turns it into the page a person sees, with the kinds of
// gateway/problem, the table the API answers by as well.
//
// Every text a person reads comes from the catalogues in i18n/, never from
// a template. The stylesheet static/meedoen.css is built by scripts/css.sh
// and committed, so running Meedoen needs no Node.js.
package kit

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/internal/telemetry"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config configures what every page shares. The zero value works.
type Config struct {
	// APIVersion is shown in the footer next to the link to the API's
	// OpenAPI document.
	APIVersion string
	// DevLogin shows the "log in with a demo account" hint for the
	// development identity provider (dev mode).
	DevLogin bool
	// FormActionOrigins returns the origins besides the site's own that
	// forms may lead to (the policy's form-action), asked for each page.
	// Nil allows the site's own origin only.
	FormActionOrigins func() []string
	// TenantNames maps tenant codes (GM0453, ijmond) to display names
	// (Velsen, IJmond); a tenant without a name shows its code. When nil,
	// the names are read from Councils (cache.go).
	TenantNames map[string]string
	// SecureCookies sets the Secure flag on the site's cookies even when a
	// request arrives over plain HTTP, as it does behind a proxy that ends
	// TLS.
	SecureCookies bool
	// ContactEmail is where people report accessibility problems and ask
	// about privacy; empty points them to their municipality instead.
	ContactEmail string
	// Councils is the councils service: the names of regions and
	// municipalities, and a region's municipalities (region.go). Nil
	// leaves tenants by their codes.
	Councils councilsv1.CouncilsServiceClient
	// Panels is the surveys service's panels: the closed list of
	// neighbourhoods (panelattrs.go). Nil leaves neighbourhoods by their
	// codes.
	Panels surveysv1.PanelsServiceClient
}

// Section is one entry of the main navigation.
type Section struct {
	// Key is the catalogue key of its label.
	Key  string
	Path string
	// Later marks a section that is not built yet; gateway/web gives it
	// a placeholder page that says so, with AboutKey's description of
	// what it will hold.
	Later    bool
	AboutKey string
}

// Sections is the main navigation of the layout, in order. The paths are
// Dutch, like the people who bookmark them.
var Sections = []Section{
	{Key: "nav.start", Path: "/"},
	{Key: "nav.agenda", Path: "/agenda"},
	{Key: "nav.processes", Path: "/trajecten"},
	{Key: "nav.focusgroups", Path: "/focusgroepen"},
	{Key: "nav.polls", Path: "/peilingen"},
	{Key: "nav.panels", Path: "/panels"},
	{Key: "nav.advice", Path: "/adviezen"},
	{Key: "nav.council", Path: "/raad"},
}

// Site is the kit of one web UI: its settings, templates, catalogues and
// static files, shared by every area's pages.
type Site struct {
	cfg    Config
	log    *slog.Logger
	dir    *directory      // nil when cfg.TenantNames fixes the names
	hoods  *neighbourhoods // nil without the panels service
	cats   catalogues
	assets *assets
	loc    *time.Location // where times are shown
	// layouts are the layout with its shared templates, per language;
	// pages the layouts with a page's own templates (render.go).
	layouts map[string]*template.Template
	pages   map[string]map[string]*template.Template
}

// New loads the catalogues and static files and parses the layout and the
// kit's own pages. log may be nil.
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
	s := &Site{cfg: cfg, log: log, cats: cats, assets: a, loc: nlgov.Amsterdam()}
	if err := s.parseLayouts(); err != nil {
		return nil, err
	}
	for _, name := range []string{"error", "notfound"} {
		if err := s.Parse(name, templateFiles, "templates/"+name+".html"); err != nil {
			return nil, err
		}
	}
	if cfg.TenantNames == nil && cfg.Councils != nil {
		s.dir = newDirectory(cfg.Councils, log)
	}
	if cfg.Panels != nil {
		s.hoods = newNeighbourhoods(cfg.Panels, log)
	}
	return s, nil
}

// Log is the site's logger.
func (s *Site) Log() *slog.Logger { return s.log }

// Location is where the pages show times: Europe/Amsterdam.
func (s *Site) Location() *time.Location { return s.loc }

// Secure reports whether cookies set in answer to r get the Secure flag:
// whenever the site is reached over TLS.
func (s *Site) Secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

// Handler serves the pages the routes register, the static files, and
// the 404 page for every other path, under the site's security headers.
// It is meant to be mounted at "/".
func (s *Site) Handler(routes ...func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	for _, register := range routes {
		register(mux)
	}
	mux.Handle("GET /static/{file}", http.HandlerFunc(s.assets.serve))
	mux.Handle("/", s.Handle(Anyone, "notfound", func(rq *Request) error {
		rq.View.TitleKey = "notfound.title"
		rq.Status = http.StatusNotFound
		return nil
	}))
	// Same-origin checks (Sec-Fetch-Site, Origin) on every unsafe method,
	// so that the POST forms are safe from cross-site requests without
	// tokens in each form. Telemetry names each request by the pattern
	// of its page.
	return s.securityHeaders(http.NewCrossOriginProtection().Handler(telemetry.RouteOfMux(mux)))
}
