package polls

import (
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// tallyView is a poll's tally as the council sees it: per question the
// counts per option, and for a shared poll the same per municipality.
type tallyView struct {
	// HeadingKey names the tally: "Tussenstand" while the poll is open,
	// "Uitslag" once it closed.
	HeadingKey string
	Responses  int64
	// Municipalities are a shared poll's responses per municipality.
	Municipalities []groupCount
	Questions      []questionTally
	// Breakdowns split choice and scale questions by panel attribute;
	// only the council's tally has them.
	Breakdowns []breakdownTable
}

// groupCount is the responses of one municipality (or merged group).
type groupCount struct {
	Name  string
	Count int64
}

// questionTally is one question's part of the tally.
type questionTally struct {
	ID       string
	Text     kit.Localized
	Answered int64
	Lines    []tallyLine
	// Ranks are a ranking's options by average position.
	Ranks []rankView
	// Number is a number question's summary; nil for other types.
	Number *numberView
	Texts  []string
}

// tallyLine is one line of counts: a question's, or a matrix row's.
type tallyLine struct {
	// Row names a matrix row; empty otherwise.
	Row      kit.Localized
	Answered int64
	Cells    []cellView
	// Mean is the average point of a Likert or scale question; "" for
	// none.
	Mean   string
	Groups []groupLine
}

// groupLine is a line's counts in one municipality.
type groupLine struct {
	Name     string
	Answered int64
	Cells    []cellView
}

// cellView is one option's count with its share of the answers.
type cellView struct {
	Label   kit.Localized
	Count   int64
	Hidden  bool
	Percent int
	// Step is Percent rounded down to a multiple of 5, which picks the
	// bar's width class: the policy forbids inline styles.
	Step int
}

type rankView struct {
	Label   kit.Localized
	Average string
}

type numberView struct {
	Count          int64
	Mean, Min, Max string
}

// tallyView lays out t with the labels of p's questions in lang.
func (s *Pages) tallyView(lang string, p *surveysv1.Poll, t *surveysv1.Tally) tallyView {
	questions := map[string]*surveysv1.Question{}
	for _, sec := range p.GetSections() {
		for _, q := range sec.GetQuestions() {
			questions[q.GetId()] = q
		}
	}
	w := s.kit.Words(lang)
	v := tallyView{HeadingKey: tallyHeadingKey(p.GetStatus()), Responses: t.GetResponses().GetValue()}
	for _, g := range t.GetMunicipalities() {
		v.Municipalities = append(v.Municipalities, groupCount{Name: s.groupName(lang, g.GetMunicipalityCodes()), Count: g.GetCount().GetValue()})
	}
	for _, qt := range t.GetQuestions() {
		q := questions[qt.GetQuestionId()]
		qv := questionTally{
			ID:       qt.GetQuestionId(),
			Text:     kit.Localize(q.GetText(), lang),
			Answered: qt.GetAnswered().GetValue(),
		}
		if qv.Text.S == "" {
			qv.Text = kit.Localized{S: qt.GetQuestionId()}
		}
		for _, l := range qt.GetLines() {
			line := tallyLine{
				Row:      label(q.GetRows(), l.GetRow(), lang),
				Answered: l.GetAnswered().GetValue(),
				Cells:    cells(q, l.GetCells(), l.GetAnswered().GetValue(), lang),
				Mean:     figure(w, l.GetMean()),
			}
			for _, g := range l.GetGroups() {
				line.Groups = append(line.Groups, groupLine{
					Name:     s.groupName(lang, g.GetMunicipalityCodes()),
					Answered: g.GetAnswered().GetValue(),
					Cells:    cells(q, g.GetCells(), g.GetAnswered().GetValue(), lang),
				})
			}
			qv.Lines = append(qv.Lines, line)
		}
		for _, rk := range qt.GetRanks() {
			qv.Ranks = append(qv.Ranks, rankView{Label: label(q.GetOptions(), rk.GetOption(), lang), Average: figure(w, rk.GetAverage())})
		}
		if n := qt.GetNumber(); n != nil {
			qv.Number = &numberView{Count: n.GetCount().GetValue(), Mean: figure(w, n.GetMean()), Min: figure(w, n.GetMin()), Max: figure(w, n.GetMax())}
		}
		for _, tx := range qt.GetTexts() {
			qv.Texts = append(qv.Texts, tx.GetText())
		}
		v.Questions = append(v.Questions, qv)
	}
	v.Breakdowns = s.breakdownTables(lang, p, t.GetBreakdowns())
	return v
}

// groupName names a group of municipalities; an empty code stands for
// respondents whose municipality is not known.
func (s *Pages) groupName(lang string, codes []string) string {
	name := ""
	for i, c := range codes {
		if i > 0 {
			name += ", "
		}
		if c == "" {
			name += s.kit.Catalogue(lang).Say("tally.unknownMunicipality")
			continue
		}
		name += s.kit.TenantName(c)
	}
	return name
}

// cells gives each count its label and share of answered. A question
// answered with one choice gets shares that add up to 100 (kit.Shares);
// while a count is hidden none of them is shown, so they are not
// evened out either.
func cells(q *surveysv1.Question, cs []*surveysv1.Cell, answered int64, lang string) []cellView {
	out := make([]cellView, 0, len(cs))
	counts := make([]int64, 0, len(cs))
	hidden := false
	for _, c := range cs {
		cv := cellView{Label: cellLabel(q, c.GetKey(), lang), Count: c.GetCount().GetValue(), Hidden: c.GetCount().GetHidden()}
		hidden = hidden || cv.Hidden
		out = append(out, cv)
		counts = append(counts, cv.Count)
	}
	shares := kit.Shares(counts, answered)
	for i := range out {
		if out[i].Hidden {
			continue
		}
		if hidden {
			// Evening out the shown shares would tell what the hidden
			// ones add up to.
			shares[i] = kit.Share(out[i].Count, answered)
		}
		out[i].Percent = shares[i]
		out[i].Step = shares[i] / 5 * 5
	}
	return out
}

// cellLabel is the label of an option, point or matrix column.
func cellLabel(q *surveysv1.Question, key, lang string) kit.Localized {
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		if key == pollform.OtherID {
			return pollform.OtherLabel(q, lang)
		}
		return label(q.GetOptions(), key, lang)
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		if n, err := strconv.Atoi(key); err == nil && n >= 1 && n <= 5 && len(q.GetLabels()) == 5 {
			return kit.Localize(q.GetLabels()[n-1], lang)
		}
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		return label(q.GetColumns(), key, lang)
	}
	return kit.Localized{S: key}
}

// label is the label of the option with id key; the key itself for one
// the poll does not have.
func label(opts []*surveysv1.Option, key, lang string) kit.Localized {
	for _, o := range opts {
		if o.GetId() == key {
			return kit.Localize(o.GetLabel(), lang)
		}
	}
	return kit.Localized{S: key}
}

// figure writes a mean or extreme with at most one decimal, in the
// page's language; "" for one that is hidden or missing.
func figure(w kit.Words, f *surveysv1.Figure) string {
	if f == nil || f.GetHidden() {
		return ""
	}
	return w.Figure(f.GetValue())
}

// tallyHeadingKey names a poll's tally by its status: while answers still
// come in it is an interim count, once the poll closed the outcome.
func tallyHeadingKey(st surveysv1.PollStatus) string {
	switch st {
	case surveysv1.PollStatus_POLL_STATUS_CLOSED:
		return "tally.heading.closed"
	case surveysv1.PollStatus_POLL_STATUS_CANCELLED:
		return "tally.heading.cancelled"
	default:
		return "tally.heading.open"
	}
}
