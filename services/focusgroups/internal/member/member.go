// Package member is a focus group's member: staff known by their login,
// or a resident known by a mail address, with their role and, for a
// resident, the consent they gave. A member's personal data stays in this
// service; events name them by their id and role. Erasure removes the data
// and keeps what the member counted for.
package member

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

// Kind says whether a member is staff or a resident.
type Kind string

// The kinds.
const (
	Staff    Kind = "staff"
	Resident Kind = "resident"
)

// Status is where a member stands.
type Status string

// The statuses.
const (
	Active Status = "active"
	Left   Status = "left"
	Erased Status = "erased"
)

// ConsentMethod is how a resident consented to take part.
type ConsentMethod string

// The consent methods.
const (
	ByInvitationLink ConsentMethod = "invitation_link"
	InPerson         ConsentMethod = "in_person"
	ByPhone          ConsentMethod = "phone"
	OnPaperForm      ConsentMethod = "paper_form"
	ByEmail          ConsentMethod = "email"
)

func (m ConsentMethod) valid() bool {
	switch m {
	case ByInvitationLink, InPerson, ByPhone, OnPaperForm, ByEmail:
		return true
	}
	return false
}

// Consent is when and how a resident consented, and who recorded it
// (empty when they accepted an invitation themselves).
type Consent struct {
	Method     ConsentMethod
	At         time.Time
	RecordedBy string
}

// Limits of what staff type.
const (
	maxName    = 200
	maxEmail   = 254
	maxSubject = 200
)

// Spec is what a new member is made from.
type Spec struct {
	GroupID  string
	Kind     Kind
	Role     string
	Name     string
	Email    string
	Subject  string
	Language string
	Consent  Consent
	// Roles are the roles the group's tenant has, one of which Role must
	// name; the zero value is the built-in roles alone.
	Roles group.RoleSet
}

// Member is a member of a focus group.
type Member struct {
	id       string
	groupID  string
	kind     Kind
	role     string
	name     string
	email    string
	subject  string
	language string
	consent  Consent
	status   Status
	joinedAt time.Time
	leftAt   time.Time
}

// New makes a member from spec at now; every problem is reported at once.
// A resident needs a mail address and consent given by now (an organiser
// records it, or the resident gives it through an invitation), staff a
// login subject.
func New(spec Spec, now time.Time) (Member, error) {
	var v errs.Violations
	now = utc(now)
	m := Member{groupID: spec.GroupID, kind: spec.Kind, role: spec.Role, status: Active, joinedAt: now}
	if !spec.Roles.Valid(spec.Role) {
		v.Add("/role", spec.Roles.Reason())
	}
	m.name = checkName(&v, spec.Name)
	m.email = checkEmail(&v, spec.Email, spec.Kind == Resident)
	m.language = checkLanguage(&v, spec.Language)
	switch spec.Kind {
	case Staff:
		m.subject = strings.TrimSpace(spec.Subject)
		if m.subject == "" || utf8.RuneCountInString(m.subject) > maxSubject {
			v.Add("/subject", fmt.Sprintf("must be the staff member's login subject, 1 to %d characters", maxSubject))
		}
		if spec.Consent != (Consent{}) {
			v.Add("/consent", "must be empty for staff, who take part in their work")
		}
	case Resident:
		if strings.TrimSpace(spec.Subject) != "" {
			v.Add("/subject", "must be empty for a resident, who has no login")
		}
		m.consent = checkConsent(&v, spec.Consent, now)
	default:
		v.Add("/kind", "must be staff or resident")
	}
	if err := v.Err(); err != nil {
		return Member{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Member{}, fmt.Errorf("new member id: %w", err)
	}
	m.id = id.String()
	return m, nil
}

// Record is a member as stored, for Restore.
type Record struct {
	ID, GroupID          string
	Kind                 Kind
	Role                 string
	Name, Email, Subject string
	Language             string
	Consent              Consent
	Status               Status
	JoinedAt, LeftAt     time.Time
}

// Restore rebuilds a member from storage without validation.
func Restore(r Record) Member {
	return Member{id: r.ID, groupID: r.GroupID, kind: r.Kind, role: r.Role, name: r.Name, email: r.Email, subject: r.Subject,
		language: r.Language, consent: r.Consent, status: r.Status, joinedAt: r.JoinedAt, leftAt: r.LeftAt}
}

// Record returns the member as stored.
func (m Member) Record() Record {
	return Record{ID: m.id, GroupID: m.groupID, Kind: m.kind, Role: m.role, Name: m.name, Email: m.email, Subject: m.subject,
		Language: m.language, Consent: m.consent, Status: m.status, JoinedAt: m.joinedAt, LeftAt: m.leftAt}
}

// ID returns the member's pseudonymous id.
func (m Member) ID() string { return m.id }

// GroupID returns the id of their group.
func (m Member) GroupID() string { return m.groupID }

// Kind returns whether they are staff or a resident.
func (m Member) Kind() Kind { return m.kind }

// Role returns their role's key.
func (m Member) Role() string { return m.role }

// Name returns their name; empty once erased.
func (m Member) Name() string { return m.name }

// Email returns their mail address; empty once erased, and for staff
// who gave none.
func (m Member) Email() string { return m.email }

// Subject returns a staff member's login subject.
func (m Member) Subject() string { return m.subject }

// Language returns the language of their mails.
func (m Member) Language() string { return m.language }

// Consent returns a resident's consent.
func (m Member) Consent() Consent { return m.consent }

// Status returns where they stand.
func (m Member) Status() Status { return m.status }

// Active reports whether they take part.
func (m Member) Active() bool { return m.status == Active }

// JoinedAt returns when they joined.
func (m Member) JoinedAt() time.Time { return m.joinedAt }

// LeftAt returns when they left, if they did.
func (m Member) LeftAt() time.Time { return m.leftAt }

// Leave takes an active member out of the group.
func (m *Member) Leave(now time.Time) error {
	if m.status != Active {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "the member has left the group already",
			Fields: []errs.Field{{Path: "/status", Reason: "has status " + string(m.status)}}}
	}
	m.status, m.leftAt = Left, utc(now)
	return nil
}

// Erase removes the member's personal data, leaving them if they had not
// left. Their id and role remain, for what they counted for.
func (m *Member) Erase(now time.Time) {
	if m.status == Active {
		m.leftAt = utc(now)
	}
	m.status = Erased
	m.name, m.email, m.subject = "", "", ""
	m.consent = Consent{Method: m.consent.Method}
}

func checkName(v *errs.Violations, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxName {
		v.Add("/name", fmt.Sprintf("must be 1 to %d characters", maxName))
	}
	return s
}

// checkEmail accepts a bare address (no display name) or, if not
// required, none.
func checkEmail(v *errs.Violations, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add("/email", "must be the resident's e-mail address")
		}
		return ""
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > maxEmail {
		v.Add("/email", "must be an e-mail address, such as naam@example.nl")
	}
	return s
}

// CheckEmail reports whether s is an address New accepts for a resident,
// with the reason to give when it is not.
func CheckEmail(path, s string) error {
	var v errs.Violations
	checkEmail(&v, s, true)
	if len(v) > 0 {
		v[0].Path = path
	}
	return v.Err()
}

func checkLanguage(v *errs.Violations, s string) string {
	switch s {
	case "":
		return "nl"
	case "nl", "en":
		return s
	}
	v.Add("/language", "must be nl or en")
	return s
}

func checkConsent(v *errs.Violations, c Consent, now time.Time) Consent {
	// Only the resident gives consent through an invitation's link; staff
	// record how it was given to them.
	if !c.Method.valid() || (c.Method == ByInvitationLink && c.RecordedBy != "") {
		v.Add("/consent/method", "must be in_person, phone, paper_form or email")
	}
	switch {
	case c.At.IsZero():
		v.Add("/consent/time", "must say when the resident consented")
	case c.At.After(now.Add(time.Minute)):
		v.Add("/consent/time", "must not be in the future")
	}
	return Consent{Method: c.Method, At: utc(c.At), RecordedBy: c.RecordedBy}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
