package poll

import (
	"fmt"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
)

// Status is where a poll is in its lifecycle: draft → scheduled → open →
// closed, or cancelled from any of the first three. Its value is the
// lower-case name used in storage and events.
type Status string

// The statuses.
const (
	Draft     Status = "draft"     // being built; everything may change
	Scheduled Status = "scheduled" // ready, waiting for its opening time
	Open      Status = "open"      // taking answers; questions are frozen
	Closed    Status = "closed"    // done; the tally is final
	Cancelled Status = "cancelled" // stopped; answers given stay, none are taken
)

// Statuses lists every status in lifecycle order.
func Statuses() []Status { return []Status{Draft, Scheduled, Open, Closed, Cancelled} }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Draft, Scheduled, Open, Closed, Cancelled:
		return true
	}
	return false
}

// Schedule makes a draft ready to open by itself at its opening time. It
// needs at least one question (and one per section), both times with the
// closing time in the future, an audience, a slug for an open link, and
// the statement of when and how results will be shared; a
// FailedPrecondition error names whatever is missing.
func (p *Poll) Schedule(now time.Time) error {
	if p.status != Draft {
		return p.illegal("schedule", "only a draft can be scheduled")
	}
	if err := unmet(p.ready(now), "the poll is not ready to be scheduled"); err != nil {
		return err
	}
	p.status = Scheduled
	p.updatedAt = utc(now)
	return nil
}

// Unschedule takes a scheduled poll back to draft, e.g. to hold it.
func (p *Poll) Unschedule(now time.Time) error {
	if p.status != Scheduled {
		return p.illegal("unschedule", "only a scheduled poll can go back to draft")
	}
	p.status = Draft
	p.updatedAt = utc(now)
	return nil
}

// Open opens a scheduled poll. Before its opening time that is opening
// early, which moves the opening time to now, so that the times shown stay
// true; it must then still close within the kind's maximum duration.
// After its opening time it opens whatever the closing time: the
// automatic opener may run late, and Due then closes the poll next.
func (p *Poll) Open(now time.Time) error {
	if p.status != Scheduled {
		return p.illegal("open", "only a scheduled poll can open")
	}
	now = utc(now)
	if now.Before(p.opensAt) {
		var v errs.Violations
		if p.closesAt.Sub(now) > p.kind.MaxDuration() {
			v.Add("/closesAt", fmt.Sprintf("opening now would keep the poll open longer than %d days", p.kind.MaxDuration()/(24*time.Hour)))
		}
		if err := unmet(v, "the poll cannot open early"); err != nil {
			return err
		}
		p.opensAt = now
	}
	p.status = Open
	p.updatedAt = now
	return nil
}

// Close closes an open poll. Before its closing time that is closing early,
// which moves the closing time to now.
func (p *Poll) Close(now time.Time) error {
	if p.status != Open {
		return p.illegal("close", "only an open poll can close")
	}
	now = utc(now)
	if now.Before(p.closesAt) {
		p.closesAt = now
	}
	p.status = Closed
	p.updatedAt = now
	return nil
}

// Cancel stops a draft, scheduled or open poll for good. Answers already
// given stay; none are taken after.
func (p *Poll) Cancel(reason string, now time.Time) error {
	switch p.status {
	case Draft, Scheduled, Open:
	default:
		return p.illegal("cancel", "a closed or cancelled poll cannot be cancelled")
	}
	var v errs.Violations
	reason = strings.TrimSpace(reason)
	checkLength(&v, "/reason", reason, maxCancelReason)
	if err := v.Err(); err != nil {
		return err
	}
	p.status = Cancelled
	p.cancelReason = reason
	p.updatedAt = utc(now)
	return nil
}

// Due tells which automatic transition is due at now: a scheduled poll
// opens at its opening time, an open poll closes at its closing time. A
// poll whose opener ran so late that it is past its closing time too is
// due to open first, so that every opened poll has been open.
func (p Poll) Due(now time.Time) (Status, bool) {
	switch {
	case p.status == Scheduled && !now.Before(p.opensAt):
		return Open, true
	case p.status == Open && !now.Before(p.closesAt):
		return Closed, true
	}
	return "", false
}

// Advance applies every automatic transition due at now and returns the
// statuses entered, in order, so that the caller can announce each.
func (p *Poll) Advance(now time.Time) []Status {
	var entered []Status
	for {
		to, ok := p.Due(now)
		if !ok {
			return entered
		}
		var err error
		if to == Open {
			err = p.Open(now)
		} else {
			err = p.Close(now)
		}
		if err != nil {
			// Due only proposes legal transitions; stop rather than loop.
			return entered
		}
		entered = append(entered, to)
	}
}

// StatusAt returns the status the poll has at now once the automatic
// transitions due by then have run. Answers are judged by it, so that a
// poll takes answers from the second it opens, however late the opener.
func (p Poll) StatusAt(now time.Time) Status {
	q := p
	if entered := q.Advance(now); len(entered) > 0 {
		return entered[len(entered)-1]
	}
	return p.status
}

// ready lists what a poll lacks to be scheduled at now.
func (p Poll) ready(now time.Time) errs.Violations {
	var v errs.Violations
	if len(questionsOf(p.sections)) == 0 {
		v.Add("/sections", "needs at least one question")
	}
	for i, s := range p.sections {
		if len(s.Questions) == 0 && len(p.sections) > 1 {
			v.Add(fmt.Sprintf("/sections/%d/questions", i), "needs at least one question")
		}
	}
	if p.opensAt.IsZero() {
		v.Add("/opensAt", "is required")
	}
	switch {
	case p.closesAt.IsZero():
		v.Add("/closesAt", "is required")
	case !p.closesAt.After(now):
		v.Add("/closesAt", "must be in the future")
	}
	if p.audience.Kind == "" {
		v.Add("/audience/kind", "is required: a panel or an open link")
	}
	if p.audience.Kind == OpenLink && p.slug == "" {
		v.Add("/slug", "is required for an open link")
	}
	if p.resultsSharing.NL == "" {
		v.Add("/resultsSharing/nl", "is required: the thank-you page tells residents when and how the results will be shared")
	}
	return v
}

// unmet returns nil when v is empty, else a FailedPrecondition error with
// message, listing every unmet condition.
func unmet(v errs.Violations, message string) error {
	if len(v) == 0 {
		return nil
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: message, Fields: append([]errs.Field(nil), v...)}
}

// illegal is the error for a transition or change the poll's status does
// not allow.
func (p Poll) illegal(action, why string) error {
	return &errs.Error{
		Code:    errs.FailedPrecondition,
		Message: fmt.Sprintf("cannot %s a poll that is %s: %s", action, p.status, why),
		Fields:  []errs.Field{{Path: "/status", Reason: fmt.Sprintf("has status %s", p.status)}},
	}
}
