package pollform

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// How each type of question becomes its part of the form: its layout,
// hints and choices, in the page's language.

// phrasing puts things about a poll in the words of one language.
type phrasing struct{ kit.Words }

// formBuilder turns questions into their part of the form.
type formBuilder struct {
	phrasing
	values url.Values
	errs   *kit.FormErrors
	index  questionIndex
}

func (b formBuilder) question(q *surveysv1.Question) pollQuestion {
	name := questionName(q)
	qv := pollQuestion{
		Name:   name,
		Number: b.index[q.GetId()].number,
		Text:   kit.Localize(q.GetText(), b.Lang()),
		Help:   kit.Localize(q.GetHelp(), b.Lang()),
		Errors: b.errs.For(name),
	}
	cond := b.condition(q)
	qv.Required = q.GetRequired() && cond == ""
	if cond != "" {
		qv.Hints = append(qv.Hints, cond)
	}
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		b.choices(q, &qv)
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		qv.Layout = layoutChoices
		labels := q.GetLabels()
		for i := 1; i <= 5; i++ {
			label := kit.Localized{S: strconv.Itoa(i)}
			if len(labels) == 5 {
				label = kit.Localize(labels[i-1], b.Lang())
			}
			qv.Choices = append(qv.Choices, b.choice(name, strconv.Itoa(i), label))
		}
	case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		qv.Layout = layoutChoices
		qv.Scale = true
		for i := 0; i <= 10; i++ {
			qv.Choices = append(qv.Choices, b.choice(name, strconv.Itoa(i), kit.Localized{S: strconv.Itoa(i)}))
		}
		if labels := q.GetLabels(); len(labels) == 2 {
			low, high := kit.Localize(labels[0], b.Lang()), kit.Localize(labels[1], b.Lang())
			qv.Hints = append(qv.Hints, b.Say("poll.hint.scale", "low", quoted(low.S), "high", quoted(high.S)))
		}
	case surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		b.ranking(q, &qv)
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		b.matrix(q, &qv)
	case surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		qv.Layout = layoutInput
		qv.Hints = append(qv.Hints, b.numberHint(q))
		qv.Input = &inputView{ID: name, Value: b.values.Get(name), InputMode: inputMode(q), Unit: kit.Localize(q.GetUnit(), b.Lang())}
	case surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT:
		qv.Layout = layoutInput
		qv.Hints = append(qv.Hints, b.lengthHint(q.GetMaxLength(), 200))
		qv.Input = &inputView{ID: name, Value: b.values.Get(name)}
	case surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT:
		qv.Layout = layoutText
		qv.Hints = append(qv.Hints, b.lengthHint(q.GetMaxLength(), 5000))
		qv.Input = &inputView{ID: name, Value: b.values.Get(name)}
	}
	var more []string
	if qv.Input != nil && qv.Input.Unit.S != "" {
		more = append(more, name+"-eenheid")
	}
	qv.DescribedBy = kit.DescribedBy(name, qv.Help.S != "" || len(qv.Hints) > 0, qv.Errors, more...)
	if qv.Input != nil {
		qv.Input.DescribedBy = qv.DescribedBy
	}
	return qv
}

func (b formBuilder) choice(name, value string, label kit.Localized) choiceView {
	return choiceView{
		ID:      name + "." + value,
		Value:   value,
		Label:   label,
		Checked: slices.Contains(b.values[name], value),
	}
}

// choices fills in a single or multiple choice question, with its "other,
// namely…" text box.
func (b formBuilder) choices(q *surveysv1.Question, qv *pollQuestion) {
	qv.Layout = layoutChoices
	qv.Multiple = q.GetType() == surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE
	for _, o := range q.GetOptions() {
		qv.Choices = append(qv.Choices, b.choice(qv.Name, o.GetId(), kit.Localize(o.GetLabel(), b.Lang())))
	}
	n := len(q.GetOptions())
	if q.GetOther() {
		n++
		label := OtherLabel(q, b.Lang())
		qv.Choices = append(qv.Choices, b.choice(qv.Name, OtherID, label))
		name := otherName(q)
		in := &inputView{
			ID:     name,
			Label:  kit.Localized{S: b.Say("poll.other.label", "label", quoted(label.S))},
			Value:  b.values.Get(name),
			Hint:   b.Say("poll.other.hint", "label", quoted(label.S)),
			Errors: b.errs.For(name),
		}
		in.DescribedBy = kit.DescribedBy(name, true, in.Errors)
		qv.Other = in
	}
	if qv.Multiple {
		qv.Hints = append(qv.Hints, b.choicesHint(int(q.GetMinChoices()), int(q.GetMaxChoices()), n))
	}
}

// OtherLabel is the label of "other, namely…".
func OtherLabel(q *surveysv1.Question, lang string) kit.Localized {
	if l := kit.Localize(q.GetOtherLabel(), lang); l.S != "" {
		return l
	}
	if lang == "en" {
		return kit.Localized{S: "Other, namely"}
	}
	return kit.Localized{S: "Anders, namelijk"}
}

func (b formBuilder) choicesHint(low, high, n int) string {
	low = max(low, 1)
	if high <= 0 || high > n {
		high = n
	}
	switch {
	case low == high:
		return b.Say("poll.hint.choose.exactly", "count", low)
	case high == n && low == 1:
		return b.Say("poll.hint.choose.any")
	case high == n:
		return b.Say("poll.hint.choose.atLeast", "min", low)
	default:
		return b.Say("poll.hint.choose.between", "min", low, "max", high)
	}
}

// ranking fills in a ranking: a select of the positions for each option,
// so that the person picks a position rather than typing one.
func (b formBuilder) ranking(q *surveysv1.Question, qv *pollQuestion) {
	qv.Layout = layoutRanking
	n := len(q.GetOptions())
	qv.Hints = append(qv.Hints, b.Say("poll.hint.ranking", "count", n))
	for _, o := range q.GetOptions() {
		name := partName(q, o.GetId())
		chosen := b.values.Get(name)
		in := inputView{
			ID:      name,
			Label:   kit.Localize(o.GetLabel(), b.Lang()),
			Options: []kit.Choice{{Value: "", LabelKey: "poll.rank.choose", Selected: chosen == ""}},
			Errors:  b.errs.For(name),
		}
		for pos := 1; pos <= n; pos++ {
			v := strconv.Itoa(pos)
			in.Options = append(in.Options, kit.Choice{Value: v, Label: v, Selected: chosen == v})
		}
		in.DescribedBy = kit.DescribedBy(name, false, in.Errors)
		qv.Ranks = append(qv.Ranks, in)
	}
}

// matrix fills in a matrix: a group of radios per row, which reads well
// on a phone and to a screen reader, where a table of radios does not.
func (b formBuilder) matrix(q *surveysv1.Question, qv *pollQuestion) {
	qv.Layout = layoutMatrix
	qv.Hints = append(qv.Hints, b.Say("poll.hint.matrix"))
	for _, row := range q.GetRows() {
		name := partName(q, row.GetId())
		rv := rowView{Name: name, Label: kit.Localize(row.GetLabel(), b.Lang()), Errors: b.errs.For(name)}
		for _, col := range q.GetColumns() {
			rv.Choices = append(rv.Choices, b.choice(name, col.GetId(), kit.Localize(col.GetLabel(), b.Lang())))
		}
		rv.DescribedBy = kit.DescribedBy(name, false, rv.Errors)
		qv.Rows = append(qv.Rows, rv)
	}
}

// numberHint states a number question's range and step.
func (b formBuilder) numberHint(q *surveysv1.Question) string {
	low, high, step := q.GetMin(), q.GetMax(), q.GetStep()
	if low == "" {
		low = "0"
	}
	if step == "" || step == "1" {
		if !strings.Contains(low, ".") {
			return b.Say("poll.hint.number.whole", "min", b.Decimal(low), "max", b.Decimal(high))
		}
		step = "1"
	}
	return b.Say("poll.hint.number.step", "min", b.Decimal(low), "max", b.Decimal(high), "step", b.Decimal(step))
}

// inputMode picks the keyboard a phone shows for a number: digits only
// for whole numbers from 0, with a decimal sign for fractions. Negative
// numbers get the full keyboard: the numeric ones lack a minus.
func inputMode(q *surveysv1.Question) string {
	switch {
	case strings.HasPrefix(q.GetMin(), "-"):
		return ""
	case strings.Contains(q.GetStep(), ".") || strings.Contains(q.GetMin(), "."):
		return "decimal"
	default:
		return "numeric"
	}
}

func (b formBuilder) lengthHint(maxLength, def int32) string {
	if maxLength <= 0 {
		maxLength = def
	}
	return b.Say("poll.hint.length", "max", maxLength)
}

// condition is the hint of a question shown only for certain answers to
// an earlier one; "" for a question without a condition.
func (b formBuilder) condition(q *surveysv1.Question) string {
	c := q.GetShowIf()
	if c == nil {
		return ""
	}
	earlier, ok := b.index[c.GetQuestion()]
	if !ok {
		return ""
	}
	var values []string
	for _, v := range c.GetAnyOf() {
		values = append(values, quoted(b.valueLabel(earlier.q, v)))
	}
	key := "poll.condition.optional"
	if q.GetRequired() {
		key = "poll.condition.required"
	}
	return b.Say(key, "number", earlier.number, "answers", b.orList(values))
}

// valueLabel is what the resident saw for value v of question q.
func (b formBuilder) valueLabel(q *surveysv1.Question, v string) string {
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 5 && len(q.GetLabels()) == 5 {
			return kit.Localize(q.GetLabels()[n-1], b.Lang()).S
		}
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		if v == OtherID {
			return OtherLabel(q, b.Lang()).S
		}
		for _, o := range q.GetOptions() {
			if o.GetId() == v {
				return kit.Localize(o.GetLabel(), b.Lang()).S
			}
		}
	}
	return v
}

// orList joins values as "a, b or c".
func (b formBuilder) orList(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + b.Say("poll.or") + " " + values[len(values)-1]
}

// quoted puts s in single quotes, as both languages write an answer
// quoted in a sentence.
func quoted(s string) string { return "‘" + s + "’" }
