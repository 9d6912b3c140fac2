package chart

import (
	"fmt"
	"io"
	"strings"
)

// DaysRow is how many days one municipality took to respond: the median
// and the 90th percentile, each hidden when too few responses stand
// behind it.
type DaysRow struct {
	Name        string
	Median, P90 Value
}

// Colours of the two measures; both have at least 3:1 contrast against
// white, and each bar is named in the text beside it.
const (
	medianColour = "#0b5cad"
	p90Colour    = "#4a4a4a"
)

// ResponseDays draws, per municipality in the order given, a bar for the
// median and one for the 90th percentile of the days it took to respond,
// with a reference line at termDays (the response term), the days written
// after each bar. minCell is the fewest responses a figure is shown for,
// named in the note under the chart; 0 leaves the number out.
func ResponseDays(w io.Writer, rows []DaysRow, termDays, minCell int, lang string) error {
	const id = "response-days"
	lang = language(lang)
	s := &svg{lang: lang}
	title := words(lang, "Dagen tot het antwoord van het college, per gemeente",
		"Days until the executive's answer, per municipality")
	s.label(title, true)
	termLabel := words(lang, fmt.Sprintf("Termijn: %d dagen", termDays), fmt.Sprintf("Term: %d days", termDays))
	s.note(words(lang, "Mediaan en 90e percentiel; de stippellijn is de termijn.",
		"Median and 90th percentile; the dotted line is the term."))

	top := float64(termDays)
	for _, r := range rows {
		for _, v := range []Value{r.Median, r.P90} {
			if !v.Hidden {
				top = max(top, v.N)
			}
		}
	}
	k := scale(top)
	lineX := margin + float64(termDays)*k
	s.y += lineH
	s.text(lineX, s.y-4, smallSize, "middle", "bold", termLabel)
	plotTop := s.y
	if len(rows) == 0 {
		s.empty()
	}
	hidden := false
	var desc []string
	for _, r := range rows {
		s.y += 4
		s.label(r.Name, true)
		fmt.Fprintf(&s.b, `<g class="row" data-name="%s">`+"\n", esc(r.Name))
		var said []string
		for _, m := range []struct {
			class, nl, en, colour string
			v                     Value
		}{
			{"median", "mediaan", "median", medianColour, r.Median},
			{"p90", "90e percentiel", "90th percentile", p90Colour, r.P90},
		} {
			name := words(lang, m.nl, m.en)
			if m.v.Hidden {
				hidden = true
				s.y += barH + 2
				fmt.Fprintf(&s.b, `<text class="hidden %s" x="%s" y="%s" font-size="%s">%s</text>`+"\n",
					m.class, num(margin), num(s.y-6), num(smallSize), esc(name+": "+dash))
				said = append(said, name+" "+words(lang, "niet getoond", "not shown"))
				continue
			}
			wd := m.v.N * k
			value := decimal(m.v.N, lang) + " " + words(lang, "dagen", "days")
			fmt.Fprintf(&s.b, `<rect class="bar %s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				m.class, decimal(m.v.N, "en"), num(margin), num(s.y), num(wd), num(barH), m.colour)
			s.valueText(margin, wd, s.y+barH-5, smallSize, name+" "+value)
			s.y += barH + 2
			said = append(said, name+" "+value)
		}
		s.b.WriteString("</g>\n")
		desc = append(desc, r.Name+": "+strings.Join(said, ", "))
	}
	s.y += 4
	fmt.Fprintf(&s.b, `<line class="term" data-value="%d" x1="%s" x2="%s" y1="%s" y2="%s" stroke="#1b1b1b" stroke-width="1.5" stroke-dasharray="3 3"/>`+"\n",
		termDays, num(lineX), num(lineX), num(plotTop), num(s.y))
	if hidden {
		s.y += 4
		s.note(hiddenNote(lang, words(lang, "antwoorden", "responses"), minCell))
	}
	intro := words(lang, fmt.Sprintf("Mediaan en 90e percentiel van het aantal dagen tot het antwoord, per gemeente; de termijn is %d dagen.", termDays),
		fmt.Sprintf("Median and 90th percentile of the days until the answer, per municipality; the term is %d days.", termDays))
	return s.write(w, id, title, strings.TrimSpace(intro+" "+joinSentences(desc)), "")
}
