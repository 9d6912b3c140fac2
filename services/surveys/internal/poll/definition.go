package poll

import (
	"fmt"
	"slices"

	"github.com/meedoen/meedoen/internal/errs"
)

// checkSections validates the sections of a poll of kind and returns them
// normalised. It does not insist on questions: a draft may be empty;
// scheduling asks for them.
func checkSections(v *errs.Violations, kind Kind, sections []Section) []Section {
	switch {
	case kind == FlashPoll && len(sections) > 1:
		v.Add("/sections", "a flash poll has one section")
	case len(sections) > maxSections:
		v.Add("/sections", fmt.Sprintf("must be at most %d", maxSections))
	}
	n := len(questionsOf(sections))
	switch {
	case kind == FlashPoll && n > MaxFlashPollQuestions:
		v.Add("/sections", fmt.Sprintf("a flash poll has at most %d questions (this one has %d); make it a questionnaire", MaxFlashPollQuestions, n))
	case kind == Questionnaire && n > MaxQuestionnaireQuestions:
		v.Add("/sections", fmt.Sprintf("a questionnaire has at most %d questions (this one has %d)", MaxQuestionnaireQuestions, n))
	}
	allIDs := map[string]bool{}
	for _, q := range questionsOf(sections) {
		allIDs[q.ID] = true
	}
	sectionIDs := map[string]bool{}
	earlier := map[string]Question{}
	out := make([]Section, 0, len(sections))
	for i, s := range sections {
		path := fmt.Sprintf("/sections/%d", i)
		checkID(v, path+"/id", s.ID, sectionIDs)
		ns := Section{
			ID:    s.ID,
			Title: checkText(v, path+"/title", s.Title, kind == Questionnaire, maxTitle),
			Intro: checkText(v, path+"/intro", s.Intro, false, maxIntro),
		}
		for j, q := range s.Questions {
			qpath := fmt.Sprintf("%s/questions/%d", path, j)
			nq := checkQuestion(v, qpath, q, earlier, allIDs)
			if _, dup := earlier[q.ID]; dup && validKey(q.ID) {
				v.Add(qpath+"/id", fmt.Sprintf("%q is already the id of another question", q.ID))
			}
			earlier[q.ID] = nq
			ns.Questions = append(ns.Questions, nq)
		}
		out = append(out, ns)
	}
	return out
}

// checkID records an invalid or repeated key and remembers it in seen.
func checkID(v *errs.Violations, path, id string, seen map[string]bool) {
	switch {
	case !validKey(id):
		v.Add(path, keyAdvice)
	case seen[id]:
		v.Add(path, fmt.Sprintf("%q is used twice", id))
	}
	seen[id] = true
}

// checkQuestion validates q and returns it normalised. earlier holds the
// questions before it (normalised), all the ids of every question.
func checkQuestion(v *errs.Violations, path string, q Question, earlier map[string]Question, all map[string]bool) Question {
	if !validKey(q.ID) {
		v.Add(path+"/id", keyAdvice)
	}
	out := Question{
		ID:       q.ID,
		Type:     q.Type,
		Required: q.Required,
		Text:     checkText(v, path+"/text", q.Text, true, maxQuestionText),
		Help:     checkText(v, path+"/help", q.Help, false, maxHelp),
	}
	if !q.Type.Valid() {
		v.Add(path+"/type", fmt.Sprintf("must be one of %v", QuestionTypes()))
		return out
	}
	checkUnused(v, path, q)
	switch q.Type {
	case SingleChoice, MultipleChoice:
		out.Options = checkOptions(v, path+"/options", q.Options, 2, maxChoiceOptions, true)
		if q.Other {
			label := q.OtherLabel
			if label.IsZero() {
				label = DefaultOtherLabel()
			}
			out.Other, out.OtherLabel = true, checkText(v, path+"/otherLabel", label, true, maxLabel)
		}
		if q.Type == MultipleChoice {
			out.MinChoices, out.MaxChoices = checkChoiceBounds(v, path, q.MinChoices, q.MaxChoices, len(choiceKeys(out)))
		}
	case Ranking:
		out.Options = checkOptions(v, path+"/options", q.Options, 2, maxRankingOptions, false)
	case Likert:
		labels := q.Labels
		if len(labels) == 0 {
			labels = DefaultLikertLabels()
		}
		if len(labels) != likertHigh-likertLow+1 {
			v.Add(path+"/labels", "a Likert question has five labels, one per point")
		}
		out.Labels = checkLabels(v, path+"/labels", labels)
	case Scale:
		if len(q.Labels) != 0 && len(q.Labels) != 2 {
			v.Add(path+"/labels", "a scale has no labels or two: for 0 and for 10")
		}
		out.Labels = checkLabels(v, path+"/labels", q.Labels)
	case Matrix:
		out.Rows = checkOptions(v, path+"/rows", q.Rows, 1, maxMatrixRows, false)
		out.Columns = checkOptions(v, path+"/columns", q.Columns, 2, maxMatrixColumns, false)
	case Number:
		out.Min, out.Max, out.Step = q.Min, q.Max, q.Step
		if out.Step == 0 {
			out.Step = decimalScale
		}
		checkRange(v, path, out.Min, out.Max, out.Step)
		out.Unit = checkText(v, path+"/unit", q.Unit, false, maxUnit)
	case ShortText:
		out.MaxLength = checkMaxLength(v, path, q.MaxLength, MaxShortText)
	case LongText:
		out.MaxLength = checkMaxLength(v, path, q.MaxLength, MaxLongText)
	}
	if q.ShowIf != nil {
		out.ShowIf = checkCondition(v, path+"/showIf", q, *q.ShowIf, earlier, all)
	}
	return out
}

// checkUnused records every field set on q that its type does not use.
func checkUnused(v *errs.Violations, path string, q Question) {
	t := q.Type
	choice := t == SingleChoice || t == MultipleChoice
	unused := []struct {
		field   string
		set     bool
		applies bool
	}{
		{"options", len(q.Options) > 0, choice || t == Ranking},
		{"other", q.Other, choice},
		{"otherLabel", !q.OtherLabel.IsZero(), choice},
		{"minChoices", q.MinChoices != 0, t == MultipleChoice},
		{"maxChoices", q.MaxChoices != 0, t == MultipleChoice},
		{"labels", len(q.Labels) > 0, t == Likert || t == Scale},
		{"rows", len(q.Rows) > 0, t == Matrix},
		{"columns", len(q.Columns) > 0, t == Matrix},
		{"min", q.Min != 0, t == Number},
		{"max", q.Max != 0, t == Number},
		{"step", q.Step != 0, t == Number},
		{"unit", !q.Unit.IsZero(), t == Number},
		{"maxLength", q.MaxLength != 0, t == ShortText || t == LongText},
	}
	for _, u := range unused {
		if u.set && !u.applies {
			v.Add(path+"/"+u.field, fmt.Sprintf("does not apply to a %s question", t))
		}
	}
}

// checkOptions validates options, rows or columns. OtherID is reserved
// where "other, namely…" could be chosen (reserveOther).
func checkOptions(v *errs.Violations, path string, opts []Option, least, most int, reserveOther bool) []Option {
	if len(opts) < least || len(opts) > most {
		v.Add(path, fmt.Sprintf("must have %d to %d entries (has %d)", least, most, len(opts)))
	}
	seen := map[string]bool{}
	out := make([]Option, 0, len(opts))
	for i, o := range opts {
		p := fmt.Sprintf("%s/%d", path, i)
		if reserveOther && o.ID == OtherID {
			v.Add(p+"/id", fmt.Sprintf("%q is reserved for \"other, namely…\"; set other instead", OtherID))
		} else {
			checkID(v, p+"/id", o.ID, seen)
		}
		out = append(out, Option{ID: o.ID, Label: checkText(v, p+"/label", o.Label, true, maxLabel)})
	}
	return out
}

func checkLabels(v *errs.Violations, path string, labels []Text) []Text {
	var out []Text
	for i, l := range labels {
		out = append(out, checkText(v, fmt.Sprintf("%s/%d", path, i), l, true, maxLabel))
	}
	return out
}

func checkChoiceBounds(v *errs.Violations, path string, least, most, n int) (int, int) {
	if least == 0 {
		least = 1
	}
	if most == 0 {
		most = n
	}
	switch {
	case least < 1:
		v.Add(path+"/minChoices", "must be at least 1")
	case least > most:
		v.Add(path+"/minChoices", fmt.Sprintf("must not exceed maxChoices (%d)", most))
	}
	switch {
	case most < 1:
		v.Add(path+"/maxChoices", "must be at least 1")
	case most > n:
		v.Add(path+"/maxChoices", fmt.Sprintf("must not exceed the number of options (%d)", n))
	}
	return least, most
}

func checkRange(v *errs.Violations, path string, lo, hi, step Decimal) {
	if step < 0 {
		v.Add(path+"/step", "must be positive")
	}
	if hi <= lo {
		v.Add(path+"/max", fmt.Sprintf("must be greater than min (%s)", lo))
	}
	for _, b := range []struct {
		field string
		d     Decimal
	}{{"min", lo}, {"max", hi}, {"step", step}} {
		if b.d > maxDecimal || b.d < -maxDecimal {
			v.Add(path+"/"+b.field, "must lie between minus and plus a billion")
		}
	}
}

func checkMaxLength(v *errs.Violations, path string, n, limit int) int {
	if n == 0 {
		return limit
	}
	if n < 1 || n > limit {
		v.Add(path+"/maxLength", fmt.Sprintf("must be from 1 to %d", limit))
	}
	return n
}

func checkCondition(v *errs.Violations, path string, q Question, c Condition, earlier map[string]Question, all map[string]bool) *Condition {
	subject, ok := earlier[c.Question]
	switch {
	case c.Question == q.ID || !ok && all[c.Question]:
		v.Add(path+"/question", "must refer to an earlier question")
		return nil
	case !ok:
		v.Add(path+"/question", fmt.Sprintf("%q is not a question of this poll", c.Question))
		return nil
	}
	keys := conditionKeys(subject)
	if keys == nil {
		v.Add(path+"/question", fmt.Sprintf("must refer to a choice, Likert or scale question; %q is %s", c.Question, subject.Type))
		return nil
	}
	if len(c.AnyOf) == 0 {
		v.Add(path+"/anyOf", "must name at least one option")
	}
	var kept []string
	for i, k := range c.AnyOf {
		switch {
		case !slices.Contains(keys, k):
			v.Add(fmt.Sprintf("%s/anyOf/%d", path, i), fmt.Sprintf("%q is not an option of question %q", k, c.Question))
		case !slices.Contains(kept, k):
			kept = append(kept, k)
		}
	}
	return &Condition{Question: c.Question, AnyOf: kept}
}
