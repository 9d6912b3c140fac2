// Package agenda is a council's agenda: the questions (vraagstukken) put to
// it, by the municipality (solicited) or by the council itself
// (unsolicited), each for one municipality or for a region with the
// municipalities taking part. It imports no storage or transport: what it
// needs to know about tenants and themes it is handed as a Directory.
package agenda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/internal/errs"
)

// Scope is who a question, and the process that answers it, belongs to:
// one municipality (local work), or a region with the municipalities of
// that region taking part (regional work).
type Scope struct {
	tenant       string
	participants []string
}

// Municipality is what a scope needs to know of a municipality.
type Municipality struct {
	// Name is its display name, e.g. "Velsen".
	Name string
	// RegionID is the region it belongs to.
	RegionID string
	// TakesUnsolicited reports whether its council also takes questions
	// it raises itself.
	TakesUnsolicited bool
}

// Directory is what a new question may refer to: the themes, and the
// municipalities and regions it names. The store fills it with those that
// exist; anything absent is unknown.
type Directory struct {
	// Themes holds the keys of the known themes.
	Themes map[string]bool
	// Municipalities holds the known municipalities by CBS code.
	Municipalities map[string]Municipality
	// Regions holds the ids of the known regions.
	Regions map[string]bool
}

// NewScope validates tenant and participants against dir and returns the
// scope, or the violations found (paths relative to a question). A region
// as tenant makes the work regional and needs at least one participating
// municipality of that region; a municipality as tenant makes it local and
// takes none.
func NewScope(tenant string, participants []string, dir Directory) (Scope, errs.Violations) {
	var v errs.Violations
	tenant = strings.TrimSpace(tenant)
	_, isMunicipality := dir.Municipalities[tenant]
	switch {
	case tenant == "":
		v.Add("/scope/tenant", "is required: a municipality's CBS code for local work, or a region's id for regional work")
	case isMunicipality:
		if len(participants) > 0 {
			v.Add("/scope/participatingMunicipalities", "must be empty for the work of one municipality; make the region the tenant for regional work")
		}
	case dir.Regions[tenant]:
		if len(participants) == 0 {
			v.Add("/scope/participatingMunicipalities", "regional work needs at least one participating municipality")
		}
	default:
		v.Add("/scope/tenant", fmt.Sprintf("%q is neither a known municipality nor a known region", tenant))
	}
	if !dir.Regions[tenant] {
		if len(v) > 0 {
			return Scope{}, v
		}
		return Scope{tenant: tenant}, nil
	}
	var kept []string
	for i, code := range participants {
		path := fmt.Sprintf("/scope/participatingMunicipalities/%d", i)
		code = strings.TrimSpace(code)
		m, ok := dir.Municipalities[code]
		switch {
		case !ok:
			v.Add(path, fmt.Sprintf("municipality %q does not exist", code))
		case m.RegionID != tenant:
			v.Add(path, fmt.Sprintf("%s (%s) is not in region %s", m.Name, code, tenant))
		case slices.Contains(kept, code):
			// Naming a municipality twice is harmless; it takes part once.
		default:
			kept = append(kept, code)
		}
	}
	if len(v) > 0 {
		return Scope{}, v
	}
	slices.Sort(kept)
	return Scope{tenant: tenant, participants: kept}, nil
}

// RestoreScope rebuilds a scope from storage without validation.
func RestoreScope(tenant string, participants []string) Scope {
	return Scope{tenant: tenant, participants: slices.Clone(participants)}
}

// Tenant is the municipality's CBS code for local work, or the region's id.
func (s Scope) Tenant() string { return s.tenant }

// Participants lists the municipalities taking part in regional work; it is
// empty for local work.
func (s Scope) Participants() []string { return slices.Clone(s.participants) }

// Regional reports whether the work is shared by the municipalities of a
// region.
func (s Scope) Regional() bool { return len(s.participants) > 0 }

// Municipalities lists the municipalities whose councils the work
// concerns: the tenant for local work, the participants for regional work.
func (s Scope) Municipalities() []string {
	if s.Regional() {
		return s.Participants()
	}
	return []string{s.tenant}
}

// Concerns reports whether the work concerns the municipality with code.
func (s Scope) Concerns(code string) bool { return slices.Contains(s.Municipalities(), code) }
