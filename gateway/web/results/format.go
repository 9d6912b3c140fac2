package results

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/nlgov"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// numbers writes figures in the page's language: Dutch with a decimal
// comma and a point between thousands ("1.234", "12,5", "50%"), English
// the other way round.
type numbers struct {
	w kit.Words
	p *message.Printer
}

func newNumbers(w kit.Words) numbers {
	tag := language.Dutch
	if w.Lang() == "en" {
		tag = language.English
	}
	return numbers{w: w, p: message.NewPrinter(tag)}
}

// Count writes a whole number.
func (n numbers) Count(v int64) string { return n.p.Sprint(number.Decimal(v)) }

// Days writes a number of days with at most one decimal.
func (n numbers) Days(v float64) string {
	return n.p.Sprint(number.Decimal(v, number.MaxFractionDigits(1)))
}

// Percent writes a share from 0 to 1 as a whole percentage.
func (n numbers) Percent(share float64) string {
	return n.p.Sprint(number.Percent(share, number.MaxFractionDigits(0)))
}

// cell is a figure as a table or a sentence shows it. A hidden one is
// never shown as 0: Text then says how small it is ("minder dan 5"), or
// is empty, which the "cell" template draws as a dash that screen readers
// read as "niet getoond".
type cell struct {
	Text   string
	Hidden bool
}

// people is a count of residents: "minder dan {min}" when hidden and the
// threshold is known, else a dash.
func (n numbers) people(c *resultsv1.PublicCount, min int32) cell {
	if c.GetHidden() {
		if min > 1 {
			return cell{Text: n.w.Say("results.hidden.lessThan", "count", n.Count(int64(min))), Hidden: true}
		}
		return cell{Hidden: true}
	}
	return cell{Text: n.Count(c.GetValue())}
}

// hiddenCount is a count that is hidden without a bound to name: one of
// a poll's, which may be hidden so that another small one cannot be
// worked out from the total.
func (n numbers) hiddenCount(c *resultsv1.PublicCount) cell {
	if c.GetHidden() {
		return cell{Hidden: true}
	}
	return cell{Text: n.Count(c.GetValue())}
}

// share is a computed share, hidden when computed from too few.
func (n numbers) share(f *resultsv1.PublicFigure) cell {
	if f.GetHidden() {
		return cell{Hidden: true}
	}
	return cell{Text: n.Percent(f.GetValue())}
}

// days is a computed number of days, hidden when computed from too few.
func (n numbers) days(f *resultsv1.PublicFigure) cell {
	if f.GetHidden() {
		return cell{Hidden: true}
	}
	return cell{Text: n.Days(f.GetValue())}
}

// amsterdam is where the pages show days.
var amsterdam = nlgov.Amsterdam()

// dayOf writes the day of a moment in Amsterdam: "2 maart 2027"; "" for
// none.
func dayOf(w kit.Words, ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return w.Date(ts.AsTime().In(amsterdam).Format(time.DateOnly))
}

// period writes a span of days: one day, or "2 maart 2027 tot en met 5
// april 2027".
func period(w kit.Words, first, last string) string {
	switch {
	case first == "" && last == "":
		return ""
	case first == "" || first == last:
		return w.Date(last)
	case last == "":
		return w.Date(first)
	}
	return w.Say("results.period", "from", w.Date(first), "to", w.Date(last))
}

// themeKeys are the themes of the councils service (its themes table),
// whose names the catalogue holds as results.theme.<key>: the public
// pages have no identity to ask the service for them. A theme added
// later shows its key as words until the catalogue names it.
var themeKeys = []string{
	"toegankelijkheid", "minimabeleid", "mantelzorg", "huishoudelijke-hulp",
	"jeugd", "ouderen", "wonen-en-zorg", "schulden",
}

// themeName is a theme's name in the page's language; one the catalogue
// does not name is its key as words: "wonen-en-zorg" → "Wonen en zorg".
func themeName(w kit.Words, key string) string {
	if slices.Contains(themeKeys, key) {
		return w.Text("results.theme." + key)
	}
	words := strings.ReplaceAll(key, "-", " ")
	first, size := utf8.DecodeRuneInString(words)
	if size == 0 {
		return ""
	}
	return string(unicode.ToUpper(first)) + words[size:]
}

// slugPattern is the form of a theme key or a region id.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// formName is a participation form's name.
func formName(w kit.Words, f councilsv1.FormKind) string {
	return w.Text("formKind." + kit.EnumValue(f.String(), "FORM_KIND_"))
}

// verdictKey is the catalogue key of a decision on a recommendation.
func verdictKey(v resultsv1.Verdict) string {
	return "results.verdict." + kit.EnumValue(v.String(), "VERDICT_")
}

// places writes municipalities by name: "Velsen, Beverwijk en Heemskerk".
func places(w kit.Words, names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + w.Text("results.and") + " " + names[len(names)-1]
}
