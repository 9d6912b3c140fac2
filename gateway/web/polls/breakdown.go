package polls

import (
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// breakdownTable is one question's counts per value of one panel
// attribute: a row per value (age band or neighbourhood), a column per
// option or point.
type breakdownTable struct {
	Caption   string
	Attribute string
	Columns   []kit.Localized
	Rows      []breakdownRow
}

type breakdownRow struct {
	Value    string
	Answered int64
	Counts   []int64
}

// breakdownTables lays out a council tally's breakdowns for the questions
// that have a count per option or point (choices, Likert, scales); a
// matrix, ranking, number or text has no one line to split. Values come
// in the service's order.
func (s *Pages) breakdownTables(lang string, p *surveysv1.Poll, bs []*surveysv1.Breakdown) []breakdownTable {
	if len(bs) == 0 {
		return nil
	}
	type key struct{ question, cell string }
	var out []breakdownTable
	for _, sec := range p.GetSections() {
		for _, q := range sec.GetQuestions() {
			cols := breakdownColumns(q)
			if cols == nil {
				continue
			}
			for _, attr := range []string{"age_band", "neighbourhood"} {
				tbl := breakdownTable{Attribute: s.kit.Catalogue(lang).Say("tally.attribute." + attr)}
				tbl.Caption = kit.Localize(q.GetText(), lang).S + " — " + tbl.Attribute
				for _, c := range cols {
					tbl.Columns = append(tbl.Columns, cellLabel(q, c, lang))
				}
				for _, b := range bs {
					if b.GetAttribute() != attr {
						continue
					}
					counts := map[key]int64{}
					for _, c := range b.GetCells() {
						if c.GetRow() == "" {
							counts[key{c.GetQuestionId(), c.GetCell()}] = c.GetCount()
						}
					}
					row := breakdownRow{Value: b.GetValue(), Answered: counts[key{q.GetId(), ""}]}
					if attr == "neighbourhood" {
						// The service counts by code.
						row.Value = s.kit.NeighbourhoodName(row.Value)
					}
					if row.Answered == 0 {
						continue
					}
					for _, c := range cols {
						row.Counts = append(row.Counts, counts[key{q.GetId(), c}])
					}
					tbl.Rows = append(tbl.Rows, row)
				}
				if len(tbl.Rows) > 0 {
					out = append(out, tbl)
				}
			}
		}
	}
	return out
}

// breakdownColumns are the cells a breakdown of q shows, or nil for a
// question it does not split.
func breakdownColumns(q *surveysv1.Question) []string {
	points := func(lo, hi int) []string {
		var out []string
		for i := lo; i <= hi; i++ {
			out = append(out, strconv.Itoa(i))
		}
		return out
	}
	switch q.GetType() {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		var out []string
		for _, o := range q.GetOptions() {
			out = append(out, o.GetId())
		}
		if q.GetOther() {
			out = append(out, pollform.OtherID)
		}
		return out
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		return points(1, 5)
	case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		return points(0, 10)
	}
	return nil
}
