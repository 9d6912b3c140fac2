// Package results is the public pages of what came of residents' input:
// the processes whose advice was sent (/resultaten), one process's page
// "Wat is er met je inbreng gedaan?" with the question, how residents
// took part, what they said, the advice, each municipality's response
// and the final report (/resultaten/{process id}), and the evaluation
// dashboard with the region's figures, its charts and their data tables
// (/resultaten/evaluatie).
//
// The pages are for everyone: no login, no staff menu, and they call the
// results service with no identity. The service decides what is public
// (a process without a sent advice does not exist for them; quotes only
// where consent allows; small counts hidden); the pages only show what it
// returns, hidden counts as hidden and never as 0.
package results

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Config is what the results pages need.
type Config struct {
	// Results is the results service's public side. Nil makes the pages
	// say that results are unavailable.
	Results resultsv1.ResultsServiceClient
	// Files draws the evaluation charts. Nil leaves the charts out; their
	// data tables stay.
	Files resultsv1.FilesServiceClient
}

// Pages serves the results pages.
type Pages struct {
	kit *kit.Site
	cfg Config
	aud *kit.Audience
}

//go:embed templates/*.html
var templates embed.FS

// pageNames are the templates, each a page of its own beside the shared
// parts.
var pageNames = []string{"list", "process", "evaluation"}

// pagePrefix keeps the pages' names apart from the other areas' in the
// site's one set of pages.
const pagePrefix = "results/"

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	p := &Pages{
		kit: k,
		cfg: cfg,
		aud: &kit.Audience{Visitors: kit.Residents, Service: "results", Errors: "results.error."},
	}
	if cfg.Results == nil {
		p.aud.Missing = "results.error.unconfigured"
	}
	for _, name := range pageNames {
		err := k.ParseWith(pagePrefix+name, func(layout *template.Template) (*template.Template, error) {
			return layout.ParseFS(templates, "templates/parts.html", "templates/"+name+".html")
		})
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Routes registers the pages on mux. The dashboard's path is more
// specific than a process's, so it wins.
func (p *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /resultaten", p.page("list", p.list))
	mux.Handle("GET /resultaten/evaluatie", p.page("evaluation", p.evaluation))
	mux.Handle("GET /resultaten/{id}", p.page("process", p.process))
}

// visit is one request to a results page.
type visit struct {
	*kit.Request
	api resultsv1.ResultsServiceClient
	fmt numbers
}

// page serves a results page.
func (p *Pages) page(name string, h func(v *visit) error) http.Handler {
	return p.kit.Handle(p.aud, pagePrefix+name, func(rq *kit.Request) error {
		return h(&visit{Request: rq, api: p.cfg.Results, fmt: newNumbers(rq.Words)})
	})
}

// Paths of the pages.
const (
	listPath       = "/resultaten"
	evaluationPath = "/resultaten/evaluatie"
)

func processURL(id string) string { return listPath + "/" + url.PathEscape(id) }
