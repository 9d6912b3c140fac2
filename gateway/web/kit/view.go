package kit

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/internal/auth"
)

// View is what the layout and every page template get.
type View struct {
	Lang     string
	Path     string
	TitleKey string
	// Title, when set, is the page's title as is instead of TitleKey's:
	// a poll's own title.
	Title string
	// Subject names what the page is about after TitleKey's words
	// ("Traject: Regionale minimaregelingen"): a process, a poll, the
	// tenant whose agenda it is. Every page with a subject names it, so
	// that tabs, bookmarks and a screen reader's first words tell pages
	// apart.
	Subject string
	// Resident marks a page for residents: no staff menu, no login.
	Resident bool
	// OfferLogin keeps the login button on a resident's page: the start
	// page, where staff arrive too.
	OfferLogin bool
	Nav        []navLink
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

// newView gathers what the layout needs: language, navigation, the user and
// their tenants. pagePath is the page the links of the layout (language
// switch, tenant switcher, login) lead back to: the request's path, except
// for a form shown again after a POST to an action's URL.
func (s *Site) newView(w http.ResponseWriter, r *http.Request, pagePath string) *View {
	lang := s.language(w, r)
	link := LinkTo(pagePath)
	v := &View{
		Lang:         lang,
		Path:         link,
		DevLogin:     s.cfg.DevLogin,
		APIVersion:   s.cfg.APIVersion,
		ContactEmail: s.cfg.ContactEmail,
		LoginURL:     "/auth/login?returnTo=" + url.QueryEscape(link),
	}
	for _, sec := range Sections {
		v.Nav = append(v.Nav, navLink{Key: sec.Key, Path: sec.Path, Current: sec.Path == pagePath})
	}
	// The language switch keeps what the page shows (the agenda's
	// filters, which a form's action URL carries too), but not one-off
	// parts of the URL.
	keep := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "lang" && k != "tenant" && k != DoneParam {
			keep[k] = vs
		}
	}
	for _, l := range Langs {
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
		v.Tenant = tenantView{Code: choice.current, Name: s.TenantName(choice.current)}
	}
	if len(choice.options) >= 2 {
		for _, t := range choice.options {
			v.Tenants = append(v.Tenants, tenantView{Code: t, Name: s.TenantName(t)})
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
			tenant := s.TenantName(g.Tenant)
			if g.Tenant == auth.AllTenants {
				tenant = s.cats[lang]["tenant.all"]
			}
			v.User.Roles = append(v.User.Roles, roleView{RoleKey: "role." + string(g.Role), Tenant: tenant})
		}
	}
	return v
}

// LinkTo writes a path of this site as a link to it. The path is the
// decoded one, so it is escaped again: a "?" in it would start the query,
// and a leading "//" (what a request for /%2F%2Fhost has, which ServeMux
// does not clean) would make browsers go to another host.
func LinkTo(pagePath string) string {
	p := (&url.URL{Path: pagePath}).EscapedPath()
	if strings.HasPrefix(p, "//") {
		p = "/%2F" + p[2:]
	}
	return p
}

// PageOf is the page a POST to an action URL belongs to, with the query
// the form carried (the agenda's filters).
func PageOf(r *http.Request) string {
	p := path.Dir(r.URL.Path)
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

// DoneParam carries a success message across a redirect.
const DoneParam = "gelukt"

// Done shows the success message a redirect asks for (?gelukt=...), when
// it is one of keys: the catalogue's prefix + key. Only the site's own
// messages are shown.
func (rq *Request) Done(prefix string, keys ...string) {
	if k := rq.R.URL.Query().Get(DoneParam); slices.Contains(keys, k) {
		rq.View.NoticeKey = prefix + k
	}
}

// WithDone adds the success message key to a page's URL.
func WithDone(page, key string) string {
	u, err := url.Parse(page)
	if err != nil {
		return page
	}
	q := u.Query()
	q.Set(DoneParam, key)
	u.RawQuery = q.Encode()
	return u.String()
}
