package document

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The font programs are the same in every document, so each is compressed
// once per process; the values are never changed after.
var (
	regularProgram = sync.OnceValues(func() ([]byte, error) { return deflate(goregular.TTF) })
	boldProgram    = sync.OnceValues(func() ([]byte, error) { return deflate(gobold.TTF) })
)

// face is a TrueType font embedded whole in a PDF as a Type 0 font with
// Identity-H encoding: text is written as glyph ids, and a ToUnicode map
// from those glyphs back to text lets readers extract and speak it.
type face struct {
	name    string // PostScript-like base font name
	raw     []byte
	program func() ([]byte, error) // raw, compressed
	f       *sfnt.Font
	buf     sfnt.Buffer
	upem    float64
	glyphs  map[rune]sfnt.GlyphIndex
	advance map[sfnt.GlyphIndex]float64 // in 1/1000 em
	used    map[sfnt.GlyphIndex]rune    // glyphs shown, with the text they stand for
}

// newFaces parses the two Go fonts the documents use.
func newFaces() (regular, bold *face, err error) {
	if regular, err = newFace("GoRegular", goregular.TTF, regularProgram); err != nil {
		return nil, nil, err
	}
	if bold, err = newFace("GoBold", gobold.TTF, boldProgram); err != nil {
		return nil, nil, err
	}
	return regular, bold, nil
}

func newFace(name string, ttf []byte, program func() ([]byte, error)) (*face, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parsing font %s: %w", name, err)
	}
	return &face{name: name, raw: ttf, program: program, f: f, upem: float64(f.UnitsPerEm()),
		glyphs: map[rune]sfnt.GlyphIndex{}, advance: map[sfnt.GlyphIndex]float64{},
		used: map[sfnt.GlyphIndex]rune{}}, nil
}

// glyph returns r's glyph and its advance in 1/1000 em; a rune the font
// lacks is shown as a question mark.
func (fc *face) glyph(r rune) (sfnt.GlyphIndex, float64) {
	g, ok := fc.glyphs[r]
	if !ok {
		var err error
		g, err = fc.f.GlyphIndex(&fc.buf, r)
		if err != nil || g == 0 {
			g, _ = fc.f.GlyphIndex(&fc.buf, '?')
		}
		fc.glyphs[r] = g
	}
	a, ok := fc.advance[g]
	if !ok {
		adv, err := fc.f.GlyphAdvance(&fc.buf, g, fixed.I(int(fc.upem)), font.HintingNone)
		if err == nil {
			a = float64(adv) / 64 * 1000 / fc.upem
		}
		fc.advance[g] = a
	}
	return g, a
}

// width returns the width of s in points at size.
func (fc *face) width(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		_, a := fc.glyph(r)
		w += a
	}
	return w * size / 1000
}

// encode returns s as a hex string of two-byte glyph ids, and remembers
// the glyphs for the ToUnicode map.
func (fc *face) encode(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range s {
		g, _ := fc.glyph(r)
		if _, seen := fc.used[g]; !seen {
			fc.used[g] = r
		}
		fmt.Fprintf(&b, "%04X", uint16(g))
	}
	b.WriteByte('>')
	return b.String()
}

// metrics are the font descriptor's numbers, in 1/1000 em.
func (fc *face) metrics() (bbox [4]int, ascent, descent, capHeight int) {
	scale := func(v fixed.Int26_6) int { return int(float64(v) / 64 * 1000 / fc.upem) }
	ppem := fixed.I(int(fc.upem))
	if b, err := fc.f.Bounds(&fc.buf, ppem, font.HintingNone); err == nil {
		// sfnt's y axis points down; PDF's points up.
		bbox = [4]int{scale(b.Min.X), -scale(b.Max.Y), scale(b.Max.X), -scale(b.Min.Y)}
	}
	if m, err := fc.f.Metrics(&fc.buf, ppem, font.HintingNone); err == nil {
		ascent, descent, capHeight = scale(m.Ascent), -scale(m.Descent), scale(m.CapHeight)
	}
	return bbox, ascent, descent, capHeight
}

// usedGlyphs returns the glyphs shown, in order.
func (fc *face) usedGlyphs() []sfnt.GlyphIndex {
	gs := make([]sfnt.GlyphIndex, 0, len(fc.used))
	for g := range fc.used {
		gs = append(gs, g)
	}
	slices.Sort(gs)
	return gs
}

// widths returns the CIDFont's /W array for the glyphs shown.
func (fc *face) widths() string {
	var b strings.Builder
	b.WriteByte('[')
	for _, g := range fc.usedGlyphs() {
		fmt.Fprintf(&b, "%d [%d] ", g, int(fc.advance[g]+0.5))
	}
	b.WriteByte(']')
	return b.String()
}

// toUnicode returns the CMap that maps the glyphs shown to their text.
func (fc *face) toUnicode() []byte {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	gs := fc.usedGlyphs()
	for len(gs) > 0 {
		n := min(len(gs), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, g := range gs[:n] {
			b.WriteString(fmt.Sprintf("<%04X> <", uint16(g)))
			for _, u := range utf16.Encode([]rune{fc.used[g]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
		gs = gs[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}
