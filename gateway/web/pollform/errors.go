package pollform

import (
	"regexp"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/textcheck"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// What the surveys service refuses in a response, put in a resident's
// words. The service names every problem at once by JSON pointer
// ("/answers/q2", "/answers/q2/other", "/answers/q5/row-a") and explains it
// in English for developers; residents get a message in the page's
// language that says what to do, chosen by the question's type and the
// gist of the reason. A reason the page does not recognise still gets a
// sensible message for its field.

// part says which control of a question a problem is about.
type part int

const (
	partQuestion part = iota
	partOther         // the text after "other, namely…"
	partRank          // one option's position in a ranking
	partRow           // one row of a matrix
	partPostcode
	partFeedback // the optional address for feedback on the outcome
	partForm     // the form as a whole
)

// pollField is a form field with what a message about it needs.
type pollField struct {
	kit.FormField
	q    *surveysv1.Question
	part part
}

// Fields lists the poll form's fields in the order of the page, each
// with the path the service names it by, and the form as a whole last.
func Fields(rp *surveysv1.RespondentPoll, w kit.Words) []kit.FormField {
	var out []kit.FormField
	for _, f := range pollFieldList(rp, phrasing{w}) {
		out = append(out, f.FormField)
	}
	return out
}

func pollFieldList(rp *surveysv1.RespondentPoll, ph phrasing) []pollField {
	var out []pollField
	if rp.GetPostcodeCheck() {
		out = append(out, pollField{
			FormField: kit.FormField{Path: "/openLink/municipalityCode", Name: PostcodeField, Anchor: PostcodeField, Label: ph.Say("poll.postcode.label")},
			part:      partPostcode,
		})
	}
	n := 0
	for _, sec := range rp.GetSections() {
		for _, q := range sec.GetQuestions() {
			n++
			out = append(out, pollQuestionFields(q, n, ph)...)
		}
	}
	if rp.GetOffersFeedback() {
		out = append(out, pollField{
			FormField: kit.FormField{Path: "/feedbackEmail", Name: FeedbackField, Anchor: FeedbackField, Label: ph.Say("poll.feedback.field")},
			part:      partFeedback,
		})
	}
	return append(out, pollField{part: partForm})
}

// pollQuestionFields are the fields of question q, numbered n: the question,
// then its parts.
func pollQuestionFields(q *surveysv1.Question, n int, ph phrasing) []pollField {
	path, name := "/answers/"+q.GetId(), questionName(q)
	label := ph.Say("poll.error.question", "number", n)
	partLabel := func(l kit.Localized) string {
		return ph.Say("poll.error.part", "number", n, "part", quoted(l.S))
	}
	whole := pollField{FormField: kit.FormField{Path: path, Name: name, Label: label}, q: q}
	var parts []pollField
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		switch {
		case len(q.GetOptions()) > 0:
			whole.Anchor = name + "." + q.GetOptions()[0].GetId()
		case q.GetOther():
			whole.Anchor = name + "." + OtherID
		}
		if q.GetOther() {
			label := partLabel(OtherLabel(q, ph.Lang()))
			parts = append(parts, pollField{
				FormField: kit.FormField{Path: path + "/other", Name: otherName(q), Anchor: otherName(q), Label: label},
				q:         q, part: partOther,
			})
		}
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		whole.Anchor = name + ".1"
	case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		whole.Anchor = name + ".0"
	case surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		for i, o := range q.GetOptions() {
			pn := partName(q, o.GetId())
			if i == 0 {
				whole.Anchor = pn
			}
			parts = append(parts, pollField{
				FormField: kit.FormField{Path: path + "/" + o.GetId(), Name: pn, Anchor: pn, Label: partLabel(kit.Localize(o.GetLabel(), ph.Lang()))},
				q:         q, part: partRank,
			})
		}
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		for i, row := range q.GetRows() {
			pn := partName(q, row.GetId())
			anchor := ""
			if len(q.GetColumns()) > 0 {
				anchor = pn + "." + q.GetColumns()[0].GetId()
			}
			if i == 0 {
				whole.Anchor = anchor
			}
			parts = append(parts, pollField{
				FormField: kit.FormField{Path: path + "/" + row.GetId(), Name: pn, Anchor: anchor, Label: partLabel(kit.Localize(row.GetLabel(), ph.Lang()))},
				q:         q, part: partRow,
			})
		}
	default:
		whole.Anchor = name
	}
	return append([]pollField{whole}, parts...)
}

// Errors turns the service's refusal of a response's input into the
// form's errors.
func Errors(err error, rp *surveysv1.RespondentPoll, w kit.Words) *kit.FormErrors {
	ph := phrasing{w}
	list := pollFieldList(rp, ph)
	fields := make([]kit.FormField, len(list))
	byPath := make(map[string]pollField, len(list))
	for i, f := range list {
		fields[i] = f.FormField
		if f.part != partForm {
			byPath[f.Path] = f
		}
	}
	e := &kit.FormErrors{}
	for _, v := range problem.Violations(err) {
		if v.Condition {
			continue
		}
		f := fieldAt(byPath, v.Field)
		e.Add(fields, f.FormField, kit.FieldError{Text: ph.problem(f, v.Reason)})
	}
	if !e.Any() {
		e.Add(fields, kit.FormField{}, kit.FieldError{Key: "poll.error.form"})
	}
	return e
}

// fieldAt finds the field a path names, or the nearest one above it
// ("/answers/q2/choice" belongs to "/answers/q2"); the form as a whole
// for a path of no field.
func fieldAt(byPath map[string]pollField, path string) pollField {
	for p := path; p != ""; {
		if f, ok := byPath[p]; ok {
			return f
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return pollField{part: partForm}
}

// problem says what is wrong with f, given the service's reason.
func (c phrasing) problem(f pollField, reason string) string {
	if textcheck.IsReason(reason) && f.part != partForm {
		return c.Say("poll.error.text")
	}
	has := func(s string) bool { return strings.Contains(reason, s) }
	q := f.q
	switch f.part {
	case partForm:
		return c.Say("poll.error.form")
	case partFeedback:
		return c.Say("poll.error.feedback")
	case partPostcode:
		if has("required") {
			return c.Say("poll.error.postcode.missing")
		}
		return c.Say("poll.error.postcode.elsewhere")
	case partOther:
		switch {
		case has("is required"):
			return c.Say("poll.error.other.missing")
		case has("not chosen"):
			return c.Say("poll.error.other.notChosen", "label", quoted(OtherLabel(q, c.Lang()).S))
		case has("at most"):
			return c.tooLong(200, reason)
		}
		return c.Say("poll.error.check")
	case partRank:
		if has("no position") {
			return c.Say("poll.error.rank.missing")
		}
		return c.Say("poll.error.rank.range", "count", len(q.GetOptions()))
	case partRow:
		return c.Say("poll.error.row")
	}
	if strings.HasPrefix(reason, "is required") {
		return c.Say("poll.error.required")
	}
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		n := len(q.GetOptions())
		if q.GetOther() {
			n++
		}
		low, high := max(int(q.GetMinChoices()), 1), int(q.GetMaxChoices())
		if high <= 0 || high > n {
			high = n
		}
		switch {
		case has("at least"):
			return c.Say("poll.error.choose.atLeast", "min", low)
		case has("at most"):
			return c.Say("poll.error.choose.atMost", "max", high)
		}
		return c.Say("poll.error.choose.list")
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_LIKERT,
		surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		return c.Say("poll.error.choose.single")
	case surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		b := formBuilder{phrasing: c}
		low := q.GetMin()
		if low == "" {
			low = "0"
		}
		switch {
		case has("ambiguous"):
			return c.Say("poll.error.number.ambiguous")
		case has("must be from"), has("too large"):
			return c.Say("poll.error.number.range", "min", b.Decimal(low), "max", b.Decimal(q.GetMax()))
		case has("whole number"):
			return c.Say("poll.error.number.whole")
		case has("multiple of"):
			return c.Say("poll.error.number.step", "min", b.Decimal(low), "step", b.Decimal(q.GetStep()))
		case has("decimals"):
			return c.Say("poll.error.number.decimals")
		}
		return c.Say("poll.error.number.format")
	case surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		return c.Say("poll.error.rank.twice")
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		return c.Say("poll.error.row")
	case surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT:
		if has("at most") {
			limit := q.GetMaxLength()
			if limit <= 0 {
				limit = 200
				if q.GetType() == surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT {
					limit = 5000
				}
			}
			return c.tooLong(limit, reason)
		}
	}
	return c.Say("poll.error.check")
}

// tooLong says a text is longer than limit characters, and by how much
// when the reason tells ("must be at most 200 characters (is 250)").
func (c phrasing) tooLong(limit int32, reason string) string {
	if m := lengthGiven.FindStringSubmatch(reason); m != nil {
		return c.Say("poll.error.lengthCount", "max", limit, "count", m[1])
	}
	return c.Say("poll.error.length", "max", limit)
}

var lengthGiven = regexp.MustCompile(`\(is ([0-9]+)\)`)
