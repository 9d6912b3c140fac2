package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/internal/browsertest"
	"github.com/meedoen/meedoen/internal/testkit"
)

var screenshots = flag.String("screenshots", "", "directory to save screenshots of the workspace in, for a person to look at")

// The main flow in a real browser against the whole system with the demo
// data: a Beverwijk council member logs in through the development identity
// provider, finds the local process on the board, and records a visit to the
// food bank from a phone; every page on the way is accessible.
func TestCouncilWorkspaceInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	b := browsertest.Start(t)
	databaseURL := testkit.NewDatabase(t)
	base := startInProcessLogging(t, os.Stderr, "-dev", "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL)

	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	get := func(a chromedp.Action[string]) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 20*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// Log in: the login page of the development provider, then the board.
	b.AssertAccessible(t, base+"/auth/login?returnTo=/trajecten")
	// arrive waits until the browser is at a URL for which ok holds.
	arrive := func(what string, ok func(string) bool) string {
		t.Helper()
		var here string
		testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
			here = get(chromedp.Location())
			if !ok(here) {
				return fmt.Errorf("the browser is at %s, want %s", here, what)
			}
			return nil
		})
		run(chromedp.WaitVisible(`main h1`))
		return here
	}
	run(chromedp.Click(`button.login[value="dev-beverwijk-council-member"]`))
	arrive("the board", func(u string) bool { return strings.HasSuffix(u, "/trajecten") })
	b.AssertAccessible(t, base+"/trajecten")

	href := get(chromedp.Evaluate[string](`Array.from(document.querySelectorAll('main a')).find(a => a.textContent.includes('Wmo-loket')).getAttribute('href')`))
	if !strings.HasPrefix(href, "/trajecten/") {
		t.Fatalf("no link to the Wmo-loket process on the board (got %q)", href)
	}
	process := base + href
	b.AssertAccessible(t, process)
	if *screenshots != "" {
		b.Visit(t, base+"/trajecten")
		b.Screenshot(t, filepath.Join(*screenshots, "board.png"))
		b.Visit(t, process, browsertest.Width(browsertest.NarrowWidth))
		b.Screenshot(t, filepath.Join(*screenshots, "process-320.png"))
	}
	b.AssertAccessible(t, base+"/agenda")
	b.AssertAccessible(t, base+"/raad")
	// The poll builder: a new poll's form, and a demo poll in the editor
	// (read-only once open) and in the preview of the resident's page.
	b.AssertAccessible(t, base+"/peilingen/nieuw")
	b.Visit(t, base+"/peilingen")
	poll := get(chromedp.Evaluate[string](`(document.querySelector('main .mdn-card a') || {getAttribute: () => ""}).getAttribute('href')`))
	if !strings.HasPrefix(poll, "/peilingen/") {
		t.Fatalf("no demo poll on /peilingen (got %q)", poll)
	}
	b.AssertAccessible(t, base+poll+"/bewerken")
	b.AssertAccessible(t, base+poll+"/voorbeeld")
	// The panels: the staff's summary, and the residents' sign-up, which
	// asks for no login.
	b.AssertAccessible(t, base+"/panels")
	b.AssertAccessible(t, base+"/panel/aanmelden")
	b.AssertAccessible(t, base+"/panel/aanmelden/GM0375?lang=en")
	b.Visit(t, base+"/panel/aanmelden/GM0375?lang=nl", browsertest.Width(browsertest.NarrowWidth))
	run(
		chromedp.SendKeys(`#email`, "inwoner@example.nl"),
		chromedp.SetValue(`#leeftijd`, "41-65"),
		chromedp.Click(`#toestemming`),
		chromedp.Submit(`#email`),
	)
	arrive("the page that says a mail was sent", func(u string) bool { return strings.HasSuffix(u, "/panel/aanmelden/verstuurd") })
	b.AssertAccessible(t, base+"/panel/aanmelden/verstuurd")

	// Record a field activity on a phone.
	b.Visit(t, process+"/veldactiviteit", browsertest.Width(browsertest.NarrowWidth))
	today := time.Now().Format(time.DateOnly)
	run(
		chromedp.SetValue(`#vorm`, "visit"),
		chromedp.SetValue(`#datum`, today),
		chromedp.SendKeys(`#plaats`, "Voedselbank Beverwijk"),
		chromedp.SetValue(`#bereikt`, "14"),
		chromedp.SendKeys(`#notities`, "Wachten aan de telefoon is het grootste probleem."),
		chromedp.Submit(`#plaats`),
	)
	arrive("the process page", func(u string) bool { return strings.SplitN(u, "?", 2)[0] == process })
	page := get(chromedp.Text(`main`))
	if !strings.Contains(page, "Voedselbank Beverwijk") || !strings.Contains(page, "14") {
		t.Errorf("the process page does not show the recorded activity:\n%s", page)
	}
	b.AssertAccessible(t, process)
}
