package advice_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
)

var (
	now    = time.Date(2027, time.March, 1, 9, 0, 0, 0, time.UTC)
	shared = advice.Process{ID: "p1", Tenant: "ijmond", Participants: []string{"GM0453", "GM0396", "GM0375"}, Origin: "solicited", Theme: "mantelzorg"}
	text   = advice.Content{Title: "Advies mantelzorg", Question: "Wat hebben mantelzorgers nodig?",
		Recommendations: []string{"Maak het loket bekend.", "Bel mantelzorgers op."}}
)

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

func newAdvice(t *testing.T) advice.Advice {
	t.Helper()
	a, err := advice.New(shared, "PR-ijmond-2027-001", text, "member", now)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNewAdviceChecksItsText(t *testing.T) {
	t.Parallel()
	_, err := advice.New(shared, "R", advice.Content{Title: " ", Recommendations: []string{"Een.", ""}}, "member", now)
	want := []string{
		"/content/title: must not be empty", "/content/question: must not be empty",
		"/content/recommendations/1/text: must not be empty",
	}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	a := newAdvice(t)
	if diff := cmp.Diff([]string{"GM0375", "GM0396", "GM0453"}, a.Addressees()); diff != "" {
		t.Errorf("addressees (-want +got):\n%s", diff)
	}
}

func TestAdviceLifecycle(t *testing.T) {
	t.Parallel()
	a := newAdvice(t)
	ev := evidence.Snapshot{Sessions: 2, AsOf: now}

	if err := a.Send(1, ev, now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("sending a draft: %v, want failed precondition", err)
	}
	if err := a.Revise(1, "Aanbeveling 2 korter.", text, "member", now); err != nil {
		t.Fatal(err)
	}
	if a.Superseded() != 1 || a.Latest().Number != 2 {
		t.Errorf("after a revision: superseded %d, latest %d", a.Superseded(), a.Latest().Number)
	}
	if err := a.Revise(1, "Nog een keer.", text, "other", now); errs.CodeOf(err) != errs.Stale {
		t.Errorf("a revision of an old version: %v, want stale", err)
	}
	if err := a.Adopt(1, "chair", now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("adopting an old version: %v, want failed precondition", err)
	}
	if err := a.Adopt(2, "chair", now); err != nil {
		t.Fatal(err)
	}
	if err := a.Adopt(2, "chair", now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("adopting twice: %v, want failed precondition", err)
	}
	if err := a.Send(2, ev, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	sent := a.Latest()
	if a.Status() != advice.Sent || a.SentVersion() != 2 || len(a.ContentHash()) != 64 || sent.ContentHash != a.ContentHash() {
		t.Errorf("after sending: %s, version %d, hash %q", a.Status(), a.SentVersion(), a.ContentHash())
	}
	if ok, err := a.Verify(sent); err != nil || !ok {
		t.Errorf("the sent version does not verify: %v %v", ok, err)
	}
	tampered := sent
	tampered.Content.Recommendations = []string{"Iets anders.", "Bel mantelzorgers op."}
	if ok, _ := a.Verify(tampered); ok {
		t.Error("a changed sent version verifies")
	}

	// A sent advice is never edited: a correction is a new version with
	// a note, keeping the recommendations.
	if err := a.Revise(2, "", text, "member", now); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a correction without a note: %v, want invalid", err)
	}
	three := text
	three.Recommendations = append(three.Recommendations, "Nog een.")
	if err := a.Revise(2, "Toegevoegd.", three, "member", now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("a correction with another number of recommendations: %v, want failed precondition", err)
	}
	if err := a.Revise(2, "Typfout in aanbeveling 1 hersteld.", text, "member", now); err != nil {
		t.Fatal(err)
	}
	if !a.Latest().Correction || a.Superseded() != 0 || a.SentVersion() != 2 || a.ContentHash() != sent.ContentHash {
		t.Errorf("a correction: correction %v, superseded %d, sent %d", a.Latest().Correction, a.Superseded(), a.SentVersion())
	}
}

func TestAClosedProcessTakesNoAdvice(t *testing.T) {
	t.Parallel()
	closed := shared
	closed.Closed = true
	_, err := advice.New(closed, "R", text, "member", now)
	if diff := cmp.Diff([]string{"/processId: names a closed process"}, fields(err)); diff != "" || errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("%v; violations (-want +got):\n%s", err, diff)
	}
}
