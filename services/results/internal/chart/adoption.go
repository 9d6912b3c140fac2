package chart

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// AdoptionRow is how one municipality's executive answered the
// recommendations it was sent.
type AdoptionRow struct {
	Name                                            string
	Adopted, PartlyAdopted, NotAdopted, Investigate int
}

func (r AdoptionRow) total() int { return r.Adopted + r.PartlyAdopted + r.NotAdopted + r.Investigate }

// category is one part of an adoption bar: its class, colour, pattern and
// names. Each colour has at least 3:1 contrast against white (the
// background and the patterns' lines), and each has its own pattern, so
// that no part is told apart by colour alone.
type category struct {
	class, colour string
	// pattern draws the white lines over the colour, in a 6×6 tile; ""
	// for a plain fill.
	pattern string
	nl, en  string
	countOf func(AdoptionRow) int
	shortNL string
	shortEN string
}

var categories = []category{
	{class: "adopted", colour: "#1a7f37", nl: "Overgenomen", en: "Adopted", shortNL: "overgenomen", shortEN: "adopted",
		countOf: func(r AdoptionRow) int { return r.Adopted }},
	{class: "partly", colour: "#0b5cad", pattern: `<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#ffffff" stroke-width="1.5"/>`,
		nl: "Deels overgenomen", en: "Partly adopted", shortNL: "deels", shortEN: "partly",
		countOf: func(r AdoptionRow) int { return r.PartlyAdopted }},
	{class: "not", colour: "#b3261e", pattern: `<path d="M0,3 h6 M3,0 v6" stroke="#ffffff" stroke-width="1.2"/>`,
		nl: "Niet overgenomen", en: "Not adopted", shortNL: "niet", shortEN: "not",
		countOf: func(r AdoptionRow) int { return r.NotAdopted }},
	{class: "investigate", colour: "#7a5200", pattern: `<circle cx="3" cy="3" r="1.3" fill="#ffffff"/>`,
		nl: "Wordt onderzocht", en: "To be investigated", shortNL: "onderzoek", shortEN: "investigated",
		countOf: func(r AdoptionRow) int { return r.Investigate }},
}

// fill is the paint of c's parts.
func (c category) fill(id string) string {
	if c.pattern == "" {
		return c.colour
	}
	return "url(#" + id + "-" + c.class + ")"
}

func (c category) name(lang string) string { return words(lang, c.nl, c.en) }

// Adoption draws, per municipality in the order given, a horizontal bar
// stacked from the recommendations adopted, partly adopted, not adopted
// and to be investigated, with the counts written under it and a legend
// above.
func Adoption(w io.Writer, rows []AdoptionRow, lang string) error {
	const id = "adoption"
	lang = language(lang)
	s := &svg{lang: lang}
	title := words(lang, "Hoe het college de aanbevelingen beantwoordde, per gemeente",
		"How the executive answered the recommendations, per municipality")
	s.label(title, true)

	var defs strings.Builder
	for _, c := range categories {
		if c.pattern != "" {
			fmt.Fprintf(&defs, `<pattern id="%s-%s" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="%s"/>%s</pattern>`+"\n",
				id, c.class, c.colour, c.pattern)
		}
	}
	// The legend: two categories a line, so that it fits at 320 px.
	s.y += 4
	for i, c := range categories {
		x := margin + float64(i%2)*(width-2*margin)/2
		if i%2 == 0 {
			s.y += lineH
		}
		fmt.Fprintf(&s.b, `<rect class="legend %s" x="%s" y="%s" width="14" height="14" fill="%s" stroke="#1b1b1b" stroke-width="0.5"/>`+"\n",
			c.class, num(x), num(s.y-14), c.fill(id))
		s.text(x+19, s.y-2, smallSize, "", "", c.name(lang))
	}
	s.y += 6

	top := 0
	for _, r := range rows {
		top = max(top, r.total())
	}
	if len(rows) == 0 {
		s.empty()
	}
	k := scale(float64(top)) / barRoom // stacked bars may take the whole width
	var desc []string
	for _, r := range rows {
		s.y += 6
		s.label(r.Name, true)
		fmt.Fprintf(&s.b, `<g class="row" data-name="%s">`+"\n", esc(r.Name))
		var parts []string
		if r.total() == 0 {
			s.note(words(lang, "Nog geen antwoorden.", "No answers yet."))
			desc = append(desc, r.Name+": "+words(lang, "nog geen antwoorden", "no answers yet"))
			s.b.WriteString("</g>\n")
			continue
		}
		x := margin
		for _, c := range categories {
			n := c.countOf(r)
			if n > 0 {
				wd := float64(n) * k
				fmt.Fprintf(&s.b, `<rect class="bar %s" data-value="%d" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1"/>`+"\n",
					c.class, n, num(x), num(s.y), num(wd), num(barH), c.fill(id))
				x += wd
			}
			parts = append(parts, strconv.Itoa(n)+" "+words(lang, c.shortNL, c.shortEN))
		}
		s.y += barH
		s.note(strings.Join(parts, " · "))
		s.b.WriteString("</g>\n")
		var long []string
		for _, c := range categories {
			long = append(long, fmt.Sprintf("%d %s", c.countOf(r), strings.ToLower(c.name(lang))))
		}
		desc = append(desc, r.Name+": "+strings.Join(long, ", "))
	}
	intro := words(lang, "Aantal aanbevelingen per antwoord van het college, per gemeente.",
		"Number of recommendations per answer of the executive, per municipality.")
	return s.write(w, id, title, strings.TrimSpace(intro+" "+joinSentences(desc)), defs.String())
}

// joinSentences ends each part with a full stop.
func joinSentences(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ". ") + "."
}
