package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The poll form. Field names are built from the poll's keys, which hold
// only [a-z0-9_-], joined by dots, so no two can be the same:
//
//	v.{q}                  a choice, point, number or text; a group's radios
//	                       and checkboxes have the ids v.{q}.{option}
//	v.{q}.other.text       the text after "other, namely…"
//	v.{q}.{option}         a ranked option's position
//	v.{q}.{row}            a matrix row; its radios are v.{q}.{row}.{column}

// otherID is the option id of "other, namely…", reserved by the service.
const otherID = "other"

func questionName(q *surveysv1.Question) string { return "v." + q.GetId() }

func otherName(q *surveysv1.Question) string { return questionName(q) + ".other.text" }

func partName(q *surveysv1.Question, part string) string { return questionName(q) + "." + part }

// ltext is a text of the poll in the page's language. Lang names the
// language of S when it is not the page's: a poll without English shows
// its Dutch on the English page, marked so for screen readers.
type ltext struct {
	S    string
	Lang string
}

// localText picks t's text for the page's language lang.
func localText(t *surveysv1.Text, lang string) ltext {
	if lang == "en" {
		if en := strings.TrimSpace(t.GetEn()); en != "" {
			return ltext{S: en}
		}
		if t.GetNl() == "" {
			return ltext{}
		}
		return ltext{S: t.GetNl(), Lang: "nl"}
	}
	return ltext{S: t.GetNl()}
}

// pollPage is the data of the poll page: the form with what the resident
// entered so far and what the service objected to.
type pollPage struct {
	Title ltext
	Intro ltext
	// Action is where the form posts: the page itself.
	Action string
	// Key is the idempotency key of this form.
	Key string
	// PollID names the poll for the form cache (formcache.go).
	PollID string
	// Closes says until when the poll takes answers.
	Closes string
	// AnyRequired tells whether to explain the "(required)" mark.
	AnyRequired bool
	// Postcode asks for the resident's postcode; nil when not needed.
	Postcode *inputView
	Sections []sectionView
	// Feedback asks, optionally, for an address to mail what came of the
	// answers to; nil when the service sends no mail.
	Feedback *inputView
	Errors   *formErrors
}

// sectionView is a section of the form; a flash poll's may have no title.
type sectionView struct {
	ID        string
	Title     ltext
	Intro     ltext
	Questions []pollQuestion
}

// Kinds of question layout, the templates that show them.
const (
	layoutChoices = "choices" // radios or checkboxes in a fieldset
	layoutRanking = "ranking" // a select of positions per option
	layoutMatrix  = "matrix"  // a fieldset of radios per row
	layoutInput   = "input"   // one text box
	layoutText    = "textarea"
)

// pollQuestion is one question of the poll form.
type pollQuestion struct {
	Layout string
	// Name is the question's form name, and the prefix of its ids.
	Name   string
	Number int
	Text   ltext
	// Required marks a question that must always be answered; a required
	// question with a display condition says so in its condition hint.
	Required bool
	Help     ltext
	// Hints explain the condition and the limits, in the page's language.
	Hints []string
	// Multiple makes the choices checkboxes; Scale sets them out as the
	// points of a scale.
	Multiple bool
	Scale    bool
	Choices  []choiceView
	Other    *inputView
	Ranks    []inputView
	Rows     []rowView
	// Input is the text box of a number or text question.
	Input       *inputView
	Errors      []fieldError
	DescribedBy string
}

// choiceView is one radio or checkbox.
type choiceView struct {
	ID      string
	Value   string
	Label   ltext
	Checked bool
}

// rowView is one row of a matrix: a group of radios.
type rowView struct {
	Name        string
	Label       ltext
	Choices     []choiceView
	Errors      []fieldError
	DescribedBy string
}

// inputView is a text box or select with its label.
type inputView struct {
	ID           string
	Label        ltext
	Value        string
	Hint         string
	InputMode    string
	Autocomplete string
	Unit         ltext
	// Short makes a text box as wide as a postcode.
	Short bool
	// Required marks the label "(required)".
	Required bool
	// Options make it a select.
	Options     []option
	Errors      []fieldError
	DescribedBy string
}

// describedBy joins the ids of an element's hint and errors.
func describedBy(id string, hint bool, errs []fieldError, more ...string) string {
	var ids []string
	if hint {
		ids = append(ids, id+"-hint")
	}
	if len(errs) > 0 {
		ids = append(ids, id+"-fout")
	}
	return strings.Join(append(ids, more...), " ")
}

// showForm shows the poll's form with the values entered and errs.
func (a *answering) showForm(rp *surveysv1.RespondentPoll, values url.Values, key string, errs *formErrors, status int) {
	lang := a.v.Lang
	p := &pollPage{
		Title:  localText(rp.GetTitle(), lang),
		Intro:  localText(rp.GetIntro(), lang),
		Action: linkTo(a.link.path()),
		Key:    key,
		PollID: rp.GetId(),
		Errors: errs,
	}
	if rp.GetClosesAt() != nil {
		p.Closes = a.cat.say("poll.closes", "closes", a.words.moment(rp.GetClosesAt()))
	}
	if rp.GetPostcodeCheck() {
		in := &inputView{
			ID:           postcodeField,
			Label:        ltext{S: a.cat.say("poll.postcode.label")},
			Value:        values.Get(postcodeField),
			Hint:         a.cat.say("poll.postcode.hint"),
			Autocomplete: "postal-code",
			Short:        true,
			Required:     true,
			Errors:       errs.For(postcodeField),
		}
		in.DescribedBy = describedBy(in.ID, true, in.Errors)
		p.Postcode = in
	}
	if rp.GetOffersFeedback() {
		in := &inputView{
			ID:           feedbackField,
			Label:        ltext{S: a.cat.say("poll.feedback.label")},
			Value:        values.Get(feedbackField),
			Hint:         a.cat.say("poll.feedback.hint"),
			Autocomplete: "email",
			Errors:       errs.For(feedbackField),
		}
		in.DescribedBy = describedBy(in.ID, true, in.Errors)
		p.Feedback = in
	}
	b := formBuilder{phrasing: a.phrasing(), values: values, errs: errs, index: indexQuestions(rp)}
	for _, sec := range rp.GetSections() {
		sv := sectionView{
			ID:    sec.GetId(),
			Title: localText(sec.GetTitle(), lang),
			Intro: localText(sec.GetIntro(), lang),
		}
		for _, q := range sec.GetQuestions() {
			qv := b.question(q)
			if qv.Required {
				p.AnyRequired = true
			}
			sv.Questions = append(sv.Questions, qv)
		}
		p.Sections = append(p.Sections, sv)
	}
	a.v.Title = p.Title.S
	a.v.TitleKey = "poll.title"
	a.v.HasErrors = errs.Any()
	a.v.Page = p
	a.page = "poll"
	a.status = status
}

// questionIndex finds a question and its number by id.
type questionIndex map[string]numbered

type numbered struct {
	q      *surveysv1.Question
	number int
}

// indexQuestions numbers the questions from 1 through all sections.
func indexQuestions(rp *surveysv1.RespondentPoll) questionIndex {
	idx := questionIndex{}
	n := 0
	for _, sec := range rp.GetSections() {
		for _, q := range sec.GetQuestions() {
			n++
			idx[q.GetId()] = numbered{q: q, number: n}
		}
	}
	return idx
}

// phrasing puts things in the words of one language.
type phrasing struct {
	lang string
	cat  catalogue
}

// say is the message key with its placeholders filled in.
func (p phrasing) say(key string, args ...any) string { return p.cat.say(key, args...) }

// formBuilder turns questions into their part of the form.
type formBuilder struct {
	phrasing
	values url.Values
	errs   *formErrors
	index  questionIndex
}

func (b formBuilder) question(q *surveysv1.Question) pollQuestion {
	name := questionName(q)
	qv := pollQuestion{
		Name:   name,
		Number: b.index[q.GetId()].number,
		Text:   localText(q.GetText(), b.lang),
		Help:   localText(q.GetHelp(), b.lang),
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
			label := ltext{S: strconv.Itoa(i)}
			if len(labels) == 5 {
				label = localText(labels[i-1], b.lang)
			}
			qv.Choices = append(qv.Choices, b.choice(name, strconv.Itoa(i), label))
		}
	case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		qv.Layout = layoutChoices
		qv.Scale = true
		for i := 0; i <= 10; i++ {
			qv.Choices = append(qv.Choices, b.choice(name, strconv.Itoa(i), ltext{S: strconv.Itoa(i)}))
		}
		if labels := q.GetLabels(); len(labels) == 2 {
			low, high := localText(labels[0], b.lang), localText(labels[1], b.lang)
			qv.Hints = append(qv.Hints, b.say("poll.hint.scale", "low", quoted(low.S), "high", quoted(high.S)))
		}
	case surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		b.ranking(q, &qv)
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		b.matrix(q, &qv)
	case surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		qv.Layout = layoutInput
		qv.Hints = append(qv.Hints, b.numberHint(q))
		qv.Input = &inputView{ID: name, Value: b.values.Get(name), InputMode: inputMode(q), Unit: localText(q.GetUnit(), b.lang)}
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
	qv.DescribedBy = describedBy(name, qv.Help.S != "" || len(qv.Hints) > 0, qv.Errors, more...)
	if qv.Input != nil {
		qv.Input.DescribedBy = qv.DescribedBy
	}
	return qv
}

func (b formBuilder) choice(name, value string, label ltext) choiceView {
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
		qv.Choices = append(qv.Choices, b.choice(qv.Name, o.GetId(), localText(o.GetLabel(), b.lang)))
	}
	n := len(q.GetOptions())
	if q.GetOther() {
		n++
		label := otherLabel(q, b.lang)
		qv.Choices = append(qv.Choices, b.choice(qv.Name, otherID, label))
		name := otherName(q)
		in := &inputView{
			ID:     name,
			Label:  ltext{S: b.say("poll.other.label", "label", quoted(label.S))},
			Value:  b.values.Get(name),
			Hint:   b.say("poll.other.hint", "label", quoted(label.S)),
			Errors: b.errs.For(name),
		}
		in.DescribedBy = describedBy(name, true, in.Errors)
		qv.Other = in
	}
	if qv.Multiple {
		qv.Hints = append(qv.Hints, b.choicesHint(int(q.GetMinChoices()), int(q.GetMaxChoices()), n))
	}
}

// otherLabel is the label of "other, namely…".
func otherLabel(q *surveysv1.Question, lang string) ltext {
	if l := localText(q.GetOtherLabel(), lang); l.S != "" {
		return l
	}
	if lang == "en" {
		return ltext{S: "Other, namely"}
	}
	return ltext{S: "Anders, namelijk"}
}

func (b formBuilder) choicesHint(low, high, n int) string {
	low = max(low, 1)
	if high <= 0 || high > n {
		high = n
	}
	switch {
	case low == high:
		return b.say("poll.hint.choose.exactly", "count", low)
	case high == n && low == 1:
		return b.say("poll.hint.choose.any")
	case high == n:
		return b.say("poll.hint.choose.atLeast", "min", low)
	default:
		return b.say("poll.hint.choose.between", "min", low, "max", high)
	}
}

// ranking fills in a ranking: a select of the positions for each option,
// so that the person picks a position rather than typing one.
func (b formBuilder) ranking(q *surveysv1.Question, qv *pollQuestion) {
	qv.Layout = layoutRanking
	n := len(q.GetOptions())
	qv.Hints = append(qv.Hints, b.say("poll.hint.ranking", "count", n))
	for _, o := range q.GetOptions() {
		name := partName(q, o.GetId())
		chosen := b.values.Get(name)
		in := inputView{
			ID:      name,
			Label:   localText(o.GetLabel(), b.lang),
			Options: []option{{Value: "", LabelKey: "poll.rank.choose", Selected: chosen == ""}},
			Errors:  b.errs.For(name),
		}
		for pos := 1; pos <= n; pos++ {
			v := strconv.Itoa(pos)
			in.Options = append(in.Options, option{Value: v, Label: v, Selected: chosen == v})
		}
		in.DescribedBy = describedBy(name, false, in.Errors)
		qv.Ranks = append(qv.Ranks, in)
	}
}

// matrix fills in a matrix: a group of radios per row, which reads well
// on a phone and to a screen reader, where a table of radios does not.
func (b formBuilder) matrix(q *surveysv1.Question, qv *pollQuestion) {
	qv.Layout = layoutMatrix
	qv.Hints = append(qv.Hints, b.say("poll.hint.matrix"))
	for _, row := range q.GetRows() {
		name := partName(q, row.GetId())
		rv := rowView{Name: name, Label: localText(row.GetLabel(), b.lang), Errors: b.errs.For(name)}
		for _, col := range q.GetColumns() {
			rv.Choices = append(rv.Choices, b.choice(name, col.GetId(), localText(col.GetLabel(), b.lang)))
		}
		rv.DescribedBy = describedBy(name, false, rv.Errors)
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
			return b.say("poll.hint.number.whole", "min", b.decimal(low), "max", b.decimal(high))
		}
		step = "1"
	}
	return b.say("poll.hint.number.step", "min", b.decimal(low), "max", b.decimal(high), "step", b.decimal(step))
}

// decimal writes a decimal of the API ("2.5") as the page's language does.
func (b formBuilder) decimal(d string) string {
	if b.lang == "nl" {
		return strings.ReplaceAll(d, ".", ",")
	}
	return d
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
	return b.say("poll.hint.length", "max", maxLength)
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
	return b.say(key, "number", earlier.number, "answers", b.orList(values))
}

// valueLabel is what the resident saw for value v of question q.
func (b formBuilder) valueLabel(q *surveysv1.Question, v string) string {
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 5 && len(q.GetLabels()) == 5 {
			return localText(q.GetLabels()[n-1], b.lang).S
		}
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		if v == otherID {
			return otherLabel(q, b.lang).S
		}
		for _, o := range q.GetOptions() {
			if o.GetId() == v {
				return localText(o.GetLabel(), b.lang).S
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
	return strings.Join(values[:len(values)-1], ", ") + " " + b.say("poll.or") + " " + values[len(values)-1]
}

// quoted puts s in single quotes, as both languages write an answer
// quoted in a sentence.
func quoted(s string) string { return "‘" + s + "’" }

// answersFrom reads the answers from a posted form, leaving out questions
// left open. The service judges them; only what a page without JavaScript
// cannot express is settled here: a text typed after "other, namely…"
// chooses it.
func answersFrom(rp *surveysv1.RespondentPoll, form url.Values) map[string]*surveysv1.Answer {
	out := map[string]*surveysv1.Answer{}
	for _, sec := range rp.GetSections() {
		for _, q := range sec.GetQuestions() {
			if a := answerFrom(q, form); a != nil {
				out[q.GetId()] = a
			}
		}
	}
	return out
}

func answerFrom(q *surveysv1.Question, form url.Values) *surveysv1.Answer {
	name := questionName(q)
	a := &surveysv1.Answer{}
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE:
		a.Choice = form.Get(name)
		if q.GetOther() {
			a.Other = form.Get(otherName(q))
			if a.Choice == "" && strings.TrimSpace(a.Other) != "" {
				a.Choice = otherID
			}
		}
	case surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		a.Choices = slices.Clone(form[name])
		if q.GetOther() {
			a.Other = form.Get(otherName(q))
			if strings.TrimSpace(a.Other) != "" && !slices.Contains(a.Choices, otherID) {
				a.Choices = append(a.Choices, otherID)
			}
		}
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT, surveysv1.QuestionType_QUESTION_TYPE_SCALE,
		surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		a.Value = form.Get(name)
	case surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		for _, o := range q.GetOptions() {
			v := form.Get(partName(q, o.GetId()))
			if v == "" {
				continue
			}
			if a.Ranks == nil {
				a.Ranks = map[string]int32{}
			}
			// What is no position at all (a forged form) goes as 0, which
			// the service refuses with a message about the option.
			pos, _ := strconv.ParseInt(v, 10, 32)
			a.Ranks[o.GetId()] = int32(pos)
		}
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		for _, row := range q.GetRows() {
			v := form.Get(partName(q, row.GetId()))
			if v == "" {
				continue
			}
			if a.Rows == nil {
				a.Rows = map[string]string{}
			}
			a.Rows[row.GetId()] = v
		}
	case surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT:
		a.Text = form.Get(name)
	}
	if a.GetChoice() == "" && len(a.GetChoices()) == 0 && strings.TrimSpace(a.GetOther()) == "" &&
		strings.TrimSpace(a.GetValue()) == "" && len(a.GetRanks()) == 0 && len(a.GetRows()) == 0 &&
		strings.TrimSpace(a.GetText()) == "" {
		return nil
	}
	return a
}
