package kit

import (
	"slices"
	"strconv"
	"strings"
)

// Numbers as people read them: Dutch writes a decimal comma ("2,9"),
// English a point. The API and the services always use a point.

// Decimal writes a decimal of the API ("2.5", "-0.25") the way the words'
// language does.
func (w Words) Decimal(d string) string {
	if w.lang == "nl" {
		return strings.ReplaceAll(d, ".", ",")
	}
	return d
}

// Figure writes f with at most one decimal, and none when it is whole
// ("3", "2,9"), the way the words' language does.
func (w Words) Figure(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return w.Decimal(s)
}

// Share is count as a whole percentage of total, rounded half up; 0 for
// a total of 0.
func Share(count, total int64) int {
	if total <= 0 {
		return 0
	}
	return int(min(100, (count*200+total)/(2*total)))
}

// Shares are counts as whole percentages of total that add up to 100 when
// the counts add up to total: each count's share rounded down, and the
// points still missing to 100 given to the counts with the largest
// remainders (Hamilton's method), earlier counts first on a tie. Rounding
// each share on its own can give 99 or 101 in all, which a reader adding
// them up takes for an error. When the counts do not add up to total (a
// multiple-choice question, where one answer may choose several) each
// share is rounded on its own instead. A total of 0 gives 0s.
func Shares(counts []int64, total int64) []int {
	out := make([]int, len(counts))
	if total <= 0 {
		return out
	}
	var sum int64
	for _, c := range counts {
		sum += c
	}
	if sum != total {
		for i, c := range counts {
			out[i] = Share(c, total)
		}
		return out
	}
	type rest struct {
		i int
		r int64
	}
	rests := make([]rest, len(counts))
	given := 0
	for i, c := range counts {
		out[i] = int(c * 100 / total)
		given += out[i]
		rests[i] = rest{i, c * 100 % total}
	}
	slices.SortStableFunc(rests, func(a, b rest) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	for k := 0; given < 100 && k < len(rests); k++ {
		out[rests[k].i]++
		given++
	}
	return out
}

// APIDecimal writes a number as a person typed it the way the API writes
// decimals: a Dutch decimal comma ("2,5") becomes a point. Only a single
// comma without a point is read so; anything else goes as typed, for the
// service to judge.
func APIDecimal(typed string) string {
	s := strings.TrimSpace(typed)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		return strings.Replace(s, ",", ".", 1)
	}
	return s
}
