package web

import (
	"net/http"

	"github.com/meedoen/meedoen/gateway/web/kit"
)

// section is one entry of the main navigation.
type section struct {
	key  string // catalogue key of its label
	path string
	// later marks a section that is not built yet; it gets a placeholder
	// page that says so.
	later bool
	// aboutKey describes what the section will hold, on its placeholder.
	aboutKey string
}

// sections is the main navigation, in order. The paths are Dutch, like the
// people who bookmark them.
var sections = []section{
	{key: "nav.start", path: "/"},
	{key: "nav.agenda", path: "/agenda"},
	{key: "nav.processes", path: "/trajecten"},
	{key: "nav.focusgroups", path: "/focusgroepen", later: true, aboutKey: "later.focusgroups"},
	{key: "nav.polls", path: "/peilingen"},
	{key: "nav.panels", path: "/panels"},
	{key: "nav.advice", path: "/adviezen", later: true, aboutKey: "later.advice"},
	{key: "nav.council", path: "/raad"},
}

// navigation is the main navigation as the kit's layout shows it.
func navigation() []kit.Section {
	out := make([]kit.Section, len(sections))
	for i, sec := range sections {
		out[i] = kit.Section{Key: sec.key, Path: sec.path}
	}
	return out
}

// parsePages parses the informational pages.
func (s *Site) parsePages() error {
	for _, name := range []string{"start", "accessibility", "privacy", "later"} {
		if err := s.kit.Parse(name, templates, "templates/"+name+".html"); err != nil {
			return err
		}
	}
	return nil
}

// routes registers the informational pages: the start page, the
// accessibility and privacy statements, and the placeholders of sections
// not built yet.
func (s *Site) routes(mux *http.ServeMux) {
	mux.Handle("/{$}", s.page("start", "start.title", nil))
	mux.Handle("/toegankelijkheid", s.page("accessibility", "a11y.title", nil))
	mux.Handle("/privacy", s.page("privacy", "privacy.title", nil))
	for _, sec := range sections {
		if sec.later {
			mux.Handle(sec.path, s.page("later", sec.key, laterPage{AboutKey: sec.aboutKey}))
		}
	}
}

// page serves an informational page: its template, its title and its
// data.
func (s *Site) page(name, titleKey string, data any) http.Handler {
	return s.kit.Handle(kit.Anyone, name, func(rq *kit.Request) error {
		rq.View.TitleKey = titleKey
		rq.View.Page = data
		return nil
	})
}

// laterPage is the placeholder's data.
type laterPage struct {
	AboutKey string
}
