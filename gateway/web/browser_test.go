package web

import (
	"context"
	"flag"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
)

// screenshots, when set, is a folder where the accessibility tests save
// pages at both widths, for a person to look at:
//
//	go test ./gateway/web -run Accessible -args -screenshots=/tmp
var screenshots = flag.String("screenshots", "", "folder to save screenshots of pages in")

func TestPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	site := newSite(t, Config{APIVersion: "1.0.0", DevLogin: true})
	anonymous := httptest.NewServer(site.Handler())
	t.Cleanup(anonymous.Close)
	staff := httptest.NewServer(withIdentity(twoTenants, site.Handler()))
	t.Cleanup(staff.Close)

	tests := []struct {
		name   string
		url    string
		status int
	}{
		{"start, anonymous", anonymous.URL + "/", 200},
		{"start, anonymous, English", anonymous.URL + "/?lang=en", 200},
		{"accessibility statement", anonymous.URL + "/toegankelijkheid", 200},
		{"privacy", anonymous.URL + "/privacy", 200},
		{"placeholder section", anonymous.URL + "/focusgroepen", 200},
		{"not found", anonymous.URL + "/bestaat-niet", 404},
		{"not found, English", anonymous.URL + "/bestaat-niet?lang=en", 404},
		{"start, staff with two tenants", staff.URL + "/", 200},
		{"start, staff, English", staff.URL + "/?lang=en", 200},
		{"accessibility statement, staff", staff.URL + "/toegankelijkheid", 200},
		{"privacy, staff", staff.URL + "/privacy", 200},
		{"placeholder section, staff", staff.URL + "/adviezen", 200},
		{"not found, staff", staff.URL + "/bestaat-niet", 404},
		{"tenant switch refused", staff.URL + "/?tenant=GM0396", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	if *screenshots != "" {
		for _, shot := range []struct {
			file  string
			width int
		}{
			{"meedoen-start-320.png", browsertest.NarrowWidth},
			{"meedoen-start-desktop.png", browsertest.DesktopWidth},
			{"meedoen-start-anonymous-320.png", browsertest.NarrowWidth},
		} {
			url := staff.URL + "/?lang=nl"
			if shot.file == "meedoen-start-anonymous-320.png" {
				url = anonymous.URL + "/?lang=nl"
			}
			b.Visit(t, url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*screenshots, shot.file))
		}
	}
}

// The staff's poll pages: the list, and polls with their tally and
// lifecycle buttons, among them an open shared poll whose live script
// runs (its policy allows it) and a refused action.
func TestStaffPollPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	site := newSite(t, Config{Surveys: fake.serve(t), APIVersion: "1.0.0"})
	srv := httptest.NewServer(withIdentity(velsenChair, site.Handler()))
	t.Cleanup(srv.Close)

	pages := []struct {
		name string
		url  string
	}{
		{"list", srv.URL + "/peilingen"},
		{"list, English", srv.URL + "/peilingen?lang=en"},
		{"open shared poll with its live tally", srv.URL + "/peilingen/" + openPollID + "?lang=nl"},
		{"open shared poll, English", srv.URL + "/peilingen/" + openPollID + "?lang=en"},
		{"draft with its buttons", srv.URL + "/peilingen/" + draftPollID + "?lang=nl"},
		{"closed poll", srv.URL + "/peilingen/" + closedPollID},
		{"after scheduling", srv.URL + "/peilingen/" + scheduledPollID + "?gelukt=gepland"},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}
}

// With JavaScript, an open poll's tally follows new responses without a
// reload.
func TestLiveTallyUpdatesThePage(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	site := newSite(t, Config{Surveys: fake.serve(t)})
	site.liveEvery = 50 * time.Millisecond
	// Streams end soon, so that closing the server does not wait long for
	// a browser that still listens.
	site.liveFor = 5 * time.Second
	srv := httptest.NewServer(withIdentity(velsenChair, site.Handler()))
	t.Cleanup(srv.Close)

	b.Visit(t, srv.URL+"/peilingen/"+openPollID+"?lang=nl")
	fake.setResponses(openPollID, 7)
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector('.mdn-tally__responses').textContent === 'Reacties: 7'`),
		// Leaving the page closes its event stream.
		chromedp.Navigate("about:blank"),
	); err != nil {
		t.Fatalf("waiting for the tally to show 7 responses: %v", err)
	}
}

// A platform admin sees every known tenant in the switcher; the longest
// select the header has to fit at 320 px.
func TestTenantSwitcherFitsANarrowScreen(t *testing.T) {
	b := browsertest.Start(t)
	admin := auth.Identity{
		Subject: "u-3",
		Name:    "Wilhelmina van Oostrum-Zuidema",
		Grants:  []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}},
	}
	srv := httptest.NewServer(withIdentity(admin, newSite(t, Config{}).Handler()))
	t.Cleanup(srv.Close)
	b.AssertAccessible(t, srv.URL+"/toegankelijkheid?lang=en")
}

func TestWorkspacePagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeCouncils()
	site := newSite(t, Config{Councils: fake.serve(t), APIVersion: "1.0.0"})
	serve := func(id auth.Identity) string {
		srv := httptest.NewServer(withIdentity(id, site.Handler()))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	chair, officer, coordinator := serve(velsenChair), serve(velsenOfficer), serve(ijmondCoordinator)
	unconfigured := httptest.NewServer(withIdentity(velsenChair, newSite(t, Config{}).Handler()))
	t.Cleanup(unconfigured.Close)

	pages := []struct {
		name   string
		url    string
		status int
	}{
		{"agenda with every kind of question, chair", chair + "/agenda", 200},
		{"agenda, English", chair + "/agenda?lang=en", 200},
		{"agenda, filtered to nothing", chair + "/agenda?thema=mantelzorg&herkomst=ongevraagd", 200},
		{"agenda, policy officer", officer + "/agenda?lang=nl", 200},
		{"raise a question, policy officer", officer + "/agenda/nieuw", 200},
		{"raise a question, regional coordinator", coordinator + "/agenda/nieuw", 200},
		{"board with regional and local processes", chair + "/trajecten", 200},
		{"board, English", chair + "/trajecten?lang=en", 200},
		{"board of a region", coordinator + "/trajecten?lang=nl", 200},
		{"process in execute, with timeline and activities", chair + "/trajecten/p-execute", 200},
		{"regional process, English", chair + "/trajecten/p-regional?lang=en", 200},
		{"process, read only for a policy officer", officer + "/trajecten/p-execute?lang=nl", 200},
		{"process after a success", chair + "/trajecten/p-intake?gelukt=fase", 200},
		{"record a field activity, regional", chair + "/trajecten/p-regional/veldactiviteit", 200},
		{"roster", chair + "/raad", 200},
		{"roster, English", chair + "/raad?lang=en", 200},
		{"councils of a region", coordinator + "/raad?lang=nl", 200},
		{"unknown process", chair + "/trajecten/p-none", 404},
		{"service not configured", unconfigured.URL + "/agenda", 503},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	// Forms the service refused: the page that answers the POST, with its
	// error summary and the errors at the fields.
	refusals := []struct {
		name   string
		page   string
		method string
		err    error
		submit string // selector of the button that sends the form
	}{
		{"question form with errors", officer + "/agenda/nieuw?lang=nl", "RaiseQuestion",
			invalid("/title", "is required", "/adviceNeededBy", "must not be in the past",
				"/scope/participatingMunicipalities", "regional work needs at least one participating municipality", "/other", "is odd"),
			`.mdn-form button[type=submit]`},
		{"rejection without a reason", chair + "/agenda", "DecideQuestion",
			invalid("/reason", "is required when rejecting a question"), `button[name=besluit][value=afwijzen]`},
		{"gate not met", chair + "/trajecten/p-regional", "TransitionProcess",
			unmet("the process cannot enter phase choose_forms yet", "/preciseQuestion", "the precise question is not set", "/targetGroup", "the target group is not set"),
			`#vooruit button[type=submit]`},
		{"process details refused", chair + "/trajecten/p-execute", "UpdateProcess",
			invalid("/targetGroup", "must be at most 500 characters", "/forms", "must not repeat a form"), `#gegevens button[type=submit]`},
		{"field activity without a count", chair + "/trajecten/p-intake/veldactiviteit", "RecordFieldActivity", nil, `.mdn-form button[type=submit]`},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			fake.failWith(tc.method, tc.err)
			t.Cleanup(func() { fake.failWith(tc.method, nil) })
			for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
				b.Visit(t, tc.page, browsertest.Width(width))
				submitAndWait(t, b, tc.submit, "#fouten")
				for _, v := range b.Axe(t) {
					t.Errorf("%s after sending the form at %d px: %s", tc.page, width, v)
				}
				assertFits(t, b, width)
			}
		})
	}

	if *screenshots != "" {
		for _, shot := range []struct {
			file, url, submit string
			width             int
		}{
			{"meedoen-board-320.png", chair + "/trajecten?lang=nl", "", browsertest.NarrowWidth},
			{"meedoen-board-desktop.png", chair + "/trajecten?lang=nl", "", browsertest.DesktopWidth},
			{"meedoen-process-320.png", chair + "/trajecten/p-execute", "", browsertest.NarrowWidth},
			{"meedoen-process-desktop.png", chair + "/trajecten/p-execute", "", browsertest.DesktopWidth},
			{"meedoen-agenda-desktop.png", chair + "/agenda", "", browsertest.DesktopWidth},
			{"meedoen-agenda-320.png", chair + "/agenda", "", browsertest.NarrowWidth},
			{"meedoen-question-errors-320.png", officer + "/agenda/nieuw", `.mdn-form button[type=submit]`, browsertest.NarrowWidth},
			{"meedoen-activity-320.png", chair + "/trajecten/p-regional/veldactiviteit", "", browsertest.NarrowWidth},
			{"meedoen-roster-320.png", chair + "/raad", "", browsertest.NarrowWidth},
		} {
			if shot.submit != "" {
				fake.failWith("RaiseQuestion", invalid("/title", "is required", "/adviceNeededBy", "must not be in the past"))
			}
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			if shot.submit != "" {
				submitAndWait(t, b, shot.submit, "#fouten")
				fake.failWith("RaiseQuestion", nil)
			}
			b.Screenshot(t, filepath.Join(*screenshots, shot.file))
		}
	}
}

// submitAndWait clicks the button that matches submit and waits for the
// page that answers to show the element that matches want.
func submitAndWait(t *testing.T, b *browsertest.Browser, submit, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(submit), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(want)),
	); err != nil {
		t.Fatalf("sending the form with %s: %v", submit, err)
	}
}

// assertFits fails the test when the current page scrolls sideways.
func assertFits(t *testing.T, b *browsertest.Browser, width int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	scrollWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if scrollWidth > width {
		t.Errorf("at %d px the page is %d px wide and scrolls sideways", width, scrollWidth)
	}
}
