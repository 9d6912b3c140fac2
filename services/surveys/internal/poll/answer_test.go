package poll_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// minimal answers the required questions of everyType.
func minimal() poll.Answers {
	return poll.Answers{Questions: map[string]poll.Answer{
		"single": {Choice: "a"},
		"likert": {Value: "4"},
		"matrix": {Rows: map[string]string{"r1": "c1", "r2": "c3"}},
	}}
}

func answering(change func(a map[string]poll.Answer)) poll.Answers {
	a := minimal()
	change(a.Questions)
	return a
}

func TestCheckJudgesEachQuestionType(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	tests := []struct {
		name    string
		answers poll.Answers
		// want is the reply to question, when the answers are valid.
		question  string
		want      poll.Reply
		wantPaths []string
	}{
		{name: "single choice", answers: minimal(), question: "single",
			want: poll.Reply{Question: "single", Type: poll.SingleChoice, Choices: []string{"a"}}},
		{name: "single choice sent as a list of one", answers: answering(func(a map[string]poll.Answer) { a["single"] = poll.Answer{Choices: []string{"b"}} }),
			question: "single", want: poll.Reply{Question: "single", Type: poll.SingleChoice, Choices: []string{"b"}}},
		{name: "single choice, other namely", answers: answering(func(a map[string]poll.Answer) {
			a["single"] = poll.Answer{Choice: "other", Other: "  mijn buurvrouw "}
		}), question: "single", want: poll.Reply{Question: "single", Type: poll.SingleChoice, Choices: []string{"other"}, Other: "mijn buurvrouw"}},
		{name: "single choice, unknown option", answers: answering(func(a map[string]poll.Answer) { a["single"] = poll.Answer{Choice: "z"} }),
			wantPaths: []string{"/answers/single"}},
		{name: "single choice, two options", answers: answering(func(a map[string]poll.Answer) { a["single"] = poll.Answer{Choices: []string{"a", "b"}} }),
			wantPaths: []string{"/answers/single"}},
		{name: "single choice, other without its text", answers: answering(func(a map[string]poll.Answer) { a["single"] = poll.Answer{Choice: "other"} }),
			wantPaths: []string{"/answers/single/other"}},
		{name: "single choice, other text without other", answers: answering(func(a map[string]poll.Answer) {
			a["single"] = poll.Answer{Choice: "a", Other: "toch iets anders"}
		}), wantPaths: []string{"/answers/single/other"}},
		{name: "single choice, other text too long", answers: answering(func(a map[string]poll.Answer) {
			a["single"] = poll.Answer{Choice: "other", Other: strings.Repeat("x", poll.MaxOtherText+1)}
		}), wantPaths: []string{"/answers/single/other"}},
		{name: "multiple choice in option order, repeats once", answers: answering(func(a map[string]poll.Answer) {
			a["multi"] = poll.Answer{Choices: []string{"c", "a", "c"}}
		}), question: "multi", want: poll.Reply{Question: "multi", Type: poll.MultipleChoice, Choices: []string{"a", "c"}}},
		{name: "multiple choice with other", answers: answering(func(a map[string]poll.Answer) {
			a["multi"] = poll.Answer{Choices: []string{"other", "b"}, Other: "de bibliotheek"}
		}), question: "multi", want: poll.Reply{Question: "multi", Type: poll.MultipleChoice, Choices: []string{"b", "other"}, Other: "de bibliotheek"}},
		{name: "multiple choice, too many", answers: answering(func(a map[string]poll.Answer) { a["multi"] = poll.Answer{Choices: []string{"a", "b", "c"}} }),
			wantPaths: []string{"/answers/multi"}},
		{name: "multiple choice, too few", answers: answering(func(a map[string]poll.Answer) { a["multi"] = poll.Answer{Other: "iets"} }),
			wantPaths: []string{"/answers/multi", "/answers/multi/other"}},
		{name: "multiple choice, unknown option", answers: answering(func(a map[string]poll.Answer) { a["multi"] = poll.Answer{Choices: []string{"a", "q"}} }),
			wantPaths: []string{"/answers/multi"}},
		{name: "Likert", answers: answering(func(a map[string]poll.Answer) { a["likert"] = poll.Answer{Value: " 5 "} }),
			question: "likert", want: poll.Reply{Question: "likert", Type: poll.Likert, Point: 5}},
		{name: "Likert above 5", answers: answering(func(a map[string]poll.Answer) { a["likert"] = poll.Answer{Value: "6"} }),
			wantPaths: []string{"/answers/likert"}},
		{name: "Likert not whole", answers: answering(func(a map[string]poll.Answer) { a["likert"] = poll.Answer{Value: "3.5"} }),
			wantPaths: []string{"/answers/likert"}},
		{name: "Likert as a choice", answers: answering(func(a map[string]poll.Answer) { a["likert"] = poll.Answer{Choice: "4"} }),
			wantPaths: []string{"/answers/likert/choice", "/answers/likert"}},
		{name: "scale at 0", answers: answering(func(a map[string]poll.Answer) { a["scale"] = poll.Answer{Value: "0"} }),
			question: "scale", want: poll.Reply{Question: "scale", Type: poll.Scale, Point: 0}},
		{name: "scale above 10", answers: answering(func(a map[string]poll.Answer) { a["scale"] = poll.Answer{Value: "11"} }),
			wantPaths: []string{"/answers/scale"}},
		{name: "scale below 0", answers: answering(func(a map[string]poll.Answer) { a["scale"] = poll.Answer{Value: "-1"} }),
			wantPaths: []string{"/answers/scale"}},
		{name: "ranking", answers: answering(func(a map[string]poll.Answer) { a["rank"] = poll.Answer{Ranks: map[string]int{"x": 2, "y": 1, "z": 3}} }),
			question: "rank", want: poll.Reply{Question: "rank", Type: poll.Ranking, Ranking: []string{"y", "x", "z"}}},
		{name: "ranking leaves an option out", answers: answering(func(a map[string]poll.Answer) { a["rank"] = poll.Answer{Ranks: map[string]int{"x": 1, "y": 2}} }),
			wantPaths: []string{"/answers/rank/z"}},
		{name: "ranking gives a position twice", answers: answering(func(a map[string]poll.Answer) {
			a["rank"] = poll.Answer{Ranks: map[string]int{"x": 1, "y": 1, "z": 2}}
		}), wantPaths: []string{"/answers/rank"}},
		{name: "ranking beyond the last position", answers: answering(func(a map[string]poll.Answer) {
			a["rank"] = poll.Answer{Ranks: map[string]int{"x": 1, "y": 2, "z": 4}}
		}), wantPaths: []string{"/answers/rank/z"}},
		{name: "ranking an unknown option", answers: answering(func(a map[string]poll.Answer) {
			a["rank"] = poll.Answer{Ranks: map[string]int{"x": 1, "y": 2, "z": 3, "w": 4}}
		}), wantPaths: []string{"/answers/rank/w"}},
		{name: "matrix", answers: minimal(), question: "matrix",
			want: poll.Reply{Question: "matrix", Type: poll.Matrix, Rows: map[string]string{"r1": "c1", "r2": "c3"}}},
		{name: "matrix row missing", answers: answering(func(a map[string]poll.Answer) {
			a["matrix"] = poll.Answer{Rows: map[string]string{"r1": "c1", "r2": ""}}
		}),
			wantPaths: []string{"/answers/matrix/r2"}},
		{name: "matrix unknown row", answers: answering(func(a map[string]poll.Answer) {
			a["matrix"] = poll.Answer{Rows: map[string]string{"r1": "c1", "r2": "c2", "r3": "c1"}}
		}), wantPaths: []string{"/answers/matrix/r3"}},
		{name: "matrix unknown column", answers: answering(func(a map[string]poll.Answer) {
			a["matrix"] = poll.Answer{Rows: map[string]string{"r1": "c9", "r2": "c2"}}
		}), wantPaths: []string{"/answers/matrix/r1"}},
		{name: "number with a decimal comma", answers: answering(func(a map[string]poll.Answer) { a["number"] = poll.Answer{Value: "12,5"} }),
			question: "number", want: poll.Reply{Question: "number", Type: poll.Number, Number: dec(t, "12.5")}},
		{name: "number off the step", answers: answering(func(a map[string]poll.Answer) { a["number"] = poll.Answer{Value: "12.25"} }),
			wantPaths: []string{"/answers/number"}},
		{name: "number above the maximum", answers: answering(func(a map[string]poll.Answer) { a["number"] = poll.Answer{Value: "100.5"} }),
			wantPaths: []string{"/answers/number"}},
		{name: "number that is no number", answers: answering(func(a map[string]poll.Answer) { a["number"] = poll.Answer{Value: "twaalf"} }),
			wantPaths: []string{"/answers/number"}},
		{name: "number with a thousands separator", answers: answering(func(a map[string]poll.Answer) { a["number"] = poll.Answer{Value: "1.000"} }),
			wantPaths: []string{"/answers/number"}},
		{name: "short text on one line", answers: answering(func(a map[string]poll.Answer) { a["short"] = poll.Answer{Text: " Zee-\r\nwijk "} }),
			question: "short", want: poll.Reply{Question: "short", Type: poll.ShortText, Text: "Zee- wijk"}},
		{name: "short text too long", answers: answering(func(a map[string]poll.Answer) { a["short"] = poll.Answer{Text: strings.Repeat("x", 201)} }),
			wantPaths: []string{"/answers/short"}},
		{name: "long text counts characters, not bytes", answers: answering(func(a map[string]poll.Answer) { a["long"] = poll.Answer{Text: strings.Repeat("ë", 50)} }),
			question: "long", want: poll.Reply{Question: "long", Type: poll.LongText, Text: strings.Repeat("ë", 50)}},
		{name: "long text too long", answers: answering(func(a map[string]poll.Answer) { a["long"] = poll.Answer{Text: strings.Repeat("x", 51)} }),
			wantPaths: []string{"/answers/long"}},
		{name: "text that is not UTF-8", answers: answering(func(a map[string]poll.Answer) { a["long"] = poll.Answer{Text: "\xff"} }),
			wantPaths: []string{"/answers/long"}},
		{name: "an unknown question", answers: answering(func(a map[string]poll.Answer) { a["q99"] = poll.Answer{Text: "hallo"} }),
			wantPaths: []string{"/answers/q99"}},
		{name: "a required question left out", answers: answering(func(a map[string]poll.Answer) { delete(a, "likert") }),
			wantPaths: []string{"/answers/likert"}},
		{name: "a required question left blank", answers: answering(func(a map[string]poll.Answer) { a["likert"] = poll.Answer{Value: "  "} }),
			wantPaths: []string{"/answers/likert"}},
		{name: "a required choice sent empty", answers: answering(func(a map[string]poll.Answer) { a["single"] = poll.Answer{Choices: []string{""}} }),
			wantPaths: []string{"/answers/single"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := p.Check(tt.answers, during)
			code, got := paths(t, err)
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Fatalf("paths (-want +got):\n%s\nerror: %v", diff, err)
			}
			if tt.wantPaths != nil {
				if code != errs.Invalid {
					t.Errorf("code = %q, want invalid", code)
				}
				return
			}
			var reply poll.Reply
			for _, r := range resp.Replies {
				if r.Question == tt.question {
					reply = r
				}
			}
			if diff := cmp.Diff(tt.want, reply); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckNamesEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	answers := poll.Answers{Questions: map[string]poll.Answer{
		"q99":    {Text: "?"},
		"single": {Choice: "z"},
		"multi":  {Choices: []string{"a", "b", "c"}},
		"rank":   {Ranks: map[string]int{"x": 1, "y": 1}},
		"matrix": {Rows: map[string]string{"r1": "c9"}},
		"number": {Value: "100.5"},
		"short":  {Text: strings.Repeat("x", 201)},
	}}
	_, err := p.Check(answers, during)
	code, fields := problem(t, err)
	want := []errs.Field{
		{Path: "/answers/q99", Reason: "is not a question of this poll"},
		{Path: "/answers/single", Reason: `option "z" is not in the list`},
		{Path: "/answers/multi", Reason: "choose at most 2 options (chose 3)"},
		{Path: "/answers/likert", Reason: "is required"},
		{Path: "/answers/rank/z", Reason: "has no position: a ranking puts every option in order"},
		{Path: "/answers/rank", Reason: "position 1 is given to x and y; each position goes to one option"},
		{Path: "/answers/matrix/r1", Reason: `column "c9" is not in the list`},
		{Path: "/answers/matrix/r2", Reason: "is required: answer every row"},
		{Path: "/answers/number", Reason: "must be from 0 to 100"},
		{Path: "/answers/short", Reason: "must be at most 200 characters (is 201)"},
		// Not "/answers/why": whether it is shown hangs on the invalid
		// answer to "single".
	}
	if code != errs.Invalid {
		t.Errorf("code = %q, want invalid", code)
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestCheckReturnsTheNormalisedResponse(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	resp, err := p.Check(poll.Answers{Questions: map[string]poll.Answer{
		"long":   {Text: "Meer\r\nbuurthuizen"},
		"single": {Choice: "c"},
		"why":    {Text: "Omdat het dichtbij is."},
		"likert": {Value: "2"},
		"scale":  {Value: ""},
		"matrix": {Rows: map[string]string{"r2": "c2", "r1": "c1"}},
		"number": {Value: "+7"},
		"rank":   {Ranks: map[string]int{"z": 1, "x": 2, "y": 3}},
	}}, during)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if id, err := uuid.Parse(resp.ID); err != nil || id.Version() != 7 {
		t.Errorf("response id %q is not a UUIDv7", resp.ID)
	}
	resp.ID = ""
	want := poll.Response{
		PollID:       p.ID(),
		Municipality: "GM0453",
		SubmittedAt:  during,
		Replies: []poll.Reply{
			{Question: "single", Type: poll.SingleChoice, Choices: []string{"c"}},
			{Question: "likert", Type: poll.Likert, Point: 2},
			{Question: "rank", Type: poll.Ranking, Ranking: []string{"z", "x", "y"}},
			{Question: "matrix", Type: poll.Matrix, Rows: map[string]string{"r1": "c1", "r2": "c2"}},
			{Question: "number", Type: poll.Number, Number: dec(t, "7")},
			{Question: "long", Type: poll.LongText, Text: "Meer\nbuurthuizen"},
			{Question: "why", Type: poll.LongText, Text: "Omdat het dichtbij is."},
		},
	}
	if diff := cmp.Diff(want, resp); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
}

func TestDisplayConditions(t *testing.T) {
	t.Parallel()
	// q1 → q2 (if q1 is a) → q3 (if q2 is x); q4 if q5… cannot be: only
	// earlier questions count. q4 shows if the multiple choice contains b,
	// q5 if the Likert point is 1 or 2.
	spec := flash(t)
	spec.Sections[0].Questions = []poll.Question{
		{ID: "q1", Type: poll.SingleChoice, Text: nl("Gebruikt u de regiotaxi?"), Required: true, Options: opts("a", "b")},
		{ID: "q2", Type: poll.SingleChoice, Text: nl("Hoe vaak?"), Required: true, Options: opts("x", "y"),
			ShowIf: &poll.Condition{Question: "q1", AnyOf: []string{"a"}}},
		{ID: "q3", Type: poll.ShortText, Text: nl("Waarom zo vaak?"), Required: true,
			ShowIf: &poll.Condition{Question: "q2", AnyOf: []string{"x"}}},
		{ID: "q4", Type: poll.MultipleChoice, Text: nl("Waarvoor?"), Options: opts("a", "b", "c")},
		{ID: "q5", Type: poll.ShortText, Text: nl("Welke winkel?"), Required: true,
			ShowIf: &poll.Condition{Question: "q4", AnyOf: []string{"b"}}},
	}
	p := openPoll(t, spec)
	tests := []struct {
		name        string
		answers     map[string]poll.Answer
		wantPaths   []string
		wantReplied []string
	}{
		{name: "a hidden required question is not required",
			answers: map[string]poll.Answer{"q1": {Choice: "b"}}, wantReplied: []string{"q1"}},
		{name: "a shown required question is",
			answers: map[string]poll.Answer{"q1": {Choice: "a"}}, wantPaths: []string{"/answers/q2"}},
		{name: "a chain of conditions",
			answers: map[string]poll.Answer{"q1": {Choice: "a"}, "q2": {Choice: "x"}}, wantPaths: []string{"/answers/q3"}},
		{name: "a chain of conditions, answered",
			answers:     map[string]poll.Answer{"q1": {Choice: "a"}, "q2": {Choice: "x"}, "q3": {Text: "werk"}},
			wantReplied: []string{"q1", "q2", "q3"}},
		{name: "hidden by a hidden question",
			answers: map[string]poll.Answer{"q1": {Choice: "b"}, "q3": {Text: "werk"}}, wantReplied: []string{"q1"}},
		{name: "an answer to a hidden question is dropped, even an invalid one",
			answers:     map[string]poll.Answer{"q1": {Choice: "b"}, "q2": {Choice: "nonsense"}},
			wantReplied: []string{"q1"}},
		{name: "a multiple choice that contains the option",
			answers: map[string]poll.Answer{"q1": {Choice: "b"}, "q4": {Choices: []string{"a", "b"}}}, wantPaths: []string{"/answers/q5"}},
		{name: "a multiple choice without the option",
			answers: map[string]poll.Answer{"q1": {Choice: "b"}, "q4": {Choices: []string{"a", "c"}}}, wantReplied: []string{"q1", "q4"}},
		{name: "an invalid answer leaves the condition undecided",
			answers: map[string]poll.Answer{"q1": {Choice: "z"}}, wantPaths: []string{"/answers/q1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := p.Check(poll.Answers{Questions: tt.answers}, during)
			_, got := paths(t, err)
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			var replied []string
			for _, r := range resp.Replies {
				replied = append(replied, r.Question)
			}
			if diff := cmp.Diff(tt.wantReplied, replied); diff != "" {
				t.Errorf("replies (-want +got):\n%s", diff)
			}
		})
	}

	// A condition on a Likert point.
	spec.Sections[0].Questions = []poll.Question{
		{ID: "l", Type: poll.Likert, Text: nl("Tevreden?"), Required: true},
		{ID: "w", Type: poll.ShortText, Text: nl("Wat kan beter?"), Required: true, ShowIf: &poll.Condition{Question: "l", AnyOf: []string{"1", "2"}}},
	}
	lp := openPoll(t, spec)
	_, err := lp.Check(poll.Answers{Questions: map[string]poll.Answer{"l": {Value: "2"}}}, during)
	if _, got := paths(t, err); !cmp.Equal([]string{"/answers/w"}, got) {
		t.Errorf("Likert 2 shows w: paths %v, want [/answers/w]", got)
	}
	if _, err := lp.Check(poll.Answers{Questions: map[string]poll.Answer{"l": {Value: "4"}}}, during); err != nil {
		t.Errorf("Likert 4 hides w: %v", err)
	}
}

func TestCheckKnowsTheMunicipality(t *testing.T) {
	t.Parallel()
	local := openPoll(t, complete(t))
	panel := openPoll(t, shared(t))
	open := openPoll(t, with(shared(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink} }))
	postcode := openPoll(t, with(shared(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true} }))
	localPostcode := openPoll(t, with(complete(t), func(s *poll.Spec) { s.Audience = poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true} }))
	tests := []struct {
		name         string
		poll         poll.Poll
		municipality string
		want         string
		wantPaths    []string
	}{
		{name: "a local poll is its tenant's", poll: local, want: "GM0453"},
		{name: "a local poll, the tenant named", poll: local, municipality: "GM0453", want: "GM0453"},
		{name: "a local poll, another municipality", poll: local, municipality: "GM0375", wantPaths: []string{"/municipality"}},
		{name: "a shared panel poll, a participant", poll: panel, municipality: "GM0375", want: "GM0375"},
		{name: "a shared panel poll, a stranger", poll: panel, municipality: "GM0361", wantPaths: []string{"/municipality"}},
		{name: "a shared panel poll needs the municipality", poll: panel, wantPaths: []string{"/municipality"}},
		{name: "a shared open link may not know it", poll: open, want: ""},
		{name: "a shared open link with postcode check must", poll: postcode, wantPaths: []string{"/municipality"}},
		{name: "a local open link with postcode check must too", poll: localPostcode, wantPaths: []string{"/municipality"}},
		{name: "a local open link with postcode check, its municipality", poll: localPostcode, municipality: "GM0453", want: "GM0453"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := minimal()
			a.Municipality = tt.municipality
			resp, err := tt.poll.Check(a, during)
			_, got := paths(t, err)
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Fatalf("paths (-want +got):\n%s", diff)
			}
			if err == nil && resp.Municipality != tt.want {
				t.Errorf("municipality = %q, want %q", resp.Municipality, tt.want)
			}
		})
	}
}

func TestCheckNeedsAnOpenPoll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status poll.Status
		now    time.Time
		reason string
	}{
		{name: "a draft", status: poll.Draft, now: during, reason: "is a draft"},
		{name: "scheduled, not yet open", status: poll.Scheduled, now: opens.Add(-time.Second), reason: "opens at 2025-03-10T09:00:00Z"},
		{name: "scheduled, the opener is late", status: poll.Scheduled, now: opens},
		{name: "open", status: poll.Open, now: closes.Add(-time.Second)},
		{name: "open, the closer is late", status: poll.Open, now: closes, reason: "closed at 2025-03-17T09:00:00Z"},
		{name: "closed", status: poll.Closed, now: during, reason: "closed at 2025-03-17T09:00:00Z"},
		{name: "cancelled", status: poll.Cancelled, now: during, reason: "has status cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := inStatus(t, tt.status).Check(minimal(), tt.now)
			code, fields := problem(t, err)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if code != errs.FailedPrecondition {
				t.Errorf("code = %q, want failed_precondition", code)
			}
			if diff := cmp.Diff([]errs.Field{{Path: "/status", Reason: tt.reason}}, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckSection(t *testing.T) {
	t.Parallel()
	p := openPoll(t, complete(t))
	first := map[string]poll.Answer{"single": {Choice: "a"}, "likert": {Value: "3"}}
	if err := p.CheckSection("s1", poll.Answers{Questions: first}, during); err != nil {
		t.Errorf("the first page, complete: %v", err)
	}
	withLater := map[string]poll.Answer{"single": {Choice: "a"}, "likert": {Value: "3"}, "number": {Value: "-5"}}
	if err := p.CheckSection("s1", poll.Answers{Questions: withLater}, during); err != nil {
		t.Errorf("answers to a later page wait for that page: %v", err)
	}
	_, got := paths(t, p.CheckSection("s2", poll.Answers{Questions: withLater}, during))
	if want := []string{"/answers/matrix", "/answers/number"}; !cmp.Equal(want, got) {
		t.Errorf("the second page: paths %v, want %v", got, want)
	}
	if code, _ := problem(t, p.CheckSection("s9", poll.Answers{}, during)); code != errs.NotFound {
		t.Errorf("an unknown section: code %q, want not_found", code)
	}
}
