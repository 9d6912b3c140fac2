// Package session is a focus group's session (bijeenkomst): when and where
// it meets, its agenda and capacity, and its lifecycle scheduled → held,
// or cancelled. Every change members are sent raises its sequence, the
// iCalendar SEQUENCE that makes calendars replace what they had.
package session

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
)

// Status is where a session stands.
type Status string

// The statuses.
const (
	Scheduled Status = "scheduled"
	Held      Status = "held"
	Cancelled Status = "cancelled"
)

// Limits of what staff type.
const (
	maxAddress       = 300
	maxAccessibility = 1000
	maxURL           = 500
	maxAgenda        = 4000
	maxNotes         = 20000
	maxReason        = 500
	maxCapacity      = 500
	// MaxLength is the longest a session may last.
	MaxLength = 12 * time.Hour
)

// Place is where a session meets in person.
type Place struct {
	Address       string
	Accessibility string
}

// Plan is what members are told about a session: when, where, what.
type Plan struct {
	StartsAt, EndsAt time.Time
	Place            Place
	OnlineURL        string
	Agenda           string
}

// Spec is what a new session is made from.
type Spec struct {
	GroupID  string
	Plan     Plan
	Capacity int
	Notes    string
}

// Session is a meeting of a focus group.
type Session struct {
	id           string
	groupID      string
	plan         Plan
	capacity     int
	notes        string
	status       Status
	sequence     int
	cancelReason string
	createdAt    time.Time
	updatedAt    time.Time
	heldAt       time.Time
}

// New schedules a session from spec at now; every problem is reported at
// once.
func New(spec Spec, now time.Time) (Session, error) {
	var v errs.Violations
	s := Session{groupID: spec.GroupID, status: Scheduled, createdAt: utc(now), updatedAt: utc(now)}
	s.plan = checkPlan(&v, spec.Plan, now, true)
	s.capacity = checkCapacity(&v, spec.Capacity)
	s.notes = checkText(&v, "/notes", spec.Notes, maxNotes)
	if err := v.Err(); err != nil {
		return Session{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Session{}, fmt.Errorf("new session id: %w", err)
	}
	s.id = id.String()
	return s, nil
}

// Record is a session as stored, for Restore.
type Record struct {
	ID, GroupID  string
	Plan         Plan
	Capacity     int
	Notes        string
	Status       Status
	Sequence     int
	CancelReason string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	HeldAt       time.Time
}

// Restore rebuilds a session from storage without validation.
func Restore(r Record) Session {
	return Session{id: r.ID, groupID: r.GroupID, plan: r.Plan, capacity: r.Capacity, notes: r.Notes, status: r.Status,
		sequence: r.Sequence, cancelReason: r.CancelReason, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, heldAt: r.HeldAt}
}

// Record returns the session as stored.
func (s Session) Record() Record {
	return Record{ID: s.id, GroupID: s.groupID, Plan: s.plan, Capacity: s.capacity, Notes: s.notes, Status: s.status,
		Sequence: s.sequence, CancelReason: s.cancelReason, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt, HeldAt: s.heldAt}
}

// ID returns the session's id, which is also its calendar UID's.
func (s Session) ID() string { return s.id }

// GroupID returns the id of its group.
func (s Session) GroupID() string { return s.groupID }

// Plan returns when, where and what.
func (s Session) Plan() Plan { return s.plan }

// StartsAt returns when it starts.
func (s Session) StartsAt() time.Time { return s.plan.StartsAt }

// Capacity returns its own capacity; 0 means the group's seats.
func (s Session) Capacity() int { return s.capacity }

// Notes returns its raw notes, private to whoever manages the group.
func (s Session) Notes() string { return s.notes }

// Status returns where it stands.
func (s Session) Status() Status { return s.status }

// Sequence returns its iCalendar sequence.
func (s Session) Sequence() int { return s.sequence }

// CancelReason returns why it was cancelled.
func (s Session) CancelReason() string { return s.cancelReason }

// CreatedAt returns when it was scheduled.
func (s Session) CreatedAt() time.Time { return s.createdAt }

// UpdatedAt returns when it last changed: its version.
func (s Session) UpdatedAt() time.Time { return s.updatedAt }

// HeldAt returns when it was marked held.
func (s Session) HeldAt() time.Time { return s.heldAt }

// Saved records the version the store wrote.
func (s *Session) Saved(at time.Time) { s.updatedAt = at }

// Change is the editable part of a session; an update changes the fields
// its mask names and keeps the others.
type Change struct {
	Plan     Plan
	Capacity int
	Notes    string
}

// Editable returns the session's editable fields, for a change to start
// from.
func (s Session) Editable() Change { return Change{Plan: s.plan, Capacity: s.capacity, Notes: s.notes} }

// Outcome says what an edit changed that others must hear of.
type Outcome struct {
	// Announced: the time, place, link or agenda changed, so members get
	// the updated invitation (the sequence was raised).
	Announced bool
	// Rescheduled: the time changed.
	Rescheduled bool
	// CapacityChanged: the capacity changed, so the waitlists may move.
	CapacityChanged bool
}

// Edit replaces the editable fields with c. A cancelled session changes
// no more; a held one only its notes. New times must lie in the future.
func (s *Session) Edit(c Change, now time.Time) (Outcome, error) {
	var v errs.Violations
	var out Outcome
	notes := checkText(&v, "/notes", c.Notes, maxNotes)
	timesChanged := !c.Plan.StartsAt.Equal(s.plan.StartsAt) || !c.Plan.EndsAt.Equal(s.plan.EndsAt)
	plan := checkPlan(&v, c.Plan, now, timesChanged)
	capacity := checkCapacity(&v, c.Capacity)
	if err := v.Err(); err != nil {
		return Outcome{}, err
	}
	out.Rescheduled = timesChanged
	out.Announced = plan != s.plan
	out.CapacityChanged = capacity != s.capacity
	if s.status != Scheduled && (out.Announced || capacity != s.capacity) {
		return Outcome{}, s.illegal("change", "only a scheduled session's time, place, agenda and capacity can change")
	}
	if s.status == Cancelled && notes != s.notes {
		return Outcome{}, s.illegal("change", "a cancelled session is kept as it was")
	}
	if out.Announced {
		s.sequence++
	}
	s.plan, s.capacity, s.notes = plan, capacity, notes
	s.updatedAt = utc(now)
	return out, nil
}

// Cancel calls off a scheduled session, raising its sequence for the
// cancellation members are sent.
func (s *Session) Cancel(reason string, now time.Time) error {
	if s.status != Scheduled {
		return s.illegal("cancel", "only a scheduled session can be cancelled")
	}
	var v errs.Violations
	reason = checkText(&v, "/reason", reason, maxReason)
	if err := v.Err(); err != nil {
		return err
	}
	s.status, s.cancelReason = Cancelled, reason
	s.sequence++
	s.updatedAt = utc(now)
	return nil
}

// Complete marks a scheduled session that has started held: its
// attendance is final from now on.
func (s *Session) Complete(now time.Time) error {
	if s.status != Scheduled {
		return s.illegal("mark held", "only a scheduled session can be marked held")
	}
	if now.Before(s.plan.StartsAt) {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "the session has not started yet",
			Fields: []errs.Field{{Path: "/startTime", Reason: "is still to come; a session is marked held once it has started"}}}
	}
	s.status = Held
	s.heldAt, s.updatedAt = utc(now), utc(now)
	return nil
}

// CheckAttendance refuses a change of attendance once the session is held
// or cancelled.
func (s Session) CheckAttendance() error {
	if s.status != Scheduled {
		return s.illegal("change the attendance of", "attendance is final once a session is held, and a cancelled one has none")
	}
	return nil
}

// CheckAnswers refuses answers to a session that is not scheduled, or
// that has started.
func (s Session) CheckAnswers(now time.Time) error {
	if s.status != Scheduled {
		return s.illegal("answer", "only a scheduled session takes answers")
	}
	if !now.Before(s.plan.StartsAt) {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "the session has started",
			Fields: []errs.Field{{Path: "/startTime", Reason: "has passed; answers are taken until a session starts"}}}
	}
	return nil
}

func (s Session) illegal(action, why string) error {
	return &errs.Error{
		Code:    errs.FailedPrecondition,
		Message: fmt.Sprintf("cannot %s a session that is %s: %s", action, s.status, why),
		Fields:  []errs.Field{{Path: "/status", Reason: fmt.Sprintf("has status %s", s.status)}},
	}
}

// checkPlan checks a plan; checkTimes says whether its times are new and
// must therefore lie in the future.
func checkPlan(v *errs.Violations, p Plan, now time.Time, checkTimes bool) Plan {
	out := Plan{StartsAt: utc(p.StartsAt), EndsAt: utc(p.EndsAt)}
	switch {
	case p.StartsAt.IsZero():
		v.Add("/startTime", "must be set")
	case checkTimes && !p.StartsAt.After(now):
		v.Add("/startTime", "must be in the future")
	}
	switch {
	case p.EndsAt.IsZero():
		v.Add("/endTime", "must be set")
	case !p.StartsAt.IsZero() && !p.EndsAt.After(p.StartsAt):
		v.Add("/endTime", "must be after the start")
	case !p.StartsAt.IsZero() && p.EndsAt.Sub(p.StartsAt) > MaxLength:
		v.Add("/endTime", fmt.Sprintf("must be at most %d hours after the start", int(MaxLength.Hours())))
	}
	out.Place.Address = checkText(v, "/place/address", p.Place.Address, maxAddress)
	out.Place.Accessibility = checkText(v, "/place/accessibility", p.Place.Accessibility, maxAccessibility)
	if out.Place.Address == "" && out.Place.Accessibility != "" {
		v.Add("/place/address", "must be set for a place's accessibility to mean something")
	}
	out.OnlineURL = strings.TrimSpace(p.OnlineURL)
	if out.OnlineURL != "" {
		u, err := url.Parse(out.OnlineURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(out.OnlineURL) > maxURL {
			v.Add("/onlineUrl", fmt.Sprintf("must be an https link of at most %d characters", maxURL))
		}
	}
	if out.Place.Address == "" && out.OnlineURL == "" {
		v.Add("/place", "must be set, or an online link: a session meets somewhere")
	}
	out.Agenda = checkText(v, "/agenda", p.Agenda, maxAgenda)
	return out
}

func checkCapacity(v *errs.Violations, n int) int {
	if n < 0 || n > maxCapacity {
		v.Add("/capacity", fmt.Sprintf("must be from 0 (the group's seats) to %d", maxCapacity))
	}
	return n
}

func checkText(v *errs.Violations, path, s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		v.Add(path, fmt.Sprintf("must be at most %d characters", max))
	}
	return s
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
