package poll

import (
	"cmp"
	"slices"
)

// A line of a tally (the counts of one question, or of one matrix row) is
// published as a table: the overall count of each cell and, for a shared
// poll, the count of each cell per municipality group. The numbers that
// tie them are public or must be assumed known: how many answered overall
// and per group (the poll's own response counts may give them away), that
// each group's cells and the overall cells add up to those, and that each
// column of group cells adds up to the overall cell.
//
// So suppress treats the table as a system of linear equations whose
// unknowns are the hidden entries, and hides more until no hidden entry is
// determined by it: not by one sum ("total minus the cells shown") nor by
// any combination of sums. In graph terms the sums are nodes, each entry
// is an edge between the two sums it is in, and a hidden entry is
// determined exactly when it lies on no cycle of hidden entries; hence
// "hide the next smallest too" within one sum, and rectangles of hidden
// cells across municipalities. A check per sum alone would miss two
// rectangles joined by one hidden cell: every sum has two hidden entries,
// yet the joining cell follows.
//
// Complementary entries are chosen greedily, the cheapest first: a
// municipality's cell before an overall one, a small count before a large
// one. Zero counts are never hidden, nor entries that hiding cannot
// protect (see protect), so the search always ends in a safe table.

// suppress decides which entries of a line to hide for cells below k:
// overall[c] is cell c overall, groups[g][c] that cell in group g. It
// returns the hidden flags in the same layout.
func suppress(overall []int64, groups [][]int64, k int64) (hideOverall []bool, hideGroups [][]bool) {
	t := newTable(overall, groups)
	hidden := make([]bool, len(t.values))
	for i, v := range t.values {
		hidden[i] = v > 0 && v < k
	}
	for {
		det := t.determined(hidden)
		if len(det) == 0 {
			break
		}
		f := t.complement(det[0], hidden)
		if f < 0 {
			break // unreachable: see above
		}
		hidden[f] = true
	}
	hideOverall = hidden[:len(overall)]
	for g := range groups {
		start := len(overall) * (g + 1)
		hideGroups = append(hideGroups, hidden[start:start+len(overall)])
	}
	return hideOverall, hideGroups
}

// table is a line's entries, overall cells first and then each group's,
// with the equations between them.
type table struct {
	values []int64
	// eqs lists, per equation, the entries in it and their coefficient.
	eqs [][]term
	// protectable marks the entries that hiding can protect.
	protectable []bool
	// cost orders the candidates for complementary hiding.
	cost []int64
}

type term struct {
	entry int
	coef  int64
}

// overallPenalty makes any group cell cheaper to hide than an overall one.
const overallPenalty = int64(1) << 40

func newTable(overall []int64, groups [][]int64) table {
	nc := len(overall)
	t := table{values: slices.Clone(overall)}
	for _, g := range groups {
		t.values = append(t.values, g...)
	}
	row := func(start int) []term {
		var eq []term
		for c := range nc {
			eq = append(eq, term{start + c, 1})
		}
		return eq
	}
	t.eqs = append(t.eqs, row(0))
	for g := range groups {
		t.eqs = append(t.eqs, row(nc*(g+1)))
	}
	if len(groups) > 0 {
		for c := range nc {
			eq := []term{{c, -1}}
			for g := range groups {
				eq = append(eq, term{nc*(g+1) + c, 1})
			}
			t.eqs = append(t.eqs, eq)
		}
	}
	t.cost = make([]int64, len(t.values))
	for i, v := range t.values {
		t.cost[i] = v
		if i < nc {
			t.cost[i] += overallPenalty
		}
	}
	t.protectable = t.protect()
	return t
}

// protect returns the entries that hiding can protect: nonzero ones, less
// those that would be determined even if every other such entry were
// hidden (a cell that is its group's only nonzero count, say), found until
// none is left. Hiding all that remain determines none of them, so the
// greedy search, which hides only these, always ends in a safe table.
func (t table) protect() []bool {
	p := make([]bool, len(t.values))
	for i, v := range t.values {
		p[i] = v > 0
	}
	for {
		det := t.determined(p)
		if len(det) == 0 {
			return p
		}
		for _, i := range det {
			p[i] = false
		}
	}
}

// complement picks the entry to hide next because e is determined: the
// cheapest that alone makes e undetermined; failing that, the cheapest in
// the equation of e with the fewest hidden entries, which is where the
// next step of a longer cycle of hidden cells must go; failing that, the
// cheapest anywhere. It returns -1 when nothing is left to hide.
func (t table) complement(e int, hidden []bool) int {
	var candidates []int
	for i := range t.values {
		if !hidden[i] && t.protectable[i] {
			candidates = append(candidates, i)
		}
	}
	slices.SortStableFunc(candidates, func(a, b int) int { return cmp.Compare(t.cost[a], t.cost[b]) })
	for _, f := range candidates {
		hidden[f] = true
		fixed := !slices.Contains(t.determined(hidden), e)
		hidden[f] = false
		if fixed {
			return f
		}
	}
	best, bestHidden := -1, len(t.values)+1
	for _, eq := range t.eqs {
		in, n := false, 0
		for _, tm := range eq {
			in = in || tm.entry == e
			if hidden[tm.entry] {
				n++
			}
		}
		if !in || n >= bestHidden {
			continue
		}
		for _, f := range candidates {
			if slices.ContainsFunc(eq, func(tm term) bool { return tm.entry == f }) {
				best, bestHidden = f, n
				break
			}
		}
	}
	if best >= 0 {
		return best
	}
	if len(candidates) > 0 {
		return candidates[0]
	}
	return -1
}

// modulus is a prime for exact elimination. The equations of a table form
// a network matrix, which is totally unimodular, so its rank modulo any
// prime equals its rank over the rationals.
const modulus = int64(1)<<31 - 1

// determined returns the hidden entries whose value the equations fix,
// lowest first. An entry is fixed exactly when its unit vector lies in the
// row space of the equations restricted to the hidden entries, that is,
// when the reduced row echelon form has a row with only that entry.
func (t table) determined(hidden []bool) []int {
	var cols []int
	for i, h := range hidden {
		if h {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	at := make(map[int]int, len(cols))
	for j, i := range cols {
		at[i] = j
	}
	m := make([][]int64, len(t.eqs))
	for r, eq := range t.eqs {
		m[r] = make([]int64, len(cols))
		for _, tm := range eq {
			if j, ok := at[tm.entry]; ok {
				m[r][j] = (tm.coef + modulus) % modulus
			}
		}
	}
	pivotRow := 0
	var pivots []int
	for j := 0; j < len(cols) && pivotRow < len(m); j++ {
		p := slices.IndexFunc(m[pivotRow:], func(row []int64) bool { return row[j] != 0 })
		if p < 0 {
			continue
		}
		p += pivotRow
		m[pivotRow], m[p] = m[p], m[pivotRow]
		inv := power(m[pivotRow][j], modulus-2)
		for c := range m[pivotRow] {
			m[pivotRow][c] = m[pivotRow][c] * inv % modulus
		}
		for r := range m {
			if r == pivotRow || m[r][j] == 0 {
				continue
			}
			f := m[r][j]
			for c := range m[r] {
				m[r][c] = ((m[r][c]-f*m[pivotRow][c])%modulus + modulus) % modulus
			}
		}
		pivots = append(pivots, j)
		pivotRow++
	}
	var det []int
	for r, j := range pivots {
		nonzero := 0
		for _, x := range m[r] {
			if x != 0 {
				nonzero++
			}
		}
		if nonzero == 1 {
			det = append(det, cols[j])
		}
	}
	slices.Sort(det)
	return det
}

func power(b, e int64) int64 {
	r := int64(1)
	b %= modulus
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r * b % modulus
		}
		b = b * b % modulus
	}
	return r
}
