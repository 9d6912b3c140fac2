package document

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carlos7ags/folio/core"
	"github.com/carlos7ags/folio/reader"
)

// renderPDF renders d and parses it back with an independent PDF reader.
func renderPDF(t *testing.T, d Doc) ([]byte, *reader.PdfReader) {
	t.Helper()
	var b bytes.Buffer
	if err := PDF(&b, d); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	r, err := reader.Parse(b.Bytes())
	if err != nil {
		t.Fatalf("parsing the PDF back: %v", err)
	}
	return b.Bytes(), r
}

// bodyText is the text of all pages in reading order, with the running
// header and footer (artifacts) taken out and white space collapsed, so
// that a recommendation split over two pages reads as one.
func bodyText(t *testing.T, r *reader.PdfReader, d Doc) string {
	t.Helper()
	header := addressees(d.Municipalities) + " · Kenmerk " + d.Reference
	footer := regexp.MustCompile(`Pagina \d+ van \d+`)
	var all []string
	for i := range r.PageCount() {
		p, err := r.Page(i)
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		text, err := p.ExtractText()
		if err != nil {
			t.Fatalf("extracting text of page %d: %v", i+1, err)
		}
		if !strings.Contains(text, header) || !footer.MatchString(text) {
			t.Errorf("page %d lacks its header %q or page number", i+1, header)
		}
		text = footer.ReplaceAllString(strings.ReplaceAll(text, header, " "), " ")
		all = append(all, text)
	}
	return strings.Join(strings.Fields(strings.Join(all, " ")), " ")
}

func TestPDFHasEveryRecommendationInOrderWithItsNumber(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 5, 30} {
		t.Run(fmt.Sprintf("%d recommendations", n), func(t *testing.T) {
			t.Parallel()
			d := ijmond(n)
			_, r := renderPDF(t, d)
			text := bodyText(t, r, d)
			at := strings.Index(text, labelRecommendations)
			if at < 0 {
				t.Fatalf("no heading %q in the text", labelRecommendations)
			}
			for i, rec := range d.Recommendations {
				want := fmt.Sprintf("%d. %s", i+1, rec)
				j := strings.Index(text[at:], want)
				if j < 0 {
					t.Fatalf("recommendation %d not found after the previous one: want %q in %q", i+1, want, text[at:])
				}
				at += j + len(want)
			}
			if n == 30 && r.PageCount() < 2 {
				t.Errorf("30 recommendations on %d page; want the test to cross a page break", r.PageCount())
			}
		})
	}
}

func TestPDFTextKeepsDutchCharacters(t *testing.T) {
	t.Parallel()
	d := ijmond(5)
	_, r := renderPDF(t, d)
	text := bodyText(t, r, d)
	for _, want := range []string{"ideeën", "café-terras", "ĳsbaan", "zó", "’s avonds", "vóór", "coöperatieve", "1 november 2026",
		d.Title, d.Reference, d.Permalink, d.ContentHash[:40], "Gecorrigeerde versie", "minder dan vijf, niet getoond"} {
		if !strings.Contains(text, want) {
			t.Errorf("extracted text lacks %q", want)
		}
	}
}

func TestPDFIsTaggedWithTitleAndLanguage(t *testing.T) {
	t.Parallel()
	d := ijmond(5)
	raw, r := renderPDF(t, d)
	if title, _, _, _, _ := r.Info(); title != d.Title {
		t.Errorf("Info title = %q, want %q", title, d.Title)
	}
	cat := r.Catalog()
	if lang, ok := resolve(t, r, cat.Get("Lang")).(*core.PdfString); !ok || lang.TextString() != "nl-NL" {
		t.Errorf("catalog /Lang = %v, want (nl-NL)", cat.Get("Lang"))
	}
	if !boolIn(t, r, cat, "MarkInfo", "Marked") {
		t.Error("catalog lacks /MarkInfo << /Marked true >>")
	}
	if !boolIn(t, r, cat, "ViewerPreferences", "DisplayDocTitle") {
		t.Error("catalog lacks /ViewerPreferences << /DisplayDocTitle true >>")
	}
	if cat.Get("Metadata") == nil || !bytes.Contains(raw, []byte("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"+d.Title)) {
		t.Error("no XMP metadata with the title")
	}
	if outlines, ok := resolve(t, r, cat.Get("Outlines")).(*core.PdfDictionary); !ok || outlines.Get("First") == nil {
		t.Error("no outline (bookmarks) for the headings")
	}
	if !bytes.Contains(raw, []byte("/Title "+textString(labelRecommendations))) {
		t.Error("no bookmark for the recommendations")
	}
	if !bytes.Contains(raw, []byte("/Subtype /Link")) || !bytes.Contains(raw, []byte("/URI ("+d.Permalink+")")) || !bytes.Contains(raw, []byte("/Type /OBJR")) {
		t.Error("the permalink is not a link annotation in the structure tree")
	}
	if !bytes.Contains(raw, []byte("/FontFile2")) || !bytes.Contains(raw, []byte("/ToUnicode")) {
		t.Error("fonts are not embedded as TrueType with a ToUnicode map")
	}
}

func TestPDFStructureTree(t *testing.T) {
	t.Parallel()
	d := ijmond(30)
	_, r := renderPDF(t, d)
	st := r.StructureTree()
	if st == nil || st.Root == nil {
		t.Fatal("no structure tree")
	}
	if len(st.Root.Children) != 1 || st.Root.Children[0].Tag != "Document" {
		t.Fatalf("StructTreeRoot's kid is not one Document element")
	}
	count := map[string]int{}
	var walk func(n *reader.StructNode, parent string)
	walk = func(n *reader.StructNode, parent string) {
		if n.Tag != "" && n.MCID < 0 {
			count[n.Tag]++
			count[parent+">"+n.Tag]++
		}
		for _, c := range n.Children {
			walk(c, n.Tag)
		}
	}
	walk(st.Root, "")
	for tag, want := range map[string]int{
		"H1": 1, "L": 1, "LI": len(d.Recommendations), "L>LI": len(d.Recommendations),
		"LI>Lbl": len(d.Recommendations), "LI>LBody": len(d.Recommendations),
		"Table": 3, "Table>Caption": 2,
	} {
		if count[tag] != want {
			t.Errorf("%d %s elements, want %d", count[tag], tag, want)
		}
	}
	for _, tag := range []string{"H2", "P", "TR", "TR>TH", "TR>TD", "BlockQuote", "TD>Link"} {
		if count[tag] == 0 {
			t.Errorf("no %s element", tag)
		}
	}
}

// TestPDFHeadingsInOrder checks the headings as the structure tree reads
// them: one H1 first, then H2s in the order of the document.
func TestPDFHeadingsInOrder(t *testing.T) {
	t.Parallel()
	_, r := renderPDF(t, ijmond(3))
	var got []string
	for _, n := range r.StructureTree().Root.Children[0].Children {
		if strings.HasPrefix(n.Tag, "H") && len(n.Tag) == 2 {
			got = append(got, n.Tag)
		}
	}
	want := "H1 H2 H2 H2 H2 H2 H2 H2"
	if strings.Join(got, " ") != want {
		t.Errorf("headings %v, want %s", got, want)
	}
}

// TestPDFWithPoppler checks the file with qpdf and poppler where they are
// installed: a second, unrelated reader must agree.
func TestPDFWithPoppler(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"qpdf", "pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	d := ijmond(30)
	raw, _ := renderPDF(t, d)
	path := filepath.Join(t.TempDir(), "advies.pdf")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	at := 0
	for i, rec := range d.Recommendations {
		// A recommendation may be split by a page's header and footer;
		// its number and first words stay together.
		want := fmt.Sprintf("%d. %s", i+1, strings.Join(strings.Fields(rec)[:4], " "))
		j := strings.Index(text[at:], want)
		if j < 0 {
			t.Fatalf("pdftotext: recommendation %d (%q) not found in order", i+1, want)
		}
		at += j
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	for _, want := range []string{"Tagged:          yes", "Title:           " + d.Title} {
		if !strings.Contains(string(info), want) {
			t.Errorf("pdfinfo lacks %q", want)
		}
	}
}

func resolve(t *testing.T, r *reader.PdfReader, o core.PdfObject) core.PdfObject {
	t.Helper()
	if o == nil {
		return nil
	}
	v, err := r.ResolveObject(o)
	if err != nil {
		t.Fatalf("resolving %v: %v", o, err)
	}
	return v
}

// boolIn reports whether dict's entry key is a dictionary whose entry
// flag is true.
func boolIn(t *testing.T, r *reader.PdfReader, dict *core.PdfDictionary, key, flag string) bool {
	t.Helper()
	inner, ok := resolve(t, r, dict.Get(key)).(*core.PdfDictionary)
	if !ok {
		return false
	}
	b, ok := resolve(t, r, inner.Get(flag)).(*core.PdfBoolean)
	return ok && b.Bool()
}

func BenchmarkPDF(b *testing.B) {
	d := ijmond(30)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := PDF(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// TestPDFTableAcrossPages checks a table that does not fit on one page: its
// column headers are repeated on the next page for the eye, as an
// artifact, while the structure has them once.
func TestPDFTableAcrossPages(t *testing.T) {
	t.Parallel()
	d := ijmond(1)
	d.Reach = nil
	for i := range 80 {
		d.Reach = append(d.Reach, Reach{Form: fmt.Sprintf("Vorm %d", i+1), Municipality: "Velsen", Activities: 1, Residents: Count{Value: 10}})
	}
	_, r := renderPDF(t, d)
	var rows, colHeaders int
	// The reach table is the second table: find it by its row count.
	var tables []*reader.StructNode
	for _, n := range r.StructureTree().Root.Children[0].Children {
		if n.Tag == "Table" {
			tables = append(tables, n)
		}
	}
	if len(tables) < 2 {
		t.Fatalf("%d tables", len(tables))
	}
	reach := tables[1]
	for _, c := range reach.Children {
		if c.Tag == "TR" {
			rows++
			for _, th := range c.Children {
				if th.Tag == "TH" {
					colHeaders++
				}
			}
		}
	}
	// 80 rows and one header row; 80 row headers and 5 column headers.
	if rows != 81 || colHeaders != 85 {
		t.Errorf("reach table has %d rows and %d header cells in its structure, want 81 and 85", rows, colHeaders)
	}
	repeated := 0
	for i := 1; i < r.PageCount(); i++ {
		p, _ := r.Page(i)
		text, _ := p.ExtractText()
		if strings.Contains(text, "Inwoners bereikt") {
			repeated++
		}
	}
	if repeated == 0 {
		t.Error("the column headers are not repeated on a following page")
	}
}
