package process

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
)

const maxStatement = 2000

// Declaration is a council member's declaration of interest in a process,
// so that others can weigh their part in it.
type Declaration struct {
	id         string
	processID  string
	memberID   string
	statement  string
	declaredBy string
	createdAt  time.Time
}

// NewDeclaration validates and returns a new declaration of the member
// memberID in process p, recorded by the subject by. memberCouncil
// is the CBS code of the member's council, or "" when there is no such
// member; it must be a council the process concerns.
func NewDeclaration(p Process, memberID, memberCouncil, statement, by string, now time.Time) (Declaration, error) {
	var v errs.Violations
	switch {
	case memberID == "":
		v.Add("/memberId", "is required")
	case memberCouncil == "":
		v.Add("/memberId", "is not a council member")
	case !p.Scope().Concerns(memberCouncil):
		v.Add("/memberId", fmt.Sprintf("the member sits on the council of %s, which does not take part in this process", memberCouncil))
	}
	statement = strings.TrimSpace(statement)
	switch n := utf8.RuneCountInString(statement); {
	case n == 0:
		v.Add("/statement", "is required")
	case n > maxStatement:
		v.Add("/statement", fmt.Sprintf("must be at most %d characters", maxStatement))
	}
	if err := v.Err(); err != nil {
		return Declaration{}, err
	}
	id, err := newID()
	if err != nil {
		return Declaration{}, fmt.Errorf("recording declaration: %w", err)
	}
	return Declaration{id: id, processID: p.ID(), memberID: memberID, statement: statement, declaredBy: by, createdAt: now.UTC()}, nil
}

// RestoreDeclaration rebuilds a declaration from storage without
// validation.
func RestoreDeclaration(id, processID, memberID, statement, declaredBy string, createdAt time.Time) Declaration {
	return Declaration{id: id, processID: processID, memberID: memberID, statement: statement, declaredBy: declaredBy, createdAt: createdAt}
}

// ID returns the declaration's id.
func (d Declaration) ID() string { return d.id }

// ProcessID returns the process it concerns.
func (d Declaration) ProcessID() string { return d.processID }

// MemberID returns the declaring member's id.
func (d Declaration) MemberID() string { return d.memberID }

// Statement returns the interest declared.
func (d Declaration) Statement() string { return d.statement }

// DeclaredBy returns the subject who recorded it.
func (d Declaration) DeclaredBy() string { return d.declaredBy }

// CreatedAt returns when it was declared.
func (d Declaration) CreatedAt() time.Time { return d.createdAt }
