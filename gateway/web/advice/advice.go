// Package advice is the staff's pages of the council's advice (adviezen)
// and the municipalities' responses to it: for the council its advice
// with their status and the deadlines of the responses, writing an advice
// and its versions (with a preview of the document as it will read),
// adopting and sending it, each confirmed on a page of its own, the
// tracker of each addressed municipality's response and asking for a
// revised one; for the municipality's policy officers their inbox, the
// advice, acknowledging receipt, assigning who prepares the response,
// recording the executive's decision per recommendation, and their
// municipality's response settings.
//
// The pages call the results service with the person's identity, which
// the service authorises; they offer only what the person's roles allow
// (auth.Identity's CanWork and CanDecide, the service's own answers) and
// show every refusal the person can still meet in Dutch.
package advice

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Config is what the advice pages need.
type Config struct {
	// Advice is the results service's advice side. Nil makes the pages
	// say that advice is unavailable.
	Advice resultsv1.AdviceServiceClient
	// Councils is the councils service, whose processes an advice is
	// for. Nil offers no process to write an advice for.
	Councils councilsv1.CouncilsServiceClient
}

// Pages serves the advice pages.
type Pages struct {
	kit   *kit.Site
	cfg   Config
	staff *kit.Audience
}

//go:embed templates/*.html
var templates embed.FS

// pageNames are the templates, each a page of its own beside the shared
// fields and the document.
var pageNames = []string{
	"list", "choose", "editor", "advice", "versions", "version", "confirm",
	"response", "assign", "respond", "settings",
}

// pagePrefix keeps the pages' names apart from the other areas' in the
// site's one set of pages.
const pagePrefix = "advice/"

// funcs are the pages' own template functions.
var funcs = template.FuncMap{
	// fact pairs a label with its value for the "adv-fact" template.
	"fact": func(key, value string) [2]string { return [2]string{key, value} },
}

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	s := &Pages{
		kit:   k,
		cfg:   cfg,
		staff: &kit.Audience{Visitors: kit.Staff, Service: "results", Errors: "error."},
	}
	if cfg.Advice == nil {
		s.staff.Missing = "advice.unconfigured"
	}
	for _, name := range pageNames {
		err := k.ParseWith(pagePrefix+name, func(layout *template.Template) (*template.Template, error) {
			return layout.Funcs(funcs).ParseFS(templates, "templates/fields.html", "templates/document.html", "templates/"+name+".html")
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes registers the pages on mux, under /adviezen: the path the
// service's mails link an advice with.
func (s *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /adviezen", s.page("list", s.list))
	mux.Handle("GET /adviezen/nieuw", s.page("editor", s.newAdvice))
	mux.Handle("POST /adviezen/nieuw", s.page("editor", s.createAdvice))
	mux.Handle("GET /adviezen/instellingen", s.page("settings", s.settings))
	mux.Handle("POST /adviezen/instellingen", s.page("settings", s.saveSettings))
	mux.Handle("GET /adviezen/{id}", s.page("advice", s.advice))
	mux.Handle("GET /adviezen/{id}/versies", s.page("versions", s.versions))
	mux.Handle("GET /adviezen/{id}/versies/nieuw", s.page("editor", s.newVersion))
	mux.Handle("POST /adviezen/{id}/versies/nieuw", s.page("editor", s.createVersion))
	mux.Handle("GET /adviezen/{id}/versies/{n}", s.page("version", s.version))
	mux.Handle("GET /adviezen/{id}/vaststellen", s.page("confirm", s.adoptForm))
	mux.Handle("POST /adviezen/{id}/vaststellen", s.page("confirm", s.adopt))
	mux.Handle("GET /adviezen/{id}/verzenden", s.page("confirm", s.sendForm))
	mux.Handle("POST /adviezen/{id}/verzenden", s.page("confirm", s.send))
	mux.Handle("GET /adviezen/{id}/reacties/{gm}", s.page("response", s.response))
	mux.Handle("POST /adviezen/{id}/reacties/{gm}/ontvangst", s.page("response", s.acknowledge))
	mux.Handle("GET /adviezen/{id}/reacties/{gm}/eigenaar", s.page("assign", s.assignForm))
	mux.Handle("POST /adviezen/{id}/reacties/{gm}/eigenaar", s.page("assign", s.assign))
	mux.Handle("GET /adviezen/{id}/reacties/{gm}/beantwoorden", s.page("respond", s.respondForm))
	mux.Handle("POST /adviezen/{id}/reacties/{gm}/beantwoorden", s.page("respond", s.respond))
	mux.Handle("GET /adviezen/{id}/reacties/{gm}/herziening", s.page("confirm", s.revisionForm))
	mux.Handle("POST /adviezen/{id}/reacties/{gm}/herziening", s.page("confirm", s.requestRevision))
}

// work is one request to a page.
type work struct {
	*kit.Request
	api resultsv1.AdviceServiceClient
}

// page serves a page.
func (s *Pages) page(name string, h func(wk *work) error) http.Handler {
	return s.kit.Handle(s.staff, pagePrefix+name, func(rq *kit.Request) error {
		return h(&work{Request: rq, api: s.cfg.Advice})
	})
}

// scopeOf is whose an advice's work is: its process's municipality, or
// a region with the addressed municipalities taking part. The service
// decides with the same scope (auth.Scope), so that a page offers what
// the service allows.
func scopeOf(a *resultsv1.Advice) auth.Scope {
	sc := auth.Scope{Tenant: a.GetTenant()}
	if ms := a.GetAddressees(); len(ms) != 1 || ms[0] != a.GetTenant() {
		sc.Participants = ms
	}
	return sc
}

// mayWrite reports whether the person may write versions of a.
func (wk *work) mayWrite(a *resultsv1.Advice) bool { return wk.ID.CanWork(scopeOf(a)) }

// mayDecide reports whether the person may adopt and send a and ask for
// a revised response: its council's chair or secretary.
func (wk *work) mayDecide(a *resultsv1.Advice) bool { return wk.ID.CanDecide(scopeOf(a)) }

// mayRespond reports whether the person gives municipality's responses:
// one of its policy officers.
func (wk *work) mayRespond(municipality string) bool {
	return wk.ID.Has(municipality, auth.PolicyOfficer)
}

// Paths of the pages.
func adviceURL(id string) string { return "/adviezen/" + url.PathEscape(id) }

func versionURL(id string, n int32) string {
	return adviceURL(id) + "/versies/" + strconv.Itoa(int(n))
}

func responseURL(id, municipality string) string {
	return adviceURL(id) + "/reacties/" + url.PathEscape(municipality)
}

// documentURL is the download of an advice's document (the files
// service's): format pdf or html, version n, 0 for the one sent last.
func documentURL(id string, n int32, format string) string {
	q := url.Values{"format": {format}}
	if n > 0 {
		q.Set("number", strconv.Itoa(int(n)))
	}
	return "/api/v1/advices/" + url.PathEscape(id) + "/document?" + q.Encode()
}
