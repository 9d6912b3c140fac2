// Package chart draws the evaluation figures' charts as SVG on the server,
// without scripts: how the executives answered the recommendations per
// municipality (Adoption), how many days they took (ResponseDays) and how
// many residents each participation form reached (Reach).
//
// Every chart is an image with a title and a description (role="img",
// aria-labelledby), in the language of its labels, and scales with its
// viewBox to the width it is given; the viewBox is narrow (360 units) so
// that its text stays readable on a 320 px phone. Values are written next
// to what they measure, categories are told apart by pattern and by name
// as well as by colour, and a value hidden to protect small numbers is
// written as "—" with a note, never drawn as 0.
//
// The input is plain structs of the package's own; the caller maps its
// figures to them.
package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Value is a figure as shown: Hidden when too few items stand behind it.
type Value struct {
	N      float64
	Hidden bool
}

// Geometry of every chart, in viewBox units.
const (
	width     = 360.0
	margin    = 8.0
	fontSize  = 13.0
	smallSize = 11.5
	lineH     = 17.0
	barH      = 18.0
	// barRoom is the share of the plot's width the longest bar takes,
	// leaving room for its value written after it.
	barRoom = 0.72
)

// dash is what a hidden value is shown as.
const dash = "—"

// svg builds one chart's document.
type svg struct {
	b    bytes.Buffer
	y    float64
	lang string
}

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// text writes a line of text at (x, y).
func (s *svg) text(x, y, size float64, anchor, weight, s2 string) {
	attrs := ""
	if anchor != "" && anchor != "start" {
		attrs += fmt.Sprintf(` text-anchor="%s"`, anchor)
	}
	if weight != "" {
		attrs += fmt.Sprintf(` font-weight="%s"`, weight)
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" font-size="%s"%s>%s</text>`+"\n", num(x), num(y), num(size), attrs, esc(s2))
}

// num formats a coordinate compactly.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// write wraps the body in the svg element with its title and description
// and writes it to w.
func (s *svg) write(w io.Writer, id, title, desc string, defs string) error {
	h := s.y + margin
	var out bytes.Buffer
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" role="img" lang="%s" xml:lang="%s" width="100%%" viewBox="0 0 %s %s" preserveAspectRatio="xMinYMin meet" aria-labelledby="%s-title %s-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" fill="#1b1b1b">`+"\n",
		s.lang, s.lang, num(width), num(h), id, id)
	fmt.Fprintf(&out, `<title id="%s-title">%s</title>`+"\n", id, esc(title))
	fmt.Fprintf(&out, `<desc id="%s-desc">%s</desc>`+"\n", id, esc(desc))
	if defs != "" {
		out.WriteString("<defs>\n" + defs + "</defs>\n")
	}
	out.Write(s.b.Bytes())
	out.WriteString("</svg>\n")
	_, err := w.Write(out.Bytes())
	return err
}

// words picks the Dutch or the English of a label.
func words(lang, nl, en string) string {
	if lang == "en" {
		return en
	}
	return nl
}

// language returns the language a chart is drawn in: "en" or "nl".
func language(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "nl"
}

// decimal formats v with at most one decimal, with a decimal comma in
// Dutch.
func decimal(v float64, lang string) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// show formats a value, or the dash when it is hidden.
func show(v Value, lang string) string {
	if v.Hidden {
		return dash
	}
	return decimal(v.N, lang)
}

// hiddenNote explains the dash; minCell is the smallest count shown.
func hiddenNote(lang, unit string, minCell int) string {
	if minCell > 0 {
		return words(lang, fmt.Sprintf("— niet getoond: minder dan %d %s", minCell, unit),
			fmt.Sprintf("— not shown: fewer than %d %s", minCell, unit))
	}
	return words(lang, "— niet getoond: te weinig "+unit, "— not shown: too few "+unit)
}

// wrapText breaks s into lines of at most n characters, at spaces; the
// charts' text is short (names, labels), so characters are a fair
// measure of width.
func wrapText(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= n:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// label writes s as one or more lines from the current y, in bold when
// strong, and moves y below it.
func (s *svg) label(str string, strong bool) {
	weight := ""
	if strong {
		weight = "bold"
	}
	n := 48
	if strong {
		n = 40 // bold is wider
	}
	for _, line := range wrapText(str, n) {
		s.y += lineH
		s.text(margin, s.y-4, fontSize, "", weight, line)
	}
}

// note writes a small line of text and moves y below it.
func (s *svg) note(str string) {
	for _, line := range wrapText(str, 56) {
		s.y += lineH - 2
		s.text(margin, s.y-3, smallSize, "", "", line)
	}
}

// valueText writes the text of a bar that starts at x and is wd wide,
// at the baseline y: after the bar where it fits, else inside its end in
// white (every bar colour has more than 4.5:1 contrast with white).
func (s *svg) valueText(x, wd, y, size float64, str string) {
	textW := float64(len([]rune(str))) * size * 0.56
	if x+wd+4+textW <= width-margin/2 {
		s.text(x+wd+4, y, size, "", "", str)
		return
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" font-size="%s" text-anchor="end" fill="#ffffff">%s</text>`+"\n",
		num(x+wd-4), num(y), num(size), esc(str))
}

// empty says there is nothing to draw.
func (s *svg) empty() {
	s.label(words(s.lang, "Nog geen gegevens.", "No data yet."), false)
}

// scale is the length per unit so that top fits in the plot.
func scale(top float64) float64 {
	if top <= 0 {
		return 0
	}
	return (width - 2*margin) * barRoom / top
}
