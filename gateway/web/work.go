package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/nlgov"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// The council workspace: pages for staff that read and change the councils
// service through Config.Councils, always for the tenant chosen in the
// switcher and always with the caller's own identity (the request context),
// so the service applies the same authorisation as over REST. The pages
// hide forms a person's roles do not allow, but only as a courtesy: the
// service decides.

// work is one request to a workspace page.
type work struct {
	r      *http.Request
	v      *view
	id     auth.Identity
	tenant string
	api    councilsv1.CouncilsServiceClient
	words  words

	// status is the response's status: 200 unless the handler sets another.
	status int
	// redirect, when set, ends the request with 303 See Other to it: the
	// "redirect" of Post/Redirect/Get.
	redirect string

	area   *area             // the tenant's region, loaded on first use
	themes map[string]string // theme key → name in the page's language, loaded on first use
}

// workFunc fills in a workspace page, or fails; a failed call to the
// service becomes the error page that fits its status.
type workFunc func(wk *work) error

// work serves a workspace page that people reach by its own URL: anonymous
// visitors are sent to log in and come back to it.
func (s *Site) work(name string, h workFunc) http.Handler {
	return s.workspace(name, func(r *http.Request) string { return r.URL.RequestURI() }, h)
}

// act serves a POST that acts on the page one level up (POST
// /trajecten/{id}/fase acts on /trajecten/{id}); on errors the handler shows
// that page again, and anonymous visitors come back to it after logging in.
func (s *Site) act(name string, h workFunc) http.Handler {
	return s.workspace(name, func(r *http.Request) string { return pageOf(r) }, h)
}

// pageOf is the page a POST to an action URL belongs to, with the query
// the form carried (the agenda's filters).
func pageOf(r *http.Request) string {
	p := path.Dir(r.URL.Path)
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

// workspace serves a workspace page with the named template: it sends
// anonymous visitors to log in (back is where they return to), needs a
// tenant and the service, and turns the handler's outcome into a page, a
// redirect or an error page.
func (s *Site) workspace(name string, back func(*http.Request) string, h workFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := auth.FromContext(r.Context())
		if !ok {
			s.loginFirst(w, r, back(r))
			return
		}
		pagePath := r.URL.Path
		if r.Method == http.MethodPost {
			// A form shown again after an error belongs to the page it
			// was sent from: the language switch and the tenant switcher
			// must lead there, not to the action's URL.
			pagePath, _, _ = strings.Cut(back(r), "?")
		}
		v := s.newView(w, r, pagePath)
		if v.Tenant.Code == "" {
			s.renderError(w, r, v, http.StatusForbidden, "error.notenant")
			return
		}
		if r.Method == http.MethodPost {
			if err := parseForm(w, r); err != nil {
				s.renderError(w, r, v, http.StatusBadRequest, "error.badform")
				return
			}
		}
		if s.cfg.Councils == nil {
			s.renderError(w, r, v, http.StatusServiceUnavailable, "error.unconfigured")
			return
		}
		wk := &work{
			r: r, v: v, id: id, tenant: v.Tenant.Code, api: s.cfg.Councils,
			words: s.words(v.Lang), status: http.StatusOK,
		}
		if err := h(wk); err != nil {
			s.fail(w, r, v, err)
			return
		}
		if wk.redirect != "" {
			http.Redirect(w, r, wk.redirect, http.StatusSeeOther)
			return
		}
		if v.TenantRefused && wk.status == http.StatusOK {
			wk.status = http.StatusForbidden
		}
		s.render(w, r, name, wk.status, v)
	})
}

// fail shows the error page for a call to the service that failed: the
// service's own message never reaches the page, since it may say more than
// a person should see (an internal error's details) or be in English.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	code := status.Code(err)
	switch code {
	case codes.NotFound:
		v.TitleKey = "notfound.title"
		v.Page = nil
		s.render(w, r, "notfound", http.StatusNotFound, v)
	case codes.PermissionDenied:
		s.renderError(w, r, v, http.StatusForbidden, "error.forbidden")
	case codes.Unavailable, codes.DeadlineExceeded:
		s.log.WarnContext(r.Context(), "councils service unavailable", "path", r.URL.Path, "err", err)
		s.renderError(w, r, v, http.StatusServiceUnavailable, "error.unavailable")
	case codes.InvalidArgument, codes.OutOfRange:
		// What the page passed on from the request itself (a filter, a
		// cursor, a path) and no form shows again: the visitor's doing,
		// not ours.
		s.log.DebugContext(r.Context(), "the service refused the request", "path", r.URL.Path, "err", err)
		s.renderError(w, r, v, http.StatusBadRequest, "error.badform")
	default:
		if errors.Is(err, context.Canceled) || code == codes.Canceled {
			// The person left; there is no one to show a page to.
			s.log.DebugContext(r.Context(), "request canceled", "path", r.URL.Path)
		} else {
			s.log.ErrorContext(r.Context(), "calling a service", "path", r.URL.Path, "code", code.String(), "err", err)
		}
		s.renderError(w, r, v, http.StatusInternalServerError, "error.internal")
	}
}

// errorPage is the data of the error page: the catalogue prefix of its
// title, heading and text.
type errorPage struct {
	Key string
	// LoginURL, when set, offers to log in and come back.
	LoginURL string
}

// loginFirst answers a staff page asked for without a login. A GET goes to
// log in and comes back to back. A form sent after the session ended gets
// a page that says so, with a way to log in: what the form carried is lost
// either way, and sending it on to the identity provider would lose it
// without a word.
func (s *Site) loginFirst(w http.ResponseWriter, r *http.Request, back string) {
	login := "/auth/login?returnTo=" + url.QueryEscape(back)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, login, http.StatusSeeOther)
		return
	}
	pagePath, _, _ := strings.Cut(back, "?")
	v := s.newView(w, r, pagePath)
	v.TitleKey = "error.session.title"
	v.Page = errorPage{Key: "error.session", LoginURL: login}
	// A 401 names a way to authenticate (RFC 9110 section 11.6.1); the
	// page's link is the one a person takes.
	w.Header().Set("WWW-Authenticate", `Bearer realm="meedoen"`)
	s.render(w, r, "error", http.StatusUnauthorized, v)
}

func (s *Site) renderError(w http.ResponseWriter, r *http.Request, v *view, status int, key string) {
	v.TitleKey = key + ".title"
	v.NoticeKey = ""
	v.Page = errorPage{Key: key}
	s.render(w, r, "error", status, v)
}

// formStatus is the status of a page that shows a submitted form again with
// the service's objections: 422 for input the service refused, 409 for a
// request that does not fit the current state (a gate, a decided question).
func formStatus(err error) int {
	switch status.Code(err) {
	case codes.FailedPrecondition, codes.AlreadyExists, codes.Aborted:
		return http.StatusConflict
	default:
		return http.StatusUnprocessableEntity
	}
}

// changedMeanwhile reports the service's refusal of a save based on an
// older read of what it changes: someone else saved it since (errs.Stale,
// which reaches the web as Aborted).
func changedMeanwhile(err error) bool { return status.Code(err) == codes.Aborted }

// isFormError reports whether err is the service's answer to the input,
// which belongs next to the form, rather than a failure for an error page.
func isFormError(err error) bool {
	switch status.Code(err) {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.AlreadyExists, codes.Aborted, codes.OutOfRange:
		return true
	}
	return false
}

// ctx is the request's context, which carries the identity the service
// authorises with.
func (wk *work) ctx() context.Context { return wk.r.Context() }

// isMunicipality reports whether a tenant is a municipality (else it is a
// region).
func isMunicipality(tenant string) bool { return nlgov.IsMunicipalityCode(tenant) }

// area is the region of the current tenant with its municipalities: the
// choices for regional work and the names to show for codes.
type area struct {
	regionID   string
	regionName string
	// municipalities of the region, by name.
	municipalities []place
	names          map[string]string // code → name, regions included
}

// place is a municipality or region by code and name.
type place struct {
	Code string
	Name string
}

// loadArea finds the tenant's region and its municipalities. A tenant the
// service does not know (yet) is no error here: the page shows codes where
// it lacks names, and the service answers for the work itself.
func (wk *work) loadArea(s *Site) (*area, error) {
	if wk.area != nil {
		return wk.area, nil
	}
	ctx := wk.ctx()
	a := &area{names: copyNames(s.tenantNames(ctx))}
	a.regionID = wk.tenant
	if isMunicipality(wk.tenant) {
		m, err := wk.api.GetMunicipality(ctx, &councilsv1.GetMunicipalityRequest{Code: wk.tenant})
		switch {
		case status.Code(err) == codes.NotFound:
			wk.area = a
			a.regionID = ""
			return a, nil
		case err != nil:
			return nil, err
		}
		a.names[m.GetCode()] = m.GetName()
		a.regionID = m.GetRegionId()
	}
	if a.regionID == "" {
		wk.area = a
		return a, nil
	}
	switch reg, err := wk.api.GetRegion(ctx, &councilsv1.GetRegionRequest{Id: a.regionID}); {
	case status.Code(err) == codes.NotFound:
	case err != nil:
		return nil, err
	default:
		a.names[reg.GetId()] = reg.GetName()
	}
	a.regionName = nameOr(a.names, a.regionID)
	cursor := ""
	// A region has a handful of municipalities; the bound only stops a
	// service that keeps handing out cursors.
	for range maxPages {
		resp, err := wk.api.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{RegionId: a.regionID, Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, m := range resp.GetMunicipalities() {
			a.names[m.GetCode()] = m.GetName()
			a.municipalities = append(a.municipalities, place{Code: m.GetCode(), Name: m.GetName()})
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	slices.SortFunc(a.municipalities, func(x, y place) int { return strings.Compare(x.Name, y.Name) })
	wk.area = a
	return a, nil
}

// maxPages bounds the pages of a list the site reads in full.
const maxPages = 20

func nameOr(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

// loadThemes loads the theme names in the page's language.
func (wk *work) loadThemes() ([]option, error) {
	resp, err := wk.api.ListThemes(wk.ctx(), &councilsv1.ListThemesRequest{})
	if err != nil {
		return nil, err
	}
	wk.themes = map[string]string{}
	var opts []option
	for _, th := range resp.GetThemes() {
		name := th.GetNameNl()
		if wk.v.Lang == "en" && th.GetNameEn() != "" {
			name = th.GetNameEn()
		}
		if name == "" {
			name = th.GetKey()
		}
		wk.themes[th.GetKey()] = name
		opts = append(opts, option{Value: th.GetKey(), Label: name})
	}
	slices.SortFunc(opts, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	return opts, nil
}

// themeName is a theme's name, or its key when the service did not list it.
func (wk *work) themeName(key string) string { return nameOr(wk.themes, key) }

// option is one choice of a select, radio group or checkbox group. Label is
// shown as is; LabelKey, when set, is a catalogue key instead.
type option struct {
	Value    string
	Label    string
	LabelKey string
	Selected bool
}

// scopeView is a question's or process's scope in words.
type scopeView struct {
	Regional bool
	// Tenant names the municipality of local work, or the region.
	Tenant string
	// Participants names the participating municipalities of regional
	// work, by name.
	Participants []string
}

func (wk *work) scopeView(a *area, sc *councilsv1.Scope) scopeView {
	v := scopeView{
		Regional: len(sc.GetParticipatingMunicipalities()) > 0,
		Tenant:   nameOr(a.names, sc.GetTenant()),
	}
	for _, m := range sc.GetParticipatingMunicipalities() {
		v.Participants = append(v.Participants, nameOr(a.names, m))
	}
	slices.Sort(v.Participants)
	return v
}

// mayWork reports whether the person may do the council's work in sc, as
// the service decides it (auth.Identity.CanWork), so that a page offers
// only forms the service will accept; the service decides again.
func (wk *work) mayWork(sc *councilsv1.Scope) bool { return wk.id.CanWork(scopeOf(sc)) }

// mayDecide reports whether the person may decide for the council(s) of
// sc (auth.Identity.CanDecide).
func (wk *work) mayDecide(sc *councilsv1.Scope) bool { return wk.id.CanDecide(scopeOf(sc)) }

func scopeOf(sc *councilsv1.Scope) auth.Scope {
	return auth.Scope{Tenant: sc.GetTenant(), Participants: sc.GetParticipatingMunicipalities()}
}

// done is the success message a redirect asks for (?gelukt=...), as a
// catalogue key; only the site's own messages are shown.
func (wk *work) done() {
	if k := wk.r.URL.Query().Get(doneParam); slices.Contains(doneKeys, k) {
		wk.v.NoticeKey = "done." + k
	}
}

// doneParam carries the success message across a redirect.
const doneParam = "gelukt"

// doneKeys are the success messages, each "done.<key>" in the catalogue.
var doneKeys = []string{"vraag", "aangenomen", "afgewezen", "traject", "bijgewerkt", "fase", "veldactiviteit"}

// withDone adds the success message key to a page's URL.
func withDone(page, key string) string {
	u, err := url.Parse(page)
	if err != nil {
		return page
	}
	q := u.Query()
	q.Set(doneParam, key)
	u.RawQuery = q.Encode()
	return u.String()
}
