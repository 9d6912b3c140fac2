package response

import (
	"fmt"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
)

// Settings is how a municipality handles advice: its response term and
// the staff addresses mail about advice goes to.
type Settings struct {
	Municipality string
	TermDays     int
	// OfficerEmail is the policy officers' shared address: new advice is
	// announced there, and reminders go there while nobody owns a
	// response. Empty: no mail.
	OfficerEmail string
	// SecretaryEmail is the council secretary's: told when a response is
	// overdue. Empty: no mail.
	SecretaryEmail string
	// UpdatedAt is the settings' version: the Unix epoch for defaults
	// never changed, so that their version tag is the same before and
	// after the store writes them for the first change.
	UpdatedAt time.Time
}

// DefaultSettings are a municipality's settings until it sets its own.
func DefaultSettings(municipality string) Settings {
	return Settings{Municipality: municipality, TermDays: DefaultTermDays, UpdatedAt: time.Unix(0, 0).UTC()}
}

// SettingsChange is a change of settings: the fields set are changed.
type SettingsChange struct {
	TermDays       *int
	OfficerEmail   *string
	SecretaryEmail *string
}

// Change applies c to s at now, checking every changed field at once.
func (s *Settings) Change(c SettingsChange, now time.Time) error {
	var v errs.Violations
	next := *s
	if c.TermDays != nil {
		if *c.TermDays < 1 || *c.TermDays > MaxTermDays {
			v.Add("/termDays", fmt.Sprintf("must be between 1 and %d days", MaxTermDays))
		}
		next.TermDays = *c.TermDays
	}
	if c.OfficerEmail != nil {
		addr, err := ParseAddress(*c.OfficerEmail)
		if err != nil {
			v.Add("/officerEmail", err.Error())
		}
		next.OfficerEmail = addr
	}
	if c.SecretaryEmail != nil {
		addr, err := ParseAddress(*c.SecretaryEmail)
		if err != nil {
			v.Add("/secretaryEmail", err.Error())
		}
		next.SecretaryEmail = addr
	}
	if err := v.Err(); err != nil {
		return err
	}
	next.UpdatedAt = now.UTC()
	*s = next
	return nil
}
