package poll_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// TestPublicCannotBeUndoneBySubtraction checks random tallies of a local
// and a shared poll with every question type: in every line, overall and
// per municipality group, small counts are hidden and no hidden count
// equals the line's total minus the counts shown; nor, for a shared poll,
// a group's hidden count its overall count minus the other groups' shown.
func TestPublicCannotBeUndoneBySubtraction(t *testing.T) {
	t.Parallel()
	polls := []struct {
		poll           poll.Poll
		municipalities []string
	}{
		{openPoll(t, complete(t)), []string{"GM0453"}},
		{sharedOpen(t), []string{"GM0453", "GM0375", "GM0396", ""}},
	}
	rng := rand.New(rand.NewPCG(20250310, 9))
	for round := range 300 {
		pm := polls[round%2]
		k := []int{3, 5, 10}[rng.IntN(3)]
		tally := tallyOf(t, pm.poll, randomResponses(t, rng, pm.poll, rng.IntN(60), pm.municipalities))
		truth, pub := tally.Summary(), tally.Public(k)
		if pub.MinCell != k {
			t.Fatalf("MinCell = %d, want %d", pub.MinCell, k)
		}
		checkCount(t, "responses", truth.Responses.Value, pub.Responses, k)
		for _, g := range pub.Municipalities {
			if n := g.Count.Value; n > 0 && n < int64(k) || g.Count.Hidden && truth.Responses.Value >= int64(k) {
				t.Fatalf("round %d: municipalities %v shown with %d responses (hidden %v), k = %d", round, g.Municipalities, n, g.Count.Hidden, k)
			}
		}
		for qi, pq := range pub.Questions {
			tq := truth.Questions[qi]
			checkCount(t, pq.ID+" answered", tq.Answered.Value, pq.Answered, k)
			for li, pl := range pq.Lines {
				tl := tq.Lines[li]
				where := pq.ID + "/" + pl.Row
				checkLine(t, where, values(tl.Cells), pl.Cells, pl.Mean, k, !pl.Answered.Hidden)
				columns := make([][]int64, len(pl.Cells))
				for _, pg := range pl.Groups {
					if n := groupSum(tl.Groups, pg.Municipalities, func(g poll.GroupLine) int64 { return g.Answered.Value }); n > 0 && n < int64(k) {
						t.Fatalf("round %d: %s: group %v shown with %d answers", round, where, pg.Municipalities, n)
					}
					row := make([]int64, len(pl.Cells))
					for c := range row {
						row[c] = groupSum(tl.Groups, pg.Municipalities, func(g poll.GroupLine) int64 { return g.Cells[c].Count.Value })
						if !pg.Cells[c].Count.Hidden {
							columns[c] = append(columns[c], row[c])
						} else {
							columns[c] = append(columns[c], -row[c]-1) // hidden, as -(value+1)
						}
					}
					checkLine(t, where+" in "+strconv.Quote(sprint(pg.Municipalities)), row, pg.Cells, pg.Mean, k, !pg.Answered.Hidden)
				}
				for c, col := range columns {
					if pl.Cells[c].Count.Hidden {
						continue
					}
					rest := pl.Cells[c].Count.Value
					for _, v := range col {
						if v >= 0 {
							rest -= v
						}
					}
					for _, v := range col {
						if v < 0 && -v-1 == rest {
							t.Fatalf("round %d: %s cell %s: a hidden group count %d is the overall %d minus the groups shown",
								round, where, pl.Cells[c].Key, rest, pl.Cells[c].Count.Value)
						}
					}
				}
			}
			for _, r := range pq.Ranks {
				if r.Positions != nil {
					t.Fatalf("round %d: %s: ranking positions shown in public", round, pq.ID)
				}
				if !r.Average.Hidden && tq.Answered.Value < int64(k) {
					t.Fatalf("round %d: %s: average rank shown for %d answers", round, pq.ID, tq.Answered.Value)
				}
			}
			if n := pq.Number; n != nil {
				if !n.Min.Hidden || !n.Max.Hidden {
					t.Fatalf("round %d: %s: a minimum or maximum shown in public", round, pq.ID)
				}
				if !n.Mean.Hidden && tq.Number.Count.Value < int64(k) {
					t.Fatalf("round %d: %s: a mean of %d answers shown", round, pq.ID, tq.Number.Count.Value)
				}
			}
			if len(pq.Texts) > 0 {
				t.Fatalf("round %d: %s: texts nobody marked public are shown", round, pq.ID)
			}
		}
	}
}

// checkCount checks that a count is hidden exactly when it is small.
func checkCount(t *testing.T, what string, truth int64, c poll.Count, k int) {
	t.Helper()
	small := truth > 0 && truth < int64(k)
	if c.Hidden != small || c.Hidden && c.Value != 0 || !c.Hidden && c.Value != truth {
		t.Fatalf("%s: %d shown as %+v with k = %d", what, truth, c, k)
	}
}

// checkLine checks one line's cells against their true values; where the
// line's total is shown, no hidden cell may be that total minus the cells
// shown. (A line with too few answers hides its total with its cells.)
func checkLine(t *testing.T, where string, truth []int64, cells []poll.Cell, m poll.Figure, k int, totalShown bool) {
	t.Helper()
	var total, shownSum int64
	anyHidden := false
	for c, cell := range cells {
		total += truth[c]
		switch {
		case cell.Count.Hidden && cell.Count.Value != 0:
			t.Fatalf("%s: hidden cell %s carries the value %d", where, cell.Key, cell.Count.Value)
		case cell.Count.Hidden && truth[c] == 0:
			t.Fatalf("%s: zero cell %s hidden", where, cell.Key)
		case !cell.Count.Hidden && truth[c] > 0 && truth[c] < int64(k):
			t.Fatalf("%s: small cell %s (%d) shown with k = %d", where, cell.Key, truth[c], k)
		case !cell.Count.Hidden && cell.Count.Value != truth[c]:
			t.Fatalf("%s: cell %s shown as %d, is %d", where, cell.Key, cell.Count.Value, truth[c])
		case !cell.Count.Hidden:
			shownSum += truth[c]
		default:
			anyHidden = true
		}
	}
	for c, cell := range cells {
		if totalShown && cell.Count.Hidden && truth[c] == total-shownSum {
			t.Fatalf("%s: hidden cell %s (%d) is the total %d minus the cells shown %d; cells %v", where, cell.Key, truth[c], total, shownSum, truth)
		}
	}
	if anyHidden && !m.Hidden {
		t.Fatalf("%s: a mean shown beside hidden cells", where)
	}
}

func values(cells []poll.Cell) []int64 {
	out := make([]int64, len(cells))
	for i, c := range cells {
		out[i] = c.Count.Value
	}
	return out
}

// groupSum adds up f over the council's groups of the given municipalities.
func groupSum(groups []poll.GroupLine, municipalities []string, f func(poll.GroupLine) int64) int64 {
	var n int64
	for _, g := range groups {
		if slices.Contains(municipalities, g.Municipalities[0]) {
			n += f(g)
		}
	}
	return n
}

// singleChoice is an open local flash poll with one single choice
// question "q1" (options a, b, c) and a tally restored from counts.
func singleChoice(t *testing.T, counts map[string]int64) poll.Tally {
	t.Helper()
	p := openPoll(t, with(flash(t), func(s *poll.Spec) {
		s.Sections[0].Questions = []poll.Question{{ID: "q1", Type: poll.SingleChoice, Text: nl("Kent u het?"), Options: opts("a", "b", "c")}}
	}))
	var rec poll.TallyRecord
	var total int64
	for cell, n := range counts {
		rec.Counters = append(rec.Counters, poll.Counter{Municipality: "GM0453", Question: "q1", Cell: cell, Count: n})
		total += n
	}
	rec.Counters = append(rec.Counters,
		poll.Counter{Municipality: "GM0453", Count: total},
		poll.Counter{Municipality: "GM0453", Question: "q1", Count: total})
	return poll.RestoreTally(p, rec)
}

func TestPublicLine(t *testing.T) {
	t.Parallel()
	n := func(v int64) poll.Count { return poll.Count{Value: v} }
	hidden := poll.Count{Hidden: true}
	cells := func(a, b, c poll.Count) []poll.Cell {
		return []poll.Cell{{Key: "a", Count: a}, {Key: "b", Count: b}, {Key: "c", Count: c}}
	}
	tests := []struct {
		name   string
		counts map[string]int64
		want   poll.Line
	}{
		{name: "nothing small", counts: map[string]int64{"a": 10, "b": 5},
			want: poll.Line{Answered: n(15), Cells: cells(n(10), n(5), n(0)), Mean: poll.Figure{Hidden: true}}},
		{name: "one small cell hides the next smallest too", counts: map[string]int64{"a": 10, "b": 7, "c": 3},
			want: poll.Line{Answered: n(20), Cells: cells(n(10), hidden, hidden), Mean: poll.Figure{Hidden: true}}},
		{name: "too few answers withhold the line", counts: map[string]int64{"a": 2, "b": 1},
			want: poll.Line{Answered: hidden, Cells: cells(hidden, hidden, n(0)), Mean: poll.Figure{Hidden: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := singleChoice(t, tt.counts).Public(5).Questions[0].Lines[0]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("public line (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublicMergesSmallMunicipalities(t *testing.T) {
	t.Parallel()
	p := openPoll(t, with(shared(t), func(s *poll.Spec) {
		s.Kind = poll.FlashPoll
		s.Sections = []poll.Section{{ID: "s1", Questions: []poll.Question{
			{ID: "q1", Type: poll.SingleChoice, Text: nl("Kent u het?"), Required: true, Options: opts("ja", "nee")},
		}}}
	}))
	var rs []poll.Response
	for _, a := range []struct {
		m       string
		ja, nee int
	}{{"GM0453", 12, 8}, {"GM0375", 7, 5}, {"GM0396", 1, 1}} {
		for i := range a.ja + a.nee {
			choice := "ja"
			if i >= a.ja {
				choice = "nee"
			}
			r, err := p.Check(poll.Answers{Municipality: a.m, Questions: map[string]poll.Answer{"q1": {Choice: choice}}}, during)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			rs = append(rs, r)
		}
	}
	pub := tallyOf(t, p, rs).Public(5)
	m := func(codes ...string) []string { return codes }
	n := func(v int64) poll.Count { return poll.Count{Value: v} }
	wantResponses := []poll.GroupCount{
		// Heemskerk's two answers are merged into Beverwijk's twelve.
		{Municipalities: m("GM0375", "GM0396"), Count: n(14)},
		{Municipalities: m("GM0453"), Count: n(20)},
	}
	if diff := cmp.Diff(wantResponses, pub.Municipalities); diff != "" {
		t.Errorf("responses per municipality (-want +got):\n%s", diff)
	}
	wantGroups := []poll.GroupLine{
		{Municipalities: m("GM0375", "GM0396"), Answered: n(14),
			Cells: []poll.Cell{{Key: "ja", Count: n(8)}, {Key: "nee", Count: n(6)}}, Mean: poll.Figure{Hidden: true}},
		{Municipalities: m("GM0453"), Answered: n(20),
			Cells: []poll.Cell{{Key: "ja", Count: n(12)}, {Key: "nee", Count: n(8)}}, Mean: poll.Figure{Hidden: true}},
	}
	if diff := cmp.Diff(wantGroups, pub.Questions[0].Lines[0].Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestPublicNumbersAndMeans(t *testing.T) {
	t.Parallel()
	p := openPoll(t, with(flash(t), func(s *poll.Spec) {
		s.Sections[0].Questions = []poll.Question{
			{ID: "l", Type: poll.Likert, Text: nl("Tevreden?"), Required: true},
			{ID: "n", Type: poll.Number, Text: nl("Leeftijd?"), Required: true, Min: dec(t, "18"), Max: dec(t, "110")},
		}
	}))
	var rs []poll.Response
	for i, likert := range []string{"4", "4", "4", "4", "4", "5", "5", "5", "5", "5", "2"} {
		r, err := p.Check(poll.Answers{Questions: map[string]poll.Answer{"l": {Value: likert}, "n": {Value: strconv.Itoa(60 + i)}}}, during)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		rs = append(rs, r)
	}
	pub := tallyOf(t, p, rs).Public(5)
	if m := pub.Questions[0].Lines[0].Mean; !m.Hidden {
		t.Errorf("Likert mean %v shown beside a hidden count: with the counts shown it gives the hidden ones away", m.Value)
	}
	want := &poll.NumberSummary{Count: poll.Count{Value: 11}, Mean: poll.Figure{Value: 65},
		Min: poll.Figure{Hidden: true}, Max: poll.Figure{Hidden: true}}
	if diff := cmp.Diff(want, pub.Questions[1].Number); diff != "" {
		t.Errorf("public number (-want +got):\n%s", diff)
	}
	if m := tallyOf(t, p, rs[:10]).Public(5).Questions[0].Lines[0].Mean; m.Hidden || m.Value != 4.5 {
		t.Errorf("Likert mean with nothing hidden = %+v, want 4.5", m)
	}
}
