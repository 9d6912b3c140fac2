package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// runAxe runs axe-core with the WCAG 2.1 A and AA rule tags (wcag2a,
// wcag2aa, wcag21a, wcag21aa) and returns its violations.
//
//go:embed run-axe.js
var runAxe string

// Violation is one axe-core rule that the page breaks, with the elements
// that break it.
type Violation struct {
	// ID is the axe rule, e.g. "color-contrast".
	ID string `json:"id"`
	// Impact is minor, moderate, serious or critical.
	Impact string `json:"impact"`
	// Help says in one line what the rule wants.
	Help string `json:"help"`
	// HelpURL explains the rule and how to fix it.
	HelpURL string `json:"helpUrl"`
	// Nodes are the offending elements.
	Nodes []Node `json:"nodes"`
}

// Node is one element that breaks a rule.
type Node struct {
	// Target holds CSS selectors that find the element.
	Target []string `json:"target"`
	// HTML is the element's opening markup.
	HTML string `json:"html"`
	// FailureSummary says what to fix on this element.
	FailureSummary string `json:"failureSummary"`
}

// Axe runs axe-core on the current page with the WCAG 2.1 A and AA rules and
// returns the violations. It injects axe-core through the DevTools protocol,
// which the page's Content-Security-Policy does not govern, so it works on
// pages that allow no scripts at all.
func (b *Browser) Axe(t testing.TB) []Violation {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		t.Fatalf("browsertest: checking for axe-core: %v", err)
	}
	if !loaded {
		// The trailing undefined keeps the protocol from serialising
		// whatever the bundle's last expression happens to be.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](b.axe+"\n;undefined")); err != nil {
			t.Fatalf("browsertest: injecting axe-core: %v", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](runAxe, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: running axe-core: %v", err)
	}
	return vs
}

// AssertAccessible visits url at DesktopWidth and at NarrowWidth and fails
// the test for every WCAG 2.1 A or AA violation axe-core finds, and for a
// page that makes a reader scroll sideways at the narrow width (WCAG 1.4.10,
// which axe-core does not check) or whose headings are out of order
// (AssertHeadings). Options apply to both visits; a Width
// among them is overridden.
func (b *Browser) AssertAccessible(t testing.TB, url string, opts ...Option) {
	t.Helper()
	for _, width := range []int{DesktopWidth, NarrowWidth} {
		b.Visit(t, url, append(opts[:len(opts):len(opts)], Width(width))...)
		for _, v := range b.Axe(t) {
			t.Errorf("%s at %d px: %s", url, width, v)
		}
		b.AssertHeadings(t)
		b.assertNoSidewaysScroll(t, url, width)
	}
}

// assertNoSidewaysScroll fails the test when the page is wider than the
// viewport.
func (b *Browser) assertNoSidewaysScroll(t testing.TB, url string, width int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	scrollWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("browsertest: measuring %s: %v", url, err)
	}
	if scrollWidth > width {
		t.Errorf("%s at %d px: the page is %d px wide and scrolls sideways (WCAG 1.4.10 reflow)", url, width, scrollWidth)
	}
}

// String formats the violation for a test failure: rule, impact, help and
// each offending element.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s\n      %s", strings.Join(n.Target, ", "), n.HTML)
		if n.FailureSummary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.FailureSummary, "\n", "\n      "))
		}
	}
	return b.String()
}
