package kit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSharesAddUpTo100(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts []int64
		total  int64
		want   []int
	}{
		{"thirds: one share gets the missing point", []int64{1, 1, 1}, 3, []int{34, 33, 33}},
		{"the largest remainders get the missing points, the earlier on a tie", []int64{2, 3, 2}, 7, []int{29, 43, 28}},
		{"rounding each would give 98", []int64{1, 1, 1, 1, 1, 1, 1}, 7, []int{15, 15, 14, 14, 14, 14, 14}},
		{"exact shares stay", []int64{1, 3}, 4, []int{25, 75}},
		{"a zero count stays 0", []int64{0, 5, 5}, 10, []int{0, 50, 50}},
		{"no answers", []int64{0, 0}, 0, []int{0, 0}},
		{"multiple choice rounds each", []int64{2, 2, 1}, 3, []int{67, 67, 33}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Shares(tc.counts, tc.total)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Shares(%v, %d) (-want +got):\n%s", tc.counts, tc.total, diff)
			}
		})
	}
}

func TestFiguresUseTheDecimalSignOfTheLanguage(t *testing.T) {
	t.Parallel()
	s := &Site{}
	nl, en := Words{lang: "nl", cat: s.cats["nl"]}, Words{lang: "en"}
	tests := []struct {
		f      float64
		nl, en string
	}{
		{2.94, "2,9", "2.9"},
		{3, "3", "3"},
		{-0.04, "0", "0"},
		{1234.56, "1234,6", "1234.6"},
	}
	for _, tc := range tests {
		if got := nl.Figure(tc.f); got != tc.nl {
			t.Errorf("nl Figure(%v) = %q, want %q", tc.f, got, tc.nl)
		}
		if got := en.Figure(tc.f); got != tc.en {
			t.Errorf("en Figure(%v) = %q, want %q", tc.f, got, tc.en)
		}
	}
	if got := nl.Decimal("-2.5"); got != "-2,5" {
		t.Errorf("nl Decimal(-2.5) = %q, want -2,5", got)
	}
}
