package poll

import (
	"cmp"
	"maps"
	"slices"
)

// The panel attributes a tally breaks down by. They come from the panel
// member an invitation was sent to, travel with the responses.accepted
// event, and are counted here; the stored answers never carry them, so an
// export cannot join an age band and a neighbourhood to a set of answers.
const (
	AgeBand       = "age_band"
	Neighbourhood = "neighbourhood"
)

// breakdownAttributes are the attributes counted, in order.
var breakdownAttributes = []string{AgeBand, Neighbourhood}

type breakdownKey struct{ attribute, value, question, row, cell string }

// BreakdownCounter is one count of a tally per panel attribute value:
// Question "" counts responses, Cell "" those who answered, as in Counter.
type BreakdownCounter struct {
	Attribute, Value    string
	Question, Row, Cell string
	Count               int64
}

// Breakdown is what a tally counted among the respondents with one value
// of a panel attribute (say, age band "27-40").
type Breakdown struct {
	Attribute, Value string
	// Responses is how many responses had this value.
	Responses int64
	// Counts are the counts per question, row and cell, as Counter has
	// them with Municipality left empty.
	Counts []Counter
}

// breakdownsOf returns r's known attribute values as (attribute, value)
// pairs, in breakdownAttributes order.
func breakdownsOf(r Response) [][2]string {
	var out [][2]string
	for _, a := range breakdownAttributes {
		if v := r.Attributes[a]; v != "" {
			out = append(out, [2]string{a, v})
		}
	}
	return out
}

// breakdownRecord returns the breakdown counts sorted by attribute, value,
// question, row and cell.
func (t Tally) breakdownRecord() []BreakdownCounter {
	var out []BreakdownCounter
	for k, n := range t.breakdowns {
		out = append(out, BreakdownCounter{Attribute: k.attribute, Value: k.value, Question: k.question, Row: k.row, Cell: k.cell, Count: n})
	}
	slices.SortFunc(out, func(a, b BreakdownCounter) int {
		return cmp.Or(cmp.Compare(a.Attribute, b.Attribute), cmp.Compare(a.Value, b.Value),
			cmp.Compare(a.Question, b.Question), cmp.Compare(a.Row, b.Row), cmp.Compare(a.Cell, b.Cell))
	})
	return out
}

// Breakdowns returns the counts per panel attribute value, by attribute
// and value. They are for the council only: a breakdown narrows a group
// down far enough that a public view would have to hide nearly all of it,
// so Public leaves them out altogether.
func (t Tally) Breakdowns() []Breakdown {
	groups := map[[2]string]*Breakdown{}
	for k, n := range t.breakdowns {
		g := groups[[2]string{k.attribute, k.value}]
		if g == nil {
			g = &Breakdown{Attribute: k.attribute, Value: k.value}
			groups[[2]string{k.attribute, k.value}] = g
		}
		if k.question == "" {
			g.Responses += n
			continue
		}
		g.Counts = append(g.Counts, Counter{Question: k.question, Row: k.row, Cell: k.cell, Count: n})
	}
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(slices.Index(breakdownAttributes, a[0]), slices.Index(breakdownAttributes, b[0])), cmp.Compare(a[1], b[1]))
	})
	out := make([]Breakdown, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		slices.SortFunc(g.Counts, func(a, b Counter) int {
			return cmp.Or(cmp.Compare(a.Question, b.Question), cmp.Compare(a.Row, b.Row), cmp.Compare(a.Cell, b.Cell))
		})
		out = append(out, *g)
	}
	return out
}
