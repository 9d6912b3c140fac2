package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// strictCSP is the web UI's policy; pages served with it show what the
// helper reports on a real page.
const strictCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// clean is an accessible page.
const clean = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Schoon</title><link rel="stylesheet" href="/site.css"></head>
<body><header><p>Meedoen</p></header><main><h1>Schoon</h1><p>Niets aan de hand.</p><img src="/dot.svg" alt="Een stip"></main></body></html>`

// testSite serves each page with the strict CSP; body "status:<n>" pages
// answer with that status.
func testSite(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/site.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body { margin: 0; }")
	})
	mux.HandleFunc("/dot.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle cx="2" cy="2" r="2"/></svg>`)
	})
	for path, body := range pages {
		if path == "/" {
			path = "/{$}" // only the root, so that other paths are 404
		}
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			status := http.StatusOK
			if _, err := fmt.Sscanf(r.URL.Query().Get("status"), "%d", &status); err != nil {
				status = http.StatusOK
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if r.URL.Query().Get("csp") != "off" {
				w.Header().Set("Content-Security-Policy", strictCSP)
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// recorder is a testing.TB that collects failures instead of failing, so a
// test can check what the helper reports.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatal   bool
	skipped bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Skip(args ...any) {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}

// failures runs fn with a recorder on its own goroutine, as Fatalf's
// Goexit requires, and returns what it reported.
func failures(t *testing.T, fn func(tb testing.TB)) []string {
	t.Helper()
	return record(t, fn).errors
}

func record(t *testing.T, fn func(tb testing.TB)) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r
}

func TestMissingToolsSkipOutsideCIAndFailInIt(t *testing.T) {
	tests := []struct {
		ci          string
		wantSkipped bool
		wantFatal   bool
	}{
		{ci: "", wantSkipped: true},
		{ci: "true", wantFatal: true},
	}
	for _, tc := range tests {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := record(t, func(tb testing.TB) { missing(tb, "Chromium is not installed") })
			if r.skipped != tc.wantSkipped || r.fatal != tc.wantFatal {
				t.Errorf("skipped, fatal = %v, %v; want %v, %v", r.skipped, r.fatal, tc.wantSkipped, tc.wantFatal)
			}
			if r.fatal && !strings.Contains(r.errors[0], "scripts/ensure-browser.sh") {
				t.Errorf("failure %q does not say how to install", r.errors[0])
			}
		})
	}
}

func TestAssertAccessiblePassesACleanPage(t *testing.T) {
	b := Start(t)
	srv := testSite(t, map[string]string{"/": clean})
	if got := failures(t, func(tb testing.TB) { b.AssertAccessible(tb, srv.URL+"/") }); len(got) > 0 {
		t.Errorf("clean page reported:\n%s", strings.Join(got, "\n"))
	}
}

func TestAxeFindsViolationsUnderAStrictCSP(t *testing.T) {
	b := Start(t)
	broken := `<!doctype html><html><head><title>Kapot</title></head><body><main>
<img src="/dot.svg"><input type="text"><a href="/"></a></main></body></html>`
	srv := testSite(t, map[string]string{"/": broken})
	b.Visit(t, srv.URL+"/")
	var ids []string
	for _, v := range b.Axe(t) {
		ids = append(ids, v.ID)
		if v.Help == "" || v.HelpURL == "" || v.Impact == "" || len(v.Nodes) == 0 || len(v.Nodes[0].Target) == 0 {
			t.Errorf("violation %s lacks detail: %+v", v.ID, v)
		}
	}
	slices.Sort(ids)
	want := []string{"html-has-lang", "image-alt", "label", "link-name"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

func TestAssertAccessibleReports(t *testing.T) {
	b := Start(t)
	wide := strings.Replace(clean, "<p>Niets aan de hand.</p>", `<p><img src="/dot.svg" alt="" width="500" height="4"></p>`, 1)
	missingCSS := strings.Replace(clean, `href="/site.css"`, `href="/missing.css"`, 1)
	missingImage := strings.Replace(clean, `src="/dot.svg"`, `src="/missing.svg"`, 1)
	srv := testSite(t, map[string]string{"/": clean, "/wide": wide, "/missing-css": missingCSS, "/missing-image": missingImage})
	tests := []struct {
		name string
		path string
		opts []Option
		want []string // substrings, one per expected failure, in order
	}{
		{
			name: "a page that scrolls sideways at 320 px",
			path: "/wide",
			want: []string{"at 320 px: the page is 500 px wide and scrolls sideways"},
		},
		{
			name: "a missing stylesheet",
			path: "/missing-css",
			// A 404 answer is text/plain, which the browser refuses as a
			// stylesheet; it reports that instead of the status.
			want: []string{"at 1280 px: the browser blocked it: Refused to apply style from '" + srv.URL + "/missing.css'", "at 320 px: the browser blocked it: Refused to apply style from '" + srv.URL + "/missing.css'"},
		},
		{
			name: "a missing image",
			path: "/missing-image",
			want: []string{"at 1280 px: failed to load " + srv.URL + "/missing.svg: Failed to load resource: the server responded with a status of 404", "at 320 px: failed to load " + srv.URL + "/missing.svg"},
		},
		{
			name: "an unexpected status",
			path: "/?status=500",
			want: []string{"answered 500 Internal Server Error, want 200", "answered 500 Internal Server Error, want 200"},
		},
		{
			name: "an expected status",
			path: "/?status=404",
			opts: []Option{Status(404)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failures(t, func(tb testing.TB) { b.AssertAccessible(tb, srv.URL+tc.path, tc.opts...) })
			assertFailures(t, tc.want, got)
		})
	}
}

func TestVisitReportsWhatThePageDoesWrong(t *testing.T) {
	b := Start(t)
	inlineStyle := strings.Replace(clean, "<h1>", `<h1 style="color: red">`, 1)
	inlineScript := strings.Replace(clean, "</main>", `</main><script>document.title = "x"</script>`, 1)
	foreign := strings.Replace(clean, `src="/dot.svg"`, `src="http://elsewhere.example/dot.svg"`, 1)
	throws := strings.Replace(clean, "</main>", `</main><script>null.boom()</script>`, 1)
	srv := testSite(t, map[string]string{
		"/inline-style":  inlineStyle,
		"/inline-script": inlineScript,
		"/foreign":       foreign,
		"/throws":        throws,
	})
	tests := []struct {
		name string
		path string
		want []string
	}{
		{"an inline style under the CSP", "/inline-style", []string{"the browser blocked it: Applying inline style violates"}},
		{"an inline script under the CSP", "/inline-script", []string{"the browser blocked it: Executing inline script violates"}},
		{"a request to another origin", "/foreign?csp=off", []string{"request to another origin: http://elsewhere.example/dot.svg", "failed to load http://elsewhere.example/dot.svg"}},
		{"a script error", "/throws?csp=off", []string{"script error: Uncaught"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failures(t, func(tb testing.TB) { b.Visit(tb, srv.URL+tc.path) })
			assertFailures(t, tc.want, got)
		})
	}
}

func TestScreenshotSavesAPNG(t *testing.T) {
	b := Start(t)
	srv := testSite(t, map[string]string{"/": clean})
	b.Visit(t, srv.URL+"/", Width(NarrowWidth))
	path := filepath.Join(t.TempDir(), "page.png")
	b.Screenshot(t, path)
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(png), "\x89PNG\r\n\x1a\n") {
		t.Errorf("%s is not a PNG", path)
	}
}

// assertFailures checks that each reported failure contains the wanted
// substring at its position.
func assertFailures(t *testing.T, want, got []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d failures, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("failure %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}
