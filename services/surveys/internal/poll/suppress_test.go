package poll

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetermined(t *testing.T) {
	t.Parallel()
	// Entries are numbered overall cells first, then each group's.
	tests := []struct {
		name    string
		overall []int64
		groups  [][]int64
		hidden  []int
		want    []int
	}{
		{name: "one hidden cell is total minus the rest", overall: []int64{10, 7, 3}, hidden: []int{2}, want: []int{2}},
		{name: "two hidden cells share their sum", overall: []int64{10, 7, 3}, hidden: []int{1, 2}},
		{name: "a group's two hidden cells, shown overall",
			overall: []int64{12, 8}, groups: [][]int64{{2, 8}, {10, 0}},
			hidden: []int{2, 3}, want: []int{2, 3}},
		{name: "a rectangle of hidden cells",
			overall: []int64{12, 9}, groups: [][]int64{{2, 8}, {10, 1}},
			hidden: []int{2, 3, 4, 5}},
		{name: "two rectangles joined by a bridge: the bridge is fixed",
			overall: []int64{20, 20, 20, 20},
			groups:  [][]int64{{5, 5, 0, 0}, {5, 5, 5, 0}, {0, 0, 5, 5}, {0, 0, 5, 5}},
			// Group 0: cells 4–7, group 1: 8–11, group 2: 12–15, group 3: 16–19.
			hidden: []int{4, 5, 8, 9, 10, 14, 15, 18, 19}, want: []int{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := newTable(tt.overall, tt.groups)
			hidden := make([]bool, len(tb.values))
			for _, i := range tt.hidden {
				hidden[i] = true
			}
			if diff := cmp.Diff(tt.want, tb.determined(hidden)); diff != "" {
				t.Errorf("determined (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSuppressHidesTheNextSmallest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		overall []int64
		want    []bool
	}{
		{name: "one small cell takes the next smallest along", overall: []int64{10, 7, 3}, want: []bool{false, true, true}},
		{name: "zeros are never the complement", overall: []int64{10, 0, 3, 8}, want: []bool{false, false, true, true}},
		{name: "two small cells protect each other", overall: []int64{2, 2, 10}, want: []bool{true, true, false}},
		{name: "nothing small", overall: []int64{5, 0, 9}, want: []bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _ := suppress(tt.overall, nil, 5)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hidden (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSuppressLeavesNothingDetermined checks random tables as the tally
// builds them (every group with no answers or at least k): the small cells
// are hidden, zeros are not, and no hidden entry can be solved for.
func TestSuppressLeavesNothingDetermined(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 2000 {
		k := int64(2 + rng.IntN(5))
		nc, ng := 2+rng.IntN(7), rng.IntN(5)
		if ng == 1 {
			ng = 0 // one group would repeat the overall line
		}
		groups := make([][]int64, ng)
		overall := make([]int64, nc)
		for g := range groups {
			groups[g] = make([]int64, nc)
			var total int64
			for total == 0 || total < k && rng.IntN(4) > 0 {
				c := rng.IntN(nc)
				groups[g][c] += int64(1 + rng.IntN(3))
				total = sumRow(groups[g])
			}
			if total < k {
				groups[g] = make([]int64, nc) // a group with no answers
			}
		}
		if ng == 0 {
			for c := range overall {
				overall[c] = int64(rng.IntN(3)) * int64(rng.IntN(8))
			}
		} else {
			for _, g := range groups {
				for c, v := range g {
					overall[c] += v
				}
			}
		}
		if sumRow(overall) < k {
			continue // withheld as a whole before suppression
		}
		hideOverall, hideGroups := suppress(overall, groups, k)
		tb := newTable(overall, groups)
		var hidden []bool
		hidden = append(hidden, hideOverall...)
		for _, h := range hideGroups {
			hidden = append(hidden, h...)
		}
		for i, v := range tb.values {
			switch {
			case v > 0 && v < k && !hidden[i]:
				t.Fatalf("round %d: small entry %d (%d < %d) shown\noverall %v\ngroups %v", round, i, v, k, overall, groups)
			case v == 0 && hidden[i]:
				t.Fatalf("round %d: zero entry %d hidden", round, i)
			}
		}
		if det := tb.determined(hidden); len(det) > 0 {
			t.Fatalf("round %d: hidden entries %v can be solved for\noverall %v\ngroups %v\nhidden %v", round, det, overall, groups, hidden)
		}
	}
}

func sumRow(r []int64) int64 {
	var s int64
	for _, v := range r {
		s += v
	}
	return s
}
