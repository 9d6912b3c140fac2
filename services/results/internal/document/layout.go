package document

import (
	"bytes"
	"fmt"
	"strings"
)

// A4 in points, with its margins.
const (
	pageWidth    = 595.28
	pageHeight   = 841.89
	marginLeft   = 62.0
	marginRight  = 62.0
	contentTop   = pageHeight - 80
	contentFloor = 72.0
	textWidth    = pageWidth - marginLeft - marginRight
)

// elem is a structure element of the tagged PDF. Element 0 is Document.
type elem struct {
	tag    string
	parent int
	attrs  string // further dictionary entries, such as /A for a cell's scope
	kids   []kid
}

// kid is a child of a structure element: another element, a marked
// content sequence on a page, or a link annotation.
type kid struct {
	elem       int // -1 for marked content, -2 for an annotation
	page, mcid int // mcid is the annotation's index on the page for -2
}

// sheet is one page being laid out.
type sheet struct {
	content bytes.Buffer
	parents []int // the element of each marked content id, by id
	links   []link
}

// link is a link annotation over text, belonging to a Link element.
type link struct {
	rect [4]float64
	uri  string
	elem int
}

// cell is a table cell; a cell with a uri is a link.
type cell struct {
	text, uri string
}

// cells makes a row of plain cells.
func cells(texts ...string) []cell {
	out := make([]cell, len(texts))
	for i, t := range texts {
		out[i] = cell{text: t}
	}
	return out
}

// layout places a document's text on pages and builds its structure tree
// alongside, so that every piece of text drawn is marked with the element
// it belongs to.
type layout struct {
	regular, bold *face
	sheets        []*sheet
	y             float64
	elems         []elem
	outline       []bookmark
}

// bookmark is an outline entry: a heading and where it stands.
type bookmark struct {
	title string
	page  int
	y     float64
}

func newLayout(regular, bold *face) *layout {
	l := &layout{regular: regular, bold: bold, elems: []elem{{tag: "Document", parent: -1}}}
	l.newPage()
	return l
}

func (l *layout) newPage() {
	l.sheets = append(l.sheets, &sheet{})
	l.y = contentTop
}

func (l *layout) sheet() *sheet { return l.sheets[len(l.sheets)-1] }

// need starts a new page unless h points fit above the floor, and
// reports whether it did.
func (l *layout) need(h float64) bool {
	if l.y-h < contentFloor && l.y < contentTop {
		l.newPage()
		return true
	}
	return false
}

// element adds a structure element under parent and returns it.
func (l *layout) element(tag string, parent int, attrs string) int {
	l.elems = append(l.elems, elem{tag: tag, parent: parent, attrs: attrs})
	e := len(l.elems) - 1
	l.elems[parent].kids = append(l.elems[parent].kids, kid{elem: e})
	return e
}

// text draws s with its baseline at (x, y) as marked content of e.
func (l *layout) text(e int, fc *face, size, x, y float64, s string) {
	sh := l.sheet()
	mcid := len(sh.parents)
	sh.parents = append(sh.parents, e)
	l.elems[e].kids = append(l.elems[e].kids, kid{elem: -1, page: len(l.sheets) - 1, mcid: mcid})
	font := "/F1"
	if fc == l.bold {
		font = "/F2"
	}
	fmt.Fprintf(&sh.content, "/%s <</MCID %d>> BDC BT %s %.2f Tf %.2f %.2f Td %s Tj ET EMC\n",
		l.elems[e].tag, mcid, font, size, x, y, fc.encode(s))
}

// annotate puts a link to uri over rect on the current page, as a content
// item of the Link element e.
func (l *layout) annotate(e int, uri string, rect [4]float64) {
	sh := l.sheet()
	sh.links = append(sh.links, link{rect: rect, uri: uri, elem: e})
	l.elems[e].kids = append(l.elems[e].kids, kid{elem: -2, page: len(l.sheets) - 1, mcid: len(sh.links) - 1})
}

// rule draws a line as an artifact, outside the structure.
func (l *layout) rule(x1, x2, y, width float64) {
	fmt.Fprintf(&l.sheet().content, "/Artifact BMC q %.2f w 0.6 G %.2f %.2f m %.2f %.2f l S Q EMC\n", width, x1, y, x2, y)
}

// block lays out text as element tag under parent, wrapped to width from x.
func (l *layout) block(parent int, tag string, fc *face, size, x, width float64, text string, after float64) int {
	e := l.element(tag, parent, "")
	lead := size * 1.4
	for _, line := range wrap(fc, size, width, text) {
		l.need(lead)
		l.y -= lead
		l.text(e, fc, size, x, l.y, line)
	}
	l.y -= after
	return e
}

func (l *layout) heading(level int, text string) {
	size, before := 20.0, 0.0
	if level > 1 {
		size, before = 14, 10
	}
	l.need(before + size*1.4*2) // keep a heading with what follows
	l.y -= before
	l.outline = append(l.outline, bookmark{title: text, page: len(l.sheets) - 1, y: l.y})
	l.block(0, fmt.Sprintf("H%d", level), l.bold, size, marginLeft, textWidth, text, 4)
}

func (l *layout) paragraph(text string) {
	l.block(0, "P", l.regular, 10.5, marginLeft, textWidth, text, 6)
}

// numbered lays out items as a list whose labels are their numbers.
func (l *layout) numbered(items []string) {
	const size, indent = 10.5, 26.0
	lead := size * 1.4
	list := l.element("L", 0, "/A << /O /List /ListNumbering /Decimal >>")
	for i, item := range items {
		li := l.element("LI", list, "")
		lines := wrap(l.regular, size, textWidth-indent, item)
		l.need(lead * float64(min(len(lines), 2)))
		l.y -= lead
		lbl := l.element("Lbl", li, "")
		l.text(lbl, l.bold, size, marginLeft, l.y, fmt.Sprintf("%d.", i+1))
		body := l.element("LBody", li, "")
		for j, line := range lines {
			if j > 0 {
				l.need(lead)
				l.y -= lead
			}
			l.text(body, l.regular, size, marginLeft+indent, l.y, line)
		}
		l.y -= 4
	}
	l.y -= 4
}

// table lays out a table with a caption, a row of column headers (none
// when header is nil) and rows whose first cell heads the row. widths are
// the columns' shares of the text width.
func (l *layout) table(caption string, header []string, rows [][]cell, widths []float64) {
	const size, pad = 9.5, 3.0
	lead := size * 1.35
	l.need(lead * 4)
	t := l.element("Table", 0, "")
	if caption != "" {
		l.block(t, "Caption", l.bold, size+0.5, marginLeft, textWidth, caption, 2)
	}
	var row func(rc []cell, headerRow, repeat bool)
	row = func(rc []cell, headerRow, repeat bool) {
		cols := make([][]string, len(rc))
		height := 0
		for i, c := range rc {
			cols[i] = wrap(l.regular, size, widths[i]*textWidth-2*pad, c.text)
			height = max(height, len(cols[i]))
		}
		h := float64(height)*lead + 2*pad
		if l.need(h) && !headerRow && header != nil {
			// The column headers again at the top of the new page, as an
			// artifact: the structure has them once.
			row(cells(header...), true, true)
		}
		if repeat {
			x := marginLeft
			for i, lines := range cols {
				for j, line := range lines {
					fmt.Fprintf(&l.sheet().content, "/Artifact <</Type /Pagination>> BDC BT /F2 %.2f Tf %.2f %.2f Td %s Tj ET EMC\n",
						size, x+pad, l.y-pad-float64(j+1)*lead+2, l.bold.encode(line))
				}
				x += widths[i] * textWidth
			}
			l.y -= h
			l.rule(marginLeft, marginLeft+textWidth, l.y, 0.9)
			return
		}
		tr := l.element("TR", t, "")
		x := marginLeft
		for i, lines := range cols {
			tag, attrs, fc := "TD", "", l.regular
			switch {
			case headerRow:
				tag, attrs, fc = "TH", "/A << /O /Table /Scope /Column >>", l.bold
			case i == 0:
				tag, attrs = "TH", "/A << /O /Table /Scope /Row >>"
			}
			into := l.element(tag, tr, attrs)
			if rc[i].uri != "" {
				into = l.element("Link", into, "")
			}
			var right float64
			for j, line := range lines {
				l.text(into, fc, size, x+pad, l.y-pad-float64(j+1)*lead+2, line)
				right = max(right, fc.width(line, size))
			}
			if rc[i].uri != "" {
				l.annotate(into, rc[i].uri, [4]float64{x + pad, l.y - h + pad, x + pad + right, l.y - pad})
			}
			x += widths[i] * textWidth
		}
		l.y -= h
		weight := 0.3
		if headerRow {
			weight = 0.9
		}
		l.rule(marginLeft, marginLeft+textWidth, l.y, weight)
	}
	if header != nil {
		row(cells(header...), true, false)
	}
	for _, r := range rows {
		row(r, false, false)
	}
	l.y -= 8
}

// decorate writes each page's running header and footer as artifacts, in
// a content stream of their own, once the number of pages is known.
func (l *layout) decorate(header string) [][]byte {
	out := make([][]byte, len(l.sheets))
	for i := range l.sheets {
		var b bytes.Buffer
		footer := fmt.Sprintf("Pagina %d van %d", i+1, len(l.sheets))
		fw := l.regular.width(footer, 8.5)
		fmt.Fprintf(&b, "/Artifact <</Type /Pagination /Subtype /Header>> BDC BT /F1 8.5 Tf %.2f %.2f Td %s Tj ET EMC\n",
			marginLeft, pageHeight-48, l.regular.encode(header))
		fmt.Fprintf(&b, "/Artifact <</Type /Pagination /Subtype /Header>> BDC q 0.4 w 0.6 G %.2f %.2f m %.2f %.2f l S Q EMC\n",
			marginLeft, pageHeight-54, marginLeft+textWidth, pageHeight-54)
		fmt.Fprintf(&b, "/Artifact <</Type /Pagination /Subtype /Footer>> BDC BT /F1 8.5 Tf %.2f %.2f Td %s Tj ET EMC\n",
			pageWidth-marginRight-fw, 40.0, l.regular.encode(footer))
		out[i] = b.Bytes()
	}
	return out
}

// wrap breaks text into lines of at most width points, at spaces, and
// within a word only when the word alone is wider (a hash, a link).
func wrap(fc *face, size, width float64, text string) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(text) {
		for fc.width(word, size) > width {
			// Break an over-long word at the last rune that fits.
			cut := 0
			for i := range word {
				if i > 0 && fc.width(word[:i], size) > width {
					break
				}
				cut = i
			}
			if cut == 0 {
				cut = len(word)
			}
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		if word == "" {
			continue
		}
		switch {
		case cur == "":
			cur = word
		case fc.width(cur+" "+word, size) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}
