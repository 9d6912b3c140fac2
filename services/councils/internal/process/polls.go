package process

import (
	"fmt"
	"maps"
	"time"
)

// PollStatus is where a process's poll is, as the surveys service
// announced it. Its value is the lower-case name used in storage.
type PollStatus string

// The statuses a projected poll can have: the councils service hears of
// a poll when it opens.
const (
	PollOpen      PollStatus = "open"
	PollClosed    PollStatus = "closed"
	PollCancelled PollStatus = "cancelled"
)

// Poll is a flash poll or questionnaire of a process, projected from the
// surveys service's events: ids, kind, status and counts only; its title
// and questions stay in the surveys service.
type Poll struct {
	ID     string
	Form   FormKind // FlashPoll or Questionnaire
	Status PollStatus
	// ClosesAt is when it closes (closed); zero when not known.
	ClosesAt time.Time
	// Responses are the answers accepted, known once it closed.
	Responses int
	// PerMunicipality counts Responses by CBS code ("" for unknown), once
	// it closed.
	PerMunicipality map[string]int
}

// Polls returns the process's polls, newest first.
func (p Process) Polls() []Poll {
	out := make([]Poll, len(p.polls))
	for i, pl := range p.polls {
		pl.PerMunicipality = maps.Clone(pl.PerMunicipality)
		out[i] = pl
	}
	return out
}

// Running returns the polls that are open.
func (p Process) Running() []Poll {
	var out []Poll
	for _, pl := range p.Polls() {
		if pl.Status == PollOpen {
			out = append(out, pl)
		}
	}
	return out
}

// RecordPollInput counts a closed poll, announced by the event with id
// source, as executed input of its form and adds its answers to the
// residents reached: each answer is a resident heard (an open link takes
// one answer per browser, an invitation one per panel member).
func (p *Process) RecordPollInput(source string, form FormKind, responses int, occurredAt, now time.Time) error {
	if responses < 0 {
		return fmt.Errorf("recording poll input %s: %d responses", source, responses)
	}
	if err := p.RecordInput(source, form, occurredAt, now); err != nil {
		return err
	}
	p.residentsReached += responses
	return nil
}
