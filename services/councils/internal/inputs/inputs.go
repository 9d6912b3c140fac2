// Package inputs applies what the other services report about
// participation processes: a focus-group session held or a poll closed is
// executed input of the process it served; advice sent and a report
// published complete its advise and feedback phases. Each event is
// recorded by its id with its effect, so a redelivery counts once even
// apart from the consumer's inbox.
package inputs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/process"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// Consumers returns the councils service's consumers of other services'
// events, one per source stream. log receives the events that are ignored
// (for a process this service does not know, or from the wrong tenant).
func Consumers(log *slog.Logger) []events.ConsumerConfig {
	h := handlers{log: log, now: time.Now}
	return []events.ConsumerConfig{
		{
			Name:     "process-inputs-focusgroups",
			Stream:   events.StreamName("focusgroups"),
			Subjects: []string{"meedoen.focusgroups.*.session.held"},
			Handle:   h.sessionHeld,
		},
		{
			Name:     "process-inputs-surveys",
			Stream:   events.StreamName("surveys"),
			Subjects: []string{"meedoen.surveys.*.poll.closed"},
			Handle:   h.pollClosed,
		},
		{
			Name:     "process-polls",
			Stream:   events.StreamName("surveys"),
			Subjects: []string{"meedoen.surveys.*.poll.opened", "meedoen.surveys.*.poll.closed", "meedoen.surveys.*.poll.cancelled"},
			Handle:   h.polls,
		},
		{
			Name:     "process-results",
			Stream:   events.StreamName("results"),
			Subjects: []string{"meedoen.results.*.advice.sent", "meedoen.results.*.report.published"},
			Handle:   h.results,
		},
	}
}

// handlers apply consumed events to processes.
type handlers struct {
	log *slog.Logger
	now func() time.Time
}

// errIgnored marks an event that must not change the process it names.
var errIgnored = errors.New("event ignored")

// sessionHeld counts a focus-group session as executed input.
func (h handlers) sessionHeld(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	var msg eventsv1.SessionHeld
	if err := ev.Decode(&msg); err != nil {
		return err
	}
	return h.apply(ctx, tx, ev, msg.GetProcessId(), func(p *process.Process) error {
		return p.RecordInput(ev.ID, process.FocusGroup, ev.Time, h.now())
	})
}

// pollClosed counts a closed flash poll or questionnaire as executed
// input.
func (h handlers) pollClosed(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	var msg eventsv1.PollClosed
	if err := ev.Decode(&msg); err != nil {
		return err
	}
	form, ok := pollForm(msg.GetKind())
	if !ok {
		h.log.WarnContext(ctx, "ignoring a closed poll of unknown kind", "event_id", ev.ID, "kind", msg.GetKind(), "process_id", msg.GetProcessId())
		return nil
	}
	return h.apply(ctx, tx, ev, msg.GetProcessId(), func(p *process.Process) error {
		return p.RecordPollInput(ev.ID, form, int(max(msg.GetResponses(), 0)), ev.Time, h.now())
	})
}

// pollForm is the participation form of a poll of kind.
func pollForm(kind string) (process.FormKind, bool) {
	switch kind {
	case "flash_poll":
		return process.FlashPoll, true
	case "questionnaire":
		return process.Questionnaire, true
	}
	return "", false
}

// polls keeps the process's list of polls: opened, closed with its
// answers per municipality, cancelled. Like apply, it skips events for
// unknown processes and from tenants the process does not belong to.
func (h handlers) polls(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	var processID string
	var pl process.Poll
	switch ev.Name {
	case "poll.opened":
		var msg eventsv1.PollOpened
		if err := ev.Decode(&msg); err != nil {
			return err
		}
		form, ok := pollForm(msg.GetKind())
		if !ok {
			h.log.WarnContext(ctx, "ignoring an opened poll of unknown kind", "event_id", ev.ID, "kind", msg.GetKind())
			return nil
		}
		processID, pl = msg.GetProcessId(), process.Poll{ID: msg.GetPollId(), Form: form, Status: process.PollOpen}
		if t, err := time.Parse(time.RFC3339Nano, msg.GetClosesAt()); err == nil {
			pl.ClosesAt = t
		}
	case "poll.closed":
		var msg eventsv1.PollClosed
		if err := ev.Decode(&msg); err != nil {
			return err
		}
		form, ok := pollForm(msg.GetKind())
		if !ok {
			h.log.WarnContext(ctx, "ignoring a closed poll of unknown kind", "event_id", ev.ID, "kind", msg.GetKind())
			return nil
		}
		processID = msg.GetProcessId()
		// The event's time is the closing: early, or at the time set.
		pl = process.Poll{ID: msg.GetPollId(), Form: form, Status: process.PollClosed, ClosesAt: ev.Time,
			Responses: int(max(msg.GetResponses(), 0)), PerMunicipality: map[string]int{}}
		for _, m := range msg.GetPerMunicipality() {
			pl.PerMunicipality[m.GetMunicipalityCode()] += int(max(m.GetResponses(), 0))
		}
	case "poll.cancelled":
		var msg eventsv1.PollCancelled
		if err := ev.Decode(&msg); err != nil {
			return err
		}
		processID, pl = msg.GetProcessId(), process.Poll{ID: msg.GetPollId(), Status: process.PollCancelled}
	default:
		return fmt.Errorf("polls consumer: unexpected event %s", ev.Type)
	}
	attrs := []any{"event_id", ev.ID, "type", ev.Type, "tenant", ev.Tenant, "process_id", processID}
	if _, err := uuid.Parse(pl.ID); err != nil {
		h.log.WarnContext(ctx, "ignoring a poll event without a poll id", attrs...)
		return nil
	}
	p, err := store.ProcessForEvent(ctx, tx, processID)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		h.log.InfoContext(ctx, "ignoring an event for an unknown process", attrs...)
		return nil
	case err != nil:
		return fmt.Errorf("applying %s to process %s: %w", ev.Type, processID, err)
	}
	if s := p.Scope(); ev.Tenant != s.Tenant() && !s.Concerns(ev.Tenant) {
		h.log.WarnContext(ctx, "ignoring an event from a tenant the process does not belong to", attrs...)
		return nil
	}
	return store.ProjectPoll(ctx, tx, p.ID(), pl)
}

// results records advice sent and reports published, which complete the
// advise and feedback phases.
func (h handlers) results(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	switch ev.Name {
	case "advice.sent":
		var msg eventsv1.AdviceSent
		if err := ev.Decode(&msg); err != nil {
			return err
		}
		return h.apply(ctx, tx, ev, msg.GetProcessId(), func(p *process.Process) error {
			return p.MarkAdviceSent(ev.ID, ev.Time, h.now())
		})
	case "report.published":
		var msg eventsv1.ReportPublished
		if err := ev.Decode(&msg); err != nil {
			return err
		}
		return h.apply(ctx, tx, ev, msg.GetProcessId(), func(p *process.Process) error {
			return p.MarkReportPublished(ev.ID, ev.Time, h.now())
		})
	default:
		return fmt.Errorf("results consumer: unexpected event %s", ev.Type)
	}
}

// apply runs change on the process with processID. Events for processes
// this service does not know (deleted, or a mistake upstream) and events
// from a tenant the process does not belong to are logged and skipped:
// retrying would not make them right.
func (h handlers) apply(ctx context.Context, tx pgx.Tx, ev events.Event, processID string, change func(*process.Process) error) error {
	attrs := []any{"event_id", ev.ID, "type", ev.Type, "tenant", ev.Tenant, "process_id", processID}
	if processID == "" {
		h.log.InfoContext(ctx, "ignoring an event for no process", attrs...)
		return nil
	}
	applied, err := store.ApplyToProcess(ctx, tx, processID, ev.ID, func(p *process.Process) error {
		if s := p.Scope(); ev.Tenant != s.Tenant() && !s.Concerns(ev.Tenant) {
			return errIgnored
		}
		return change(p)
	})
	switch {
	case errors.Is(err, errIgnored):
		h.log.WarnContext(ctx, "ignoring an event from a tenant the process does not belong to", attrs...)
		return nil
	case errs.CodeOf(err) == errs.NotFound:
		h.log.InfoContext(ctx, "ignoring an event for an unknown process", attrs...)
		return nil
	case err != nil:
		return fmt.Errorf("applying %s to process %s: %w", ev.Type, processID, err)
	case !applied:
		h.log.DebugContext(ctx, "event applied before", attrs...)
	}
	return nil
}
