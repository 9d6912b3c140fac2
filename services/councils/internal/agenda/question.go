package agenda

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/council"
)

// Origin is where a question comes from.
type Origin string

// The origins of a question.
const (
	// Solicited (gevraagd advies): the municipality asks, through a policy
	// officer, and says when it needs the advice.
	Solicited Origin = "solicited"
	// Unsolicited (ongevraagd advies): the council raises it from what it
	// hears from residents.
	Unsolicited Origin = "unsolicited"
)

// Valid reports whether o is a known origin.
func (o Origin) Valid() bool { return o == Solicited || o == Unsolicited }

// Status is where a question stands.
type Status string

// The statuses of a question.
const (
	Open     Status = "open"     // awaiting the council's decision
	Accepted Status = "accepted" // taken up; a process may start
	Rejected Status = "rejected" // not taken up, with a reason
)

// Theme is a theme of the social domain that questions are filed under.
type Theme struct {
	// Key is the stable identifier, e.g. "mantelzorg".
	Key string
	// NameNL is the Dutch name, e.g. "Mantelzorg".
	NameNL string
	// NameEN is the English name, e.g. "Informal care".
	NameEN string
}

const (
	maxTitle       = 200
	maxDescription = 4000
	maxReason      = 2000
)

// Draft is a question as its raiser proposes it.
type Draft struct {
	Title       string
	Description string
	// Theme is a theme key.
	Theme  string
	Origin Origin
	// Tenant and Participants are the scope; see NewScope.
	Tenant       string
	Participants []string
	// AdviceNeededBy is "YYYY-MM-DD"; required for solicited questions.
	AdviceNeededBy string
}

// Question is a question on a council's agenda (vraagstuk).
type Question struct {
	id             string
	title          string
	description    string
	theme          string
	origin         Origin
	scope          Scope
	adviceNeededBy council.Date
	status         Status
	decisionReason string
	decidedBy      string
	decidedAt      time.Time
	processID      string
	raisedBy       string
	createdAt      time.Time
}

// NewQuestion validates d against dir and returns a new open question,
// raised by the subject raisedBy. today is the current calendar day in
// Amsterdam. Every problem is reported at once, with paths relative to the
// question.
func NewQuestion(d Draft, dir Directory, raisedBy string, today council.Date, now time.Time) (Question, error) {
	scope, v := NewScope(d.Tenant, d.Participants, dir)
	title := strings.TrimSpace(d.Title)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		v.Add("/title", "is required")
	case n > maxTitle:
		v.Add("/title", fmt.Sprintf("must be at most %d characters", maxTitle))
	}
	description := strings.TrimSpace(d.Description)
	if utf8.RuneCountInString(description) > maxDescription {
		v.Add("/description", fmt.Sprintf("must be at most %d characters", maxDescription))
	}
	switch {
	case d.Theme == "":
		v.Add("/theme", "is required")
	case !dir.Themes[d.Theme]:
		v.Add("/theme", fmt.Sprintf("%q is not a known theme", d.Theme))
	}
	if !d.Origin.Valid() {
		v.Add("/origin", "is required: solicited (asked by the municipality) or unsolicited (raised by the council)")
	}
	var needed council.Date
	switch day, err := council.ParseDate(d.AdviceNeededBy); {
	case d.AdviceNeededBy == "" && d.Origin == Solicited:
		v.Add("/adviceNeededBy", "is required for a solicited question: the date the municipality needs the advice")
	case d.AdviceNeededBy == "":
	case err != nil:
		v.Add("/adviceNeededBy", "must be a date written YYYY-MM-DD")
	case day.Before(today):
		v.Add("/adviceNeededBy", "must not be in the past")
	default:
		needed = day
	}
	if err := v.Err(); err != nil {
		return Question{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Question{}, fmt.Errorf("new question id: %w", err)
	}
	return Question{
		id:             id.String(),
		title:          title,
		description:    description,
		theme:          d.Theme,
		origin:         d.Origin,
		scope:          scope,
		adviceNeededBy: needed,
		status:         Open,
		raisedBy:       raisedBy,
		createdAt:      now.UTC(),
	}, nil
}

// CheckCouncils refuses an unsolicited question that a council it
// concerns would not take: some councils (Velsen's) only take questions
// from their municipality. For regional work every participating council
// must take it. dir must hold the municipalities of q's scope.
func (q Question) CheckCouncils(dir Directory) error {
	return CheckCouncils(q.origin, q.scope, dir)
}

// CheckCouncils is Question.CheckCouncils for a question of origin in
// scope that is not written yet, so that a form can offer only the origins
// the councils take.
func CheckCouncils(origin Origin, scope Scope, dir Directory) error {
	refusing := Refusing(origin, scope, dir)
	var reason string
	switch len(refusing) {
	case 0:
		return nil
	case 1:
		reason = fmt.Sprintf("the council of %s only takes questions from the municipality", nameIn(dir, refusing[0]))
	default:
		names := make([]string, len(refusing))
		for i, code := range refusing {
			names[i] = nameIn(dir, code)
		}
		reason = fmt.Sprintf("the councils of %s and %s only take questions from their municipality",
			strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: reason, Fields: []errs.Field{{Path: "/origin", Reason: reason}}}
}

// Refusing lists the municipalities of scope, by code, whose councils
// would not take a question of origin: for an unsolicited question, those
// that only take questions from their municipality; none for a solicited
// one.
func Refusing(origin Origin, scope Scope, dir Directory) []string {
	if origin != Unsolicited {
		return nil
	}
	var refusing []string
	for _, code := range scope.Municipalities() {
		if !dir.Municipalities[code].TakesUnsolicited {
			refusing = append(refusing, code)
		}
	}
	return refusing
}

func nameIn(dir Directory, code string) string {
	if m, ok := dir.Municipalities[code]; ok && m.Name != "" {
		return m.Name
	}
	return code
}

// Decide records the council's decision by the subject by: accept takes
// the question up; rejecting needs a reason. Only an open question can be
// decided.
func (q *Question) Decide(accept bool, reason, by string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	var v errs.Violations
	switch n := utf8.RuneCountInString(reason); {
	case n == 0 && !accept:
		v.Add("/reason", "is required when rejecting a question")
	case n > maxReason:
		v.Add("/reason", fmt.Sprintf("must be at most %d characters", maxReason))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if q.status != Open {
		return &errs.Error{Code: errs.FailedPrecondition, Message: fmt.Sprintf("the question was already %s; only open questions can be decided", q.status),
			Fields: []errs.Field{{Path: "/status", Reason: fmt.Sprintf("is %s, not open", q.status)}}}
	}
	q.status = Rejected
	if accept {
		q.status = Accepted
	}
	q.decisionReason = reason
	q.decidedBy = by
	q.decidedAt = now.UTC()
	return nil
}

// Record is a question as stored, for RestoreQuestion.
type Record struct {
	ID             string
	Title          string
	Description    string
	Theme          string
	Origin         Origin
	Scope          Scope
	AdviceNeededBy council.Date
	Status         Status
	DecisionReason string
	DecidedBy      string
	DecidedAt      time.Time
	ProcessID      string
	RaisedBy       string
	CreatedAt      time.Time
}

// RestoreQuestion rebuilds a question from storage without validation.
func RestoreQuestion(r Record) Question {
	return Question{
		id: r.ID, title: r.Title, description: r.Description, theme: r.Theme, origin: r.Origin, scope: r.Scope,
		adviceNeededBy: r.AdviceNeededBy, status: r.Status, decisionReason: r.DecisionReason,
		decidedBy: r.DecidedBy, decidedAt: r.DecidedAt, processID: r.ProcessID, raisedBy: r.RaisedBy, createdAt: r.CreatedAt,
	}
}

// ID returns the question's id.
func (q Question) ID() string { return q.id }

// Title returns the short title.
func (q Question) Title() string { return q.title }

// Description returns what the question is about.
func (q Question) Description() string { return q.description }

// Theme returns the theme key.
func (q Question) Theme() string { return q.theme }

// Origin returns where the question comes from.
func (q Question) Origin() Origin { return q.origin }

// Scope returns who the question belongs to.
func (q Question) Scope() Scope { return q.scope }

// AdviceNeededBy returns the day the municipality needs the advice; zero
// when not given.
func (q Question) AdviceNeededBy() council.Date { return q.adviceNeededBy }

// Status returns where the question stands.
func (q Question) Status() Status { return q.status }

// DecisionReason returns why the council decided as it did.
func (q Question) DecisionReason() string { return q.decisionReason }

// DecidedBy returns the subject who decided, or "".
func (q Question) DecidedBy() string { return q.decidedBy }

// DecidedAt returns when it was decided, or the zero time.
func (q Question) DecidedAt() time.Time { return q.decidedAt }

// ProcessID returns the id of the process started for it, or "".
func (q Question) ProcessID() string { return q.processID }

// RaisedBy returns the subject who raised it.
func (q Question) RaisedBy() string { return q.raisedBy }

// CreatedAt returns when it was raised.
func (q Question) CreatedAt() time.Time { return q.createdAt }
