package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// headingProblems lists what is wrong with the page's headings in the
// terms of HTML_CodeSniffer's technique G141, which pa11y and Lighthouse
// report and axe-core does not: the first heading must be the page's h1
// (an error summary's h2 above it reads as the page's main heading), and
// no heading may be more than one level below the heading before it.
const headingProblems = `(() => {
  const hs = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter(h => h.closest("[hidden]") === null);
  const out = [];
  if (hs.length > 0 && hs[0].tagName !== "H1") {
    out.push("the first heading is an " + hs[0].tagName.toLowerCase() + " (\"" + hs[0].textContent.trim() + "\"), not the page's h1");
  }
  for (let i = 1; i < hs.length; i++) {
    const prev = +hs[i-1].tagName[1], cur = +hs[i].tagName[1];
    if (cur > prev + 1) {
      out.push("an h" + cur + " (\"" + hs[i].textContent.trim() + "\") follows an h" + prev + ": a level is skipped");
    }
  }
  return out;
})()`

// AssertHeadings fails the test for each problem with the current page's
// heading structure (G141): the first heading is not the h1, or a level
// is skipped. AssertAccessible checks it on every visit; a test that
// shows a page by submitting a form calls it itself.
func (b *Browser) AssertHeadings(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](headingProblems))
	if err != nil {
		t.Fatalf("browsertest: reading the headings: %v", err)
	}
	for _, p := range problems {
		t.Errorf("headings (G141): %s", p)
	}
}
