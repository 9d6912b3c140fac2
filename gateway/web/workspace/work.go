// Package workspace is the council workspace: the staff's pages that read
// and change the councils service (Config.Councils), always for the tenant
// chosen in the switcher and always with the caller's own identity (the
// request context), so the service applies the same authorisation as over
// REST: the agenda and its questions, the processes on their board and
// each process's page with its phases and field activities, and the
// council's roster. The pages hide forms a person's roles do not allow,
// but only as a courtesy: the service decides. Forms post back and
// redirect (Post/Redirect/Get), or show the service's objections next to
// the fields.
package workspace

import (
	"embed"
	"net/http"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config is what the workspace needs.
type Config struct {
	// Councils is the councils service. The pages call it with each
	// request's context, which carries the caller's identity; the
	// connection must turn that into the service's credentials. Nil makes
	// the pages say that the service is unavailable.
	Councils councilsv1.CouncilsServiceClient
	// Surveys is the surveys service, which gives a process's polls their
	// titles and the counts so far of open ones. Nil lists a process's
	// polls as the councils service knows them, named by form.
	Surveys surveysv1.SurveysServiceClient
	// FocusGroups is the focus groups service, which lists a process's
	// groups on its page. Nil leaves them out.
	FocusGroups focusgroupsv1.FocusGroupsServiceClient
}

// Pages serves the council workspace.
type Pages struct {
	kit     *kit.Site
	api     councilsv1.CouncilsServiceClient
	surveys surveysv1.SurveysServiceClient
	groups  focusgroupsv1.FocusGroupsServiceClient
	staff   *kit.Audience
}

//go:embed templates/*.html
var templates embed.FS

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	s := &Pages{kit: k, api: cfg.Councils, surveys: cfg.Surveys, groups: cfg.FocusGroups, staff: &kit.Audience{Visitors: kit.Staff, Service: "councils", Errors: "error."}}
	if cfg.Councils == nil {
		s.staff.Missing = "error.unconfigured"
	}
	for _, name := range []string{"agenda", "question", "board", "process", "activity", "council"} {
		if err := k.Parse(name, templates, "templates/"+name+".html"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes registers the pages on mux. Forms post to the page they are on,
// or to an action under it; every POST ends in a redirect
// (Post/Redirect/Get), or shows its page again with what the service
// objected to.
func (s *Pages) Routes(mux *http.ServeMux) {
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
}

// work is one request to a workspace page.
type work struct {
	*kit.Request
	api councilsv1.CouncilsServiceClient

	region *kit.Region       // the tenant's region, loaded on first use
	themes map[string]string // theme key → name in the page's language, loaded on first use
}

// work serves a workspace page that people reach by its own URL.
func (s *Pages) work(name string, h func(wk *work) error, opts ...kit.Option) http.Handler {
	return s.kit.Handle(s.staff, name, func(rq *kit.Request) error {
		return h(&work{Request: rq, api: s.api})
	}, opts...)
}

// act serves a POST that acts on the page one level up (POST
// /trajecten/{id}/fase acts on /trajecten/{id}); on errors the handler
// shows that page again.
func (s *Pages) act(name string, h func(wk *work) error) http.Handler {
	return s.work(name, h, kit.Action())
}

// loadRegion finds the tenant's region and its municipalities
// (kit.Site.Region), once per request.
func (wk *work) loadRegion(s *Pages) (*kit.Region, error) {
	if wk.region == nil {
		g, err := s.kit.Region(wk.Context(), wk.Tenant)
		if err != nil {
			return nil, err
		}
		wk.region = g
	}
	return wk.region, nil
}

func nameOr(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

// loadThemes loads the theme names in the page's language.
func (wk *work) loadThemes() ([]kit.Choice, error) {
	resp, err := wk.api.ListThemes(wk.Context(), &councilsv1.ListThemesRequest{})
	if err != nil {
		return nil, err
	}
	wk.themes = map[string]string{}
	var opts []kit.Choice
	for _, th := range resp.GetThemes() {
		name := th.GetNameNl()
		if wk.View.Lang == "en" && th.GetNameEn() != "" {
			name = th.GetNameEn()
		}
		if name == "" {
			name = th.GetKey()
		}
		wk.themes[th.GetKey()] = name
		opts = append(opts, kit.Choice{Value: th.GetKey(), Label: name})
	}
	slices.SortFunc(opts, func(a, b kit.Choice) int { return strings.Compare(a.Label, b.Label) })
	return opts, nil
}

// themeName is a theme's name, or its key when the service did not list it.
func (wk *work) themeName(key string) string { return nameOr(wk.themes, key) }

// scopeView is a question's or process's scope in words.
type scopeView struct {
	Regional bool
	// Tenant names the municipality of local work, or the region.
	Tenant string
	// Participants names the participating municipalities of regional
	// work, by name.
	Participants []string
}

func (wk *work) scopeView(a *kit.Region, sc *councilsv1.Scope) scopeView {
	v := scopeView{
		Regional: len(sc.GetParticipatingMunicipalities()) > 0,
		Tenant:   a.NameOf(sc.GetTenant()),
	}
	for _, m := range sc.GetParticipatingMunicipalities() {
		v.Participants = append(v.Participants, a.NameOf(m))
	}
	slices.Sort(v.Participants)
	return v
}

// mayWork reports whether the person may do the council's work in sc, as
// the service decides it (auth.Identity.CanWork), so that a page offers
// only forms the service will accept; the service decides again.
func (wk *work) mayWork(sc *councilsv1.Scope) bool { return wk.ID.CanWork(scopeOf(sc)) }

// mayDecide reports whether the person may decide for the council(s) of
// sc (auth.Identity.CanDecide).
func (wk *work) mayDecide(sc *councilsv1.Scope) bool { return wk.ID.CanDecide(scopeOf(sc)) }

func scopeOf(sc *councilsv1.Scope) auth.Scope {
	return auth.Scope{Tenant: sc.GetTenant(), Participants: sc.GetParticipatingMunicipalities()}
}

// done shows the success message a redirect asks for.
func (wk *work) done() { wk.Done("done.", doneKeys...) }

// doneKeys are the success messages, each "done.<key>" in the catalogue.
var doneKeys = []string{"vraag", "aangenomen", "afgewezen", "traject", "bijgewerkt", "fase", "veldactiviteit"}
