package api

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
)

// councilsSay applies a councils event to the fixture's process
// projection, as the "processes" consumer would.
func (f fixture) councilsSay(t *testing.T, tenant string, msg proto.Message) {
	t.Helper()
	ctx := context.Background()
	ev, err := events.New(ctx, tenant, "test", msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error { return process.Apply(ctx, tx, ev) }); err != nil {
		t.Fatal(err)
	}
}

// A council prepares a poll while its process is still being shaped, but
// the poll is scheduled and opens only while the process is in execute:
// before, the service answers FailedPrecondition (HTTP 409) naming
// /processId with the phase; the automatic opener leaves it waiting.
func TestAPollOpensOnlyWhileItsProcessIsInExecute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const velsenProcess = "01957a3c-2b1e-7c00-8000-0000000000b1"
	f.councilsSay(t, "GM0453", &eventsv1.ProcessCreated{ProcessId: velsenProcess, QuestionId: "01957a3c-2b1e-7c00-8000-0000000000b2"})

	spec := flashPoll("wachttijden")
	spec.ProcessId, spec.Tenant = velsenProcess, "GM0453"
	// Drafts are made and edited in intake.
	id := f.create(t, velsenMember(), spec).GetId()
	spec.Title = nl("Wachttijden, tweede versie")
	if _, err := f.srv.UpdatePoll(velsenMember(), &surveysv1.UpdatePollRequest{Id: id, Poll: &surveysv1.Poll{Title: spec.Title}, UpdateMask: mask("title")}); err != nil {
		t.Fatalf("editing a draft in intake: %v", err)
	}

	refused := func(what string, err error, phase string) {
		t.Helper()
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.FailedPrecondition {
			t.Fatalf("%s in %s: %v, want FailedPrecondition", what, phase, err)
		}
		want := "the process is in phase " + phase + "; polls open in execute"
		if len(e.Fields) != 1 || e.Fields[0].Path != "/processId" || e.Fields[0].Reason != want {
			t.Errorf("%s in %s: fields %v, want /processId %q", what, phase, e.Fields, want)
		}
	}
	_, err := f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: id})
	refused("scheduling", err, "intake")
	if got := f.status(t, id); got != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		t.Errorf("after the refusal the poll is %s, want still a draft", got)
	}

	phase := func(from, to string) {
		f.councilsSay(t, "GM0453", &eventsv1.ProcessPhaseChanged{ProcessId: velsenProcess, FromPhase: from, ToPhase: to})
	}
	phase("intake", "concretise")
	phase("concretise", "choose_forms")
	_, err = f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: id})
	refused("scheduling", err, "choose_forms")

	phase("choose_forms", "execute")
	if _, err := f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: id}); err != nil {
		t.Fatalf("scheduling in execute: %v", err)
	}
	// The council moves the process back before the poll opens: opening
	// by hand is refused, and the automatic opener passes it over.
	phase("execute", "choose_forms")
	_, err = f.srv.OpenPoll(velsenMember(), &surveysv1.OpenPollRequest{Id: id})
	refused("opening", err, "choose_forms")
	due, err := f.srv.store.DuePolls(context.Background(), time.Now().Add(48*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d == id {
			t.Errorf("a scheduled poll of a process in choose_forms is due to open")
		}
	}
	if _, err := f.srv.store.UpdatePoll(context.Background(), id, func(p poll.Poll) (poll.Poll, []events.Event, error) {
		p.Advance(time.Now().Add(48 * time.Hour))
		return p, nil, nil
	}); codeOf(err) != errs.FailedPrecondition {
		t.Errorf("the store let a poll of a process in choose_forms open: %v", err)
	}
	if got := f.status(t, id); got != surveysv1.PollStatus_POLL_STATUS_SCHEDULED {
		t.Errorf("after the refusals the poll is %s, want still scheduled", got)
	}

	phase("choose_forms", "execute")
	open, err := f.srv.OpenPoll(velsenMember(), &surveysv1.OpenPollRequest{Id: id})
	if err != nil || open.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
		t.Fatalf("opening in execute: %v, %v", open.GetStatus(), err)
	}
	if got := decoded(t, f.outbox(t, "poll.opened"), func() *eventsv1.PollOpened { return &eventsv1.PollOpened{} }); len(got) != 1 || got[0].GetProcessId() != velsenProcess {
		t.Errorf("poll.opened events: %v", got)
	}
}

// status returns the stored status of the poll with id.
func (f fixture) status(t *testing.T, id string) surveysv1.PollStatus {
	t.Helper()
	p, err := f.srv.GetPoll(platformAdmin(), &surveysv1.GetPollRequest{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	return p.GetStatus()
}
