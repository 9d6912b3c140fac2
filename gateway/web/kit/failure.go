package kit

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/meedoen/meedoen/gateway/problem"
)

// The web's side of the one table of what a service answered
// (gateway/problem): the page a person sees for each kind of failure that
// no page handles itself. The service's own message never reaches the
// page, since it may say more than a person should see (an internal
// error's details) or be in English.

// failure is the page of a kind of failure: its status and the catalogue
// key under the audience's Errors prefix, and what the log hears of it
// (nothing without a msg). An empty key is the site's 404 page.
type failure struct {
	status int
	key    string
	level  slog.Level
	msg    string
}

// failures are the pages of the kinds of failure; every other kind is
// internal: a fault of ours, logged as an error.
var failures = map[problem.Kind]failure{
	problem.NotFound:  {status: http.StatusNotFound},
	problem.Forbidden: {status: http.StatusForbidden, key: "forbidden"},
	// What the page passed on from the request itself (a filter, a
	// cursor, a path) and no form shows again: the visitor's doing, not
	// ours.
	problem.Invalid:     {status: http.StatusBadRequest, key: "badform", level: slog.LevelDebug, msg: "the service refused the request"},
	problem.Unavailable: {status: http.StatusServiceUnavailable, key: "unavailable", level: slog.LevelWarn, msg: "service unavailable"},
	// The person left; there is no one to show a page to.
	problem.Canceled: {status: http.StatusInternalServerError, key: "internal", level: slog.LevelDebug, msg: "request canceled"},
}

var internal = failure{status: http.StatusInternalServerError, key: "internal", level: slog.LevelError, msg: "calling a service"}

// pageError ends a request with an error page of the area's choosing.
type pageError struct {
	status int
	key    string
}

func (e *pageError) Error() string { return "web page: " + e.key }

// ErrorPage is an error that ends the request with the error page whose
// texts are under the catalogue key (key.title, key.heading, key.body),
// with status.
func ErrorPage(status int, key string) error { return &pageError{status: status, key: key} }

// fail answers a request whose page failed with err.
func (s *Site) fail(rq *Request, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		s.refuse(rq, pe.status, pe.key)
		return
	}
	kind := problem.Of(err)
	if kind == problem.Forbidden && rq.aud.Visitors == Residents {
		// Residents have no roles to lack: a refusal of one is ours.
		kind = problem.Internal
	}
	f, ok := failures[kind]
	if !ok {
		f = internal
	}
	if f.msg != "" {
		attrs := []any{"service", rq.aud.Service, "code", problem.Code(err).String(), "err", err}
		if rq.aud.Visitors != Residents {
			// Residents' paths are left out: an invitation's holds its
			// token.
			attrs = append(attrs, "path", rq.R.URL.Path)
		}
		s.log.Log(rq.Context(), f.level, f.msg, attrs...)
	}
	if show := rq.aud.Shown[kind]; show != nil && !rq.route.stream {
		show(rq)
		s.render(rq.W, rq.R, rq.Page, rq.Status, rq.View)
		return
	}
	if f.key == "" {
		if rq.route.stream {
			http.Error(rq.W, http.StatusText(f.status), f.status)
			return
		}
		rq.View.TitleKey = "notfound.title"
		rq.View.Title, rq.View.Subject = "", ""
		rq.View.NoticeKey = ""
		rq.View.Page = nil
		s.render(rq.W, rq.R, "notfound", f.status, rq.View)
		return
	}
	s.refuse(rq, f.status, rq.aud.Errors+f.key)
}

// refuse answers with the error page key, or, to a stream, a bare status.
func (s *Site) refuse(rq *Request, status int, key string) {
	if rq.route.stream {
		http.Error(rq.W, http.StatusText(status), status)
		return
	}
	v := rq.View
	v.TitleKey = key + ".title"
	v.Title, v.Subject = "", ""
	v.NoticeKey = ""
	v.Page = errorPage{Key: key}
	s.render(rq.W, rq.R, "error", status, v)
}

// errorPage is the data of the error page: the catalogue prefix of its
// title, heading and text.
type errorPage struct {
	Key string
	// LoginURL, when set, offers to log in and come back.
	LoginURL string
}

// FormStatus is the status of a page that shows a submitted form again
// with the service's objections: 409 for a request that does not fit the
// current state (a gate, a decided question, a change meanwhile), 422 for
// input the service refused.
func FormStatus(err error) int {
	switch problem.Of(err) {
	case problem.Unmet, problem.Exists, problem.Stale:
		return http.StatusConflict
	default:
		return http.StatusUnprocessableEntity
	}
}

// IsFormError reports whether err is the service's answer to the input,
// which belongs next to the form, rather than a failure for an error page.
func IsFormError(err error) bool {
	switch problem.Of(err) {
	case problem.Invalid, problem.Unmet, problem.Exists, problem.Stale:
		return true
	}
	return false
}

// ChangedMeanwhile reports the service's refusal of a save based on an
// older read of what it changes: someone else saved it since.
func ChangedMeanwhile(err error) bool { return problem.Of(err) == problem.Stale }
