package chart

import (
	"fmt"
	"io"
	"strings"
)

// ReachGroup is one participation form with the residents it reached per
// municipality.
type ReachGroup struct {
	Form string
	Rows []ReachRow
}

// ReachRow is the residents one form reached in one municipality.
type ReachRow struct {
	Name      string
	Residents Value
}

const reachColour = "#1a7f37"

// Reach draws, per form and then per municipality in the order given, a
// bar of the residents reached, the count written after it. A count hidden
// to protect small numbers is written as "—", with a note naming minCell.
func Reach(w io.Writer, groups []ReachGroup, minCell int, lang string) error {
	const id = "reach"
	lang = language(lang)
	s := &svg{lang: lang}
	title := words(lang, "Bereikte inwoners per vorm van participatie", "Residents reached per form of participation")
	s.label(title, true)
	var top float64
	for _, g := range groups {
		for _, r := range g.Rows {
			if !r.Residents.Hidden {
				top = max(top, r.Residents.N)
			}
		}
	}
	k := scale(top)
	if len(groups) == 0 {
		s.empty()
	}
	hidden := false
	var desc []string
	for _, g := range groups {
		s.y += 8
		s.label(g.Form, true)
		fmt.Fprintf(&s.b, `<g class="group" data-form="%s">`+"\n", esc(g.Form))
		var said []string
		for _, r := range g.Rows {
			s.label(r.Name, false)
			if r.Residents.Hidden {
				hidden = true
				s.y += barH + 2
				fmt.Fprintf(&s.b, `<text class="hidden" data-name="%s" x="%s" y="%s" font-size="%s">%s</text>`+"\n",
					esc(r.Name), num(margin), num(s.y-6), num(fontSize), dash)
				said = append(said, r.Name+" "+words(lang, "niet getoond", "not shown"))
				continue
			}
			wd := r.Residents.N * k
			if r.Residents.N > 0 {
				wd = max(wd, 1) // a count that exists is seen
			}
			fmt.Fprintf(&s.b, `<rect class="bar" data-name="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				esc(r.Name), decimal(r.Residents.N, "en"), num(margin), num(s.y), num(wd), num(barH), reachColour)
			s.valueText(margin, wd, s.y+barH-5, fontSize, show(r.Residents, lang))
			s.y += barH + 2
			said = append(said, r.Name+" "+show(r.Residents, lang))
		}
		s.b.WriteString("</g>\n")
		desc = append(desc, g.Form+": "+strings.Join(said, ", "))
	}
	if hidden {
		s.y += 4
		s.note(hiddenNote(lang, words(lang, "inwoners", "residents"), minCell))
	}
	intro := words(lang, "Aantal bereikte inwoners per vorm en gemeente.", "Number of residents reached per form and municipality.")
	return s.write(w, id, title, strings.TrimSpace(intro+" "+joinSentences(desc)), "")
}
