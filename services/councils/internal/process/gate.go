package process

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
)

// condition is one entry condition of a phase's gate. Paths name the part
// of the process that is missing, relative to the process resource.
type condition struct {
	phase  Phase
	path   string
	reason string
	met    func(Process) bool
}

// conditions are the gates of the step plan. A gate holds everything its
// own phase needs plus what the phases before it need: a process in advise
// still has its precise question, forms and input. Concretise and advise
// add nothing of their own.
func conditions() []condition {
	return []condition{
		{ChooseForms, "/preciseQuestion", "the precise question is not set",
			func(p Process) bool { return p.preciseQuestion != "" }},
		{ChooseForms, "/approach", "how the question will be asked is not set",
			func(p Process) bool { return p.approach != "" }},
		{ChooseForms, "/targetGroup", "the target group is not set",
			func(p Process) bool { return p.targetGroup != "" }},
		{Execute, "/forms", "no participation form has been chosen",
			func(p Process) bool { return len(p.forms) > 0 }},
		{Analyse, "/executedForms", "no form has brought in input yet: record a field activity, hold a focus-group session or close a poll for this process",
			func(p Process) bool { return len(p.executed) > 0 }},
		{Feedback, "/adviceSentTime", "the advice has not been sent yet",
			func(p Process) bool { return !p.adviceSentAt.IsZero() }},
		{Closed, "/reportPublishedTime", "the final report has not been published yet",
			func(p Process) bool { return !p.reportPublishedAt.IsZero() }},
	}
}

// GateUnmet lists each condition for entering phase to that p does not
// meet yet; it is empty when p may enter it.
func (p Process) GateUnmet(to Phase) []errs.Field {
	var unmet []errs.Field
	for _, c := range conditions() {
		if !to.Before(c.phase) && !c.met(p) {
			unmet = append(unmet, errs.Field{Path: c.path, Reason: c.reason})
		}
	}
	return unmet
}

// NextGateUnmet lists what the next phase still needs; it is empty when p
// may move on, and for a closed process.
func (p Process) NextGateUnmet() []errs.Field {
	next, ok := p.phase.Next()
	if !ok {
		return nil
	}
	return p.GateUnmet(next)
}

// MoveTo moves p to phase to on behalf of actor. Forward it goes only to
// the next phase, and only when that phase's gate is met; back it goes to
// any earlier phase, with a reason. A closed process stays closed. Every
// unmet condition is reported at once.
func (p *Process) MoveTo(to Phase, reason, actor string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	var v errs.Violations
	if !to.Valid() {
		v.Add("/toPhase", "must be a phase of the step plan")
	}
	if utf8.RuneCountInString(reason) > maxReason {
		v.Add("/reason", fmt.Sprintf("must be at most %d characters", maxReason))
	}
	if err := v.Err(); err != nil {
		return err
	}
	switch next, _ := p.phase.Next(); {
	case to == p.phase:
		return &errs.Error{Code: errs.FailedPrecondition, Message: fmt.Sprintf("the process is already in phase %s", to),
			Fields: []errs.Field{{Path: "/toPhase", Reason: fmt.Sprintf("the process is already in phase %s", to)}}}
	case p.phase == Closed:
		return &errs.Error{Code: errs.FailedPrecondition, Message: "the process is closed; it cannot move to another phase",
			Fields: []errs.Field{{Path: "/toPhase", Reason: "a closed process cannot be reopened"}}}
	case to.Before(p.phase):
		if reason == "" {
			return (errs.Violations{{Path: "/reason", Reason: "is required when moving back to an earlier phase"}}).Err()
		}
	case to != next:
		return &errs.Error{Code: errs.FailedPrecondition,
			Message: fmt.Sprintf("the process cannot skip from %s to %s; the next phase is %s", p.phase, to, next),
			Fields:  []errs.Field{{Path: "/toPhase", Reason: fmt.Sprintf("the next phase is %s", next)}}}
	default:
		if unmet := p.GateUnmet(to); len(unmet) > 0 {
			return &errs.Error{Code: errs.FailedPrecondition,
				Message: fmt.Sprintf("the process cannot enter phase %s yet", to), Fields: unmet}
		}
	}
	return p.move(to, reason, actor, now)
}

func (p *Process) move(to Phase, reason, actor string, now time.Time) error {
	id, err := newID()
	if err != nil {
		return fmt.Errorf("moving process %s to %s: %w", p.id, to, err)
	}
	now = now.UTC()
	p.pending.Transitions = append(p.pending.Transitions, Transition{
		ID: id, ProcessID: p.id, From: p.phase, To: to, Reason: reason, Actor: actor, At: now,
	})
	p.phase = to
	p.updatedAt = now
	return nil
}

// MarkAdviceSent records that the results service sent the advice (source
// is the event's id). Sending the advice completes the advise phase: a
// process in advise moves on to feedback by itself. Earlier, it is only
// recorded, and meets the feedback gate when the process gets there.
func (p *Process) MarkAdviceSent(source string, at, now time.Time) error {
	p.pending.Milestones = append(p.pending.Milestones, Milestone{Source: source, Kind: AdviceSent, OccurredAt: at.UTC()})
	if p.adviceSentAt.IsZero() || at.Before(p.adviceSentAt) {
		p.adviceSentAt = at.UTC()
	}
	p.updatedAt = now.UTC()
	if p.phase != Advise {
		return nil
	}
	if err := p.move(Feedback, "the advice was sent", System, now); err != nil {
		return err
	}
	if p.reportPublishedAt.IsZero() {
		return nil
	}
	// The report's event overtook the advice's (a redelivery can reorder
	// them); it completes feedback as it would have on arrival.
	return p.move(Closed, "the final report was published", System, now)
}

// MarkReportPublished records that the results service published the final
// report (source is the event's id). Publishing completes the feedback
// phase: a process in feedback closes by itself.
func (p *Process) MarkReportPublished(source string, at, now time.Time) error {
	p.pending.Milestones = append(p.pending.Milestones, Milestone{Source: source, Kind: ReportPublished, OccurredAt: at.UTC()})
	if p.reportPublishedAt.IsZero() || at.Before(p.reportPublishedAt) {
		p.reportPublishedAt = at.UTC()
	}
	p.updatedAt = now.UTC()
	if p.phase != Feedback {
		return nil
	}
	return p.move(Closed, "the final report was published", System, now)
}
