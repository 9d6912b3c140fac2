package document

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// renderHTML renders d and parses it back.
func renderHTML(t *testing.T, d Doc) *html.Node {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, d); err != nil {
		t.Fatalf("HTML: %v", err)
	}
	root, err := html.Parse(&b)
	if err != nil {
		t.Fatalf("parsing the HTML back: %v", err)
	}
	return root
}

// all returns the elements under n named tag, in document order.
func all(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && c.Data == tag {
			out = append(out, c)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestHTMLIsDutchWithOneH1AndHeadingsInOrder(t *testing.T) {
	t.Parallel()
	root := renderHTML(t, ijmond(5))
	if h := all(root, "html"); len(h) != 1 || attr(h[0], "lang") != "nl" {
		t.Fatalf("html element lacks lang=\"nl\"")
	}
	var levels []int
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6' {
			levels = append(levels, int(n.Data[1]-'0'))
		}
	}
	if len(levels) == 0 || levels[0] != 1 {
		t.Fatalf("headings %v do not start with h1", levels)
	}
	for i, l := range levels {
		if i > 0 && l == 1 {
			t.Errorf("a second h1 at heading %d", i+1)
		}
		if i > 0 && l > levels[i-1]+1 {
			t.Errorf("heading %d skips from h%d to h%d", i+1, levels[i-1], l)
		}
	}
}

func TestHTMLRecommendationsAreANumberedList(t *testing.T) {
	t.Parallel()
	d := ijmond(30)
	root := renderHTML(t, d)
	ols := all(root, "ol")
	if len(ols) != 1 {
		t.Fatalf("%d ol elements, want 1", len(ols))
	}
	items := all(ols[0], "li")
	if len(items) != len(d.Recommendations) {
		t.Fatalf("%d list items, want %d", len(items), len(d.Recommendations))
	}
	for i, li := range items {
		if got := attr(li, "value"); got != strconv.Itoa(i+1) {
			t.Errorf("item %d has value %q", i+1, got)
		}
		if got := text(li); got != d.Recommendations[i] {
			t.Errorf("item %d = %q, want %q", i+1, got, d.Recommendations[i])
		}
	}
}

func TestHTMLTablesHaveCaptionsAndScopedHeaders(t *testing.T) {
	t.Parallel()
	root := renderHTML(t, ijmond(3))
	tables := all(root, "table")
	if len(tables) != 2 {
		t.Fatalf("%d tables, want reach and one poll", len(tables))
	}
	for i, tbl := range tables {
		first := tbl.FirstChild
		for first != nil && first.Type != html.ElementNode {
			first = first.NextSibling
		}
		if first == nil || first.Data != "caption" || text(first) == "" {
			t.Errorf("table %d does not start with a caption", i+1)
		}
		for _, th := range all(tbl, "th") {
			if s := attr(th, "scope"); s != "col" && s != "row" {
				t.Errorf("table %d: th %q has scope %q", i+1, text(th), s)
			}
		}
	}
}

func TestHTMLShowsTheDocumentsParticulars(t *testing.T) {
	t.Parallel()
	d := ijmond(3)
	root := renderHTML(t, d)
	body := text(root)
	if links := all(root, "a"); len(links) != 1 || attr(links[0], "href") != d.Permalink {
		t.Errorf("the permalink is not the page's one link")
	}
	if codes := all(root, "code"); len(codes) != 1 || text(codes[0]) != d.ContentHash {
		t.Errorf("the content hash is not shown as code")
	}
	for _, want := range []string{"Beverwijk, Heemskerk en Velsen", "1 november 2026", d.Reference, d.Permalink,
		d.ContentHash, "Gecorrigeerde versie. " + d.Note, "minder dan vijf, niet getoond", "ideeën", "ĳsbaan",
		"Als je met een rollator oversteekt"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	d.Correction = false
	if strings.Contains(text(renderHTML(t, d)), labelCorrection) {
		t.Error("a first version says it is corrected")
	}
}

func TestDutchDateInAmsterdam(t *testing.T) {
	t.Parallel()
	loc, err := amsterdam()
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		at   time.Time
		want string
	}{
		"winter, late evening UTC is the next day": {time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "1 januari 2027"},
		"summer, two hours ahead":                  {time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), "30 maart 2026"},
		"summer, still the same day":               {time.Date(2026, 3, 29, 21, 30, 0, 0, time.UTC), "29 maart 2026"},
		"zero":                                     {time.Time{}, ""},
	} {
		if got := dutchDate(c.at, loc); got != c.want {
			t.Errorf("%s: dutchDate(%v) = %q, want %q", name, c.at, got, c.want)
		}
	}
}
