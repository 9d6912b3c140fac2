package results

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// What a resident reads: the text of parts of a page as a screen reader
// gives it (a symbol by its name), with white space collapsed.

// parse parses a page.
func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	return doc
}

// byID finds the element with id.
func byID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode && attr(n, "id") == id {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := byID(c, id); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "role") == "img" && attr(n, "aria-label") != "" {
			// What a screen reader reads for a symbol.
			b.WriteString(attr(n, "aria-label"))
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "li" || n.Data == "tr" || n.Data == "td" || n.Data == "th" || n.Data == "h3" || n.Data == "caption" || n.Data == "dt" || n.Data == "dd") {
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// idText is the text of the element with id on the page.
func idText(t *testing.T, body, id string) string {
	t.Helper()
	n := byID(parse(t, body), id)
	if n == nil {
		t.Fatalf("the page has no element with id %q", id)
	}
	return textOf(n)
}

// sectionText is the text under the h2 with id, up to the next h2.
func sectionText(t *testing.T, body, id string) string {
	t.Helper()
	h := byID(parse(t, body), id)
	if h == nil {
		t.Fatalf("the page has no heading with id %q", id)
	}
	var parts []string
	for n := h.NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.Data == "h2" {
			break
		}
		if s := textOf(n); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// mainText is the text of the page's main content.
func mainText(t *testing.T, body string) string {
	t.Helper()
	return idText(t, body, "inhoud")
}
