package process

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
)

// System is the actor of moves that consumed events cause.
const System = "system"

const (
	maxPreciseQuestion = 2000
	maxApproach        = 4000
	maxTargetGroup     = 1000
	maxReason          = 2000
)

// Process is a participation process for one accepted question. Changes
// that add records (transitions, executed input, field activities,
// milestones) keep them as pending until the store has saved them.
type Process struct {
	id                string
	questionID        string
	title             string
	theme             string
	origin            agenda.Origin
	scope             agenda.Scope
	phase             Phase
	preciseQuestion   string
	approach          string
	targetGroup       string
	forms             []FormKind
	executed          []FormKind
	residentsReached  int
	polls             []Poll
	adviceSentAt      time.Time
	reportPublishedAt time.Time
	startedBy         string
	createdAt         time.Time
	updatedAt         time.Time

	pending Pending
}

// Pending holds what changes to a process added and the store has yet to
// save.
type Pending struct {
	Transitions     []Transition
	Inputs          []Input
	FieldActivities []FieldActivity
	Milestones      []Milestone
}

// Transition is a recorded move from one phase to another.
type Transition struct {
	ID        string
	ProcessID string
	From      Phase
	To        Phase
	Reason    string
	// Actor is the subject of who moved it, or System.
	Actor string
	At    time.Time
}

// Input is executed input: something that brought residents' input to the
// process through one form. Source identifies it (a field activity's id or
// a consumed event's id), so the same source counts once.
type Input struct {
	Source     string
	Form       FormKind
	OccurredAt time.Time
}

// MilestoneKind is what the results service reported about a process.
type MilestoneKind string

// The milestones.
const (
	AdviceSent      MilestoneKind = "advice_sent"
	ReportPublished MilestoneKind = "report_published"
)

// Milestone is a report from the results service, identified by the
// consumed event's id.
type Milestone struct {
	Source     string
	Kind       MilestoneKind
	OccurredAt time.Time
}

// Start begins a process for question q, in phase intake. Only an
// accepted question without a process can get one.
func Start(q agenda.Question, by string, now time.Time) (Process, error) {
	if q.Status() != agenda.Accepted {
		return Process{}, &errs.Error{Code: errs.FailedPrecondition,
			Message: fmt.Sprintf("only an accepted question can get a process; this one is %s", q.Status()),
			Fields:  []errs.Field{{Path: "/questionId", Reason: fmt.Sprintf("the question is %s, not accepted", q.Status())}}}
	}
	if q.ProcessID() != "" {
		return Process{}, errs.New(errs.Conflict, "the question already has process %s", q.ProcessID())
	}
	id, err := newID()
	if err != nil {
		return Process{}, fmt.Errorf("starting process: %w", err)
	}
	now = now.UTC()
	return Process{
		id:         id,
		questionID: q.ID(),
		title:      q.Title(),
		theme:      q.Theme(),
		origin:     q.Origin(),
		scope:      q.Scope(),
		phase:      Intake,
		startedBy:  by,
		createdAt:  now,
		updatedAt:  now,
	}, nil
}

// Plan is what concretising decides, and the forms chosen.
type Plan struct {
	PreciseQuestion string
	Approach        string
	TargetGroup     string
	Forms           []FormKind
}

// SetPlan replaces the precise question, approach, target group and chosen
// forms. Naming a form twice chooses it once. A closed process cannot
// change.
func (p *Process) SetPlan(pl Plan, now time.Time) error {
	var v errs.Violations
	precise := checkText(&v, "/preciseQuestion", pl.PreciseQuestion, maxPreciseQuestion)
	approach := checkText(&v, "/approach", pl.Approach, maxApproach)
	target := checkText(&v, "/targetGroup", pl.TargetGroup, maxTargetGroup)
	for i, f := range pl.Forms {
		if !f.Valid() {
			v.Add(fmt.Sprintf("/forms/%d", i), "is not a participation form")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.checkOpen("change"); err != nil {
		return err
	}
	p.preciseQuestion, p.approach, p.targetGroup = precise, approach, target
	p.forms = sortForms(pl.Forms)
	p.updatedAt = now.UTC()
	return nil
}

func checkText(v *errs.Violations, path, s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		v.Add(path, fmt.Sprintf("must be at most %d characters", max))
	}
	return s
}

func (p Process) checkOpen(action string) error {
	if p.phase != Closed {
		return nil
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: fmt.Sprintf("the process is closed; it cannot %s", action),
		Fields: []errs.Field{{Path: "/phase", Reason: "is closed"}}}
}

// RecordInput counts input that came in through form, from source (a
// consumed event's id), at occurredAt. The store makes sure a source is
// recorded once. Input still counts after closing: it is a fact.
func (p *Process) RecordInput(source string, form FormKind, occurredAt, now time.Time) error {
	if !form.Valid() {
		return fmt.Errorf("recording input %s: %q is not a participation form", source, form)
	}
	p.addInput(Input{Source: source, Form: form, OccurredAt: occurredAt.UTC()})
	p.updatedAt = now.UTC()
	return nil
}

func (p *Process) addInput(in Input) {
	p.pending.Inputs = append(p.pending.Inputs, in)
	p.executed = sortForms(append(slices.Clone(p.executed), in.Form))
}

// RecordFieldActivity counts a field activity as executed input of its
// form and adds the residents it reached. A closed process takes none.
func (p *Process) RecordFieldActivity(a FieldActivity) error {
	if a.processID != p.id {
		return fmt.Errorf("field activity %s is for process %s, not %s", a.id, a.processID, p.id)
	}
	if err := p.checkOpen("record field activities"); err != nil {
		return err
	}
	p.addInput(Input{Source: a.id, Form: a.form, OccurredAt: a.day.Time()})
	p.residentsReached += a.residentsReached
	p.pending.FieldActivities = append(p.pending.FieldActivities, a)
	p.updatedAt = a.createdAt
	return nil
}

// Pending returns what changes added and the store has yet to save.
func (p Process) Pending() Pending { return p.pending }

// ClearPending forgets the pending records once the store has saved them.
func (p *Process) ClearPending() { p.pending = Pending{} }

// Saved records that the store has saved the change, with at as the time
// of the last change: the store may move it past the version it replaced
// (see internal/revision), and at is the version later reads return. It
// forgets the pending records too.
func (p *Process) Saved(at time.Time) {
	p.ClearPending()
	p.updatedAt = at
}

// Record is a process as stored, for Restore.
type Record struct {
	ID                string
	QuestionID        string
	Title             string
	Theme             string
	Origin            agenda.Origin
	Scope             agenda.Scope
	Phase             Phase
	PreciseQuestion   string
	Approach          string
	TargetGroup       string
	Forms             []FormKind
	ExecutedForms     []FormKind
	ResidentsReached  int
	Polls             []Poll
	AdviceSentAt      time.Time
	ReportPublishedAt time.Time
	StartedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Restore rebuilds a process from storage without validation.
func Restore(r Record) Process {
	return Process{
		id: r.ID, questionID: r.QuestionID, title: r.Title, theme: r.Theme, origin: r.Origin, scope: r.Scope,
		phase: r.Phase, preciseQuestion: r.PreciseQuestion, approach: r.Approach, targetGroup: r.TargetGroup,
		forms: sortForms(r.Forms), executed: sortForms(r.ExecutedForms), residentsReached: r.ResidentsReached,
		adviceSentAt: r.AdviceSentAt, reportPublishedAt: r.ReportPublishedAt, startedBy: r.StartedBy,
		createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, polls: r.Polls,
	}
}

// ID returns the process's id.
func (p Process) ID() string { return p.id }

// QuestionID returns the id of the question it answers.
func (p Process) QuestionID() string { return p.questionID }

// Title returns the question's title.
func (p Process) Title() string { return p.title }

// Theme returns the question's theme key.
func (p Process) Theme() string { return p.theme }

// Origin returns the question's origin.
func (p Process) Origin() agenda.Origin { return p.origin }

// Scope returns who the process belongs to: its question's scope.
func (p Process) Scope() agenda.Scope { return p.scope }

// Phase returns the current phase.
func (p Process) Phase() Phase { return p.phase }

// PreciseQuestion returns the precise question, once concretised.
func (p Process) PreciseQuestion() string { return p.preciseQuestion }

// Approach returns how the question will be asked.
func (p Process) Approach() string { return p.approach }

// TargetGroup returns the target group.
func (p Process) TargetGroup() string { return p.targetGroup }

// Forms returns the chosen participation forms.
func (p Process) Forms() []FormKind { return slices.Clone(p.forms) }

// ExecutedForms returns the forms that have brought in input.
func (p Process) ExecutedForms() []FormKind { return slices.Clone(p.executed) }

// ResidentsReached returns the residents reached by field activities and
// the answers of closed polls.
func (p Process) ResidentsReached() int { return p.residentsReached }

// AdviceSentAt returns when the advice was first sent, or the zero time.
func (p Process) AdviceSentAt() time.Time { return p.adviceSentAt }

// ReportPublishedAt returns when the final report was first published, or
// the zero time.
func (p Process) ReportPublishedAt() time.Time { return p.reportPublishedAt }

// StartedBy returns the subject who started the process.
func (p Process) StartedBy() string { return p.startedBy }

// CreatedAt returns when the process started.
func (p Process) CreatedAt() time.Time { return p.createdAt }

// UpdatedAt returns when the process last changed.
func (p Process) UpdatedAt() time.Time { return p.updatedAt }

func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}
