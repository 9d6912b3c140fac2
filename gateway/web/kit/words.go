package kit

import (
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Words puts values into one language's words: messages of the
// catalogue, dates and times.
type Words struct {
	lang string
	cat  Catalogue
	loc  *time.Location
}

// Words returns the words of lang.
func (s *Site) Words(lang string) Words {
	return Words{lang: lang, cat: s.cats[lang], loc: s.loc}
}

// Lang is the language of the words.
func (w Words) Lang() string { return w.lang }

// Text is a catalogue message without placeholders; the key itself when
// the catalogue lacks it, which the catalogue tests rule out for every key
// the site computes.
func (w Words) Text(key string) string {
	if msg, ok := w.cat[w.cat.form(key, nil)]; ok {
		return msg
	}
	return key
}

// Has reports whether the catalogue has a message for key.
func (w Words) Has(key string) bool { return w.cat.Has(key) }

// Say is the message key with its placeholders filled in (Catalogue.Say).
func (w Words) Say(key string, args ...any) string { return w.cat.Say(key, args...) }

// Date writes a "YYYY-MM-DD" day from the API as "2 maart 2026"; a value
// that is no such day is shown as it came.
func (w Words) Date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return w.day(t)
}

func (w Words) day(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + w.Text("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// Moment writes a timestamp as its day and time of day in Amsterdam; ""
// for none.
func (w Words) Moment(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().In(w.loc)
	return w.day(t) + ", " + t.Format("15:04")
}

// Today is the day in Amsterdam, as the API writes days.
func (w Words) Today(now time.Time) string {
	return now.In(w.loc).Format(time.DateOnly)
}

// EnumValue is the lower-case name of an enum value without its type's
// prefix: PHASE_CHOOSE_FORMS → choose_forms. Forms post these values and
// the catalogue keys end in them.
func EnumValue(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}

// Localized is a text of the surveys service in the page's language. Lang
// names the language of S when it is not the page's: a poll without
// English shows its Dutch on the English page, marked so for screen
// readers.
type Localized struct {
	S    string
	Lang string
}

// Localize picks t's text for the page's language lang.
func Localize(t *surveysv1.Text, lang string) Localized {
	if lang == "en" {
		if en := strings.TrimSpace(t.GetEn()); en != "" {
			return Localized{S: en}
		}
		if t.GetNl() == "" {
			return Localized{}
		}
		return Localized{S: t.GetNl(), Lang: "nl"}
	}
	return Localized{S: t.GetNl()}
}
