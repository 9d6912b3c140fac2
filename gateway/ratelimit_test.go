package gateway

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/limited"
	"github.com/meedoen/meedoen/internal/auth"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestLimiter(t *testing.T, cfg RateLimit, trusted ...netip.Prefix) (*limiter, *fakeClock) {
	t.Helper()
	l, err := newLimiter(cfg, trusted)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: fixedTime}
	l.now = clock.now
	return l, clock
}

// requestBy returns an API request from a TCP peer, as forwarded by
// proxies that name the client in X-Forwarded-For, and made by subject
// unless that is empty.
func requestBy(subject, remoteAddr string, forwardedFor ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/v1/regions", nil)
	r.RemoteAddr = remoteAddr
	for _, f := range forwardedFor {
		r.Header.Add("X-Forwarded-For", f)
	}
	if subject != "" {
		r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{Subject: subject}))
	}
	return r
}

func TestLimiterIsATokenBucket(t *testing.T) {
	t.Parallel()
	l, clock := newTestLimiter(t, RateLimit{AnonymousPerMinute: 60, Burst: 2})
	steps := []struct {
		name  string
		after time.Duration
		want  verdict
	}{
		{"first request", 0, verdict{allowed: true, limit: 2, remaining: 1, reset: time.Second}},
		{"burst used up", 0, verdict{allowed: true, limit: 2, remaining: 0, reset: 2 * time.Second}},
		{"one too many", 0, verdict{allowed: false, limit: 2, remaining: 0, reset: 2 * time.Second, retryAfter: time.Second}},
		{"half a token later", 500 * time.Millisecond, verdict{allowed: false, limit: 2, remaining: 0, reset: 2 * time.Second, retryAfter: time.Second}},
		{"a token later", 500 * time.Millisecond, verdict{allowed: true, limit: 2, remaining: 0, reset: 2 * time.Second}},
		{"long after", time.Hour, verdict{allowed: true, limit: 2, remaining: 1, reset: time.Second}},
	}
	for _, s := range steps {
		clock.advance(s.after)
		got, ok := l.take(requestBy("", "192.0.2.1:1234"), API)
		if !ok {
			t.Fatalf("%s: not limited", s.name)
		}
		if diff := cmp.Diff(s.want, got, cmp.AllowUnexported(verdict{})); diff != "" {
			t.Errorf("%s: verdict mismatch (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestLimiterTellsClientsApart(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(t, RateLimit{PerMinute: 60, AnonymousPerMinute: 60, Burst: 1})
	// Each step spends the only token of its client's bucket, if left.
	steps := []struct {
		name    string
		req     *http.Request
		allowed bool
	}{
		{"a subject", requestBy("alice", "192.0.2.1:1"), true},
		{"the same subject elsewhere", requestBy("alice", "198.51.100.9:1"), false},
		{"another subject at the same address", requestBy("bob", "192.0.2.1:1"), true},
		{"an anonymous caller at that address", requestBy("", "192.0.2.1:2"), true},
		{"again from another port", requestBy("", "192.0.2.1:3"), false},
		{"another address", requestBy("", "192.0.2.2:1"), true},
		{"an IPv6 host", requestBy("", "[2001:db8:1:2::1]:1"), true},
		{"another host in its /64", requestBy("", "[2001:db8:1:2:ffff::9]:1"), false},
		{"another /64", requestBy("", "[2001:db8:1:3::1]:1"), true},
	}
	for _, s := range steps {
		got, _ := l.take(s.req, API)
		if got.allowed != s.allowed {
			t.Errorf("%s: allowed = %v, want %v", s.name, got.allowed, s.allowed)
		}
	}
}

func TestLimiterCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(t, RateLimit{PerMinute: -1, AnonymousPerMinute: 60, Burst: 1})
	for range 3 {
		if _, limited := l.take(requestBy("alice", "192.0.2.1:1"), API); limited {
			t.Fatal("authenticated callers are limited, want no limit")
		}
	}
	if _, limited := l.take(requestBy("", "192.0.2.1:1"), API); !limited {
		t.Error("anonymous callers are not limited, want their limit to stay")
	}
}

func TestLimiterForgetsRefilledBuckets(t *testing.T) {
	t.Parallel()
	// One token a minute: a bucket of two refills in two minutes.
	l, clock := newTestLimiter(t, RateLimit{AnonymousPerMinute: 1, Burst: 2})
	for _, addr := range []string{"192.0.2.1:1", "192.0.2.2:1", "192.0.2.3:1"} {
		l.take(requestBy("", addr), API)
	}
	l.take(requestBy("", "192.0.2.1:1"), API) // empties the first bucket
	clock.advance(sweepEvery)
	l.take(requestBy("", "192.0.2.4:1"), API)
	if got, want := clientKeys(l), []string{"ip:192.0.2.1", "ip:192.0.2.4"}; !cmp.Equal(want, got) {
		t.Errorf("after a minute: clients %v, want %v (the half-full bucket, the newcomer)", got, want)
	}
	clock.advance(2 * sweepEvery)
	l.take(requestBy("", "192.0.2.5:1"), API)
	if got, want := clientKeys(l), []string{"ip:192.0.2.5"}; !cmp.Equal(want, got) {
		t.Errorf("after three minutes: clients %v, want %v", got, want)
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(t, RateLimit{AnonymousPerMinute: 60})
	l.maxClients = 3
	for i := range 10 {
		l.take(requestBy("", netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}).String()+":1"), API)
		if n := len(clientKeys(l)); n > l.maxClients {
			t.Fatalf("after %d clients the limiter holds %d buckets, want at most %d", i+1, n, l.maxClients)
		}
	}
}

func clientKeys(l *limiter) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keys []string
	for k := range l.clients {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestClientAddr(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(t, RateLimit{}, netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"))
	tests := []struct {
		name string
		req  *http.Request
		want string
	}{
		{"a direct client", requestBy("", "203.0.113.7:5000"), "203.0.113.7"},
		{"a direct client cannot claim another address", requestBy("", "203.0.113.7:5000", "198.51.100.1"), "203.0.113.7"},
		{"a trusted proxy without the header", requestBy("", "10.0.0.1:5000"), "10.0.0.1"},
		{"a trusted proxy names the client", requestBy("", "10.0.0.1:5000", "203.0.113.7"), "203.0.113.7"},
		{"what the client claims is not believed", requestBy("", "10.0.0.1:5000", "198.51.100.1, 203.0.113.7"), "203.0.113.7"},
		{"a chain of trusted proxies", requestBy("", "10.0.0.1:5000", "203.0.113.7, 10.1.2.3"), "203.0.113.7"},
		{"one header line per proxy", requestBy("", "10.0.0.1:5000", "203.0.113.7", "10.1.2.3"), "203.0.113.7"},
		{"an entry with a port", requestBy("", "10.0.0.1:5000", "203.0.113.7:6000"), "203.0.113.7"},
		{"garbage stops the walk", requestBy("", "10.0.0.1:5000", "garbage, 10.1.2.3"), "10.1.2.3"},
		{"only trusted proxies", requestBy("", "10.0.0.1:5000", "10.1.2.3"), "10.1.2.3"},
		{"an IPv4-mapped peer", requestBy("", "[::ffff:10.0.0.1]:5000", "203.0.113.7"), "203.0.113.7"},
		{"an IPv6 proxy and client", requestBy("", "[fd00::1]:443", "2001:db8::7"), "2001:db8::7"},
	}
	for _, tt := range tests {
		if got := l.clientAddr(tt.req).String(); got != tt.want {
			t.Errorf("%s: clientAddr = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestRateLimitOverHTTP(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{RateLimit: RateLimit{PerMinute: 60, AnonymousPerMinute: 60, Burst: 2}})
	clock := &fakeClock{t: fixedTime}
	ts.gateway.limiter.now = clock.now
	// Stands in for the authentication in front of the gateway.
	authenticated := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sub := r.Header.Get("Test-Subject"); sub != "" {
			r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{Subject: sub}))
		}
		ts.gateway.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(authenticated.Close)

	type answer struct {
		Status                                       int
		Limit, Remaining, Reset, RetryAfter, Problem string
	}
	steps := []struct {
		name    string
		path    string
		subject string
		want    answer
	}{
		{"first call", "/api/v1/regions", "", answer{Status: 200, Limit: "2", Remaining: "1", Reset: "1"}},
		{"second call", "/api/v1/regions", "", answer{Status: 200, Limit: "2", Remaining: "0", Reset: "2"}},
		{"third call", "/api/v1/regions", "", answer{Status: 429, Limit: "2", Remaining: "0", Reset: "2", RetryAfter: "1",
			Problem: `{"title": "Too Many Requests", "status": 429, "detail": "rate limit exceeded; retry after 1 second"}`}},
		{"unknown routes count too", "/api/v1/nowhere", "", answer{Status: 429, Limit: "2", Remaining: "0", Reset: "2", RetryAfter: "1"}},
		{"the OpenAPI document is not limited", "/api/v1/openapi.json", "", answer{Status: 200}},
		{"an authenticated caller has its own bucket", "/api/v1/regions", "alice", answer{Status: 200, Limit: "2", Remaining: "1", Reset: "1"}},
	}
	for _, s := range steps {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, authenticated.URL+s.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.subject != "" {
			req.Header.Set("Test-Subject", s.subject)
		}
		resp, err := authenticated.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		got := answer{
			Status: resp.StatusCode, Limit: resp.Header.Get("RateLimit-Limit"), Remaining: resp.Header.Get("RateLimit-Remaining"),
			Reset: resp.Header.Get("RateLimit-Reset"), RetryAfter: resp.Header.Get("Retry-After"), Problem: s.want.Problem,
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", s.name, diff)
		}
		if s.want.Problem != "" {
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type = %q, want application/problem+json", s.name, ct)
			}
			assertJSONSubset(t, s.want.Problem, body)
		}
	}
	clock.advance(time.Second)
	resp, err := authenticated.Client().Get(authenticated.URL + "/api/v1/regions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after waiting as told: status %d, want 200", resp.StatusCode)
	}
}

func TestLimitGuardsHandlersOutsideTheAPI(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{RateLimit: RateLimit{AnonymousPerMinute: 60, Burst: 1}})
	ts.gateway.limiter.now = (&fakeClock{t: fixedTime}).now
	var reached int
	h := ts.gateway.Limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	var got []int
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, requestBy("", "192.0.2.1:1234"))
		got = append(got, w.Code)
	}
	if diff := cmp.Diff([]int{http.StatusOK, http.StatusTooManyRequests}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if reached != 1 {
		t.Errorf("the guarded handler ran %d times, want 1", reached)
	}
}

// TestAnswersHaveARoomOfTheirOwn: thirty residents on one address (a
// community centre's Wi-Fi) answer a flash poll in the same second and
// all get through, in a bucket apart from the address's API calls, which
// the answers do not use up; the sustained rate stays the anonymous one,
// and a logged-in caller keeps their own bucket.
func TestAnswersHaveARoomOfTheirOwn(t *testing.T) {
	l, clock := newTestLimiter(t, RateLimit{AnonymousPerMinute: 120})
	for i := range 30 {
		if v, _ := l.take(requestBy("", "192.0.2.7:1"), Answers); !v.allowed {
			t.Fatalf("answer %d of a room of thirty refused", i+1)
		}
	}
	if v, _ := l.take(requestBy("", "192.0.2.7:1"), API); !v.allowed || v.remaining != 11 {
		t.Errorf("the address's API bucket after thirty answers: %+v, want untouched (11 of 12 left)", v)
	}
	allowed := 0
	for range 100 {
		if v, _ := l.take(requestBy("", "192.0.2.7:1"), Answers); v.allowed {
			allowed++
		}
	}
	if allowed != 10 {
		t.Errorf("%d more answers at once, want the rest of the burst of 40 (10)", allowed)
	}
	clock.advance(10 * time.Second)
	allowed = 0
	for range 100 {
		if v, _ := l.take(requestBy("", "192.0.2.7:1"), Answers); v.allowed {
			allowed++
		}
	}
	if allowed != 20 {
		t.Errorf("%d answers ten seconds later, want the anonymous rate's 20", allowed)
	}
	if v, ok := l.take(requestBy("alice", "192.0.2.7:1"), Answers); !ok || !v.allowed || v.limit != 60 {
		t.Errorf("a logged-in answer: %+v, want alice's own bucket (burst 60)", v)
	}
}

// TestLimitPagesMarksInsteadOfRefusing: a page over the limit is still
// served, marked with how long to wait and with Retry-After set, so that
// it can answer in Dutch and keep the form; below the limit it is not.
func TestLimitPagesMarksInsteadOfRefusing(t *testing.T) {
	l, _ := newTestLimiter(t, RateLimit{AnonymousPerMinute: 60, AnswerBurst: 2})
	g := &Gateway{limiter: l}
	var marks []string
	h := g.LimitPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, ok := limited.RetryAfter(r.Context()); ok {
			marks = append(marks, wait.String())
		} else {
			marks = append(marks, "")
		}
	}), Answers)
	var retry []string
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, requestBy("", "192.0.2.9:1"))
		retry = append(retry, rec.Header().Get("Retry-After"))
	}
	if want := []string{"", "", "1s"}; !slices.Equal(marks, want) {
		t.Errorf("marks %q, want %q", marks, want)
	}
	if want := []string{"", "", "1"}; !slices.Equal(retry, want) {
		t.Errorf("Retry-After %q, want %q", retry, want)
	}
}
