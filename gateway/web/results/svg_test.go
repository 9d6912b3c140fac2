package results

import (
	"strings"
	"testing"
)

func TestInlineSVG(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // the markup, or "" for a refusal
	}{
		{
			name: "a plain chart keeps its drawing",
			in:   `<svg viewBox="0 0 10 10" role="img"><title>Grafiek</title><rect x="1" y="2" width="3" height="4" fill="#123456"/></svg>`,
			want: `<svg viewBox="0 0 10 10" role="img"><title>Grafiek</title><rect x="1" y="2" width="3" height="4" fill="#123456"></rect></svg>`,
		},
		{
			name: "prolog, doctype, comments and namespaces go",
			in: `<?xml version="1.0"?><!DOCTYPE svg><!-- made by a library -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1"><title>T</title></svg>`,
			want: `<svg viewBox="0 0 1 1"><title>T</title></svg>`,
		},
		{
			name: "the root's fixed size goes, inner sizes stay",
			in:   `<svg width="640" height="320" viewBox="0 0 640 320"><title>T</title><rect width="5" height="6"/></svg>`,
			want: `<svg viewBox="0 0 640 320"><title>T</title><rect width="5" height="6"></rect></svg>`,
		},
		{
			name: "scripts, handlers, foreign content, images and links go",
			in: `<svg viewBox="0 0 1 1" onload="alert(1)"><title>T</title><script>alert(2)</script>` +
				`<foreignObject><div>x</div></foreignObject><image href="https://example.org/x.png"/>` +
				`<a href="https://example.org"><text>link</text></a><g onclick="alert(3)" ONMOUSEOVER="x"><text>kept</text></g></svg>`,
			want: `<svg viewBox="0 0 1 1"><title>T</title><g><text>kept</text></g></svg>`,
		},
		{
			name: "styles become presentation attributes",
			in:   `<svg viewBox="0 0 1 1"><title>T</title><text style="font-size: 12px; FILL:#000;behavior:url(x.htc);position:absolute">a</text><style>text{fill:red}</style></svg>`,
			want: `<svg viewBox="0 0 1 1"><title>T</title><text font-size="12px" fill="#000">a</text></svg>`,
		},
		{
			name: "ids and their references get the prefix",
			in: `<svg viewBox="0 0 1 1" aria-labelledby="t d"><title id="t">T</title><desc id="d">D</desc>` +
				`<defs><linearGradient id="g"/></defs><rect fill="url(#g)" style="stroke:url(#g)"/><use xlink:href="#r"/><use href="#r"/></svg>`,
			want: `<svg viewBox="0 0 1 1" aria-labelledby="c-t c-d"><title id="c-t">T</title><desc id="c-d">D</desc>` +
				`<defs><linearGradient id="c-g"></linearGradient></defs><rect fill="url(#c-g)" stroke="url(#c-g)"></rect><use href="#c-r"></use><use href="#c-r"></use></svg>`,
		},
		{
			name: "references outside the chart go",
			in:   `<svg viewBox="0 0 1 1"><title>T</title><rect fill="url(https://example.org/x#g)" stroke="url('#g')" filter="javascript:alert(1)" x="1"/><use href="other.svg#r"/></svg>`,
			want: `<svg viewBox="0 0 1 1"><title>T</title><rect x="1"></rect><use></use></svg>`,
		},
		{
			name: "text is escaped",
			in:   `<svg viewBox="0 0 1 1"><title>A &amp; B &lt;script&gt;</title><text>&quot;x&quot;</text></svg>`,
			want: `<svg viewBox="0 0 1 1"><title>A &amp; B &lt;script&gt;</title><text>&#34;x&#34;</text></svg>`,
		},
		{name: "no title", in: `<svg viewBox="0 0 1 1"><desc>D</desc></svg>`},
		{name: "a title deeper down is not the chart's", in: `<svg viewBox="0 0 1 1"><g><title>T</title></g></svg>`},
		{name: "not svg", in: `<html><title>T</title></html>`},
		{name: "two roots", in: `<svg><title>T</title></svg><svg><title>U</title></svg>`},
		{name: "text outside", in: `hello <svg><title>T</title></svg>`},
		{name: "not XML", in: `<svg><title>T</svg>`},
		{name: "empty", in: ``},
		{name: "too big", in: `<svg><title>T</title>` + strings.Repeat(" ", maxSVG) + `</svg>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := inlineSVG([]byte(tc.in), "c-")
			if tc.want == "" {
				if err == nil {
					t.Fatalf("inlineSVG = %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("inlineSVG: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("inlineSVG =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
