package web

import (
	"net/http"

	"github.com/meedoen/meedoen/gateway/web/kit"
)

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
	mux.Handle("/{$}", s.kit.Handle(kit.Anyone, "start", s.start))
	mux.Handle("/toegankelijkheid", s.page("accessibility", "a11y.title", nil))
	mux.Handle("/privacy", s.page("privacy", "privacy.title", nil))
	for _, sec := range kit.Sections {
		if sec.Later {
			mux.Handle(sec.Path, s.page("later", sec.Key, laterPage{AboutKey: sec.AboutKey}))
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
