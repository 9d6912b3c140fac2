package poll

import (
	"slices"
	"strconv"
)

// QuestionType is the kind of answer a question takes. Its value is the
// lower-case name used in storage and events, e.g. "single_choice".
type QuestionType string

// The question types.
const (
	SingleChoice   QuestionType = "single_choice"   // one option, optionally "other, namely…"
	MultipleChoice QuestionType = "multiple_choice" // between MinChoices and MaxChoices options
	Likert         QuestionType = "likert"          // 1–5, each point labelled
	Scale          QuestionType = "scale"           // 0–10, the ends optionally labelled
	Ranking        QuestionType = "ranking"         // every option gets a distinct position
	Matrix         QuestionType = "matrix"          // per row one of the columns
	Number         QuestionType = "number"          // between Min and Max, on Step
	ShortText      QuestionType = "short_text"      // one line, at most 200 characters
	LongText       QuestionType = "long_text"       // at most MaxLength (≤ 5000) characters
)

// QuestionTypes lists every question type.
func QuestionTypes() []QuestionType {
	return []QuestionType{SingleChoice, MultipleChoice, Likert, Scale, Ranking, Matrix, Number, ShortText, LongText}
}

// Valid reports whether t is a known question type.
func (t QuestionType) Valid() bool { return slices.Contains(QuestionTypes(), t) }

// OtherID is the option id of "other, namely…". It is reserved: no option
// may use it, so that an answer can always name it.
const OtherID = "other"

// Limits on what residents type.
const (
	// MaxOtherText is the longest text after "other, namely…".
	MaxOtherText = 200
	// MaxShortText is the longest short text answer.
	MaxShortText = 200
	// MaxLongText is the most a long text question may allow.
	MaxLongText = 5000
)

// Limits on what poll builders write.
const (
	maxTitle          = 200
	maxIntro          = 2000
	maxQuestionText   = 500
	maxHelp           = 1000
	maxLabel          = 200
	maxUnit           = 50
	maxChoiceOptions  = 30
	maxRankingOptions = 10
	maxMatrixRows     = 20
	maxMatrixColumns  = 10
	maxSections       = 20
	// MaxFlashPollQuestions is the most questions a flash poll may have:
	// it is meant to be answered in a minute.
	MaxFlashPollQuestions = 5
	// MaxQuestionnaireQuestions is the most questions a questionnaire may have.
	MaxQuestionnaireQuestions = 100
)

// Likert and scale points.
const (
	likertLow, likertHigh = 1, 5
	scaleLow, scaleHigh   = 0, 10
)

// DefaultOtherLabel is the label of "other, namely…" when a question gives
// none.
func DefaultOtherLabel() Text { return Text{NL: "Anders, namelijk", EN: "Other, namely"} }

// DefaultLikertLabels are the five labels of a Likert question that gives
// none, from 1 to 5.
func DefaultLikertLabels() []Text {
	return []Text{
		{NL: "Helemaal mee oneens", EN: "Strongly disagree"},
		{NL: "Mee oneens", EN: "Disagree"},
		{NL: "Neutraal", EN: "Neutral"},
		{NL: "Mee eens", EN: "Agree"},
		{NL: "Helemaal mee eens", EN: "Strongly agree"},
	}
}

// Section is a page of a questionnaire. A flash poll has exactly one,
// whose title may be empty.
type Section struct {
	// ID is a short key, stable for the poll's life, e.g. "s1".
	ID        string
	Title     Text
	Intro     Text
	Questions []Question
}

// Question is one question of a poll. Which fields apply depends on Type;
// setting one that does not apply is an error, so that a builder's mistake
// does not go unnoticed. A poll holds its questions normalised: defaults
// filled in and texts trimmed.
type Question struct {
	// ID is a short key, unique in the poll and stable for its life, e.g.
	// "q2". Answers and tallies refer to it.
	ID       string
	Type     QuestionType
	Text     Text
	Help     Text
	Required bool

	// Options are the choices of a single choice, multiple choice or
	// ranking question, in the order shown.
	Options []Option
	// Other adds "other, namely…" (OtherID) to a single or multiple choice
	// question; choosing it asks for a text.
	Other bool
	// OtherLabel labels that option; it defaults to DefaultOtherLabel.
	OtherLabel Text
	// MinChoices and MaxChoices bound a multiple choice answer; they
	// default to 1 and to every option.
	MinChoices, MaxChoices int

	// Labels are the five labels of a Likert question (default
	// DefaultLikertLabels), or none or two (for 0 and 10) of a scale.
	Labels []Text

	// Rows are a matrix's statements; Columns the choices for each.
	Rows, Columns []Option

	// Min, Max and Step bound a number answer; Step defaults to 1.
	Min, Max, Step Decimal
	// Unit is shown after a number field, e.g. "uur per week".
	Unit Text

	// MaxLength bounds a text answer: at most MaxShortText (the default)
	// for a short text, at most MaxLongText (the default) for a long one.
	MaxLength int

	// ShowIf, when set, shows the question only if an earlier question's
	// answer is or contains one of the given options.
	ShowIf *Condition
}

// Option is a choice, matrix row or matrix column.
type Option struct {
	// ID is a short key, unique among its siblings, e.g. "a".
	ID    string
	Label Text
}

// Condition shows a question only when the answer to an earlier question
// is, or for multiple choice contains, any of AnyOf. Referring only to
// earlier questions rules out cycles and lets a paged questionnaire decide
// what to show from pages already answered.
type Condition struct {
	// Question is the id of an earlier single choice, multiple choice,
	// Likert or scale question.
	Question string
	// AnyOf lists option ids (OtherID included), or Likert points "1"–"5",
	// or scale points "0"–"10".
	AnyOf []string
}

// conditionKeys lists the values a condition on q may name; nil means q
// cannot be the subject of a condition.
func conditionKeys(q Question) []string {
	switch q.Type {
	case SingleChoice, MultipleChoice:
		return choiceKeys(q)
	case Likert:
		return pointKeys(likertLow, likertHigh)
	case Scale:
		return pointKeys(scaleLow, scaleHigh)
	}
	return nil
}

// choiceKeys lists the ids of q's options, and OtherID if it offers it.
func choiceKeys(q Question) []string {
	keys := optionIDs(q.Options)
	if q.Other {
		keys = append(keys, OtherID)
	}
	return keys
}

func optionIDs(opts []Option) []string {
	ids := make([]string, len(opts))
	for i, o := range opts {
		ids[i] = o.ID
	}
	return ids
}

func pointKeys(low, high int) []string {
	keys := make([]string, 0, high-low+1)
	for p := low; p <= high; p++ {
		keys = append(keys, strconv.Itoa(p))
	}
	return keys
}

// questionsOf returns the questions of sections in order.
func questionsOf(sections []Section) []Question {
	var qs []Question
	for _, s := range sections {
		qs = append(qs, s.Questions...)
	}
	return qs
}

// cloneSections copies sections deeply, so that no caller shares slices
// with a poll.
func cloneSections(sections []Section) []Section {
	if sections == nil {
		return nil
	}
	out := make([]Section, len(sections))
	for i, s := range sections {
		s.Questions = slices.Clone(s.Questions)
		for j := range s.Questions {
			s.Questions[j] = cloneQuestion(s.Questions[j])
		}
		out[i] = s
	}
	return out
}

func cloneQuestion(q Question) Question {
	q.Options = slices.Clone(q.Options)
	q.Labels = slices.Clone(q.Labels)
	q.Rows = slices.Clone(q.Rows)
	q.Columns = slices.Clone(q.Columns)
	if q.ShowIf != nil {
		c := Condition{Question: q.ShowIf.Question, AnyOf: slices.Clone(q.ShowIf.AnyOf)}
		q.ShowIf = &c
	}
	return q
}
