package poll_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// sharedOpen is a shared IJmond poll with every question type on an open
// link, so that respondents may be of an unknown municipality too.
func sharedOpen(t testing.TB) poll.Poll {
	t.Helper()
	return openPoll(t, with(shared(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink} }))
}

// randomAnswers answers p's questions at random, validly; optional ones
// are sometimes left open. weight skews choices towards early options, so
// that some cells stay small.
func randomAnswers(rng *rand.Rand, p poll.Poll, municipalities []string) poll.Answers {
	pick := func(n int) int {
		// Skewed: option i is about twice as likely as option i+1.
		for i := range n - 1 {
			if rng.IntN(2) == 0 {
				return i
			}
		}
		return n - 1
	}
	a := poll.Answers{Municipality: municipalities[pick(len(municipalities))], Questions: map[string]poll.Answer{}}
	for _, q := range p.Questions() {
		if !q.Required && rng.IntN(4) == 0 {
			continue
		}
		keys := optionIDs(q.Options)
		if q.Other {
			keys = append(keys, poll.OtherID)
		}
		var ans poll.Answer
		switch q.Type {
		case poll.SingleChoice:
			ans.Choice = keys[pick(len(keys))]
			if ans.Choice == poll.OtherID {
				ans.Other = "anders " + strconv.Itoa(rng.IntN(1000))
			}
		case poll.MultipleChoice:
			n := q.MinChoices + rng.IntN(q.MaxChoices-q.MinChoices+1)
			perm := rng.Perm(len(keys))[:n]
			for _, i := range perm {
				ans.Choices = append(ans.Choices, keys[i])
			}
			if slices.Contains(ans.Choices, poll.OtherID) {
				ans.Other = "iets anders"
			}
		case poll.Likert:
			ans.Value = strconv.Itoa(1 + pick(5))
		case poll.Scale:
			ans.Value = strconv.Itoa(10 - pick(11))
		case poll.Ranking:
			ans.Ranks = map[string]int{}
			for pos, i := range rng.Perm(len(keys)) {
				ans.Ranks[keys[i]] = pos + 1
			}
		case poll.Matrix:
			ans.Rows = map[string]string{}
			for _, r := range q.Rows {
				ans.Rows[r.ID] = q.Columns[pick(len(q.Columns))].ID
			}
		case poll.Number:
			steps := int64((q.Max - q.Min) / q.Step)
			ans.Value = (q.Min + q.Step*poll.Decimal(rng.Int64N(steps+1))).String()
		case poll.ShortText, poll.LongText:
			ans.Text = "tekst " + strconv.Itoa(rng.IntN(1000))
		}
		a.Questions[q.ID] = ans
	}
	return a
}

func optionIDs(opts []poll.Option) []string {
	var ids []string
	for _, o := range opts {
		ids = append(ids, o.ID)
	}
	return ids
}

// randomResponses checks n random submissions to p.
func randomResponses(t testing.TB, rng *rand.Rand, p poll.Poll, n int, municipalities []string) []poll.Response {
	t.Helper()
	var out []poll.Response
	for range n {
		r, err := p.Check(randomAnswers(rng, p, municipalities), during)
		if err != nil {
			t.Fatalf("a random valid submission: %v", err)
		}
		// Some respondents came through the panel, with what it knows.
		if rng.IntN(2) == 0 {
			r.Attributes = map[string]string{poll.AgeBand: []string{"18-26", "27-40", "66-75"}[rng.IntN(3)]}
			if rng.IntN(2) == 0 {
				r.Attributes[poll.Neighbourhood] = []string{"Zeewijk", "Oud-IJmuiden"}[rng.IntN(2)]
			}
		}
		out = append(out, r)
	}
	return out
}

func tallyOf(t testing.TB, p poll.Poll, rs []poll.Response) poll.Tally {
	t.Helper()
	tally := poll.NewTally(p)
	for _, r := range rs {
		if err := tally.Add(r); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	return tally
}

func TestTallyCounts(t *testing.T) {
	t.Parallel()
	p := openPoll(t, with(shared(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink} }))
	submit := func(m string, a map[string]poll.Answer) poll.Response {
		r, err := p.Check(poll.Answers{Municipality: m, Questions: a}, during)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		return r
	}
	r1 := submit("GM0453", map[string]poll.Answer{
		"single": {Choice: "other", Other: "de buren"}, "likert": {Value: "4"},
		"matrix": {Rows: map[string]string{"r1": "c1", "r2": "c2"}},
		"rank":   {Ranks: map[string]int{"x": 2, "y": 1, "z": 3}}, "number": {Value: "2,5"},
	})
	r2 := submit("", map[string]poll.Answer{
		"single": {Choice: "c"}, "why": {Text: "dichtbij"}, "likert": {Value: "4"}, "multi": {Choices: []string{"a", "d"}},
		"matrix": {Rows: map[string]string{"r1": "c1", "r2": "c3"}}, "number": {Value: "10"},
	})
	tally := tallyOf(t, p, []poll.Response{r1, r2})
	c := func(m, q, row, cell string, n int64) poll.Counter {
		return poll.Counter{Municipality: m, Question: q, Row: row, Cell: cell, Count: n}
	}
	want := poll.TallyRecord{
		Counters: []poll.Counter{
			c("", "", "", "", 1),
			c("", "likert", "", "", 1), c("", "likert", "", "4", 1),
			c("", "matrix", "", "", 1), c("", "matrix", "r1", "", 1), c("", "matrix", "r1", "c1", 1),
			c("", "matrix", "r2", "", 1), c("", "matrix", "r2", "c3", 1),
			c("", "multi", "", "", 1), c("", "multi", "", "a", 1), c("", "multi", "", "d", 1),
			c("", "number", "", "", 1),
			c("", "single", "", "", 1), c("", "single", "", "c", 1),
			c("", "why", "", "", 1),
			c("GM0453", "", "", "", 1),
			c("GM0453", "likert", "", "", 1), c("GM0453", "likert", "", "4", 1),
			c("GM0453", "matrix", "", "", 1), c("GM0453", "matrix", "r1", "", 1), c("GM0453", "matrix", "r1", "c1", 1),
			c("GM0453", "matrix", "r2", "", 1), c("GM0453", "matrix", "r2", "c2", 1),
			c("GM0453", "number", "", "", 1),
			c("GM0453", "rank", "", "", 1), c("GM0453", "rank", "x", "2", 1), c("GM0453", "rank", "y", "1", 1), c("GM0453", "rank", "z", "3", 1),
			c("GM0453", "single", "", "", 1), c("GM0453", "single", "", "other", 1),
		},
		Numbers: []poll.NumberStat{
			{Municipality: "", Question: "number", Count: 1, Sum: dec(t, "10"), Min: dec(t, "10"), Max: dec(t, "10")},
			{Municipality: "GM0453", Question: "number", Count: 1, Sum: dec(t, "2.5"), Min: dec(t, "2.5"), Max: dec(t, "2.5")},
		},
		Texts: []poll.TextAnswer{
			{ResponseID: r1.ID, Municipality: "GM0453", Question: "single", Other: true, Text: "de buren"},
			{ResponseID: r2.ID, Question: "why", Text: "dichtbij"},
		},
	}
	if diff := cmp.Diff(want, tally.Record()); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if got := tally.Responses(); got != 2 {
		t.Errorf("Responses = %d, want 2", got)
	}
}

func TestTallyRefusesResponsesThatDoNotFit(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	other := openPoll(t, complete(t))
	r, err := p.Check(minimal(), during)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	tests := []struct {
		name  string
		tally poll.Tally
		resp  poll.Response
	}{
		{name: "a tally without a poll", tally: poll.Tally{}, resp: r},
		{name: "another poll's tally", tally: poll.NewTally(other), resp: r},
		{name: "an unknown question", tally: poll.NewTally(p), resp: func() poll.Response {
			r := r
			r.Replies = append(slices.Clone(r.Replies), poll.Reply{Question: "q99", Type: poll.ShortText, Text: "?"})
			return r
		}()},
		{name: "a reply of the wrong type", tally: poll.NewTally(p), resp: func() poll.Response {
			r := r
			r.Replies = []poll.Reply{{Question: "likert", Type: poll.Scale, Point: 9}}
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := tt.tally.Record()
			if err := tt.tally.Add(tt.resp); err == nil {
				t.Fatal("Add accepted it")
			}
			if diff := cmp.Diff(before, tt.tally.Record()); diff != "" {
				t.Errorf("a refused response changed the tally (-before +after):\n%s", diff)
			}
		})
	}
	a, b := poll.NewTally(p), poll.NewTally(other)
	if err := b.Add(func() poll.Response { r, _ := other.Check(minimal(), during); return r }()); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if err := a.Merge(b); err == nil {
		t.Error("Merge accepted another poll's tally")
	}
}

// TestMergeIsTheTallyOfTheConcatenation is the property a batching consumer
// relies on: tallying batches and merging them in order gives the tally of
// all responses at once, and storing and restoring changes nothing.
func TestMergeIsTheTallyOfTheConcatenation(t *testing.T) {
	t.Parallel()
	p := sharedOpen(t)
	municipalities := []string{"GM0453", "GM0375", "GM0396", ""}
	rng := rand.New(rand.NewPCG(20250310, 5))
	for round := range 50 {
		rs := randomResponses(t, rng, p, rng.IntN(80), municipalities)
		whole := tallyOf(t, p, rs)

		merged := poll.NewTally(p)
		for rest := rs; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			if err := merged.Merge(tallyOf(t, p, rest[:n])); err != nil {
				t.Fatalf("Merge: %v", err)
			}
			rest = rest[n:]
		}
		if diff := cmp.Diff(whole.Record(), merged.Record()); diff != "" {
			t.Fatalf("round %d: merged batches (-whole +merged):\n%s", round, diff)
		}
		if diff := cmp.Diff(whole.Summary(), merged.Summary()); diff != "" {
			t.Fatalf("round %d: summaries (-whole +merged):\n%s", round, diff)
		}
		restored := poll.RestoreTally(p, whole.Record())
		if diff := cmp.Diff(whole.Summary(), restored.Summary()); diff != "" {
			t.Fatalf("round %d: restored (-whole +restored):\n%s", round, diff)
		}
		if got := whole.Responses(); got != int64(len(rs)) {
			t.Fatalf("round %d: Responses = %d, want %d", round, got, len(rs))
		}
	}
}

func TestCloneSharesNothing(t *testing.T) {
	t.Parallel()
	p := sharedOpen(t)
	rng := rand.New(rand.NewPCG(1, 2))
	rs := randomResponses(t, rng, p, 10, []string{"GM0453", ""})
	a := tallyOf(t, p, rs[:5])
	before := a.Record()
	b := a.Clone()
	for _, r := range rs[5:] {
		if err := b.Add(r); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	if diff := cmp.Diff(before, a.Record()); diff != "" {
		t.Errorf("adding to a clone changed the original (-before +after):\n%s", diff)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	spec := with(shared(t), func(s *poll.Spec) {
		s.Kind = poll.FlashPoll
		s.Sections = []poll.Section{{ID: "s1", Questions: []poll.Question{
			{ID: "q1", Type: poll.Likert, Text: nl("Is de regiotaxi betrouwbaar?"), Required: true},
			{ID: "q2", Type: poll.Number, Text: nl("Ritten per maand?"), Max: dec(t, "60")},
		}}}
	})
	p := openPoll(t, spec)
	var rs []poll.Response
	for _, a := range []struct {
		m      string
		likert string
		number string
	}{{"GM0453", "4", "3"}, {"GM0453", "5", ""}, {"GM0375", "2", "10"}} {
		ans := map[string]poll.Answer{"q1": {Value: a.likert}}
		if a.number != "" {
			ans["q2"] = poll.Answer{Value: a.number}
		}
		r, err := p.Check(poll.Answers{Municipality: a.m, Questions: ans}, during)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		rs = append(rs, r)
	}
	n := func(v int64) poll.Count { return poll.Count{Value: v} }
	f := func(v float64) poll.Figure { return poll.Figure{Value: v} }
	none := poll.Figure{Hidden: true}
	points := func(c ...int64) []poll.Cell {
		out := make([]poll.Cell, 5)
		for i := range out {
			out[i] = poll.Cell{Key: strconv.Itoa(i + 1), Count: n(c[i])}
		}
		return out
	}
	m := func(codes ...string) []string { return codes }
	want := poll.Summary{
		PollID:    p.ID(),
		Responses: n(3),
		Municipalities: []poll.GroupCount{
			{Municipalities: m("GM0375"), Count: n(1)}, {Municipalities: m("GM0396"), Count: n(0)}, {Municipalities: m("GM0453"), Count: n(2)},
		},
		Questions: []poll.QuestionSummary{
			{ID: "q1", Type: poll.Likert, Answered: n(3), Lines: []poll.Line{{
				Answered: n(3), Cells: points(0, 1, 0, 1, 1), Mean: f(11.0 / 3),
				Groups: []poll.GroupLine{
					{Municipalities: m("GM0375"), Answered: n(1), Cells: points(0, 1, 0, 0, 0), Mean: f(2)},
					{Municipalities: m("GM0396"), Answered: n(0), Cells: points(0, 0, 0, 0, 0), Mean: none},
					{Municipalities: m("GM0453"), Answered: n(2), Cells: points(0, 0, 0, 1, 1), Mean: f(4.5)},
				},
			}}},
			{ID: "q2", Type: poll.Number, Answered: n(2), Number: &poll.NumberSummary{
				Count: n(2), Mean: f(6.5), Min: f(3), Max: f(10),
				Groups: []poll.GroupNumber{
					{Municipalities: m("GM0375"), Count: n(1), Mean: f(10), Min: f(10), Max: f(10)},
					{Municipalities: m("GM0396"), Count: n(0), Mean: none, Min: none, Max: none},
					{Municipalities: m("GM0453"), Count: n(1), Mean: f(3), Min: f(3), Max: f(3)},
				},
			}},
		},
	}
	if diff := cmp.Diff(want, tallyOf(t, p, rs).Summary()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestMarkText(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	r, err := p.Check(answering(func(a map[string]poll.Answer) { a["long"] = poll.Answer{Text: "Meer bankjes in het park."} }), during)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	tally := tallyOf(t, p, []poll.Response{r})
	if tally.MarkText(r.ID, "short", true) {
		t.Error("MarkText found a text that is not there")
	}
	if !tally.MarkText(r.ID, "long", true) {
		t.Fatal("MarkText did not find the text")
	}
	want := []poll.TextAnswer{{Question: "long", Text: "Meer bankjes in het park.", Public: true}}
	var got []poll.TextAnswer
	for _, q := range tally.Public(5).Questions {
		got = append(got, q.Texts...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public texts (-want +got):\n%s", diff)
	}
}

func TestBreakdownsCountPerPanelAttribute(t *testing.T) {
	t.Parallel()
	p := openPoll(t, with(shared(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink} }))
	submit := func(single string, attrs map[string]string) poll.Response {
		r, err := p.Check(poll.Answers{Municipality: "GM0453", Questions: map[string]poll.Answer{
			"single": {Choice: single}, "likert": {Value: "3"},
			"matrix": {Rows: map[string]string{"r1": "c1", "r2": "c1"}}, "rank": {Ranks: map[string]int{"x": 1, "y": 2, "z": 3}},
		}}, during)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		r.Attributes = attrs
		return r
	}
	tally := tallyOf(t, p, []poll.Response{
		submit("a", map[string]string{poll.AgeBand: "27-40", poll.Neighbourhood: "Zeewijk"}),
		submit("b", map[string]string{poll.AgeBand: "27-40"}),
		submit("a", nil), // an open-link respondent: counted, but in no breakdown
	})
	got := map[string]map[string]int64{}
	for _, b := range tally.Breakdowns() {
		key := b.Attribute + "=" + b.Value
		got[key] = map[string]int64{"responses": b.Responses}
		for _, c := range b.Counts {
			if c.Question == "single" && c.Cell != "" {
				got[key][c.Cell] = c.Count
			}
		}
	}
	want := map[string]map[string]int64{
		"age_band=27-40":        {"responses": 2, "a": 1, "b": 1},
		"neighbourhood=Zeewijk": {"responses": 1, "a": 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("breakdowns (-want +got):\n%s", diff)
	}
	if got := tally.Responses(); got != 3 {
		t.Errorf("Responses = %d, want 3: breakdowns must not count twice", got)
	}
	restored := poll.RestoreTally(p, tally.Record())
	if diff := cmp.Diff(tally.Breakdowns(), restored.Breakdowns()); diff != "" {
		t.Errorf("restored breakdowns (-want +got):\n%s", diff)
	}
}
