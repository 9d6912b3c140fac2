// Package council models a municipality's participation council
// (participatieraad): its settings, and its members with their roles and
// terms. A member holds their role from the first through the last day of
// their term; the day after, they no longer do, without anyone having to act,
// because whether a member is active is always computed for a given day.
package council

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/region"
)

// Bounds of a council's settings.
const (
	DefaultSeats  = 9
	MinSeats      = 1
	MaxSeats      = 99
	maxNameLength = 100
	// An e-mail address longer than this cannot be delivered (RFC 5321).
	maxEmailLength = 254
)

// Settings are what a council's chair or secretary may change.
type Settings struct {
	// Name, e.g. "Participatieraad Velsen".
	Name string
	// ContactEmail is the council's organisational mailbox; empty for none.
	ContactEmail string
	// TakesUnsolicitedQuestions says whether the council also puts its own
	// questions on the agenda, or only takes the municipality's.
	TakesUnsolicitedQuestions bool
	// Seats is the number of seats; those without a current member are
	// vacancies.
	Seats int
}

// Council is one municipality's participation council.
type Council struct {
	municipalityCode string
	regionID         string
	settings         Settings
	updatedAt        time.Time
}

// New returns the council every municipality starts with: named after it,
// with the default number of seats, taking only the municipality's questions.
func New(m region.Municipality, now time.Time) Council {
	return Council{
		municipalityCode: m.Code(),
		regionID:         m.RegionID(),
		settings: Settings{
			Name:  truncate("Participatieraad "+m.Name(), maxNameLength),
			Seats: DefaultSeats,
		},
		updatedAt: now.UTC(),
	}
}

// Restore rebuilds a council from storage without validation.
func Restore(municipalityCode, regionID string, s Settings, updatedAt time.Time) Council {
	return Council{municipalityCode: municipalityCode, regionID: regionID, settings: s, updatedAt: updatedAt}
}

// Change returns the council with all its settings replaced by s, or an
// Invalid error listing every setting that is wrong.
func (c Council) Change(s Settings, now time.Time) (Council, error) {
	s.Name = strings.TrimSpace(s.Name)
	s.ContactEmail = strings.TrimSpace(s.ContactEmail)
	var v errs.Violations
	checkName(&v, s.Name)
	if s.ContactEmail != "" && !plausibleEmail(s.ContactEmail) {
		v.Add("/contactEmail", "must be an e-mail address such as info@participatieraad.nl, or empty")
	}
	if s.Seats < MinSeats || s.Seats > MaxSeats {
		v.Add("/seats", "must be between 1 and 99")
	}
	if err := v.Err(); err != nil {
		return Council{}, err
	}
	c.settings = s
	c.updatedAt = now.UTC()
	return c, nil
}

// MunicipalityCode returns the CBS code of the council's municipality, which
// also identifies the council.
func (c Council) MunicipalityCode() string { return c.municipalityCode }

// RegionID returns the region of the council's municipality.
func (c Council) RegionID() string { return c.regionID }

// Settings returns the council's settings.
func (c Council) Settings() Settings { return c.settings }

// Name returns the council's name.
func (c Council) Name() string { return c.settings.Name }

// ContactEmail returns the council's contact address, or "".
func (c Council) ContactEmail() string { return c.settings.ContactEmail }

// TakesUnsolicitedQuestions reports whether the council puts its own
// questions on the agenda.
func (c Council) TakesUnsolicitedQuestions() bool { return c.settings.TakesUnsolicitedQuestions }

// Seats returns the number of seats.
func (c Council) Seats() int { return c.settings.Seats }

// UpdatedAt returns when the settings last changed.
func (c Council) UpdatedAt() time.Time { return c.updatedAt }

// Vacancies returns the number of seats without a member of this council
// active on day. A council with more active members than seats has none.
func (c Council) Vacancies(members []Member, day Date) int {
	active := 0
	for _, m := range members {
		if m.MunicipalityCode() == c.municipalityCode && m.Active(day) {
			active++
		}
	}
	return max(0, c.settings.Seats-active)
}

// plausibleEmail accepts a bare address (no display name) with a dotted
// domain: enough to catch typing mistakes, which is all a form can know.
func plausibleEmail(s string) bool {
	if len(s) > maxEmailLength {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(a.Address, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func checkName(v *errs.Violations, name string) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		v.Add("/name", "is required")
	case n > maxNameLength:
		v.Add("/name", "must be at most 100 characters")
	}
}

func truncate(s string, runes int) string {
	if utf8.RuneCountInString(s) <= runes {
		return s
	}
	return string([]rune(s)[:runes])
}
