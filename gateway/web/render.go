package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are the content templates; each is parsed together with
// templates/layout.html.
var pageNames = []string{
	"start", "accessibility", "privacy", "later", "notfound", "error",
	"agenda", "question", "board", "process", "activity", "council",
	"poll", "pollnotice", "polls", "polldetail",
	"panels", "panelsmembers", "panelsmember", "panelserase", "panelsimport", "signup", "signupnotice",
}

// parsePages parses every page once per language, with that language's
// catalogue bound to the t function, so rendering needs no per-request
// template work.
func parsePages(cats catalogues, a *assets) (map[string]map[string]*template.Template, error) {
	pages := make(map[string]map[string]*template.Template, len(cats))
	for lang, cat := range cats {
		pages[lang] = make(map[string]*template.Template, len(pageNames))
		funcs := template.FuncMap{
			"t":      cat.text,
			"static": a.url,
			"join":   strings.Join,
		}
		for _, name := range pageNames {
			t, err := template.New("layout.html").Funcs(funcs).
				ParseFS(templateFiles, "templates/layout.html", "templates/forms.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("parsing the %s page: %w", name, err)
			}
			pages[lang][name] = t
		}
		builder, err := parseBuilderPages(funcs)
		if err != nil {
			return nil, fmt.Errorf("parsing the poll builder's pages: %w", err)
		}
		maps.Copy(pages[lang], builder)
	}
	return pages, nil
}

// view is what the layout and every page template get.
type view struct {
	Lang     string
	Path     string
	TitleKey string
	// Title, when set, is the page's title as is instead of TitleKey's:
	// a poll's own title.
	Title string
	// Resident marks a page for residents: no staff menu, no login.
	Resident bool
	Nav      []navLink
	// OtherLangs are the language switch's links.
	OtherLangs []langLink
	// User is nil for anonymous visitors.
	User *user
	// RolesMissing says that the user's login came without a usable roles
	// claim, so the page says their roles did not arrive.
	RolesMissing bool
	LoginURL     string
	// Tenant is the tenant the pages work for; Tenants the ones the switcher
	// offers, shown when there are two or more.
	Tenant  tenantView
	Tenants []tenantView
	// TenantRefused reports a switch to a tenant the user has no role in.
	TenantRefused bool
	DevLogin      bool
	APIVersion    string
	ContactEmail  string
	// NoticeKey is a success message to show above the content, e.g.
	// after a form was saved; empty for none.
	NoticeKey string
	// HasErrors marks a page that shows a form with errors: its title says
	// so, which is the first thing a screen reader reads.
	HasErrors bool
	// Wide lets the content use the whole window, for the process board.
	Wide bool
	// Page is the page's own data.
	Page any
}

type navLink struct {
	Key     string
	Path    string
	Current bool
}

type langLink struct {
	Lang string
	Name string
	URL  string
}

type user struct {
	Name  string
	Roles []roleView
}

// roleView is one grant in words, e.g. "Participatieraadslid in Velsen".
type roleView struct {
	RoleKey string
	Tenant  string
}

type tenantView struct {
	Code string
	Name string
}

// handlerFunc fills in a page's own data and may change the status, which
// is 200 by default.
type handlerFunc func(r *http.Request, v *view) (status int)

// page serves a GET or HEAD request with the named template in the layout.
func (s *Site) page(name string, fill handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		v := s.newView(w, r, r.URL.Path)
		status := fill(r, v)
		if v.TenantRefused && status == http.StatusOK {
			status = http.StatusForbidden
		}
		s.render(w, r, name, status, v)
	})
}

// newView gathers what the layout needs: language, navigation, the user and
// their tenants. pagePath is the page the links of the layout (language
// switch, tenant switcher, login) lead back to: the request's path, except
// for a form shown again after a POST to an action's URL.
func (s *Site) newView(w http.ResponseWriter, r *http.Request, pagePath string) *view {
	lang := s.language(w, r)
	link := linkTo(pagePath)
	v := &view{
		Lang:         lang,
		Path:         link,
		DevLogin:     s.cfg.DevLogin,
		APIVersion:   s.cfg.APIVersion,
		ContactEmail: s.cfg.ContactEmail,
		LoginURL:     "/auth/login?returnTo=" + url.QueryEscape(link),
	}
	for _, sec := range sections {
		v.Nav = append(v.Nav, navLink{Key: sec.key, Path: sec.path, Current: sec.path == pagePath})
	}
	// The language switch keeps what the page shows (the agenda's
	// filters, which a form's action URL carries too), but not one-off
	// parts of the URL.
	keep := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "lang" && k != "tenant" && k != doneParam {
			keep[k] = vs
		}
	}
	for _, l := range langs {
		if l != lang {
			keep.Set("lang", l)
			v.OtherLangs = append(v.OtherLangs, langLink{
				Lang: l,
				Name: s.cats[l]["lang.name"],
				URL:  link + "?" + keep.Encode(),
			})
		}
	}

	id, loggedIn := auth.FromContext(r.Context())
	choice := s.chooseTenant(w, r, id, loggedIn)
	v.TenantRefused = choice.refused
	if choice.current != "" {
		v.Tenant = tenantView{Code: choice.current, Name: s.tenantName(choice.current)}
	}
	if len(choice.options) >= 2 {
		for _, t := range choice.options {
			v.Tenants = append(v.Tenants, tenantView{Code: t, Name: s.tenantName(t)})
		}
	}
	if loggedIn {
		v.RolesMissing = identity.RolesMissing(r.Context())
		v.User = &user{Name: id.Name}
		if v.User.Name == "" {
			v.User.Name = id.Subject
		}
		for _, g := range id.Grants {
			if !g.Role.Valid() {
				continue
			}
			tenant := s.tenantName(g.Tenant)
			if g.Tenant == auth.AllTenants {
				tenant = s.cats[lang]["tenant.all"]
			}
			v.User.Roles = append(v.User.Roles, roleView{RoleKey: "role." + string(g.Role), Tenant: tenant})
		}
	}
	return v
}

// linkTo writes a path of this site as a link to it. The path is the
// decoded one, so it is escaped again: a "?" in it would start the query,
// and a leading "//" (what a request for /%2F%2Fhost has, which ServeMux
// does not clean) would make browsers go to another host.
func linkTo(pagePath string) string {
	p := (&url.URL{Path: pagePath}).EscapedPath()
	if strings.HasPrefix(p, "//") {
		p = "/%2F" + p[2:]
	}
	return p
}

// render executes the page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, name string, status int, v *view) {
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
