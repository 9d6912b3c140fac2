// Package browsertest drives Debian's Chromium, headless, for tests of the
// web UI: visit a page at a given width, run axe-core on it, take a
// screenshot. AssertAccessible is the check every page gets: no WCAG 2.1 A
// or AA violation, at desktop width and at 320 px.
//
// While a page loads, the helper also watches what a person would not see:
// a request to another origin, a Content-Security-Policy violation, a
// resource that fails to load or a script error each fail the test.
//
// The browser and axe-core come from scripts/ensure-browser.sh. Without them
// a test is skipped with a message saying so, except in CI (CI=true), where
// a skipped browser test would hide a broken page, so it fails.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// axePath is axe-core's browser bundle, relative to the repository root.
const axePath = "var/tools/axe/node_modules/axe-core/axe.min.js"

// Viewport widths in CSS pixels. NarrowWidth is the WCAG reflow width: 1280
// px at 400 % zoom.
const (
	DesktopWidth = 1280
	NarrowWidth  = 320
)

const (
	viewportHeight = 800
	// startTimeout bounds the browser's start; actionTimeout one visit,
	// axe run or screenshot. Both are far above what they take (well under
	// a second), so they only end a hung browser, never a slow machine.
	startTimeout  = time.Minute
	actionTimeout = 30 * time.Second
)

// Browser is one headless Chromium with one tab. Cookies persist from one
// visit to the next, as in a person's browser. Its methods are not safe for
// concurrent use: give each parallel test its own Browser.
type Browser struct {
	ctx context.Context // the tab's chromedp context
	axe string          // axe-core's source

	mu       sync.Mutex
	origin   string   // origin of the page being visited
	docURL   string   // URL of the document being visited
	problems []string // what the page did wrong while loading
}

// Start launches Chromium with a fresh profile in a temporary directory; the
// test's cleanup stops it. A missing browser or axe-core skips the test
// (fails it in CI) with instructions.
func Start(t testing.TB) *Browser {
	t.Helper()
	axe := requireTools(t)

	var output lockedBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Nothing but this machine resolves: a page that reaches for
		// another host fails fast (and the test reports it) instead of
		// waiting for DNS on a closed network.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]"),
		chromedp.WindowSize(DesktopWidth, viewportHeight),
		chromedp.CombinedOutput(&output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser process to exit
	})

	b := &Browser{ctx: ctx, axe: axe}
	// The first run starts the browser and binds it to ctx, so it must not
	// carry a deadline itself; the timer ends a start that hangs.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer after %s: %w", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v\nbrowser output:\n%s", chromiumPath, err, output.tail(2000))
	}
	if err := chromedp.Listen(ctx, b.observe); err != nil {
		t.Fatalf("browsertest: listening to the browser: %v", err)
	}
	return b
}

// Context returns the tab's chromedp context, for actions the helper has no
// method for: chromedp.Run(b.Context(), chromedp.Click("#submit")).
func (b *Browser) Context() context.Context { return b.ctx }

// Option changes how Visit loads a page.
type Option func(*visit)

type visit struct {
	width  int64
	status int64
}

// Width sets the viewport width in CSS pixels; the default is DesktopWidth.
func Width(px int) Option { return func(v *visit) { v.width = int64(px) } }

// Status sets the HTTP status the page must answer with; the default is
// 200. Use it to check error pages, e.g. Status(404).
func Status(code int) Option { return func(v *visit) { v.status = int64(code) } }

// Visit loads url and waits for its load event. It fails the test when the
// page does not load, answers with another status than expected, asks for
// anything from another origin, violates its Content-Security-Policy, fails
// to load a resource or throws a script error.
func (b *Browser) Visit(t testing.TB, rawURL string, opts ...Option) {
	t.Helper()
	v := visit{width: DesktopWidth, status: 200}
	for _, o := range opts {
		o(&v)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("browsertest: visiting %q: %v", rawURL, err)
	}
	b.begin(u)

	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.width, viewportHeight)); err != nil {
		t.Fatalf("browsertest: setting the viewport to %d px: %v", v.width, err)
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(rawURL))
	if err != nil {
		t.Fatalf("browsertest: visiting %s: %v", rawURL, err)
	}
	if resp == nil {
		t.Fatalf("browsertest: visiting %s: no response", rawURL)
	}
	if resp.Status != v.status {
		t.Errorf("browsertest: %s answered %d %s, want %d", rawURL, resp.Status, resp.StatusText, v.status)
	}
	for _, p := range b.end() {
		t.Errorf("browsertest: %s at %d px: %s", rawURL, v.width, p)
	}
}

// begin starts watching a visit to u.
func (b *Browser) begin(u *url.URL) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.origin = u.Scheme + "://" + u.Host
	b.docURL = u.String()
	b.problems = nil
}

// end returns what went wrong during the visit. Events of the load are all
// in by now: the browser sends them before it answers the navigation that
// waited for the load event.
func (b *Browser) end() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	ps := b.problems
	b.problems = nil
	return ps
}

// observe runs on the browser connection's reader for every event of the
// tab: it must be quick and must not call the browser.
func (b *Browser) observe(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil && b.foreign(ev.Request.URL) {
			problem = "request to another origin: " + ev.Request.URL
		}
	case *log.EventEntryAdded:
		problem = b.logProblem(ev.Entry)
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			problem = "script error: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				problem += " " + d.Exception.Description
			}
		}
	}
	if problem == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// The browser may log one refusal twice (preload scan and parse).
	if !slices.Contains(b.problems, problem) {
		b.problems = append(b.problems, problem)
	}
}

// foreign reports whether a request goes to another origin than the page.
func (b *Browser) foreign(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return false // stays inside the page
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.origin != "" && u.Scheme+"://"+u.Host != b.origin
}

// logProblem turns a console entry into a problem, or "" when it is none.
// Content-Security-Policy violations are logged with source security; a
// failed subresource with source network. The document's own non-200 status
// is logged too, but Visit checks that against the wanted status.
func (b *Browser) logProblem(e *log.Entry) string {
	if e == nil || e.Level != log.EntryLevelError {
		return ""
	}
	switch e.Source {
	case log.EntrySourceSecurity, log.EntrySourceViolation:
		return "the browser blocked it: " + e.Text
	case log.EntrySourceJavascript:
		return "console error: " + e.Text
	case log.EntrySourceNetwork:
		b.mu.Lock()
		doc := b.docURL
		b.mu.Unlock()
		// The browser asks for /favicon.ico on its own, after the load,
		// of pages that name no icon: not the page's fault.
		if e.URL == doc || strings.HasSuffix(e.URL, "/favicon.ico") {
			return ""
		}
		return "failed to load " + e.URL + ": " + e.Text
	}
	return ""
}

// Screenshot saves a PNG of the whole page, not just the viewport, at path.
func (b *Browser) Screenshot(t testing.TB, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browsertest: taking a screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: saving the screenshot: %v", err)
	}
}

// requireTools returns axe-core's source, or ends the test when Chromium or
// axe-core is missing.
func requireTools(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		missing(t, fmt.Sprintf("Chromium is not installed at %s", chromiumPath))
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(root, axePath))
	if errors.Is(err, os.ErrNotExist) {
		missing(t, fmt.Sprintf("axe-core is not installed at %s", axePath))
	}
	if err != nil {
		t.Fatalf("browsertest: reading axe-core: %v", err)
	}
	return string(src)
}

// missing skips the test, or fails it in CI.
func missing(t testing.TB, what string) {
	t.Helper()
	msg := "browsertest: " + what + "; run scripts/ensure-browser.sh"
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s", msg)
	}
	t.Skip(msg)
}

// repoRoot walks up from the working directory, which go test sets to the
// package's folder, to the folder that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// lockedBuffer collects the browser's output, which arrives on another
// goroutine, to show when the browser fails to start.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		return len(p), nil // enough to diagnose a start; drop the rest
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}
