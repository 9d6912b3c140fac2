package webtest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/internal/browsertest"
)

// SubmitAndWait clicks the button that matches submit and waits for the
// page that answers to show the element that matches want; that page's
// headings must be in order (browsertest.Browser.AssertHeadings), which
// is what an error summary above the page's h1 breaks.
func SubmitAndWait(t *testing.T, b *browsertest.Browser, submit, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(submit), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(want)),
	); err != nil {
		t.Fatalf("sending the form with %s: %v", submit, err)
	}
	b.AssertHeadings(t)
}

// AssertFits fails the test when the current page scrolls sideways.
func AssertFits(t *testing.T, b *browsertest.Browser, width int) {
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
