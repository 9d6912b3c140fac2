// Package group is the focus group (focusgroep): a temporary group that
// works on one theme of a participation process, with seats per role, a
// few sessions, and a lifecycle forming → active → concluded, or
// dissolved. Members, sessions and findings are aggregates of their own
// (packages member, session, finding) that name their group.
package group

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
)

// Status is where a group is in its lifecycle. Its value is the
// lower-case name used in storage and the API.
type Status string

// The statuses.
const (
	Forming   Status = "forming"   // members are invited; no session yet
	Active    Status = "active"    // its first session has been scheduled
	Concluded Status = "concluded" // done with its theme
	Dissolved Status = "dissolved" // stopped before it was done
)

// Ended reports whether the group takes no new members or sessions.
func (s Status) Ended() bool { return s == Concluded || s == Dissolved }

// Limits of what staff type.
const (
	maxName          = 200
	maxPurpose       = 2000
	maxPlanned       = 50
	maxReminderHours = 14 * 24
	maxOrganisers    = 20
	maxSubject       = 200
	maxReason        = 500
	// DefaultReminderHours is how long before a session its reminder goes
	// out unless the group says otherwise.
	DefaultReminderHours = 48
)

// Process is what a group takes from the participation process it works
// for, as the service's projection knows it.
type Process struct {
	ID           string
	Tenant       string
	Participants []string
	Theme        string
	QuestionID   string
}

// Spec is what a new group is made from.
type Spec struct {
	Process         Process
	Name            string
	Purpose         string
	PlannedSessions int
	Seating         Seating
	ReminderHours   int
	Organisers      []string
	CreatedBy       string
	// Roles are the roles the group's tenant has, which its seats may
	// name; the zero value is the built-in roles alone.
	Roles RoleSet
}

// Group is a focus group.
type Group struct {
	id             string
	process        Process
	name           string
	purpose        string
	planned        int
	seating        Seating
	reminderHours  int
	organisers     []string
	status         Status
	dissolveReason string
	createdBy      string
	createdAt      time.Time
	updatedAt      time.Time
	endedAt        time.Time
}

// New forms a group from spec at now; every problem is reported at once.
// Whoever creates it is one of its organisers.
func New(spec Spec, now time.Time) (Group, error) {
	var v errs.Violations
	if spec.ReminderHours == 0 {
		spec.ReminderHours = DefaultReminderHours
	}
	g := Group{
		process:   spec.Process,
		status:    Forming,
		createdBy: spec.CreatedBy,
		createdAt: utc(now),
		updatedAt: utc(now),
	}
	g.name = checkText(&v, "/name", spec.Name, true, maxName)
	g.purpose = checkText(&v, "/purpose", spec.Purpose, false, maxPurpose)
	g.planned = checkPlanned(&v, spec.PlannedSessions)
	g.seating = checkSeating(&v, spec.Seating, spec.Roles, Seating{})
	g.reminderHours = checkReminderHours(&v, spec.ReminderHours)
	organisers := spec.Organisers
	if spec.CreatedBy != "" && !slices.Contains(organisers, spec.CreatedBy) {
		organisers = append(slices.Clone(organisers), spec.CreatedBy)
	}
	g.organisers = checkOrganisers(&v, organisers)
	if err := v.Err(); err != nil {
		return Group{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Group{}, fmt.Errorf("new focus group id: %w", err)
	}
	g.id = id.String()
	return g, nil
}

// Record is a group as stored, for Restore.
type Record struct {
	ID             string
	Process        Process
	Name           string
	Purpose        string
	Planned        int
	Seating        Seating
	ReminderHours  int
	Organisers     []string
	Status         Status
	DissolveReason string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	EndedAt        time.Time
}

// Restore rebuilds a group from storage without validation.
func Restore(r Record) Group {
	return Group{id: r.ID, process: r.Process, name: r.Name, purpose: r.Purpose, planned: r.Planned, seating: r.Seating,
		reminderHours: r.ReminderHours, organisers: r.Organisers, status: r.Status, dissolveReason: r.DissolveReason,
		createdBy: r.CreatedBy, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, endedAt: r.EndedAt}
}

// Record returns the group as stored.
func (g Group) Record() Record {
	return Record{ID: g.id, Process: g.process, Name: g.name, Purpose: g.purpose, Planned: g.planned, Seating: g.seating,
		ReminderHours: g.reminderHours, Organisers: g.organisers, Status: g.status, DissolveReason: g.dissolveReason,
		CreatedBy: g.createdBy, CreatedAt: g.createdAt, UpdatedAt: g.updatedAt, EndedAt: g.endedAt}
}

// ID returns the group's id.
func (g Group) ID() string { return g.id }

// Process returns the process it works for.
func (g Group) Process() Process { return g.process }

// Tenant returns the municipality or region it belongs to: its process's.
func (g Group) Tenant() string { return g.process.Tenant }

// Name returns its name.
func (g Group) Name() string { return g.name }

// Purpose returns what it is for.
func (g Group) Purpose() string { return g.purpose }

// PlannedSessions returns how many sessions are planned (0: not decided).
func (g Group) PlannedSessions() int { return g.planned }

// Seating returns its seats per role and total.
func (g Group) Seating() Seating { return g.seating }

// ReminderHours returns how long before a session its reminder goes out.
func (g Group) ReminderHours() int { return g.reminderHours }

// Organisers returns the login subjects of its organisers.
func (g Group) Organisers() []string { return slices.Clone(g.organisers) }

// Organises reports whether subject is one of its organisers.
func (g Group) Organises(subject string) bool {
	return subject != "" && slices.Contains(g.organisers, subject)
}

// Status returns where it stands.
func (g Group) Status() Status { return g.status }

// DissolveReason returns why it was dissolved, if it was.
func (g Group) DissolveReason() string { return g.dissolveReason }

// CreatedBy returns the subject of whoever formed it.
func (g Group) CreatedBy() string { return g.createdBy }

// CreatedAt returns when it was formed.
func (g Group) CreatedAt() time.Time { return g.createdAt }

// UpdatedAt returns when it last changed: its version.
func (g Group) UpdatedAt() time.Time { return g.updatedAt }

// EndedAt returns when it was concluded or dissolved.
func (g Group) EndedAt() time.Time { return g.endedAt }

// Saved records the version the store wrote.
func (g *Group) Saved(at time.Time) { g.updatedAt = at }

// Change is the editable part of a group; an update changes the fields
// its mask names and keeps the others.
type Change struct {
	Name          string
	Purpose       string
	Planned       int
	Seating       Seating
	ReminderHours int
	Organisers    []string
	// Roles are the roles the group's tenant has, which its seats may
	// name besides those they name already; Editable leaves it the zero
	// value, the built-in roles alone.
	Roles RoleSet
}

// Editable returns the group's editable fields, for a change to start
// from.
func (g Group) Editable() Change {
	return Change{Name: g.name, Purpose: g.purpose, Planned: g.planned, Seating: g.seating, ReminderHours: g.reminderHours,
		Organisers: slices.Clone(g.organisers)}
}

// Edit replaces the editable fields with c; every problem is reported at
// once and nothing changes then. An ended group is not edited.
func (g *Group) Edit(c Change, now time.Time) error {
	if g.status.Ended() {
		return g.illegal("change", "an ended group is kept as it was")
	}
	var v errs.Violations
	name := checkText(&v, "/name", c.Name, true, maxName)
	purpose := checkText(&v, "/purpose", c.Purpose, false, maxPurpose)
	planned := checkPlanned(&v, c.Planned)
	seating := checkSeating(&v, c.Seating, c.Roles, g.seating)
	hours := checkReminderHours(&v, c.ReminderHours)
	organisers := checkOrganisers(&v, c.Organisers)
	if err := v.Err(); err != nil {
		return err
	}
	g.name, g.purpose, g.planned, g.seating, g.reminderHours, g.organisers = name, purpose, planned, seating, hours, organisers
	g.updatedAt = utc(now)
	return nil
}

// CheckOpen refuses what an ended group does not take: new members,
// invitations and sessions.
func (g Group) CheckOpen(action string) error {
	if g.status.Ended() {
		return g.illegal(action, "an ended group takes no new members or sessions")
	}
	return nil
}

// Activate marks a forming group active, as its first session is
// scheduled; it reports whether it changed.
func (g *Group) Activate(now time.Time) bool {
	if g.status != Forming {
		return false
	}
	g.status = Active
	g.updatedAt = utc(now)
	return true
}

// Conclude ends a group whose theme is done.
func (g *Group) Conclude(now time.Time) error {
	if g.status.Ended() {
		return g.illegal("conclude", "it has ended already")
	}
	g.status = Concluded
	g.endedAt, g.updatedAt = utc(now), utc(now)
	return nil
}

// Dissolve ends a group before it is done, with an optional reason.
func (g *Group) Dissolve(reason string, now time.Time) error {
	if g.status.Ended() {
		return g.illegal("dissolve", "it has ended already")
	}
	var v errs.Violations
	reason = checkText(&v, "/reason", reason, false, maxReason)
	if err := v.Err(); err != nil {
		return err
	}
	g.status = Dissolved
	g.dissolveReason = reason
	g.endedAt, g.updatedAt = utc(now), utc(now)
	return nil
}

// illegal is the error for a step the group's status does not allow.
func (g Group) illegal(action, why string) error {
	return &errs.Error{
		Code:    errs.FailedPrecondition,
		Message: fmt.Sprintf("cannot %s a focus group that is %s: %s", action, g.status, why),
		Fields:  []errs.Field{{Path: "/status", Reason: fmt.Sprintf("has status %s", g.status)}},
	}
}

func checkPlanned(v *errs.Violations, n int) int {
	if n < 0 || n > maxPlanned {
		v.Add("/plannedSessions", fmt.Sprintf("must be from 0 to %d", maxPlanned))
	}
	return n
}

func checkReminderHours(v *errs.Violations, h int) int {
	if h < 1 || h > maxReminderHours {
		v.Add("/reminderHours", fmt.Sprintf("must be from 1 to %d", maxReminderHours))
	}
	return h
}

func checkOrganisers(v *errs.Violations, subjects []string) []string {
	if len(subjects) > maxOrganisers {
		v.Add("/organisers", fmt.Sprintf("must have at most %d organisers", maxOrganisers))
	}
	var out []string
	for i, s := range subjects {
		s = strings.TrimSpace(s)
		switch {
		case s == "" || utf8.RuneCountInString(s) > maxSubject:
			v.Add(fmt.Sprintf("/organisers/%d", i), fmt.Sprintf("must be a login subject of 1 to %d characters", maxSubject))
		case !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	return out
}

// checkText trims s and checks its length, reporting to v at path.
func checkText(v *errs.Violations, path, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		v.Add(path, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		v.Add(path, fmt.Sprintf("must be at most %d characters", max))
	}
	return s
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
