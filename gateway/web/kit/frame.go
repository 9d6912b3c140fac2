package kit

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/meedoen/meedoen/gateway/limited"
	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/internal/auth"
)

// Visitors says who may see a group of pages.
type Visitors int

const (
	// Everyone may see informational pages (the start page, the privacy
	// statement), which answer GET and HEAD only.
	Everyone Visitors = iota
	// Staff pages need a login and a tenant to work for; anonymous
	// visitors are sent to log in and come back.
	Staff
	// Residents never log in: their pages show no staff menu, no login
	// and no tenant switcher.
	Residents
)

// Audience is who a group of pages serves, and how its failures read.
type Audience struct {
	// Visitors are those the pages are for.
	Visitors Visitors
	// Service names the service the pages call, for the log.
	Service string
	// Errors is the catalogue prefix of the audience's error pages:
	// "error." for staff, "error.polls." for residents answering a poll.
	// Under it the catalogue has badform, unavailable and internal, and
	// for staff forbidden.
	Errors string
	// Missing is the catalogue key of the page that says the service the
	// pages need is not configured; empty when it is.
	Missing string
	// Shown replaces the page of a kind of failure with one of the
	// area's own, such as the notice that a link leads to no poll. The
	// function fills in the request's view, page and status.
	Shown map[problem.Kind]func(*Request)
}

// Anyone is the audience of the informational pages.
var Anyone = &Audience{Visitors: Everyone, Errors: "error."}

// Request is one request to a page, as the frame hands it to the page's
// fill function: what the page reads, and what it answers.
type Request struct {
	// W and R are the response being written and the request.
	W http.ResponseWriter
	R *http.Request
	// View is what the layout and the page's template get; the page sets
	// its title and its own data (View.Page).
	View *View
	// ID is the person logged in, on staff pages.
	ID auth.Identity
	// Tenant is the tenant a staff member works for, from the switcher.
	Tenant string
	// Words puts values into the page's language.
	Words Words

	// Page is the template to render, Status its status (200 unless the
	// page sets another), unless Redirect is set: then the request ends
	// in 303 See Other to it, the redirect of Post/Redirect/Get.
	Page     string
	Status   int
	Redirect string
	// Written reports that the page wrote the answer itself: a download,
	// an event stream.
	Written bool
	// Script marks a page that loads our own script and connects to its
	// event stream (static/live.js), which the policy allows for it
	// alone.
	Script bool

	aud   *Audience
	route *route
}

// Context is the request's context, which carries the identity services
// authorise with.
func (rq *Request) Context() context.Context { return rq.R.Context() }

// Lang is the page's language.
func (rq *Request) Lang() string { return rq.View.Lang }

// Option adjusts how Handle reads a request.
type Option func(*route)

type route struct {
	action    bool
	upload    bool
	formBytes int64
	memory    int64
	stream    bool
	check     func(*Request) error
	keepsForm bool
}

// Action marks a POST that acts on the page one level up (POST
// /trajecten/{id}/fase acts on /trajecten/{id}): anonymous visitors come
// back to that page after logging in, and the layout's links (language,
// tenant) lead there when the page is shown again with errors.
func Action() Option { return func(rt *route) { rt.action = true } }

// Upload reads a POST as a multipart form of at most maxBytes, keeping up
// to maxMemory of it in memory.
func Upload(maxBytes, maxMemory int64) Option {
	return func(rt *route) { rt.upload, rt.formBytes, rt.memory = true, maxBytes, maxMemory }
}

// FormBytes bounds a posted form; MaxFormBytes unless set.
func FormBytes(n int64) Option { return func(rt *route) { rt.formBytes = n } }

// Stream marks a handler that answers with a stream of its own rather
// than a page: whatever stops it before it starts is answered with a bare
// status.
func Stream() Option { return func(rt *route) { rt.stream = true } }

// KeepsForm marks a POST whose handler answers the rate limit itself
// (RateLimited): it shows the form again as typed, with when to try
// again, and acts on nothing. Any other page over the limit gets the
// site's page that says so.
func KeepsForm() Option { return func(rt *route) { rt.keepsForm = true } }

// RateLimited returns, for a request the gateway's rate limit refused
// (package limited), how long the person must wait, in whole seconds.
func (rq *Request) RateLimited() (seconds int, ok bool) {
	d, ok := limited.RetryAfter(rq.R.Context())
	return int((d + time.Second - 1) / time.Second), ok
}

// Check checks the request's address before anything else is read, for
// what needs no service to tell: a link that cannot be one.
func Check(f func(*Request) error) Option { return func(rt *route) { rt.check = f } }

// MaxFormBytes bounds a posted form by default; the longest, a question
// on the agenda, needs a few kilobytes.
const MaxFormBytes = 64 << 10

// Handle serves a page of audience a with the template page: the one
// frame every page goes through. It finds the person, their tenant and
// language, reads a posted form (the same-origin check of unsafe methods
// is the Handler's), and calls fill, which fills in the page or returns
// an error: a service's refusal, or ErrorPage. Errors take the one
// failure path (failure.go).
func (s *Site) Handle(a *Audience, page string, fill func(*Request) error, opts ...Option) http.Handler {
	rt := &route{formBytes: MaxFormBytes}
	for _, o := range opts {
		o(rt)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &Request{W: w, R: r, Page: page, Status: http.StatusOK, aud: a, route: rt}
		if !s.begin(rq) {
			return
		}
		if err := fill(rq); err != nil {
			s.fail(rq, err)
			return
		}
		s.finish(rq)
	})
}

// begin makes the request's view and reads what every page of a needs;
// false when it has answered the request already.
func (s *Site) begin(rq *Request) bool {
	w, r, a, rt := rq.W, rq.R, rq.aud, rq.route
	if a.Visitors == Everyone && r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return false
	}
	pagePath := r.URL.Path
	if rt.action {
		pagePath = path.Dir(r.URL.Path)
	}
	if a.Visitors == Staff {
		id, ok := auth.FromContext(r.Context())
		if !ok {
			if rt.stream {
				http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
				return false
			}
			back := r.URL.RequestURI()
			if rt.action {
				back = PageOf(r)
			}
			s.loginFirst(w, r, pagePath, back)
			return false
		}
		rq.ID = id
	}
	rq.View = s.newView(w, r, pagePath)
	rq.Words = s.Words(rq.View.Lang)
	switch a.Visitors {
	case Residents:
		// Residents have no account and no tenant: the staff's menu,
		// login and tenant switch would only distract them.
		rq.View.Resident = true
		rq.View.TenantRefused = false
	case Staff:
		if rq.View.Tenant.Code == "" || (rt.stream && rq.View.TenantRefused) {
			s.refuse(rq, http.StatusForbidden, "error.notenant")
			return false
		}
		rq.Tenant = rq.View.Tenant.Code
	}
	if rt.check != nil {
		if err := rt.check(rq); err != nil {
			s.fail(rq, err)
			return false
		}
	}
	if r.Method == http.MethodPost {
		if err := rt.readForm(w, r); err != nil {
			s.refuse(rq, http.StatusBadRequest, a.Errors+"badform")
			return false
		}
	}
	if a.Missing != "" {
		s.refuse(rq, http.StatusServiceUnavailable, a.Missing)
		return false
	}
	if _, over := rq.RateLimited(); over && !rt.keepsForm {
		s.refuse(rq, http.StatusTooManyRequests, "error.ratelimited")
		return false
	}
	return true
}

// readForm reads a posted form, bounded in size.
func (rt *route) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, rt.formBytes)
	if rt.upload {
		return r.ParseMultipartForm(rt.memory)
	}
	return r.ParseForm()
}

// finish answers with what fill made of the request.
func (s *Site) finish(rq *Request) {
	switch {
	case rq.Written:
		return
	case rq.Redirect != "":
		http.Redirect(rq.W, rq.R, rq.Redirect, http.StatusSeeOther)
		return
	}
	if rq.View.TenantRefused && rq.Status == http.StatusOK {
		rq.Status = http.StatusForbidden
	}
	if rq.Script {
		rq.W.Header().Set("Content-Security-Policy", s.policy()+scriptPolicy)
	}
	s.render(rq.W, rq.R, rq.Page, rq.Status, rq.View)
}

// loginFirst answers a staff page asked for without a login. A GET goes to
// log in and comes back to back. A form sent after the session ended gets
// a page that says so, with a way to log in: what the form carried is lost
// either way, and sending it on to the identity provider would lose it
// without a word.
func (s *Site) loginFirst(w http.ResponseWriter, r *http.Request, pagePath, back string) {
	login := "/auth/login?returnTo=" + url.QueryEscape(back)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, login, http.StatusSeeOther)
		return
	}
	v := s.newView(w, r, pagePath)
	v.TitleKey = "error.session.title"
	v.Page = errorPage{Key: "error.session", LoginURL: login}
	// A 401 names a way to authenticate (RFC 9110 section 11.6.1); the
	// page's link is the one a person takes.
	w.Header().Set("WWW-Authenticate", `Bearer realm="meedoen"`)
	s.render(w, r, "error", http.StatusUnauthorized, v)
}
