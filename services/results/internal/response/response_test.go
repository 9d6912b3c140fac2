package response_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

var sent = amsterdam(2027, time.March, 10, 10, 0)

func received() response.Response {
	return response.Receive("advice-1", "GM0375", 1, 3, sent, 42)
}

func fields(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path+": "+f.Reason)
	}
	return out
}

func TestRecordChecksEveryAnswerAtOnce(t *testing.T) {
	t.Parallel()
	today := response.DayOf(sent.AddDate(0, 0, 20))
	ok := []response.Answer{{1, response.Adopted, ""}, {2, response.PartlyAdopted, "Alleen in Beverwijk."}, {3, response.NotAdopted, "Te duur."}}
	tests := []struct {
		name      string
		decidedOn string
		answers   []response.Answer
		want      []string
	}{
		{name: "complete", decidedOn: "2027-03-30", answers: ok},
		{
			name: "no motivation for what is not adopted", decidedOn: "2027-03-30",
			answers: []response.Answer{{1, response.Adopted, ""}, {2, response.PartlyAdopted, " "}, {3, response.ToBeInvestigated, ""}},
			want:    []string{"/answers/1/motivation: is required unless the recommendation is adopted", "/answers/2/motivation: is required unless the recommendation is adopted"},
		},
		{
			name: "a recommendation that does not exist, one twice, one missing", decidedOn: "2027-03-30",
			answers: []response.Answer{{1, response.Adopted, ""}, {1, response.Adopted, ""}, {4, response.Adopted, ""}},
			want: []string{
				"/answers/1/recommendation: answers recommendation 1 a second time",
				"/answers/2/recommendation: is not a recommendation of the advice: it has 3, numbered from 1",
				"/answers: must answer recommendation 2", "/answers: must answer recommendation 3",
			},
		},
		{
			name: "no verdict, a decision in the future", decidedOn: "2027-04-30",
			answers: []response.Answer{{1, "", ""}, {2, response.Adopted, ""}, {3, response.Adopted, ""}},
			want:    []string{"/decidedOn: must not lie in the future", "/answers/0/verdict: must be one of adopted, partly_adopted, not_adopted or to_be_investigated"},
		},
		{
			name: "a decision before the advice was sent", decidedOn: "2027-03-09", answers: ok,
			want: []string{"/decidedOn: must not lie before the advice was sent (2027-03-10)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := received()
			err := r.Record(tt.decidedOn, tt.answers, today, sent.AddDate(0, 0, 20))
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if (err == nil) != (r.Status() == response.Answered) {
				t.Errorf("status %s after error %v", r.Status(), err)
			}
		})
	}
}

func TestResponseLifecycle(t *testing.T) {
	t.Parallel()
	r := received()
	if err := r.RequestRevision("Graag opnieuw.", "chair", sent); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("a revision of no response: %v, want failed precondition", err)
	}
	if err := r.Acknowledge(sent.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.Acknowledge(sent.Add(2 * time.Hour)); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("a second acknowledgement: %v, want failed precondition", err)
	}
	late := r.Term().Due().Add(time.Hour)
	if !r.Overdue(late) || r.Overdue(r.Term().Due().Add(-time.Second)) {
		t.Error("overdue is not exactly from the midnight after the deadline")
	}
	answers := []response.Answer{{1, response.Adopted, ""}, {2, response.PartlyAdopted, "Deels."}, {3, response.Adopted, ""}}
	if err := r.Record("2027-04-22", answers, response.DayOf(late), late); err != nil {
		t.Fatal(err)
	}
	if r.Version() != 1 || r.OnTime() || r.Overdue(late) {
		t.Errorf("after a late response: version %d, on time %v, overdue %v; want 1, false, false", r.Version(), r.OnTime(), r.Overdue(late))
	}
	if err := r.Record("2027-04-22", answers, response.DayOf(late), late); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("a second response without a request: %v, want failed precondition", err)
	}
	asked := late.Add(24 * time.Hour)
	if err := r.RequestRevision("Aanbeveling 2 is onduidelijk.", "chair", asked); err != nil {
		t.Fatal(err)
	}
	if r.Status() != response.RevisionRequested || r.Round() != 1 || r.Term().Deadline != response.DayOf(asked).AddDays(42) {
		t.Errorf("after a revision request: %s, round %d, deadline %s", r.Status(), r.Round(), r.Term().Deadline)
	}
	answers[1] = response.Answer{Recommendation: 2, Verdict: response.Adopted}
	if err := r.Record("2027-05-01", answers, response.DayOf(asked.AddDate(0, 0, 10)), asked.AddDate(0, 0, 10)); err != nil {
		t.Fatal(err)
	}
	if r.Version() != 2 || r.OnTime() {
		t.Errorf("revised: version %d, on time %v; want 2, and on time stays the first response's (false)", r.Version(), r.OnTime())
	}
}

func TestAssignChecksTheOwner(t *testing.T) {
	t.Parallel()
	r := received()
	err := r.Assign(" ", "Sanne <s@velsen.example>", sent)
	want := []string{"/ownerName: must not be empty", "/ownerEmail: is not an e-mail address"}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	if err := r.Assign("Sanne Bakker", " s.bakker@velsen.example ", sent); err != nil {
		t.Fatal(err)
	}
	if name, email := r.Owner(); name != "Sanne Bakker" || email != "s.bakker@velsen.example" {
		t.Errorf("owner %q <%s>", name, email)
	}
}
