package session_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

var now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func newSession(t *testing.T) session.Session {
	t.Helper()
	start := now.Add(7 * 24 * time.Hour)
	s, err := session.New(session.Spec{GroupID: "g", Plan: session.Plan{StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: session.Place{Address: "Raadhuis"}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRescheduling: a move raises the sequence and says so; notes and
// capacity do not; a cancellation raises it once more and ends changes.
func TestRescheduling(t *testing.T) {
	s := newSession(t)
	c := s.Editable()
	c.Plan.StartsAt, c.Plan.EndsAt = c.Plan.StartsAt.Add(time.Hour), c.Plan.EndsAt.Add(time.Hour)
	out, err := s.Edit(c, now)
	if err != nil || !out.Rescheduled || !out.Announced || s.Sequence() != 1 {
		t.Fatalf("moving: %+v, %v, sequence %d", out, err, s.Sequence())
	}
	c = s.Editable()
	c.Notes, c.Capacity = "Notulen", 8
	if out, err := s.Edit(c, now); err != nil || out.Announced || !out.CapacityChanged || s.Sequence() != 1 {
		t.Errorf("notes and capacity: %+v, %v, sequence %d", out, err, s.Sequence())
	}
	if err := s.Cancel("Zaal dicht", now); err != nil || s.Sequence() != 2 {
		t.Fatalf("cancelling: %v, sequence %d", err, s.Sequence())
	}
	c = s.Editable()
	c.Plan.Agenda = "Iets anders"
	if _, err := s.Edit(c, now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("changing a cancelled session: %v", err)
	}
	if err := s.CheckAnswers(now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("answering a cancelled session: %v", err)
	}
}

func TestBadPlans(t *testing.T) {
	start := now.Add(time.Hour)
	tests := []struct {
		name  string
		plan  session.Plan
		field string
	}{
		{"ends before it starts", session.Plan{StartsAt: start, EndsAt: start.Add(-time.Minute), Place: session.Place{Address: "A"}}, "/endTime"},
		{"in the past", session.Plan{StartsAt: now.Add(-time.Hour), EndsAt: now, Place: session.Place{Address: "A"}}, "/startTime"},
		{"longer than twelve hours", session.Plan{StartsAt: start, EndsAt: start.Add(13 * time.Hour), Place: session.Place{Address: "A"}}, "/endTime"},
		{"nowhere", session.Plan{StartsAt: start, EndsAt: start.Add(time.Hour)}, "/place"},
		{"a plain http link", session.Plan{StartsAt: start, EndsAt: start.Add(time.Hour), OnlineURL: "http://meet.example"}, "/onlineUrl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := session.New(session.Spec{Plan: tt.plan}, now)
			e, ok := err.(*errs.Error)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v, want invalid", err)
			}
			for _, f := range e.Fields {
				if f.Path == tt.field {
					return
				}
			}
			t.Errorf("fields %v, want %s", e.Fields, tt.field)
		})
	}
}

func TestHeldOnlyOnceStarted(t *testing.T) {
	s := newSession(t)
	if err := s.Complete(now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("marking a session held before it starts: %v", err)
	}
	if err := s.Complete(s.StartsAt().Add(time.Minute)); err != nil || s.Status() != session.Held {
		t.Errorf("marking it held once started: %v, %s", err, s.Status())
	}
	if err := s.CheckAttendance(); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("attendance of a held session: %v", err)
	}
}
