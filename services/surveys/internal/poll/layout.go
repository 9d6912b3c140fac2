package poll

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
)

// summarise lays the tally out for v: the council's view or the public one.
func (t Tally) summarise(v view) Summary {
	s := Summary{PollID: t.PollID()}
	if t.shape == nil {
		return s
	}
	ms := t.municipalities()
	per := make([]int64, len(ms))
	for i, m := range ms {
		per[i] = t.counts[counterKey{municipality: m}]
	}
	s.Responses = v.count(sum(per))
	if t.shape.shared {
		for _, g := range t.groups(per, v) {
			s.Municipalities = append(s.Municipalities, GroupCount{Municipalities: codes(ms, g), Count: v.count(sumOf(per, g))})
		}
	}
	for _, q := range t.shape.questions {
		s.Questions = append(s.Questions, t.question(q, ms, v))
	}
	return s
}

// municipalities lists the municipalities the tally may hold counts for:
// the poll's, then any other met in the counts, "" (unknown) last.
func (t Tally) municipalities() []string {
	ms := slices.Clone(t.shape.municipalities)
	seen := map[string]bool{}
	for k := range t.counts {
		seen[k.municipality] = true
	}
	for k := range t.numbers {
		seen[k.municipality] = true
	}
	extra := slices.DeleteFunc(slices.Collect(maps.Keys(seen)), func(m string) bool { return slices.Contains(ms, m) })
	slices.SortFunc(extra, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "":
			return 1
		case b == "":
			return -1
		}
		return cmp.Compare(a, b)
	})
	return append(ms, extra...)
}

// groups returns the municipality groups to show separately, as indices
// into municipalities, given the answers per municipality: none for a
// local poll; in public, small ones merged (see mergeSmall), and none when
// one group would be left, since it would repeat the overall line.
func (t Tally) groups(answered []int64, v view) [][]int {
	if !t.shape.shared {
		return nil
	}
	// The poll's own municipalities always show; others (unknown) only
	// when they have answers.
	var idx []int
	for i, n := range answered {
		if n > 0 || i < len(t.shape.municipalities) {
			idx = append(idx, i)
		}
	}
	var gs [][]int
	if !v.public {
		for _, i := range idx {
			gs = append(gs, []int{i})
		}
	} else {
		sizes := make([]int64, len(idx))
		for j, i := range idx {
			sizes[j] = answered[i]
		}
		for _, g := range mergeSmall(sizes, v.minCell) {
			for j := range g {
				g[j] = idx[g[j]]
			}
			gs = append(gs, g)
		}
	}
	if len(gs) < 2 {
		return nil
	}
	return gs
}

// mergeSmall groups municipalities so that each group has no answers or
// at least k: the smallest group with fewer is merged into the next
// smallest with any, until none is left. A municipality with too few
// answers to show alone is merged, not hidden, because a hidden row could
// be worked out by subtracting the others from the overall counts.
func mergeSmall(answered []int64, k int64) [][]int {
	groups := make([][]int, len(answered))
	sums := slices.Clone(answered)
	for i := range answered {
		groups[i] = []int{i}
	}
	for {
		small, partner := -1, -1
		for i, n := range sums {
			if n > 0 && n < k && (small < 0 || n < sums[small]) {
				small = i
			}
		}
		if small < 0 {
			break
		}
		for i, n := range sums {
			if i != small && n > 0 && (partner < 0 || n < sums[partner]) {
				partner = i
			}
		}
		if partner < 0 {
			break // the only group with answers: the overall line is as small
		}
		groups[partner] = append(groups[partner], groups[small]...)
		slices.Sort(groups[partner])
		sums[partner] += sums[small]
		groups = slices.Delete(groups, small, small+1)
		sums = slices.Delete(sums, small, small+1)
	}
	slices.SortFunc(groups, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return groups
}

func codes(ms []string, group []int) []string {
	out := make([]string, len(group))
	for i, g := range group {
		out[i] = ms[g]
	}
	return out
}

func sum(ns []int64) int64 {
	var s int64
	for _, n := range ns {
		s += n
	}
	return s
}

func sumOf(ns []int64, idx []int) int64 {
	var s int64
	for _, i := range idx {
		s += ns[i]
	}
	return s
}

func (t Tally) question(q questionShape, ms []string, v view) QuestionSummary {
	qs := QuestionSummary{ID: q.id, Type: q.typ}
	answered := t.per(ms, q.id, "", "")
	qs.Answered = v.count(sum(answered))
	switch q.typ {
	case SingleChoice, MultipleChoice, Likert, Scale:
		qs.Lines = []Line{t.line(q, "", ms, v)}
	case Matrix:
		for _, row := range q.rows {
			qs.Lines = append(qs.Lines, t.line(q, row, ms, v))
		}
	case Ranking:
		qs.Ranks = t.ranks(q, ms, answered, v)
	case Number:
		qs.Number = t.number(q, ms, v)
	}
	for _, a := range t.texts {
		switch {
		case a.Question != q.id:
		case !v.public:
			qs.Texts = append(qs.Texts, a)
		case a.Public:
			qs.Texts = append(qs.Texts, TextAnswer{Question: a.Question, Other: a.Other, Text: a.Text, Public: true})
		}
	}
	return qs
}

// per returns a counter's value per municipality.
func (t Tally) per(ms []string, question, row, cell string) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = t.counts[counterKey{m, question, row, cell}]
	}
	return out
}

func (t Tally) line(q questionShape, row string, ms []string, v view) Line {
	answered := t.per(ms, q.id, row, "")
	// cells[c][m] is cell c's count in municipality m.
	cells := make([][]int64, len(q.cells))
	for c, key := range q.cells {
		cells[c] = t.per(ms, q.id, row, key)
	}
	total := sum(answered)
	overall := make([]int64, len(q.cells))
	for c := range cells {
		overall[c] = sum(cells[c])
	}
	groups := t.groups(answered, v)
	grid := make([][]int64, len(groups))
	for g, idx := range groups {
		grid[g] = make([]int64, len(q.cells))
		for c := range cells {
			grid[g][c] = sumOf(cells[c], idx)
		}
	}
	hideOverall, hideGroups := make([]bool, len(overall)), make([][]bool, len(groups))
	switch {
	case v.public && total > 0 && total < v.minCell:
		// Too few answers to show any: the whole line is withheld.
		for c := range hideOverall {
			hideOverall[c] = overall[c] > 0
		}
		groups, grid = nil, nil
	case v.public:
		hideOverall, hideGroups = suppress(overall, grid, v.minCell)
	default:
		for g := range hideGroups {
			hideGroups[g] = make([]bool, len(overall))
		}
	}
	l := Line{Row: row, Answered: v.count(total), Cells: cellsOf(q, overall, hideOverall), Mean: mean(q, overall, hideOverall)}
	for g, idx := range groups {
		l.Groups = append(l.Groups, GroupLine{
			Municipalities: codes(ms, idx),
			Answered:       v.count(sumOf(answered, idx)),
			Cells:          cellsOf(q, grid[g], hideGroups[g]),
			Mean:           mean(q, grid[g], hideGroups[g]),
		})
	}
	return l
}

func cellsOf(q questionShape, counts []int64, hidden []bool) []Cell {
	out := make([]Cell, len(q.cells))
	for c, key := range q.cells {
		out[c] = Cell{Key: key, Count: Count{Value: counts[c]}}
		if hidden[c] {
			out[c].Count = Count{Hidden: true}
		}
	}
	return out
}

// mean is the average point of a Likert or scale line; with any count
// hidden it is hidden too, since with the counts shown it would give a
// second equation for the hidden ones.
func mean(q questionShape, counts []int64, hidden []bool) Figure {
	if q.typ != Likert && q.typ != Scale || slices.Contains(hidden, true) {
		return none()
	}
	var n, s int64
	for c, key := range q.cells {
		p, _ := strconv.Atoi(key)
		n += counts[c]
		s += int64(p) * counts[c]
	}
	if n == 0 {
		return none()
	}
	return shown(float64(s) / float64(n))
}

// ranks averages the positions of each option; in public only where at
// least minCell answered, and never with the counts per position, which
// across options form a table of their own.
func (t Tally) ranks(q questionShape, ms []string, answered []int64, v view) []Rank {
	groups := t.groups(answered, v)
	avg := func(opt string, idx []int) Figure {
		var n, s int64
		for _, i := range idx {
			n += answered[i]
			for p := range q.cells {
				s += int64(p+1) * t.counts[counterKey{ms[i], q.id, opt, q.cells[p]}]
			}
		}
		if n == 0 || v.public && n < v.minCell {
			return none()
		}
		return shown(float64(s) / float64(n))
	}
	all := make([]int, len(ms))
	for i := range all {
		all[i] = i
	}
	var out []Rank
	for _, opt := range q.rows {
		r := Rank{Option: opt, Average: avg(opt, all)}
		if !v.public {
			for _, pos := range q.cells {
				r.Positions = append(r.Positions, Count{Value: sum(t.per(ms, q.id, opt, pos))})
			}
		}
		for _, g := range groups {
			r.Groups = append(r.Groups, GroupFigure{Municipalities: codes(ms, g), Value: avg(opt, g)})
		}
		out = append(out, r)
	}
	return out
}

func (t Tally) number(q questionShape, ms []string, v view) *NumberSummary {
	stats := make([]NumberStat, len(ms))
	counts := make([]int64, len(ms))
	for i, m := range ms {
		stats[i] = t.numbers[numberKey{m, q.id}]
		counts[i] = stats[i].Count
	}
	summarise := func(idx []int) (Count, Figure, Figure, Figure) {
		var s NumberStat
		for _, i := range idx {
			s = s.merge(stats[i])
		}
		if s.Count == 0 || v.public && s.Count < v.minCell {
			return v.count(s.Count), none(), none(), none()
		}
		m := shown(s.Sum.Float64() / float64(s.Count))
		if v.public {
			return v.count(s.Count), m, none(), none()
		}
		return v.count(s.Count), m, shown(s.Min.Float64()), shown(s.Max.Float64())
	}
	all := make([]int, len(ms))
	for i := range all {
		all[i] = i
	}
	ns := &NumberSummary{}
	ns.Count, ns.Mean, ns.Min, ns.Max = summarise(all)
	for _, g := range t.groups(counts, v) {
		gn := GroupNumber{Municipalities: codes(ms, g)}
		gn.Count, gn.Mean, gn.Min, gn.Max = summarise(g)
		ns.Groups = append(ns.Groups, gn)
	}
	return ns
}
