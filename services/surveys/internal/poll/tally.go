package poll

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Tally counts the responses of one poll: per municipality, the responses,
// and per question those who answered, the count of every option, point,
// matrix cell and ranking position, sums for number questions, and the
// free texts (kept apart, since they are not counts). Counts only ever add
// up, so tallies of disjoint batches merge into the tally of all of them:
// a consumer can tally a batch of responses and add it to the stored
// counts in one statement. Its size does not grow with the number of
// responses, apart from the texts.
//
// A Tally holds maps: copy it with Clone before changing a copy.
type Tally struct {
	shape   *shape
	counts  map[counterKey]int64
	numbers map[numberKey]NumberStat
	texts   []TextAnswer
	// breakdowns count the same as counts, per panel attribute value
	// instead of per municipality (breakdown.go).
	breakdowns map[breakdownKey]int64
}

// shape is what a tally needs to know of its poll: its questions and what
// each can be counted by.
type shape struct {
	pollID         string
	shared         bool
	municipalities []string
	questions      []questionShape
	index          map[string]int
}

type questionShape struct {
	id  string
	typ QuestionType
	// rows are a matrix's rows, or a ranking's options; [""] otherwise.
	rows []string
	// cells are the options (OtherID last), points, matrix columns or
	// ranking positions ("1", "2", …); none for numbers and texts.
	cells []string
}

func (s *shape) question(id string) (questionShape, bool) {
	i, ok := s.index[id]
	if !ok {
		return questionShape{}, false
	}
	return s.questions[i], true
}

type counterKey struct{ municipality, question, row, cell string }

type numberKey struct{ municipality, question string }

// Counter is one count of a tally, as the store keeps it.
type Counter struct {
	// Municipality is the respondents' municipality; "" when unknown.
	Municipality string
	// Question is a question's id; "" counts responses.
	Question string
	// Row is a matrix row or, for a ranking, the ranked option; else "".
	Row string
	// Cell is an option, a point, a matrix column or a ranking position;
	// "" counts those who answered the question (or the matrix row).
	Cell  string
	Count int64
}

// NumberStat sums the answers to a number question from one municipality.
// Min and Max mean nothing while Count is zero.
type NumberStat struct {
	Municipality string
	Question     string
	Count        int64
	Sum          Decimal
	Min, Max     Decimal
}

func (s NumberStat) merge(o NumberStat) NumberStat {
	switch {
	case o.Count == 0:
		return s
	case s.Count == 0:
		return o
	}
	s.Count += o.Count
	s.Sum += o.Sum
	s.Min, s.Max = min(s.Min, o.Min), max(s.Max, o.Max)
	return s
}

// TextAnswer is a free text: a text question's answer, or the text after
// "other, namely…".
type TextAnswer struct {
	ResponseID   string
	Municipality string
	Question     string
	// Other marks the text after "other, namely…" of a choice question.
	Other bool
	Text  string
	// Public marks a text that a council member judged fit to show outside
	// the council; no other text is ever shown there.
	Public bool
}

// TallyRecord is a tally as the store keeps it, in a stable order.
type TallyRecord struct {
	Counters []Counter
	Numbers  []NumberStat
	Texts    []TextAnswer
	// Breakdowns are the counts per panel attribute value.
	Breakdowns []BreakdownCounter
}

// NewTally returns an empty tally for p's responses.
func NewTally(p Poll) Tally {
	s := &shape{pollID: p.id, shared: p.Shared(), municipalities: p.Municipalities(), index: map[string]int{}}
	for i, q := range questionsOf(p.sections) {
		s.index[q.ID] = i
		qs := questionShape{id: q.ID, typ: q.Type, rows: []string{""}}
		switch q.Type {
		case SingleChoice, MultipleChoice:
			qs.cells = choiceKeys(q)
		case Likert:
			qs.cells = pointKeys(likertLow, likertHigh)
		case Scale:
			qs.cells = pointKeys(scaleLow, scaleHigh)
		case Matrix:
			qs.rows, qs.cells = optionIDs(q.Rows), optionIDs(q.Columns)
		case Ranking:
			qs.rows, qs.cells = optionIDs(q.Options), pointKeys(1, len(q.Options))
		}
		s.questions = append(s.questions, qs)
	}
	return Tally{shape: s}
}

// RestoreTally rebuilds p's tally from storage without validation.
// Counters and number stats with the same key add up, so the store may
// hand over unaggregated rows. A tally read for display may carry only the
// texts it means to show.
func RestoreTally(p Poll, r TallyRecord) Tally {
	t := NewTally(p)
	t.init()
	for _, c := range r.Counters {
		t.counts[counterKey{c.Municipality, c.Question, c.Row, c.Cell}] += c.Count
	}
	for _, n := range r.Numbers {
		k := numberKey{n.Municipality, n.Question}
		t.numbers[k] = t.numbers[k].merge(n)
	}
	t.texts = slices.Clone(r.Texts)
	for _, b := range r.Breakdowns {
		t.breakdowns[breakdownKey{b.Attribute, b.Value, b.Question, b.Row, b.Cell}] += b.Count
	}
	return t
}

func (t *Tally) init() {
	if t.counts == nil {
		t.counts = map[counterKey]int64{}
	}
	if t.numbers == nil {
		t.numbers = map[numberKey]NumberStat{}
	}
	if t.breakdowns == nil {
		t.breakdowns = map[breakdownKey]int64{}
	}
}

// PollID returns the id of the poll whose responses it counts.
func (t Tally) PollID() string {
	if t.shape == nil {
		return ""
	}
	return t.shape.pollID
}

// Add counts r, a response that Check returned for the tally's poll. It
// changes nothing when r does not fit the poll.
func (t *Tally) Add(r Response) error {
	if t.shape == nil {
		return errors.New("adding to a tally without a poll; use NewTally")
	}
	if r.PollID != t.shape.pollID {
		return fmt.Errorf("adding response %s of poll %s to the tally of poll %s", r.ID, r.PollID, t.shape.pollID)
	}
	for _, rep := range r.Replies {
		if q, ok := t.shape.question(rep.Question); !ok || q.typ != rep.Type {
			return fmt.Errorf("adding response %s: poll %s has no %s question %q", r.ID, r.PollID, rep.Type, rep.Question)
		}
	}
	t.init()
	m := r.Municipality
	attrs := breakdownsOf(r)
	t.counts[counterKey{municipality: m}]++
	for _, a := range attrs {
		t.breakdowns[breakdownKey{attribute: a[0], value: a[1]}]++
	}
	for _, rep := range r.Replies {
		q := rep.Question
		inc := func(row, cell string) {
			t.counts[counterKey{m, q, row, cell}]++
			for _, a := range attrs {
				t.breakdowns[breakdownKey{a[0], a[1], q, row, cell}]++
			}
		}
		inc("", "")
		switch rep.Type {
		case SingleChoice, MultipleChoice:
			for _, c := range rep.Choices {
				inc("", c)
			}
			if rep.Other != "" {
				t.texts = append(t.texts, TextAnswer{ResponseID: r.ID, Municipality: m, Question: q, Other: true, Text: rep.Other})
			}
		case Likert, Scale:
			inc("", strconv.Itoa(rep.Point))
		case Matrix:
			for row, col := range rep.Rows {
				inc(row, "")
				inc(row, col)
			}
		case Ranking:
			for i, opt := range rep.Ranking {
				inc(opt, strconv.Itoa(i+1))
			}
		case Number:
			k := numberKey{m, q}
			t.numbers[k] = t.numbers[k].merge(NumberStat{Municipality: m, Question: q, Count: 1, Sum: rep.Number, Min: rep.Number, Max: rep.Number})
		case ShortText, LongText:
			t.texts = append(t.texts, TextAnswer{ResponseID: r.ID, Municipality: m, Question: q, Text: rep.Text})
		}
	}
	return nil
}

// Merge adds the counts of o, a tally of other responses to the same poll.
// Texts of o follow those of t, so merging tallies of consecutive batches
// keeps the order of arrival.
func (t *Tally) Merge(o Tally) error {
	if o.shape == nil && len(o.counts) == 0 && len(o.numbers) == 0 && len(o.texts) == 0 && len(o.breakdowns) == 0 {
		return nil
	}
	if t.PollID() != o.PollID() {
		return fmt.Errorf("merging the tally of poll %s into that of poll %s", o.PollID(), t.PollID())
	}
	t.init()
	for k, n := range o.counts {
		t.counts[k] += n
	}
	for k, n := range o.numbers {
		t.numbers[k] = t.numbers[k].merge(n)
	}
	for k, n := range o.breakdowns {
		t.breakdowns[k] += n
	}
	t.texts = append(t.texts, o.texts...)
	return nil
}

// Clone returns a copy that shares nothing with t.
func (t Tally) Clone() Tally {
	return Tally{shape: t.shape, counts: maps.Clone(t.counts), numbers: maps.Clone(t.numbers), texts: slices.Clone(t.texts),
		breakdowns: maps.Clone(t.breakdowns)}
}

// Responses returns how many responses it counts.
func (t Tally) Responses() int64 {
	var n int64
	for k, c := range t.counts {
		if k.question == "" {
			n += c
		}
	}
	return n
}

// MarkText marks the texts of question in response as fit, or not, to show
// outside the council, and reports whether there were any.
func (t *Tally) MarkText(responseID, question string, public bool) bool {
	found := false
	for i, a := range t.texts {
		if a.ResponseID == responseID && a.Question == question {
			t.texts[i].Public = public
			found = true
		}
	}
	return found
}

// Record returns the tally as the store keeps it, counters and number stats
// sorted by municipality, question, row and cell, texts in order of arrival.
func (t Tally) Record() TallyRecord {
	var r TallyRecord
	for k, n := range t.counts {
		r.Counters = append(r.Counters, Counter{Municipality: k.municipality, Question: k.question, Row: k.row, Cell: k.cell, Count: n})
	}
	slices.SortFunc(r.Counters, func(a, b Counter) int {
		return cmp.Or(cmp.Compare(a.Municipality, b.Municipality), cmp.Compare(a.Question, b.Question),
			cmp.Compare(a.Row, b.Row), cmp.Compare(a.Cell, b.Cell))
	})
	for _, n := range t.numbers {
		r.Numbers = append(r.Numbers, n)
	}
	slices.SortFunc(r.Numbers, func(a, b NumberStat) int {
		return cmp.Or(cmp.Compare(a.Municipality, b.Municipality), cmp.Compare(a.Question, b.Question))
	})
	r.Texts = slices.Clone(t.texts)
	r.Breakdowns = t.breakdownRecord()
	return r
}
