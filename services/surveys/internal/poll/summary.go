package poll

// Summary is a tally laid out for reading: per question, the counts in the
// poll's order with zeros included, and for a shared poll the same per
// municipality.
type Summary struct {
	PollID    string
	Responses Count
	// Municipalities splits the responses of a shared poll per
	// municipality; it is empty for a local poll.
	Municipalities []GroupCount
	Questions      []QuestionSummary
}

// PublicTally is a Summary fit to be shown outside the council: small
// cells hidden so that no one can be picked out, texts only where a
// council member marked them public, and no single person's number.
type PublicTally struct {
	// MinCell is the smallest count shown; anything from 1 to MinCell-1
	// is hidden.
	MinCell int
	Summary
}

// Count is a count as shown. A hidden count has Value 0.
type Count struct {
	Value  int64
	Hidden bool
}

// Figure is a computed number as shown. Hidden is also set where there is
// nothing to show, such as the mean of no answers.
type Figure struct {
	Value  float64
	Hidden bool
}

// GroupCount is a count for a group of municipalities: one municipality,
// or in public several merged because each alone had too few answers. An
// empty code stands for respondents whose municipality is unknown.
type GroupCount struct {
	Municipalities []string
	Count          Count
}

// QuestionSummary is one question's part of a summary. Which fields are
// set depends on its type.
type QuestionSummary struct {
	ID       string
	Type     QuestionType
	Answered Count
	// Lines holds the counts of a choice, Likert or scale question (one
	// line) or of a matrix (one line per row).
	Lines []Line
	// Ranks holds a ranking's options in the poll's order.
	Ranks []Rank
	// Number sums a number question.
	Number *NumberSummary
	// Texts lists text answers and "other, namely…" texts.
	Texts []TextAnswer
}

// Line is the counts of one question or matrix row, overall and per
// municipality group.
type Line struct {
	// Row is the matrix row; empty for other questions.
	Row      string
	Answered Count
	// Cells are the counts per option (OtherID last), point or column.
	Cells []Cell
	// Mean is the average point of a Likert or scale question.
	Mean   Figure
	Groups []GroupLine
}

// GroupLine is a line for one group of municipalities.
type GroupLine struct {
	Municipalities []string
	Answered       Count
	Cells          []Cell
	Mean           Figure
}

// Cell is the count of one option, point or matrix column.
type Cell struct {
	Key   string
	Count Count
}

// Rank is a ranking option's average position, 1 being first.
type Rank struct {
	Option  string
	Average Figure
	// Positions counts how often the option was put first, second, …; only
	// the council sees it.
	Positions []Count
	Groups    []GroupFigure
}

// GroupFigure is a figure for a group of municipalities.
type GroupFigure struct {
	Municipalities []string
	Value          Figure
}

// NumberSummary sums a number question's answers. Outside the council
// Min and Max stay hidden: each is one person's answer.
type NumberSummary struct {
	Count          Count
	Mean, Min, Max Figure
	Groups         []GroupNumber
}

// GroupNumber sums a number question's answers for a group of
// municipalities.
type GroupNumber struct {
	Municipalities []string
	Count          Count
	Mean, Min, Max Figure
}

// Summary lays the tally out for the council: nothing hidden, every text.
func (t Tally) Summary() Summary { return t.summarise(view{}) }

// Public lays the tally out for anyone outside the council, minCell being
// the municipality's threshold (5 by default in the service). Counts from
// 1 to minCell-1 are hidden, and more beside them so that no hidden count
// can be worked out from the totals shown; a municipality with too few
// answers is merged with the next smallest. Means show only where no count
// behind them is hidden; minima, maxima and ranking positions never show;
// texts only if marked public, without their response or municipality.
// The package documentation says why.
func (t Tally) Public(minCell int) PublicTally {
	return PublicTally{MinCell: minCell, Summary: t.summarise(view{minCell: int64(minCell), public: true})}
}

// view says for whom a summary is laid out.
type view struct {
	minCell int64
	public  bool
}

// count shows n, or hides it when it is a small cell.
func (v view) count(n int64) Count {
	if n > 0 && n < v.minCell {
		return Count{Hidden: true}
	}
	return Count{Value: n}
}

func shown(x float64) Figure { return Figure{Value: x} }

// none is a figure with nothing to show.
func none() Figure { return Figure{Hidden: true} }
