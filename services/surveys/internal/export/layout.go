package export

import (
	"github.com/meedoen/meedoen/internal/nlgov"
	"strconv"
	"time"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// The table layout of CSV and XLSX: one row per response and a fixed set
// of columns, so that a spreadsheet or SPSS reads it without reshaping.
// Analysts count and cross-tabulate, so each thing that can be counted gets
// its own column:
//
//   - single choice: the chosen option's label (readable without a
//     codebook; the JSON export carries the ids), plus a column for the
//     "other, namely…" text when the question offers it;
//   - multiple choice: one 0/1 column per option (a "multiple dichotomy
//     set" in SPSS terms, summable in Excel), "other" included, plus its
//     text. A single "a;b" cell would have to be split before any count;
//   - Likert and scale: the point as a number;
//   - ranking: one column per option holding its position, 1 first;
//   - matrix: one column per row holding the chosen column's label;
//   - number: the number, with a decimal point;
//   - short and long text: the text.
//
// An empty cell means the question was not answered (left open, or hidden
// by its condition); a multiple choice answer writes 0 for the options not
// chosen, so that "not chosen" and "not answered" stay apart.

// kind is what a cell holds.
type kind uint8

const (
	empty   kind = iota
	text         // s: free text typed by a resident
	label        // s: a label or fixed text written by staff or us
	integer      // n
	decimal      // n, as a poll.Decimal
	moment       // n, microseconds since 1970 UTC
)

// cell is one value of a row.
type cell struct {
	kind kind
	s    string
	n    int64
}

// field is where one question's answer goes in a row.
type field struct {
	q     poll.Question
	first int // the question's first column
	// slot maps an option, or a matrix row, to its column offset from first.
	slot map[string]int
	// labels maps an option (or a matrix column) to its label.
	labels map[string]string
	// otherFlag and otherText are the offsets of the "other" 0/1 column
	// (multiple choice) and of its text column, or -1.
	otherFlag, otherText int
	width                int
}

// label returns the label of an option or matrix column, or its id if the
// poll does not know it: an answer should never vanish from the file.
func (f *field) label(id string) string {
	if l, ok := f.labels[id]; ok {
		return l
	}
	return id
}

// layout is the columns of a poll's table.
type layout struct {
	headers []string
	// fixed columns before the questions
	municipality bool
	// names, when set, adds the municipality's name after its code.
	names      map[string]string
	fields     []field
	byQuestion map[string]int // question id → index in fields
}

// Words of the fixed headings, per language.
type words struct {
	id, submittedAt, submittedLocal, municipality, municipalityName, otherText, sheet string
}

func wordsIn(lang string) words {
	if lang == "en" {
		return words{id: "Response id", submittedAt: "Submitted at", submittedLocal: "Submitted at (Dutch time)",
			municipality: "Municipality", municipalityName: "Municipality name", otherText: "text", sheet: "Responses"}
	}
	return words{id: "Antwoord-id", submittedAt: "Ingediend op", submittedLocal: "Ingediend op (Nederlandse tijd)",
		municipality: "Gemeente", municipalityName: "Naam gemeente", otherText: "tekst", sheet: "Antwoorden"}
}

// newLayout lays out the columns of p's questions in lang. Without texts,
// free-text columns (text questions, "other" texts) are left out; without
// municipality, so is the municipality.
func newLayout(p poll.Poll, lang string, texts, municipality bool, names map[string]string, local bool) layout {
	w := wordsIn(lang)
	l := layout{municipality: municipality, byQuestion: map[string]int{}}
	if local {
		l.headers = append(l.headers, w.id, w.submittedLocal)
	} else {
		l.headers = append(l.headers, w.id, w.submittedAt)
	}
	if municipality {
		l.headers = append(l.headers, w.municipality)
		if names != nil {
			l.names = names
			l.headers = append(l.headers, w.municipalityName)
		}
	}
	for _, q := range p.Questions() {
		if !texts && (q.Type == poll.ShortText || q.Type == poll.LongText) {
			continue
		}
		f := field{q: q, first: len(l.headers), slot: map[string]int{}, labels: map[string]string{}, otherFlag: -1, otherText: -1}
		head := q.ID + ". " + q.Text.In(lang)
		sub := func(s string) string { return head + " [" + s + "]" }
		otherLabel := q.OtherLabel
		if otherLabel.IsZero() {
			otherLabel = poll.DefaultOtherLabel()
		}
		var cols []string
		switch q.Type {
		case poll.SingleChoice:
			cols = append(cols, head)
			for _, o := range q.Options {
				f.labels[o.ID] = o.Label.In(lang)
			}
			if q.Other {
				f.labels[poll.OtherID] = otherLabel.In(lang)
				if texts {
					f.otherText = len(cols)
					cols = append(cols, sub(otherLabel.In(lang)+": "+w.otherText))
				}
			}
		case poll.MultipleChoice:
			for _, o := range q.Options {
				f.slot[o.ID] = len(cols)
				cols = append(cols, sub(o.Label.In(lang)))
			}
			if q.Other {
				f.otherFlag = len(cols)
				f.slot[poll.OtherID] = len(cols)
				cols = append(cols, sub(otherLabel.In(lang)))
				if texts {
					f.otherText = len(cols)
					cols = append(cols, sub(otherLabel.In(lang)+": "+w.otherText))
				}
			}
		case poll.Ranking:
			for _, o := range q.Options {
				f.slot[o.ID] = len(cols)
				cols = append(cols, sub(o.Label.In(lang)))
			}
		case poll.Matrix:
			for _, r := range q.Rows {
				f.slot[r.ID] = len(cols)
				cols = append(cols, sub(r.Label.In(lang)))
			}
			for _, c := range q.Columns {
				f.labels[c.ID] = c.Label.In(lang)
			}
		default:
			cols = append(cols, head)
		}
		f.width = len(cols)
		l.headers = append(l.headers, cols...)
		l.byQuestion[q.ID] = len(l.fields)
		l.fields = append(l.fields, f)
	}
	return l
}

// fill lays r out in row, which has a cell per column; cells of questions
// r does not answer are left empty.
func (l *layout) fill(row []cell, r *poll.Response) {
	clear(row)
	row[0] = cell{kind: label, s: r.ID}
	row[1] = cell{kind: moment, n: r.SubmittedAt.UnixMicro()}
	if l.municipality {
		row[2] = cell{kind: label, s: r.Municipality}
		if l.names != nil {
			row[3] = cell{kind: label, s: l.names[r.Municipality]}
		}
	}
	for i := range r.Replies {
		rep := &r.Replies[i]
		fi, ok := l.byQuestion[rep.Question]
		if !ok {
			continue // a text question of a public export
		}
		f := &l.fields[fi]
		cells := row[f.first : f.first+f.width]
		switch f.q.Type {
		case poll.SingleChoice:
			if len(rep.Choices) > 0 {
				cells[0] = cell{kind: label, s: f.label(rep.Choices[0])}
			}
			if f.otherText >= 0 && rep.Other != "" {
				cells[f.otherText] = cell{kind: text, s: rep.Other}
			}
		case poll.MultipleChoice:
			for j := range cells {
				if j != f.otherText {
					cells[j] = cell{kind: integer}
				}
			}
			for _, c := range rep.Choices {
				if j, ok := f.slot[c]; ok {
					cells[j].n = 1
				}
			}
			if f.otherText >= 0 && rep.Other != "" {
				cells[f.otherText] = cell{kind: text, s: rep.Other}
			}
		case poll.Likert, poll.Scale:
			cells[0] = cell{kind: integer, n: int64(rep.Point)}
		case poll.Number:
			cells[0] = cell{kind: decimal, n: int64(rep.Number)}
		case poll.Ranking:
			for pos, o := range rep.Ranking {
				if j, ok := f.slot[o]; ok {
					cells[j] = cell{kind: integer, n: int64(pos + 1)}
				}
			}
		case poll.Matrix:
			for row, col := range rep.Rows {
				if j, ok := f.slot[row]; ok {
					cells[j] = cell{kind: label, s: f.label(col)}
				}
			}
		case poll.ShortText, poll.LongText:
			cells[0] = cell{kind: text, s: rep.Text}
		}
	}
}

// timeLayout is RFC 3339 in UTC with microseconds, the precision stored,
// so that the order of submission can be told from the file.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// appendMoment appends a moment cell's time.
func appendMoment(b []byte, micros int64) []byte {
	return time.UnixMicro(micros).UTC().AppendFormat(b, timeLayout)
}

// localLayout is how a spreadsheet set up for Dutch reads a date and time
// in a CSV file; the time is Dutch time, to the second.
const localLayout = "2006-01-02 15:04:05"

// appendLocalMoment appends a moment cell's time in Dutch time.
func appendLocalMoment(b []byte, micros int64) []byte {
	return time.UnixMicro(micros).In(nlgov.Amsterdam()).AppendFormat(b, localLayout)
}

// appendDecimal appends a decimal cell's number with a point, as
// poll.Decimal.String writes it but without its allocations: a decimal has
// at most three digits after the point and fewer than fifteen in all, so
// the shortest float that reads back is exactly that decimal.
func appendDecimal(b []byte, n int64) []byte {
	return strconv.AppendFloat(b, poll.Decimal(n).Float64(), 'f', -1, 64)
}
