package results

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
)

// The public results pages pass axe-core's WCAG 2.1 A and AA rules at
// 320 px and on a desktop, with the charts inlined, and fit a phone
// without scrolling sideways.
func TestPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	fk.results.addProcesses(25)
	srv := httptest.NewServer(newSite(t, fk.cfg).Handler())
	t.Cleanup(srv.Close)
	bare := httptest.NewServer(newSite(t, Config{}).Handler())
	t.Cleanup(bare.Close)

	pages := []struct {
		name, url string
		status    int
	}{
		{"list", srv.URL + "/resultaten?lang=nl", 200},
		{"list, English", srv.URL + "/resultaten?lang=en", 200},
		{"list, filtered, second page", srv.URL + "/resultaten?gemeente=GM0453&vanaf=20", 200},
		{"list, filtered", srv.URL + "/resultaten?gemeente=GM0375", 200},
		{"shared process", srv.URL + "/resultaten/" + sharedID + "?lang=nl", 200},
		{"shared process, English", srv.URL + "/resultaten/" + sharedID + "?lang=en", 200},
		{"process with its report", srv.URL + "/resultaten/" + localID, 200},
		{"process without evidence", srv.URL + "/resultaten/p-extra-01", 200},
		{"evaluation", srv.URL + "/resultaten/evaluatie?lang=nl", 200},
		{"evaluation, English", srv.URL + "/resultaten/evaluatie?lang=en", 200},
		{"evaluation of a region", srv.URL + "/resultaten/evaluatie?regio=ijmond", 200},
		{"evaluation filtered", srv.URL + "/resultaten/evaluatie?gemeente=GM0453&thema=mantelzorg", 200},
		{"an unknown filter", srv.URL + "/resultaten/evaluatie?gemeente=GM9999", 400},
		{"an unknown process", srv.URL + "/resultaten/p-bestaat-niet", 404},
		{"without the service", bare.URL + "/resultaten", 503},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	t.Run("the filter works without JavaScript", func(t *testing.T) {
		b.Visit(t, srv.URL+"/resultaten/evaluatie?lang=nl", browsertest.Width(browsertest.NarrowWidth))
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.SetValue(`#filter-gemeente`, "GM0375")); err != nil {
			t.Fatal(err)
		}
		// The note that charts need a region alone is on the answer's page
		// only.
		webtest.SubmitAndWait(t, b, `.mdn-filter button[type=submit]`, `#grafieken-gefilterd`)
		url, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if want := srv.URL + "/resultaten/evaluatie?regio=&gemeente=GM0375&thema="; url != want {
			t.Errorf("the filter led to %s, want %s", url, want)
		}
		webtest.AssertFits(t, b, browsertest.NarrowWidth)
	})

	t.Run("a chart fits a phone", func(t *testing.T) {
		b.Visit(t, srv.URL+"/resultaten/evaluatie", browsertest.Width(browsertest.NarrowWidth))
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("svg").getBoundingClientRect().width`))
		if err != nil {
			t.Fatal(err)
		}
		if width < 200 || width > browsertest.NarrowWidth {
			t.Errorf("the chart is %.0f px wide on a 320 px phone", width)
		}
	})

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url string
			width     int
		}{
			{"meedoen-results-process-320.png", srv.URL + "/resultaten/" + sharedID + "?lang=nl", browsertest.NarrowWidth},
			{"meedoen-results-process-desktop.png", srv.URL + "/resultaten/" + sharedID + "?lang=nl", browsertest.DesktopWidth},
			{"meedoen-results-evaluation-320.png", srv.URL + "/resultaten/evaluatie?lang=nl", browsertest.NarrowWidth},
			{"meedoen-results-evaluation-desktop.png", srv.URL + "/resultaten/evaluatie?lang=nl", browsertest.DesktopWidth},
			{"meedoen-results-list-320.png", srv.URL + "/resultaten?lang=nl", browsertest.NarrowWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}
