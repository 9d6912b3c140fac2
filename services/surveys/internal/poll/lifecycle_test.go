package poll_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

func TestTransitions(t *testing.T) {
	t.Parallel()
	actions := map[string]func(p *poll.Poll, now time.Time) error{
		"schedule":   (*poll.Poll).Schedule,
		"unschedule": (*poll.Poll).Unschedule,
		"open":       (*poll.Poll).Open,
		"close":      (*poll.Poll).Close,
		"cancel":     func(p *poll.Poll, now time.Time) error { return p.Cancel("het thema is vervallen", now) },
	}
	// legal maps an action and a status to the status it leads to; every
	// other combination must fail with FailedPrecondition and change nothing.
	legal := map[string]map[poll.Status]poll.Status{
		"schedule":   {poll.Draft: poll.Scheduled},
		"unschedule": {poll.Scheduled: poll.Draft},
		"open":       {poll.Scheduled: poll.Open},
		"close":      {poll.Open: poll.Closed},
		"cancel":     {poll.Draft: poll.Cancelled, poll.Scheduled: poll.Cancelled, poll.Open: poll.Cancelled},
	}
	for name, act := range actions {
		for _, from := range poll.Statuses() {
			t.Run(name+" from "+string(from), func(t *testing.T) {
				t.Parallel()
				p := inStatus(t, from)
				before := p.Record()
				err := act(&p, during)
				want, ok := legal[name][from]
				if !ok {
					code, got := paths(t, err)
					if code != errs.FailedPrecondition {
						t.Fatalf("code = %q, want failed_precondition (%v)", code, err)
					}
					if diff := cmp.Diff([]string{"/status"}, got); diff != "" {
						t.Errorf("paths (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(before, p.Record()); diff != "" {
						t.Errorf("an illegal transition changed the poll (-before +after):\n%s", diff)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", name, from, err)
				}
				if p.Status() != want {
					t.Errorf("status = %s, want %s", p.Status(), want)
				}
				if !p.UpdatedAt().Equal(during) {
					t.Errorf("updated at %v, want %v", p.UpdatedAt(), during)
				}
			})
		}
	}
}

func TestScheduleNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		spec   poll.Spec
		now    time.Time
		fields []errs.Field
	}{
		{name: "a complete poll", spec: complete(t), now: created},
		{name: "an empty draft", now: created,
			spec: poll.Spec{ProcessID: processID, Tenant: "GM0453", Kind: poll.FlashPoll, Title: nl("Kort")},
			fields: []errs.Field{
				{Path: "/sections", Reason: "needs at least one question"},
				{Path: "/opensAt", Reason: "is required"},
				{Path: "/closesAt", Reason: "is required"},
				{Path: "/audience/kind", Reason: "is required: a panel or an open link"},
				{Path: "/resultsSharing/nl", Reason: "is required: the thank-you page tells residents when and how the results will be shared"},
			}},
		{name: "an open link without a slug", now: created,
			spec:   with(complete(t), func(s *poll.Spec) { s.Slug = "" }),
			fields: []errs.Field{{Path: "/slug", Reason: "is required for an open link"}}},
		{name: "a panel needs no slug", now: created, spec: with(shared(t), func(s *poll.Spec) { s.Slug = "" })},
		{name: "closing time passed", now: closes,
			spec:   complete(t),
			fields: []errs.Field{{Path: "/closesAt", Reason: "must be in the future"}}},
		{name: "an empty section", now: created,
			spec: with(complete(t), func(s *poll.Spec) {
				s.Sections = append(s.Sections, poll.Section{ID: "s3", Title: nl("Leeg")})
			}),
			fields: []errs.Field{{Path: "/sections/2/questions", Reason: "needs at least one question"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPoll(t, tt.spec)
			code, fields := problem(t, p.Schedule(tt.now))
			if tt.fields != nil && code != errs.FailedPrecondition {
				t.Errorf("code = %q, want failed_precondition", code)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpeningAndClosingEarlyMoveTheTimes(t *testing.T) {
	t.Parallel()
	early := opens.Add(-2 * time.Hour)
	p := inStatus(t, poll.Scheduled)
	if err := p.Open(early); err != nil {
		t.Fatalf("Open early: %v", err)
	}
	if !p.OpensAt().Equal(early) {
		t.Errorf("opens at %v, want %v: opening early moves the opening time", p.OpensAt(), early)
	}
	if err := p.Close(during); err != nil {
		t.Fatalf("Close early: %v", err)
	}
	if !p.ClosesAt().Equal(during) {
		t.Errorf("closes at %v, want %v: closing early moves the closing time", p.ClosesAt(), during)
	}

	// A flash poll planned to run the full 60 days cannot open a day early.
	r := newPoll(t, with(flash(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(60 * 24 * time.Hour) })).Record()
	r.Status = poll.Scheduled
	long := poll.Restore(r)
	code, got := paths(t, long.Open(opens.Add(-24*time.Hour)))
	if code != errs.FailedPrecondition || !cmp.Equal([]string{"/closesAt"}, got) {
		t.Errorf("opening a 60-day flash poll early: %q %v, want failed_precondition at /closesAt", code, got)
	}
	if long.Status() != poll.Scheduled {
		t.Errorf("status = %s after a refused early opening, want scheduled", long.Status())
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status poll.Status
		now    time.Time
		want   poll.Status
	}{
		{name: "a draft never opens by itself", status: poll.Draft, now: during},
		{name: "scheduled, before the opening time", status: poll.Scheduled, now: opens.Add(-time.Second)},
		{name: "scheduled, at the opening time", status: poll.Scheduled, now: opens, want: poll.Open},
		{name: "scheduled, past the closing time too", status: poll.Scheduled, now: closes.Add(time.Hour), want: poll.Open},
		{name: "open, before the closing time", status: poll.Open, now: closes.Add(-time.Second)},
		{name: "open, at the closing time", status: poll.Open, now: closes, want: poll.Closed},
		{name: "closed stays closed", status: poll.Closed, now: closes.Add(time.Hour)},
		{name: "cancelled stays cancelled", status: poll.Cancelled, now: during},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := inStatus(t, tt.status).Due(tt.now)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Due = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestAdvanceCatchesUp(t *testing.T) {
	t.Parallel()
	p := inStatus(t, poll.Scheduled)
	late := closes.Add(time.Hour)
	if got := p.StatusAt(late); got != poll.Closed {
		t.Errorf("StatusAt = %s, want closed", got)
	}
	if p.Status() != poll.Scheduled {
		t.Errorf("StatusAt changed the status to %s", p.Status())
	}
	if diff := cmp.Diff([]poll.Status{poll.Open, poll.Closed}, p.Advance(late)); diff != "" {
		t.Errorf("Advance entered (-want +got):\n%s", diff)
	}
	if !p.OpensAt().Equal(opens) || !p.ClosesAt().Equal(closes) {
		t.Errorf("times moved to %v–%v; automatic transitions keep %v–%v", p.OpensAt(), p.ClosesAt(), opens, closes)
	}
	if got := p.Advance(late); got != nil {
		t.Errorf("a second Advance entered %v, want nothing", got)
	}
}

func TestCancelReason(t *testing.T) {
	t.Parallel()
	p := inStatus(t, poll.Open)
	code, got := paths(t, p.Cancel(strings.Repeat("x", 501), during))
	if code != errs.Invalid || !cmp.Equal([]string{"/reason"}, got) {
		t.Errorf("a 501-character reason: %q %v, want invalid at /reason", code, got)
	}
	if err := p.Cancel("  dubbel uitgezet ", during); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if p.CancelReason() != "dubbel uitgezet" || p.Status() != poll.Cancelled {
		t.Errorf("cancelled = %s %q", p.Status(), p.CancelReason())
	}
}
