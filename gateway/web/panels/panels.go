// Package panels is the resident panels' pages. For staff: the panels
// of the tenant's municipalities (one for a municipality, one per
// municipality for a region), their members, a member's data with its
// export and erasure, and the import of members from a CSV file. For
// residents: signing up for a municipality's panel, and the links its
// mails carry, to confirm the sign-up and to leave.
//
// Both call the surveys service's panels (Config.Panels): staff with their
// identity, and the service decides who sees what (only some roles see
// addresses); residents with none.
package panels

import (
	"embed"
	"net/http"
	"net/url"
	"slices"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config is what the panel pages need.
type Config struct {
	// Panels is the surveys service's resident panels. Nil makes the
	// pages say that panels are unavailable.
	Panels surveysv1.PanelsServiceClient
}

// Pages serves the panel pages.
type Pages struct {
	kit              *kit.Site
	api              surveysv1.PanelsServiceClient
	staff, residents *kit.Audience
}

//go:embed templates/*.html
var templates embed.FS

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	s := &Pages{
		kit:       k,
		api:       cfg.Panels,
		staff:     &kit.Audience{Visitors: kit.Staff, Service: "panels", Errors: "error."},
		residents: &kit.Audience{Visitors: kit.Residents, Service: "panels", Errors: "error.panel."},
	}
	if cfg.Panels == nil {
		s.staff.Missing = "error.panel.staffUnconfigured"
		s.residents.Missing = "error.panel.unconfigured"
	}
	for _, name := range []string{"panels", "panelsmembers", "panelsmember", "panelserase", "panelsimport", "signup", "signupnotice"} {
		if err := k.Parse(name, templates, "templates/"+name+".html"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes registers the pages on mux. The integrator puts the residents'
// POSTs behind the per-address rate limit, since each sign-up sends a
// mail and each link tries a token.
func (s *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /panels", s.staffPage("panels", s.panels))
	mux.Handle("GET /panels/{municipality}/leden", s.staffPage("panelsmembers", s.members))
	mux.Handle("GET /panels/{municipality}/leden/{id}", s.staffPage("panelsmember", s.member))
	mux.Handle("GET /panels/{municipality}/leden/{id}/gegevens", s.staffPage("panelsmember", s.downloadMember))
	mux.Handle("GET /panels/{municipality}/leden/{id}/wissen", s.staffPage("panelserase", s.confirmErase))
	mux.Handle("POST /panels/{municipality}/leden/{id}/wissen", s.staffPage("panelserase", s.erase))
	mux.Handle("GET /panels/{municipality}/importeren", s.staffPage("panelsimport", s.importForm))
	mux.Handle("POST /panels/{municipality}/importeren", s.staffPage("panelsimport", s.importMembers, kit.Upload(maxImportBytes, maxImportMemory)))

	mux.Handle("GET "+signupPath, s.residentPage(s.signup))
	mux.Handle("POST "+signupPath, s.residentPage(s.submitSignup))
	mux.Handle("GET "+signupSentPath, s.residentPage(s.signupSent))
	mux.Handle("GET "+signupPath+"/{municipality}", s.residentPage(s.signup))
	mux.Handle("POST "+signupPath+"/{municipality}", s.residentPage(s.submitSignup))
	mux.Handle("GET "+confirmPath+"{token}", s.residentPage(s.showLink(confirmLink)))
	mux.Handle("POST "+confirmPath+"{token}", s.residentPage(s.followLink(confirmLink)))
	mux.Handle("GET "+confirmedPath, s.residentPage(s.linkDone("signup.confirmed")))
	mux.Handle("GET "+unsubscribePath+"{token}", s.residentPage(s.showLink(unsubscribeLink)))
	mux.Handle("POST "+unsubscribePath+"{token}", s.residentPage(s.followLink(unsubscribeLink)))
	mux.Handle("GET "+leftPath, s.residentPage(s.linkDone("signup.left")))
}

// panelWork is one request to a staff panel page.
type panelWork struct {
	*kit.Request
	api surveysv1.PanelsServiceClient
}

// staffPage serves a staff panel page with the named template.
func (s *Pages) staffPage(name string, h func(pw *panelWork) error, opts ...kit.Option) http.Handler {
	return s.kit.Handle(s.staff, name, func(rq *kit.Request) error {
		return h(&panelWork{Request: rq, api: s.api})
	}, opts...)
}

// mayKeep reports whether the person may keep the panel of municipality.
func (pw *panelWork) mayKeep(municipality string) bool {
	return pw.ID.Has(municipality, auth.PanelKeepers...)
}

// municipalities are the municipalities whose panels the tenant has: the
// tenant itself, or a region's municipalities as the councils service
// lists them.
func (s *Pages) municipalities(pw *panelWork) ([]kit.Place, error) {
	if kit.IsMunicipality(pw.Tenant) {
		return []kit.Place{{Code: pw.Tenant, Name: s.kit.TenantName(pw.Tenant)}}, nil
	}
	g, err := s.kit.Region(pw.Context(), pw.Tenant)
	if err != nil {
		return nil, err
	}
	return g.Municipalities, nil
}

// panelOf is the municipality the URL names, which must be one of the
// tenant's: the switcher chose where the person works.
func (s *Pages) panelOf(pw *panelWork) (kit.Place, error) {
	code := pw.R.PathValue("municipality")
	if !kit.IsMunicipality(code) {
		return kit.Place{}, problem.Error(problem.NotFound, "no municipality")
	}
	ms, err := s.municipalities(pw)
	if err != nil {
		return kit.Place{}, err
	}
	i := slices.IndexFunc(ms, func(m kit.Place) bool { return m.Code == code })
	if i < 0 {
		return kit.Place{}, problem.Error(problem.NotFound, "a municipality of another tenant")
	}
	return ms[i], nil
}

// panelURL is the address of a page of municipality's panel.
func panelURL(municipality string, parts ...string) string {
	p := "/panels/" + url.PathEscape(municipality)
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p
}

// panelDone shows the success message a redirect asks for.
func (pw *panelWork) panelDone() { pw.Done("done.panel.", panelDoneKeys...) }

// panelDoneKeys are the panel pages' success messages, each
// "done.panel.<key>" in the catalogue.
var panelDoneKeys = []string{"gewist"}
