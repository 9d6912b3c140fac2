package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The fuzz tests drive the gateway's handler with a fake councils service
// behind it (newTestServer); testdata/fuzz holds their seeds, the probe's
// inputs among them. Each input must get an answer below 500, a refusal
// for bad text must not have reached the service, and what reached the
// service must hold only text (testServer.badText).

// fuzzBodyTargets are operations the fake serves, so that a body it
// accepts gets a real answer rather than Unimplemented.
var fuzzBodyTargets = []string{"/api/v1/regions", "/api/v1/municipalities"}

// FuzzAPIBody sends a body to an operation that creates a resource.
func FuzzAPIBody(f *testing.F) {
	for _, seed := range []string{
		`{"id": "zaanstreek", "name": "Zaanstreek"}`,
		`{"code": "GM0479", "name": "Zaanstad", "regionId": "ijmond"}`,
		`{"id": "zaanstreek", "name": "Zaan\u0000streek"}`,
		`{"na\u0000me": "x"}`,
		"{\"id\": \"zaanstreek\", \"name\": \"Zaan\xffstreek\"}",
		`{"id": "zaanstreek", "name": "\ud800"}`,
	} {
		f.Add(uint8(0), []byte(seed))
	}
	srv := newTestServer(f, Config{RateLimit: RateLimit{AnonymousPerMinute: -1}})
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		path := fuzzBodyTargets[int(target)%len(fuzzBodyTargets)]
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		checkFuzzAnswer(t, srv, r)
	})
}

// FuzzAPIQuery sends a path parameter (as its decoded value) and a raw
// query string to list and read operations.
func FuzzAPIQuery(f *testing.F) {
	for _, seed := range [][2]string{
		{"ijmond", "limit=2"},
		{"ijmond", "regionId=ijmond&limit=1&cursor=R00wMzc1"},
		{"\x00", "theme=%00"},
		{"zo\xffe", "cursor=AA"},
		{"ijmond", "li%00mit=2"},
		{"ijmond", "cursor=%zz"},
		{"ijmond", "region_id=%C0%80"},
		{"ijmond", strings.Repeat("a=b&", 1000)},
	} {
		f.Add(seed[0], seed[1])
	}
	srv := newTestServer(f, Config{RateLimit: RateLimit{AnonymousPerMinute: -1}})
	f.Fuzz(func(t *testing.T, param, query string) {
		if slices.Contains([]string{brokenRegion, leakyRegion, unavailableRegion}, param) {
			t.Skip("the fake fails on this id on purpose")
		}
		for _, path := range []string{"/api/v1/regions", "/api/v1/municipalities", "/api/v1/regions/" + url.PathEscape(param)} {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.URL.RawQuery = query
			checkFuzzAnswer(t, srv, r)
		}
	})
}

// checkFuzzAnswer serves r and checks the properties every answer has.
func checkFuzzAnswer(t *testing.T, srv *testServer, r *http.Request) {
	t.Helper()
	before := srv.calls.Load()
	w := srv.serve(r)
	if w.Code >= 500 {
		t.Fatalf("%s %s?%q: status %d: %s", r.Method, r.URL.Path, r.URL.RawQuery, w.Code, w.Body)
	}
	if n := srv.badText.Load(); n != 0 {
		t.Fatalf("%s %s?%q: %d calls reached the service holding bad text", r.Method, r.URL.Path, r.URL.RawQuery, n)
	}
	if w.Code < 400 {
		return
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q, want application/problem+json", w.Code, ct)
	}
	var p problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("decoding the problem: %v", err)
	}
	if p.Detail == textDetail {
		if len(p.InvalidParams) == 0 {
			t.Errorf("a refusal for bad text names no parameter")
		}
		if n := srv.calls.Load() - before; n != 0 {
			t.Errorf("a refusal for bad text reached the service %d times", n)
		}
	}
}
