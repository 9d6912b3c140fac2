package polls

import (
	"bytes"
	"html"
	"regexp"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// A tally reads as Dutch numbers do: decimal commas, shares that add up
// to 100, one answer in the singular, and a question nobody answered yet
// says so instead of showing empty brackets.
func TestTallyWritesNumbersAsTheLanguageDoes(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	count := func(n int64) *surveysv1.Count { return &surveysv1.Count{Value: n} }
	figure := func(f float64) *surveysv1.Figure { return &surveysv1.Figure{Value: f} }
	poll := &surveysv1.Poll{
		Id: "p", Status: surveysv1.PollStatus_POLL_STATUS_CLOSED,
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{
			{Id: "likert", Type: surveysv1.QuestionType_QUESTION_TYPE_LIKERT, Text: webtest.Text("Tevreden?", "Satisfied?")},
			{Id: "none", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER, Text: webtest.Text("Hoeveel uur?", "How many hours?")},
			{Id: "one", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER, Text: webtest.Text("Hoe oud?", "How old?")},
		}}},
	}
	tally := &surveysv1.Tally{
		Responses: count(7),
		Questions: []*surveysv1.QuestionTally{
			{QuestionId: "likert", Answered: count(7), Lines: []*surveysv1.TallyLine{{
				Answered: count(7), Mean: figure(2.942857),
				Cells: []*surveysv1.Cell{{Key: "1", Count: count(2)}, {Key: "3", Count: count(3)}, {Key: "5", Count: count(2)}},
			}}},
			{QuestionId: "none", Answered: count(0), Number: &surveysv1.NumberTally{Count: count(0)}},
			{QuestionId: "one", Answered: count(1), Number: &surveysv1.NumberTally{Count: count(1), Mean: figure(67.5), Min: figure(67.5), Max: figure(67.5)}},
		},
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"Gemiddeld: 2,9", "2 (29%)", "3 (43%)", "2 (28%)", "Nog geen antwoorden.", "1 antwoord: 67,5."}},
		{"en", []string{"Average: 2.9", "2 (29%)", "3 (43%)", "2 (28%)", "No answers yet.", "1 answer: 67.5."}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			var b bytes.Buffer
			if err := site.kit.Execute(&b, tc.lang, "polldetail", "tally", site.tallyView(tc.lang, poll, tally)); err != nil {
				t.Fatal(err)
			}
			text := html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(b.String(), ""))
			webtest.MustContain(t, text, tc.want...)
			webtest.MustNotContain(t, text, "()", "2.9 ", "(laagste ,")
		})
	}
}
