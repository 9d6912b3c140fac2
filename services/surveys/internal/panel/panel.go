// Package panel is the domain of resident panels (bewonerspanels): the
// residents of a municipality who consented to be invited to polls, with
// their e-mail address and, optionally, postcode, neighbourhood and age
// band for breakdowns.
//
// It validates and normalises a member's data (addresses, Dutch postcodes,
// the fixed age bands), reads the CSV files staff import (ParseCSV names
// every bad row and field at once, in Dutch and English), and writes the
// texts of the mails members get (mail.go). It imports no storage or
// transport.
//
// A member is pending after signing up until they follow the confirmation
// link (double opt-in); imported members are active at once, on the
// consent the municipality collected. Unsubscribing erases the address
// and attributes at once: only a counted record without personal data
// remains.
package panel

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
)

// Status is where a member stands.
type Status string

// The statuses of a member.
const (
	Pending      Status = "pending"      // signed up, not confirmed: not invited
	Active       Status = "active"       // invited to polls
	Unsubscribed Status = "unsubscribed" // left; personal data erased
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Pending || s == Active || s == Unsubscribed }

// Source is how a member joined.
type Source string

// The ways to join.
const (
	Import Source = "import"  // imported by staff with the municipality's consent records
	SignUp Source = "sign_up" // signed up on the sign-up page
)

// ageBands are the fixed age bands, youngest first. They are coarse on
// purpose: with a postcode, an exact age could point at one person.
var ageBands = [...]string{"0-17", "18-26", "27-40", "41-65", "66-75", "76+"}

// AgeBands returns the age bands a member may give, youngest first.
func AgeBands() []string { return slices.Clone(ageBands[:]) }

// IsAgeBand reports whether band is one of AgeBands.
func IsAgeBand(band string) bool { return slices.Contains(ageBands[:], band) }

// AgeBandOrder is the position of band among AgeBands, or len(AgeBands())
// for anything else, for sorting counts.
func AgeBandOrder(band string) int {
	if i := slices.Index(ageBands[:], band); i >= 0 {
		return i
	}
	return len(ageBands)
}

// Limits of what a member's data may hold.
const (
	MaxEmail          = 254 // RFC 5321's path limit, less the brackets
	MaxConsentVersion = 100
)

// Attributes are what a member tells about themselves for breakdowns; each
// may be empty.
type Attributes struct {
	Postcode string // "1234 AB" or "1234"
	// Neighbourhood is the code of one of the municipality's
	// neighbourhoods (internal/neighbourhood), never a name as typed.
	Neighbourhood string
	AgeBand       string // one of AgeBands
}

// Member is a resident in a municipality's panel.
type Member struct {
	ID           string
	Municipality string
	// Email is empty once the member unsubscribed.
	Email string
	Attributes
	Status         Status
	Source         Source
	ConsentAt      time.Time
	ConsentVersion string
	Language       string // "nl" or "en"
	CreatedAt      time.Time
	UpdatedAt      time.Time
	UnsubscribedAt time.Time // zero unless unsubscribed
}

// Reason says what is wrong with a value, in Dutch and English: staff read
// import reports in either. Its Error is the English text.
type Reason struct {
	NL, EN string
}

func (r *Reason) Error() string { return r.EN }

func reason(nl, en string) *Reason { return &Reason{NL: nl, EN: en} }

func reasonf(nl, en string, args ...any) *Reason {
	return &Reason{NL: fmt.Sprintf(nl, args...), EN: fmt.Sprintf(en, args...)}
}

func notAnAddress() *Reason { return reason("is geen e-mailadres", "is not an e-mail address") }

func notAPostcode() *Reason {
	return reason("is geen Nederlandse postcode zoals 1971 AB", "is not a Dutch postcode such as 1971 AB")
}

// NormalizeEmail checks an e-mail address and returns it trimmed. Case is
// kept, as the address's owner wrote it; comparisons ignore it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", reason("ontbreekt", "is required")
	case len(s) > MaxEmail:
		return "", reasonf("is langer dan %d tekens", "is longer than %d characters", MaxEmail)
	}
	a, err := mail.ParseAddress(s)
	// A display name ("Jan <jan@example.nl>") or a comment parses too, but
	// is not an address alone.
	if err != nil || a.Address != s || a.Name != "" {
		return "", notAnAddress()
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || !strings.Contains(strings.Trim(domain, "."), ".") || strings.ContainsFunc(s, unicode.IsSpace) {
		return "", notAnAddress()
	}
	return s, nil
}

// EmailKey is the form under which addresses are compared: case does not
// make another address in practice, though RFC 5321 allows it.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// NormalizePostcode returns a Dutch postcode as "1234 AB", or its four
// digits alone as "1234"; "" stays "". Spaces and case do not matter.
func NormalizePostcode(s string) (string, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return "", nil
	}
	if len(s) != 4 && len(s) != 6 {
		return "", notAPostcode()
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return "", notAPostcode()
		}
	}
	if s[0] == '0' {
		return "", reason("is geen Nederlandse postcode: geen enkele begint met 0", "is not a Dutch postcode: none starts with 0")
	}
	if len(s) == 4 {
		return s, nil
	}
	letters := s[4:]
	for i := range 2 {
		if letters[i] < 'A' || letters[i] > 'Z' {
			return "", notAPostcode()
		}
	}
	// PostNL does not issue these letter pairs.
	if letters == "SA" || letters == "SD" || letters == "SS" {
		return "", reasonf("is geen Nederlandse postcode: %s wordt niet uitgegeven", "is not a Dutch postcode: %s is not issued", letters)
	}
	return s[:4] + " " + letters, nil
}

// NormalizeAgeBand returns one of AgeBands, ignoring spaces ("18 - 26"),
// or "" for "".
func NormalizeAgeBand(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return "", nil
	}
	if !slices.Contains(ageBands[:], s) {
		return "", reasonf("moet een van deze zijn: %s", "must be one of %s", strings.Join(ageBands[:], ", "))
	}
	return s, nil
}

// NormalizeNeighbourhood returns the code of the neighbourhood s names,
// by code or by name, among hoods (the closed list of the member's
// municipality); "" stays "", for a member who prefers not to say.
// Anything else is refused: a neighbourhood groups residents in
// breakdowns and travels in events, and free text there once carried a
// resident's name, phone number and address. The reason never repeats s,
// which may be personal data.
func NormalizeNeighbourhood(s string, hoods neighbourhood.List) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	n, ok := hoods.Resolve(s)
	if !ok {
		if hoods.Len() == 0 {
			return "", reason("kan niet worden opgegeven: voor deze gemeente is geen lijst van wijken ingesteld",
				"cannot be given: no list of neighbourhoods is set for this municipality")
		}
		return "", reason("is geen wijk van deze gemeente; kies een wijk uit de lijst (code of naam)",
			"is not one of this municipality's neighbourhoods; choose one from the list (by code or name)")
	}
	return n.Code, nil
}

// NormalizeAttributes checks and normalises a for a member whose
// municipality's neighbourhoods are hoods, adding what is wrong to v under
// prefix + the field's JSON name.
func NormalizeAttributes(v *errs.Violations, prefix string, a Attributes, hoods neighbourhood.List) Attributes {
	var err error
	if a.Postcode, err = NormalizePostcode(a.Postcode); err != nil {
		v.Add(prefix+"postcode", err.Error())
	}
	if a.Neighbourhood, err = NormalizeNeighbourhood(a.Neighbourhood, hoods); err != nil {
		v.Add(prefix+"neighbourhood", err.Error())
	}
	if a.AgeBand, err = NormalizeAgeBand(a.AgeBand); err != nil {
		v.Add(prefix+"ageBand", err.Error())
	}
	return a
}

// CheckConsentVersion checks the version of a consent text, which every
// consent must name.
func CheckConsentVersion(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", reason("ontbreekt: met welke toestemmingstekst is ingestemd", "is required: which consent text was agreed to")
	case utf8.RuneCountInString(s) > MaxConsentVersion:
		return "", reasonf("is langer dan %d tekens", "is longer than %d characters", MaxConsentVersion)
	}
	return s, nil
}

// Application is a resident's sign-up for a municipality's panel.
type Application struct {
	Municipality string
	Email        string
	Attributes
	ConsentVersion string
	Language       string // "nl" (default) or "en"
}

// Normalize checks a and returns it normalised, naming every invalid field
// in one errs.Invalid error. hoods are the neighbourhoods of the
// municipality a names.
func (a Application) Normalize(hoods neighbourhood.List) (Application, error) {
	var v errs.Violations
	var err error
	if strings.TrimSpace(a.Municipality) == "" {
		v.Add("/municipalityCode", "is required")
	}
	if a.Email, err = NormalizeEmail(a.Email); err != nil {
		v.Add("/email", err.Error())
	}
	a.Attributes = NormalizeAttributes(&v, "/", a.Attributes, hoods)
	if a.ConsentVersion, err = CheckConsentVersion(a.ConsentVersion); err != nil {
		v.Add("/consentVersion", err.Error())
	}
	switch a.Language {
	case "":
		a.Language = "nl"
	case "nl", "en":
	default:
		v.Add("/language", `must be "nl" or "en"`)
	}
	return a, v.Err()
}
