package council

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
)

// Role is what a member does in their council.
type Role string

// The roles a member can hold.
const (
	RoleMember    Role = "member"    // lid
	RoleChair     Role = "chair"     // voorzitter
	RoleSecretary Role = "secretary" // secretaris
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleMember || r == RoleChair || r == RoleSecretary }

// maxSubjectLength bounds a login subject; identity providers use far less.
const maxSubjectLength = 255

// Term is the period a member holds their role: from Start through End,
// both inclusive. A zero End means open-ended.
type Term struct {
	Start Date
	End   Date
}

// Active reports whether day falls within the term.
func (t Term) Active(day Date) bool {
	return !day.Before(t.Start) && (t.End.IsZero() || !day.After(t.End))
}

// Ended reports whether the term's last day is before day.
func (t Term) Ended(day Date) bool { return !t.End.IsZero() && t.End.Before(day) }

// MemberInput is a member as a client entered it, dates as YYYY-MM-DD.
type MemberInput struct {
	Name      string
	Role      string // "member", "chair" or "secretary"
	TermStart string
	TermEnd   string // empty while open-ended
	Subject   string // the member's staff login, if any
}

// Member is a person on a council's roster, for a term.
type Member struct {
	id               string
	municipalityCode string
	name             string
	role             Role
	term             Term
	subject          string
	createdAt        time.Time
	updatedAt        time.Time
}

// NewMember validates in and returns a new member of the council of
// municipalityCode, or an Invalid error listing every field that is wrong.
func NewMember(municipalityCode string, in MemberInput, now time.Time) (Member, error) {
	m, err := Member{municipalityCode: municipalityCode, createdAt: now.UTC()}.Change(in, now)
	if err != nil {
		return Member{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Member{}, fmt.Errorf("member id: %w", err)
	}
	m.id = id.String()
	return m, nil
}

// RestoreMember rebuilds a member from storage without validation.
func RestoreMember(id, municipalityCode, name string, role Role, term Term, subject string, createdAt, updatedAt time.Time) Member {
	return Member{id: id, municipalityCode: municipalityCode, name: name, role: role, term: term,
		subject: subject, createdAt: createdAt, updatedAt: updatedAt}
}

// Change returns the member with name, role, term and subject replaced by
// in, or an Invalid error listing every field that is wrong.
func (m Member) Change(in MemberInput, now time.Time) (Member, error) {
	var v errs.Violations
	name := strings.TrimSpace(in.Name)
	checkName(&v, name)
	role := Role(in.Role)
	switch {
	case in.Role == "":
		v.Add("/role", "is required")
	case !role.Valid():
		v.Add("/role", "must be member, chair or secretary")
	}
	var term Term
	var err error
	if in.TermStart == "" {
		v.Add("/termStart", "is required")
	} else if term.Start, err = ParseDate(in.TermStart); err != nil {
		v.Add("/termStart", "must be a date as YYYY-MM-DD")
	}
	if in.TermEnd != "" {
		if term.End, err = ParseDate(in.TermEnd); err != nil {
			v.Add("/termEnd", "must be a date as YYYY-MM-DD, or empty while the term is open-ended")
		} else if !term.Start.IsZero() && term.End.Before(term.Start) {
			v.Add("/termEnd", "must not be before the start of the term")
		}
	}
	subject := strings.TrimSpace(in.Subject)
	if len(subject) > maxSubjectLength {
		v.Add("/subject", fmt.Sprintf("must be at most %d bytes", maxSubjectLength))
	}
	if err := v.Err(); err != nil {
		return Member{}, err
	}
	m.name, m.role, m.term, m.subject = name, role, term, subject
	m.updatedAt = now.UTC()
	return m, nil
}

// ID returns the member's id.
func (m Member) ID() string { return m.id }

// MunicipalityCode returns the CBS code of the member's council.
func (m Member) MunicipalityCode() string { return m.municipalityCode }

// Name returns the member's name. It stays in this service: events carry
// the id.
func (m Member) Name() string { return m.name }

// Role returns the role the member holds during their term.
func (m Member) Role() Role { return m.role }

// Term returns the member's term.
func (m Member) Term() Term { return m.term }

// Subject returns the member's staff login subject, or "".
func (m Member) Subject() string { return m.subject }

// CreatedAt returns when the member was added.
func (m Member) CreatedAt() time.Time { return m.createdAt }

// UpdatedAt returns when the member last changed.
func (m Member) UpdatedAt() time.Time { return m.updatedAt }

// Active reports whether the member holds their role on day.
func (m Member) Active(day Date) bool { return m.term.Active(day) }

// Leaves reports whether m, compared with before, sets or moves the end of
// the term: the change that announces the member's leaving.
func (m Member) Leaves(before Member) bool {
	return !m.term.End.IsZero() && m.term.End != before.term.End
}

// Rejoins reports whether m, compared with before, makes an ended or ending
// term open-ended again.
func (m Member) Rejoins(before Member) bool {
	return m.term.End.IsZero() && !before.term.End.IsZero()
}

// Roster orders members as a roster shows them on day: those active first,
// then by name. Members whose term ended before day are left out unless
// includeFormer; members whose term has yet to start stay, inactive.
func Roster(members []Member, day Date, includeFormer bool) []Member {
	out := make([]Member, 0, len(members))
	for _, m := range members {
		if includeFormer || !m.term.Ended(day) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Member) int {
		if aa, ba := a.Active(day), b.Active(day); aa != ba {
			if aa {
				return -1
			}
			return 1
		}
		return cmp.Or(
			strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)),
			strings.Compare(a.id, b.id),
		)
	})
	return out
}
