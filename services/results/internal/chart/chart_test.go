package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// node is an SVG element as encoding/xml reads it, with its children.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns the elements named tag under n, in document order.
func (n node) all(tag string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == tag {
			out = append(out, c)
		}
		out = append(out, c.all(tag)...)
	}
	return out
}

// classed returns the elements named tag whose class list holds class.
func (n node) classed(tag, class string) []node {
	var out []node
	for _, c := range n.all(tag) {
		for _, k := range strings.Fields(c.attr("class")) {
			if k == class {
				out = append(out, c)
			}
		}
	}
	return out
}

// texts returns the text of every text element, in order.
func (n node) texts() []string {
	var out []string
	for _, t := range n.all("text") {
		out = append(out, t.Text)
	}
	return out
}

// parse parses a chart with encoding/xml, in strict mode, and checks what
// every chart must have: role img, width 100% with a viewBox of 360 units
// (readable at 320 px), the language, and a title and a description that
// aria-labelledby names.
func parse(t *testing.T, draw func(io.Writer) error, lang string) node {
	t.Helper()
	var b bytes.Buffer
	if err := draw(&b); err != nil {
		t.Fatal(err)
	}
	var root node
	if err := xml.Unmarshal(b.Bytes(), &root); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, b.String())
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg in the SVG namespace", root.XMLName)
	}
	for name, want := range map[string]string{"role": "img", "lang": lang, "width": "100%"} {
		if got := root.attr(name); got != want {
			t.Errorf("svg %s = %q, want %q", name, got, want)
		}
	}
	vb := strings.Fields(root.attr("viewBox"))
	if len(vb) != 4 || vb[2] != "360" {
		t.Errorf("viewBox = %q, want 360 units wide", root.attr("viewBox"))
	}
	if strings.Contains(b.String(), "<script") || strings.Contains(b.String(), " onload=") {
		t.Error("the chart has a script")
	}
	if len(root.Nodes) < 2 || root.Nodes[0].XMLName.Local != "title" || root.Nodes[1].XMLName.Local != "desc" {
		t.Fatal("the svg does not start with title and desc")
	}
	title, desc := root.Nodes[0], root.Nodes[1]
	if title.Text == "" || desc.Text == "" {
		t.Errorf("title %q, desc %q: want both", title.Text, desc.Text)
	}
	if got, want := root.attr("aria-labelledby"), title.attr("id")+" "+desc.attr("id"); got != want || title.attr("id") == "" {
		t.Errorf("aria-labelledby = %q, want %q", got, want)
	}
	return root
}

func TestAdoptionBarsInOrderWithCountsAndLegend(t *testing.T) {
	rows := []AdoptionRow{
		{Name: "Velsen", Adopted: 5, PartlyAdopted: 3, NotAdopted: 2, Investigate: 1},
		{Name: "Beverwijk", Adopted: 1, NotAdopted: 4},
		{Name: "Heemskerk"},
	}
	root := parse(t, func(w io.Writer) error { return Adoption(w, rows, "nl") }, "nl")
	if title := root.Nodes[0].Text; !strings.Contains(title, "aanbevelingen") {
		t.Errorf("title %q is not Dutch", title)
	}
	desc := root.Nodes[1].Text
	for _, want := range []string{"Velsen: 5 overgenomen, 3 deels overgenomen, 2 niet overgenomen, 1 wordt onderzocht", "Heemskerk: nog geen antwoorden"} {
		if !strings.Contains(desc, want) {
			t.Errorf("desc %q lacks %q", desc, want)
		}
	}
	var names []string
	for _, g := range root.classed("g", "row") {
		names = append(names, g.attr("data-name"))
	}
	if diff := cmp.Diff([]string{"Velsen", "Beverwijk", "Heemskerk"}, names); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	type part struct {
		Class string
		Value int
	}
	got := map[string][]part{}
	for _, g := range root.classed("g", "row") {
		prevEnd := -1.0
		for _, r := range g.classed("rect", "bar") {
			v, _ := strconv.Atoi(r.attr("data-value"))
			got[g.attr("data-name")] = append(got[g.attr("data-name")], part{strings.TrimPrefix(r.attr("class"), "bar "), v})
			x, _ := strconv.ParseFloat(r.attr("x"), 64)
			w, _ := strconv.ParseFloat(r.attr("width"), 64)
			if prevEnd >= 0 && math.Abs(x-prevEnd) > 0.2 {
				t.Errorf("%s: part %s starts at %v, want stacked at %v", g.attr("data-name"), r.attr("class"), x, prevEnd)
			}
			prevEnd = x + w
		}
	}
	want := map[string][]part{
		"Velsen":    {{"adopted", 5}, {"partly", 3}, {"not", 2}, {"investigate", 1}},
		"Beverwijk": {{"adopted", 1}, {"not", 4}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bars (-want +got):\n%s", diff)
	}
	// Velsen's 11 are the longest bar: the whole plot.
	velsen := root.classed("g", "row")[0].classed("rect", "bar")
	if w, _ := strconv.ParseFloat(velsen[0].attr("width"), 64); math.Abs(w-5.0/11*344) > 0.2 {
		t.Errorf("Velsen's adopted part is %v wide, want %v", w, 5.0/11*344)
	}
	texts := strings.Join(root.texts(), "\n")
	for _, want := range []string{"5 overgenomen · 3 deels · 2 niet · 1 onderzoek", "1 overgenomen · 0 deels · 4 niet · 0 onderzoek",
		"Overgenomen", "Deels overgenomen", "Niet overgenomen", "Wordt onderzocht", "Nog geen antwoorden."} {
		if !strings.Contains(texts, want) {
			t.Errorf("the chart's text lacks %q:\n%s", want, texts)
		}
	}
	if n := len(root.classed("rect", "legend")); n != 4 {
		t.Errorf("%d legend swatches, want 4", n)
	}
}

func TestAdoptionIsNotToldByColourAlone(t *testing.T) {
	root := parse(t, func(w io.Writer) error {
		return Adoption(w, []AdoptionRow{{Name: "Velsen", Adopted: 1, PartlyAdopted: 1, NotAdopted: 1, Investigate: 1}}, "en")
	}, "en")
	fills := map[string]bool{}
	for _, r := range root.classed("rect", "legend") {
		fills[r.attr("fill")] = true
	}
	if len(fills) != 4 {
		t.Errorf("legend fills %v: want four different", fills)
	}
	patterns := root.all("pattern")
	if len(patterns) != 3 {
		t.Errorf("%d patterns, want 3 (all but the plain adopted)", len(patterns))
	}
	for _, c := range categories {
		if r := contrast(c.colour, "#ffffff"); r < 3 {
			t.Errorf("%s's colour %s has contrast %.2f against white, want at least 3", c.class, c.colour, r)
		}
	}
	// Their bars may carry their value inside, in white, at a small size.
	for _, c := range []string{medianColour, p90Colour, reachColour} {
		if r := contrast(c, "#ffffff"); r < 4.5 {
			t.Errorf("colour %s has contrast %.2f against white, want at least 4.5", c, r)
		}
	}
	if texts := strings.Join(root.texts(), "\n"); !strings.Contains(texts, "1 adopted · 1 partly · 1 not · 1 investigated") {
		t.Errorf("English labels missing:\n%s", texts)
	}
}

func TestResponseDaysHidesWhatIsSuppressedAndDrawsTheTerm(t *testing.T) {
	rows := []DaysRow{
		{Name: "Velsen", Median: Value{N: 12.5}, P90: Value{N: 50}},
		{Name: "Beverwijk", Median: Value{Hidden: true}, P90: Value{Hidden: true}},
	}
	root := parse(t, func(w io.Writer) error { return ResponseDays(w, rows, 42, 5, "nl") }, "nl")
	var names []string
	for _, g := range root.classed("g", "row") {
		names = append(names, g.attr("data-name"))
	}
	if diff := cmp.Diff([]string{"Velsen", "Beverwijk"}, names); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	velsen, beverwijk := root.classed("g", "row")[0], root.classed("g", "row")[1]
	var bars []string
	for _, r := range velsen.classed("rect", "bar") {
		bars = append(bars, r.attr("class")+"="+r.attr("data-value"))
	}
	if diff := cmp.Diff([]string{"bar median=12.5", "bar p90=50"}, bars); diff != "" {
		t.Errorf("Velsen's bars (-want +got):\n%s", diff)
	}
	if n := len(beverwijk.all("rect")); n != 0 {
		t.Errorf("Beverwijk's hidden figures are drawn as %d bars, want none", n)
	}
	var hidden []string
	for _, h := range beverwijk.classed("text", "hidden") {
		hidden = append(hidden, h.Text)
	}
	if diff := cmp.Diff([]string{"mediaan: —", "90e percentiel: —"}, hidden); diff != "" {
		t.Errorf("Beverwijk's hidden figures (-want +got):\n%s", diff)
	}
	texts := strings.Join(root.texts(), "\n")
	for _, want := range []string{"mediaan 12,5 dagen", "90e percentiel 50 dagen", "Termijn: 42 dagen", "— niet getoond: minder dan 5 antwoorden"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the chart's text lacks %q:\n%s", want, texts)
		}
	}
	lines := root.classed("line", "term")
	if len(lines) != 1 || lines[0].attr("data-value") != "42" {
		t.Fatalf("term lines %v, want one at 42", lines)
	}
	// The line stands where a bar of 42 days would end: 50 days is the
	// longest, the line at 42/50 of it.
	p90 := velsen.classed("rect", "p90")[0]
	w, _ := strconv.ParseFloat(p90.attr("width"), 64)
	x, _ := strconv.ParseFloat(lines[0].attr("x1"), 64)
	if math.Abs((x-8)-w*42/50) > 0.3 {
		t.Errorf("term line at %v, want %v", x, 8+w*42/50)
	}
	if desc := root.Nodes[1].Text; !strings.Contains(desc, "Beverwijk: mediaan niet getoond, 90e percentiel niet getoond") {
		t.Errorf("desc %q does not say what is hidden", desc)
	}
}

func TestReachPerFormWithHiddenCounts(t *testing.T) {
	groups := []ReachGroup{
		{Form: "Flitspeiling", Rows: []ReachRow{{Name: "Velsen", Residents: Value{N: 120}}, {Name: "Beverwijk", Residents: Value{Hidden: true}}}},
		{Form: "Focusgroep", Rows: []ReachRow{{Name: "Velsen", Residents: Value{N: 0}}}},
	}
	root := parse(t, func(w io.Writer) error { return Reach(w, groups, 10, "nl") }, "nl")
	var forms []string
	for _, g := range root.classed("g", "group") {
		forms = append(forms, g.attr("data-form"))
	}
	if diff := cmp.Diff([]string{"Flitspeiling", "Focusgroep"}, forms); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	poll := root.classed("g", "group")[0]
	if bars := poll.classed("rect", "bar"); len(bars) != 1 || bars[0].attr("data-name") != "Velsen" || bars[0].attr("data-value") != "120" {
		t.Errorf("the poll's bars %v: want Velsen's 120 alone, Beverwijk's hidden count not drawn", bars)
	}
	if h := poll.classed("text", "hidden"); len(h) != 1 || h[0].Text != "—" || h[0].attr("data-name") != "Beverwijk" {
		t.Errorf("hidden %v, want Beverwijk's dash", h)
	}
	texts := strings.Join(root.texts(), "\n")
	if !strings.Contains(texts, "— niet getoond: minder dan 10 inwoners") {
		t.Errorf("no note on the dash:\n%s", texts)
	}
}

func TestEmptyChartsSaySo(t *testing.T) {
	for name, draw := range map[string]func(io.Writer) error{
		"adoption":      func(w io.Writer) error { return Adoption(w, nil, "nl") },
		"response-days": func(w io.Writer) error { return ResponseDays(w, nil, 42, 5, "nl") },
		"reach":         func(w io.Writer) error { return Reach(w, nil, 5, "nl") },
	} {
		t.Run(name, func(t *testing.T) {
			root := parse(t, draw, "nl")
			if texts := strings.Join(root.texts(), "\n"); !strings.Contains(texts, "Nog geen gegevens.") {
				t.Errorf("an empty chart does not say so:\n%s", texts)
			}
		})
	}
}

func TestTextIsEscaped(t *testing.T) {
	root := parse(t, func(w io.Writer) error {
		return Adoption(w, []AdoptionRow{{Name: `Bergen <NH> & "Egmond"`, Adopted: 1}}, "nl")
	}, "nl")
	if got := root.classed("g", "row")[0].attr("data-name"); got != `Bergen <NH> & "Egmond"` {
		t.Errorf("name read back as %q", got)
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}
