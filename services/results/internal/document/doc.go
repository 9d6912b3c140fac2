// Package document renders an advice of a participation council as an
// accessible HTML page and as a tagged PDF with the same content: the
// question, how residents were involved, findings, poll results with small
// counts hidden, conclusions and numbered recommendations, with the
// municipalities addressed, the date, the reference number, the permalink
// and the content hash. Labels are in Dutch, the language of the document.
//
// The input is Doc, a plain struct of its own, so that the package does not
// depend on how the advice and evidence packages store what they know.
package document

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the date is shown in Amsterdam time wherever the service runs
)

// Doc is one version of an advice as it is printed.
type Doc struct {
	// Title is the advice's title; the one h1 and the PDF's document title.
	Title string
	// Reference is the council's reference number ("ADV-2026-014").
	Reference string
	// Version is the version's number, from 1.
	Version int
	// Correction marks a version that corrects one sent before.
	Correction bool
	// Note says what a correction changed; it is shown visibly.
	Note string
	// Municipalities are the names of the municipalities whose executive
	// the advice is addressed to.
	Municipalities []string
	// Council is the name of the participation council that advises.
	Council string
	// Date is when the version was sent (or adopted); shown in Amsterdam.
	Date        time.Time
	Permalink   string
	ContentHash string

	Question    string
	Involvement string
	Reach       []Reach
	Findings    string
	// Quotes are residents' words whose consent allows showing them; the
	// caller leaves out the others.
	Quotes      []Quote
	Polls       []Poll
	Conclusions string
	// Recommendations are numbered from 1 in this order.
	Recommendations []string
}

// Count is a count as shown: Hidden when it is too small to show.
type Count struct {
	Value  int64
	Hidden bool
}

// Reach is how many residents one participation form reached in one
// municipality.
type Reach struct {
	Form         string
	Municipality string
	Activities   int
	Residents    Count
	FirstDay     time.Time
	LastDay      time.Time
}

// Quote is a resident's quote; Source says where it was said (never who).
type Quote struct {
	Text   string
	Source string
}

// Poll is the result of one closed poll.
type Poll struct {
	Title           string
	ClosedOn        time.Time
	Responses       Count
	PerMunicipality []MunicipalityCount
}

// MunicipalityCount is a count in one municipality.
type MunicipalityCount struct {
	Municipality string
	Count        Count
}

// Dutch labels, shared by both renderings so they say the same.
const (
	labelQuestion        = "Adviesvraag"
	labelInvolvement     = "Hoe inwoners zijn betrokken"
	labelReachCaption    = "Bereik per vorm en gemeente"
	labelFindings        = "Bevindingen"
	labelPolls           = "Resultaten van peilingen"
	labelConclusions     = "Conclusies"
	labelRecommendations = "Aanbevelingen"
	labelDetails         = "Gegevens van dit advies"
	labelCorrection      = "Gecorrigeerde versie"
	labelHidden          = "minder dan vijf, niet getoond"
)

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// amsterdam loads the time zone the dates are shown in.
func amsterdam() (*time.Location, error) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return nil, fmt.Errorf("loading Amsterdam time zone: %w", err)
	}
	return loc, nil
}

// dutchDate formats t as "7 december 2026" in loc.
func dutchDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}

// showCount formats a count, or says it is hidden.
func showCount(c Count) string {
	if c.Hidden {
		return labelHidden
	}
	return strconv.FormatInt(c.Value, 10)
}

// paragraphs splits a section's text on blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// addressees joins the municipalities' names in Dutch: "A, B en C".
func addressees(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " en " + names[len(names)-1]
}

// period formats the days of a reach.
func period(first, last time.Time, loc *time.Location) string {
	a, b := dutchDate(first, loc), dutchDate(last, loc)
	if a == b || b == "" {
		return a
	}
	if a == "" {
		return b
	}
	return a + " – " + b
}

// detail is one particular printed under the title.
type detail struct {
	Label, Value string
	// Link is set when Value is a link; Code when it is a code to be
	// copied exactly (the hash).
	Link, Code bool
}

// details are the particulars printed under the title.
func (d Doc) details(loc *time.Location) []detail {
	rows := []detail{{Label: "Aan het college van", Value: addressees(d.Municipalities)}}
	if d.Council != "" {
		rows = append(rows, detail{Label: "Van", Value: d.Council})
	}
	return append(rows,
		detail{Label: "Datum", Value: dutchDate(d.Date, loc)},
		detail{Label: "Kenmerk", Value: d.Reference},
		detail{Label: "Versie", Value: strconv.Itoa(d.Version)},
		detail{Label: "Vaste link", Value: d.Permalink, Link: d.Permalink != ""},
		detail{Label: "Inhoudshash (SHA-256)", Value: d.ContentHash, Code: true},
	)
}
