package kit

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

// parseLayouts parses the layout and the shared form templates once per
// language, with that language's catalogue bound to the t function, so
// rendering needs no per-request template work.
func (s *Site) parseLayouts() error {
	s.layouts = make(map[string]*template.Template, len(s.cats))
	s.pages = make(map[string]map[string]*template.Template, len(s.cats))
	for lang, cat := range s.cats {
		funcs := template.FuncMap{
			"t": cat.Text,
			// ta is t with its arguments as one list (FieldError.Args).
			"ta":     func(key string, args []any) (string, error) { return cat.Text(key, args...) },
			"static": s.assets.url,
			"join":   strings.Join,
			"lang":   func() string { return lang },
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/forms.html")
		if err != nil {
			return fmt.Errorf("parsing the layout: %w", err)
		}
		s.layouts[lang] = t
		s.pages[lang] = map[string]*template.Template{}
	}
	return nil
}

// Parse adds the page name: in each language, the layout with the files
// of fsys, which define its "content" (and "title", when it has one).
func (s *Site) Parse(name string, fsys fs.FS, files ...string) error {
	return s.ParseWith(name, func(layout *template.Template) (*template.Template, error) {
		return layout.ParseFS(fsys, files...)
	})
}

// ParseWith adds the page name as build makes it from a copy of the
// layout, once per language: for a page made of another's templates.
func (s *Site) ParseWith(name string, build func(layout *template.Template) (*template.Template, error)) error {
	for lang := range s.layouts {
		if _, taken := s.pages[lang][name]; taken {
			// Two areas' pages of one name would show one area's page
			// with the other's data.
			return fmt.Errorf("the %s page is parsed twice: give an area's pages a prefix of its own", name)
		}
	}
	for lang, layout := range s.layouts {
		c, err := layout.Clone()
		if err != nil {
			return err
		}
		t, err := build(c)
		if err != nil {
			return fmt.Errorf("parsing the %s page: %w", name, err)
		}
		s.pages[lang][name] = t
	}
	return nil
}

// render executes the page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, name string, status int, v *View) {
	var b bytes.Buffer
	err := fmt.Errorf("no template %q for language %q", name, v.Lang)
	if t, ok := s.pages[v.Lang][name]; ok {
		err = t.Execute(&b, v)
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "rendering a page", "page", name, "lang", v.Lang, "err", err)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", v.Lang)
	// Pages show who is logged in and their tenant: never cache them.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
}

// Execute renders the template tmpl of the page in lang with data: a part
// of a page on its own, such as the live tally's fragment.
func (s *Site) Execute(w io.Writer, lang, page, tmpl string, data any) error {
	t, ok := s.pages[lang][page]
	if !ok {
		return fmt.Errorf("no template %q for language %q", page, lang)
	}
	return t.ExecuteTemplate(w, tmpl, data)
}
