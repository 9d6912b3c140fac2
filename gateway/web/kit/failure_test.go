package kit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meedoen/meedoen/gateway/limited"
	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/internal/auth"
)

// Every page's failure goes down the one path: a kind of failure becomes
// the same page whatever area it comes from, in the words of the page's
// audience; an area may show a page of its own for a kind; a stream gets
// the status alone.
func TestFailuresBecomePages(t *testing.T) {
	t.Parallel()
	site, err := New(Config{TenantNames: map[string]string{"GM0453": "Velsen"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	staff := &Audience{Visitors: Staff, Errors: "error."}
	residents := &Audience{Visitors: Residents, Errors: "error.polls.", Shown: map[problem.Kind]func(*Request){
		problem.NotFound: func(rq *Request) {
			rq.View.TitleKey, rq.Page, rq.Status = "notfound.title", "notfound", http.StatusGone
		},
	}}
	chair := auth.Identity{Subject: "u-chair", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}}}
	tests := []struct {
		name   string
		aud    *Audience
		err    error
		opts   []Option
		status int
		want   string
	}{
		{"not found, staff", staff, problem.Error(problem.NotFound, "x"), nil, 404, "Deze pagina bestaat niet"},
		{"forbidden, staff", staff, problem.Error(problem.Forbidden, "x"), nil, 403, "<title>"},
		{"refused input, staff", staff, problem.Error(problem.Invalid, "x"), nil, 400, "Het formulier kon niet worden gelezen"},
		{"unavailable, staff", staff, problem.Error(problem.Unavailable, "x"), nil, 503, "<title>"},
		{"a fault, staff", staff, problem.Error(problem.Internal, "secret detail"), nil, 500, "<title>"},
		{"an error page of the area's choosing", staff, ErrorPage(http.StatusTeapot, "error.notenant"), nil, 418, "<title>"},
		{"the area's own page", residents, problem.Error(problem.NotFound, "x"), nil, 410, "Deze pagina bestaat niet"},
		{"forbidden, residents", residents, problem.Error(problem.Forbidden, "x"), nil, 500, "<title>"},
		{"a stream", staff, problem.Error(problem.NotFound, "x"), []Option{Stream()}, 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := site.Handle(tt.aud, "never", func(*Request) error { return tt.err }, tt.opts...)
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			r = r.WithContext(auth.WithIdentity(r.Context(), chair))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			body, _ := io.ReadAll(w.Result().Body)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("body lacks %q:\n%s", tt.want, body)
			}
			if strings.Contains(string(body), "secret detail") {
				t.Error("the service's message reached the page")
			}
		})
	}
}

// A page over the gateway's rate limit that does not keep its form
// itself answers 429 in Dutch, acting on nothing; one that does is
// handed the request with the seconds to wait.
func TestRateLimitedPages(t *testing.T) {
	t.Parallel()
	site, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	residents := &Audience{Visitors: Residents, Errors: "error."}
	post := func(h http.Handler) (*httptest.ResponseRecorder, string) {
		r := httptest.NewRequest(http.MethodPost, "/panel/aanmelden", strings.NewReader("email=a%40example.org"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r = r.WithContext(limited.With(r.Context(), 1500*time.Millisecond))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body, _ := io.ReadAll(w.Result().Body)
		return w, string(body)
	}
	acted := false
	w, body := post(site.Handle(residents, "never", func(*Request) error { acted = true; return nil }))
	if w.Code != http.StatusTooManyRequests || acted || !strings.Contains(body, "Even wachten, en dan opnieuw proberen") {
		t.Errorf("a page over the limit: %d, acted %v, body lacks the Dutch page: %v", w.Code, acted, !strings.Contains(body, "Even wachten"))
	}
	var seconds int
	w, _ = post(site.Handle(residents, "never", func(rq *Request) error {
		seconds, _ = rq.RateLimited()
		rq.Status = http.StatusTooManyRequests
		return ErrorPage(http.StatusTooManyRequests, "error.ratelimited")
	}, KeepsForm()))
	if seconds != 2 || w.Code != http.StatusTooManyRequests {
		t.Errorf("a page that keeps its form: told %d seconds (want 2, rounded up), status %d", seconds, w.Code)
	}
}
