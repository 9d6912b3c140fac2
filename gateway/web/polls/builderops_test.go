package polls

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestBuilderButtons(t *testing.T) {
	t.Parallel()
	ids := func(p *surveysv1.Poll) [][]string {
		var out [][]string
		for _, s := range p.GetSections() {
			var qs []string
			for _, q := range s.GetQuestions() {
				qs = append(qs, q.GetId())
			}
			out = append(out, qs)
		}
		return out
	}
	poll := func() *surveysv1.Poll {
		qs := func(ids ...string) []*surveysv1.Question {
			var out []*surveysv1.Question
			for _, id := range ids {
				out = append(out, &surveysv1.Question{Id: id, Type: surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, Text: webtest.Text(id, "")})
			}
			return out
		}
		p := &surveysv1.Poll{Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Sections: []*surveysv1.Section{
			{Id: "s1", Questions: qs("q1", "q2")}, {Id: "s2", Questions: qs("q3")},
		}}
		p.Sections[1].Questions[0].ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"a"}}
		return p
	}
	tests := []struct {
		op     string
		want   [][]string
		anchor string
	}{
		{"omhoog.q2", [][]string{{"q2", "q1"}, {"q3"}}, "vraag-q2"},
		{"omhoog.q3", [][]string{{"q1", "q2", "q3"}, nil}, "vraag-q3"},
		{"omlaag.q2", [][]string{{"q1"}, {"q2", "q3"}}, "vraag-q2"},
		{"verwijderen.q1", [][]string{{"q2"}, {"q3"}}, "vragen"},
		{"toevoegen.s2", [][]string{{"q1", "q2"}, {"q3", "q4"}}, "vraag-q4"},
		{"deel-toevoegen", [][]string{{"q1", "q2"}, {"q3"}, nil}, "deel-s3"},
		{"deel-verwijderen.s1", [][]string{{"q3"}}, "vragen"},
	}
	d := defaults{nl: kit.Catalogue{}}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			p := poll()
			anchor, ok := d.applyOp(p, tc.op, "short_text")
			if !ok {
				t.Fatalf("applyOp(%q) refused", tc.op)
			}
			if diff := cmp.Diff(tc.want, ids(p)); diff != "" {
				t.Errorf("questions (-want +got):\n%s", diff)
			}
			if anchor != tc.anchor {
				t.Errorf("anchor = %q, want %q", anchor, tc.anchor)
			}
		})
	}
	t.Run("removing a question drops the conditions on it", func(t *testing.T) {
		t.Parallel()
		p := poll()
		d.applyOp(p, "verwijderen.q1", "")
		if c := p.GetSections()[1].GetQuestions()[0].GetShowIf(); c != nil {
			t.Errorf("q3 still shows if %v", c)
		}
	})
	for _, op := range []string{"omlaag.q9", "toevoegen.s9", "deel-verwijderen.s9", "weg", "opslaan.q1"} {
		t.Run("refuses "+op, func(t *testing.T) {
			t.Parallel()
			if _, ok := d.applyOp(poll(), op, "short_text"); ok {
				t.Errorf("applyOp(%q) accepted", op)
			}
		})
	}
}

func TestOptionLinesKeepTheirIDs(t *testing.T) {
	t.Parallel()
	stored := []*surveysv1.Option{
		{Id: "a", Label: webtest.Text("Strand", "")}, {Id: "b", Label: webtest.Text("Park", "")}, {Id: "c", Label: webtest.Text("Centrum", "")},
	}
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"unchanged", []string{"Strand", "Park", "Centrum"}, []string{"a", "b", "c"}},
		{"reordered", []string{"Centrum", "Strand", "Park"}, []string{"c", "a", "b"}},
		{"a typo fixed in place", []string{"Strand", "Parkje", "Centrum"}, []string{"a", "b", "c"}},
		{"one removed, one added: the new one gets a new id", []string{"Strand", "Centrum", "Haven"}, []string{"a", "c", "d"}},
		{"English added", []string{"Strand | Beach", "Park", "Centrum"}, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := &draftReader{form: url.Values{"x": {strings.Join(tc.lines, "\n")}}}
			var got []string
			for _, o := range keepIDs(d.lines("x"), stored) {
				got = append(got, o.GetId())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}
