package pollform

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// AnswersFrom reads the answers from a posted form, leaving out questions
// left open. The service judges them; only what a page without JavaScript
// cannot express is settled here: a text typed after "other, namely…"
// chooses it.
func AnswersFrom(rp *surveysv1.RespondentPoll, form url.Values) map[string]*surveysv1.Answer {
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
				a.Choice = OtherID
			}
		}
	case surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		a.Choices = slices.Clone(form[name])
		if q.GetOther() {
			a.Other = form.Get(otherName(q))
			if strings.TrimSpace(a.Other) != "" && !slices.Contains(a.Choices, OtherID) {
				a.Choices = append(a.Choices, OtherID)
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
