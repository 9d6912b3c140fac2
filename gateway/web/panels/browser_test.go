package panels

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
)

// The panel pages in a browser: the residents' sign-up and the pages of
// the links in panel mails, and the staff's panel, members, member and
// import pages, each with its errors, at both widths. A poll's panel form
// is gateway/web/polls's.
func TestPanelPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	panels := newFakePanels()
	site := newSiteWith(t, Config{Panels: panels.serve(t)}, kit.Config{APIVersion: "1.0.0"}, nil)
	resident := httptest.NewServer(site.Handler())
	t.Cleanup(resident.Close)
	officer := httptest.NewServer(webtest.WithIdentity(webtest.VelsenOfficer, site.Handler()))
	t.Cleanup(officer.Close)

	pages := []struct {
		name   string
		url    string
		status int
	}{
		{"sign-up", resident.URL + "/panel/aanmelden?lang=nl", 200},
		{"sign-up, English", resident.URL + "/panel/aanmelden?lang=en", 200},
		{"sign-up for one municipality", resident.URL + "/panel/aanmelden/GM0453?lang=nl", 200},
		{"mail sent", resident.URL + "/panel/aanmelden/verstuurd", 200},
		{"confirmation link", resident.URL + "/panel/bevestigen/" + confirmToken, 200},
		{"confirmed", resident.URL + "/panel/bevestigd?gemeente=GM0453", 200},
		{"unsubscribe link", resident.URL + "/panel/afmelden/" + leaveToken, 200},
		{"unsubscribed", resident.URL + "/panel/afgemeld?gemeente=GM0453", 200},
		{"a link that is no token", resident.URL + "/panel/afmelden/kort", 404},
		{"panels", officer.URL + "/panels?lang=nl", 200},
		{"panels, English", officer.URL + "/panels?lang=en", 200},
		{"members", officer.URL + "/panels/GM0453/leden", 200},
		{"members, second page", officer.URL + "/panels/GM0453/leden?na=member-bram&status=actief", 200},
		{"member", officer.URL + "/panels/GM0453/leden/" + memberAnna, 200},
		{"erase, the question", officer.URL + "/panels/GM0453/leden/" + memberAnna + "/wissen", 200},
		{"import", officer.URL + "/panels/GM0453/importeren", 200},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
			if *webtest.Screenshots != "" {
				// AssertAccessible ends at the narrow width.
				name := strings.NewReplacer(" ", "-", ",", "").Replace(tc.name)
				b.Screenshot(t, filepath.Join(*webtest.Screenshots, "meedoen-panel-"+name+"-320.png"))
			}
		})
	}

	forms := []struct {
		name, page, submit string
		fill               func(ctx context.Context) error
	}{
		{"sign-up with errors", resident.URL + "/panel/aanmelden?lang=nl", `.mdn-form button[type=submit]`, nil},
		{"sign-up with another municipality's neighbourhood", resident.URL + "/panel/aanmelden?lang=nl", `.mdn-form button[type=submit]`,
			func(ctx context.Context) error {
				return chromedp.Do(ctx,
					chromedp.SetValue(`#gemeente`, "GM0453"),
					chromedp.SetValue(`#wijk`, "BEV-05"),
					chromedp.SendKeys(`#email`, "sam@example.nl"),
					chromedp.Click(`#toestemming`),
				)
			}},
		{"import without a file", officer.URL + "/panels/GM0453/importeren", `.mdn-form button[type=submit]`, nil},
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
				b.Visit(t, tc.page, browsertest.Width(width))
				if tc.fill != nil {
					ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
					err := tc.fill(ctx)
					cancel()
					if err != nil {
						t.Fatal(err)
					}
				}
				webtest.SubmitAndWait(t, b, tc.submit, "#fouten")
				for _, v := range b.Axe(t) {
					t.Errorf("%s after sending the form at %d px: %s", tc.page, width, v)
				}
				webtest.AssertFits(t, b, width)
			}
		})
	}

	t.Run("import preview with rejected rows", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "leden.csv")
		csv := "email;toestemming_datum\nsam@example.nl;2026-03-31\nkees-at-example.nl;2026-03-31\n"
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, officer.URL+"/panels/GM0453/importeren", browsertest.Width(width))
			ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
			err := chromedp.Do(ctx,
				chromedp.SetUploadFiles(`#bestand`, []string{file}),
				chromedp.SendKeys(`#versie`, "wervingsbrief 2026-03"),
			)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			webtest.SubmitAndWait(t, b, `.mdn-form button[type=submit]`, "#afgekeurd")
			for _, v := range b.Axe(t) {
				t.Errorf("the import's preview at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
			if *webtest.Screenshots != "" {
				b.Screenshot(t, filepath.Join(*webtest.Screenshots, "meedoen-panel-import-"+map[int]string{browsertest.DesktopWidth: "desktop", browsertest.NarrowWidth: "320"}[width]+".png"))
			}
		}
	})
}
