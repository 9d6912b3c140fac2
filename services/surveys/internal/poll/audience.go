package poll

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

// AudienceKind is who may answer a poll. Its value is the lower-case name
// used in storage and events.
type AudienceKind string

// The audiences.
const (
	// Panel invites residents of the municipalities' panels, each with a
	// single-use link.
	Panel AudienceKind = "panel"
	// OpenLink lets anyone with the poll's link (/p/{slug}) answer, once per
	// browser.
	OpenLink AudienceKind = "open_link"
)

// Valid reports whether k is a known audience.
func (k AudienceKind) Valid() bool { return k == Panel || k == OpenLink }

const maxFilterValue = 64

// Audience says who may answer a poll. The filters narrow a panel; an
// empty filter takes everyone. Panel members' attributes live with the
// panel, not here: these are only the values to select on.
type Audience struct {
	Kind AudienceKind
	// Municipalities narrows a shared poll's panel to these participating
	// municipalities' panels.
	Municipalities []string
	// Neighbourhoods narrows the panel to members in these neighbourhoods,
	// by code (see internal/neighbourhood).
	Neighbourhoods []string
	// AgeBands narrows the panel to members in these age bands, each one
	// of panel.AgeBands.
	AgeBands []string
	// PostcodeCheck makes an open link ask for a postcode and accept only
	// residents of the poll's municipalities.
	PostcodeCheck bool
}

// KnowsMunicipality reports whether every response through this audience
// comes with the respondent's municipality: a panel member's is known, and
// the postcode check finds an open-link respondent's.
func (a Audience) KnowsMunicipality() bool { return a.Kind == Panel || a.PostcodeCheck }

// checkAudience validates a for a poll of municipalities and returns it
// normalised, filters sorted and without repeats. The zero audience is
// allowed in a draft. A neighbourhood filter names one of hoods'
// neighbourhoods of those municipalities, by code or name, and is kept as
// its code; an age band filter is one of the panel's bands: a filter
// names what members can have, and nothing else.
func checkAudience(v *errs.Violations, a Audience, municipalities []string, hoods *neighbourhood.Table) Audience {
	if a.Kind == "" && (len(a.Municipalities) > 0 || len(a.Neighbourhoods) > 0 || len(a.AgeBands) > 0 || a.PostcodeCheck) {
		v.Add("/audience/kind", "is required when the audience is narrowed")
		return Audience{}
	}
	if a.Kind != "" && !a.Kind.Valid() {
		v.Add("/audience/kind", fmt.Sprintf("must be %q or %q", Panel, OpenLink))
		return Audience{}
	}
	out := Audience{Kind: a.Kind, PostcodeCheck: a.PostcodeCheck}
	if a.Kind == Panel {
		if a.PostcodeCheck {
			v.Add("/audience/postcodeCheck", "applies to an open link only: a panel member's municipality is known")
		}
		for i, m := range a.Municipalities {
			if !slices.Contains(municipalities, m) {
				v.Add(fmt.Sprintf("/audience/municipalities/%d", i), fmt.Sprintf("%q does not take part in this poll", m))
			}
		}
		out.Municipalities = checkFilter(v, "/audience/municipalities", a.Municipalities, nil)
		in := municipalities
		if len(out.Municipalities) > 0 {
			in = out.Municipalities
		}
		list := hoods.Of(in...)
		out.Neighbourhoods = checkFilter(v, "/audience/neighbourhoods", a.Neighbourhoods, func(s string) (string, string) {
			n, ok := list.Resolve(s)
			if !ok {
				return "", "is not a neighbourhood of the poll's municipalities; name one by its code or name (see ListNeighbourhoods)"
			}
			return n.Code, ""
		})
		out.AgeBands = checkFilter(v, "/audience/ageBands", a.AgeBands, func(s string) (string, string) {
			band, err := panel.NormalizeAgeBand(s)
			if err != nil {
				return "", err.Error()
			}
			return band, ""
		})
		return out
	}
	for _, f := range []struct {
		field string
		set   bool
	}{
		{"municipalities", len(a.Municipalities) > 0},
		{"neighbourhoods", len(a.Neighbourhoods) > 0},
		{"ageBands", len(a.AgeBands) > 0},
	} {
		if f.set {
			v.Add("/audience/"+f.field, "narrows a panel only; an open link is open to anyone with it")
		}
	}
	return out
}

// checkFilter checks a filter's values: each 1 to maxFilterValue
// characters and, when closed is set, one of a closed list, which returns
// the value as it is kept, or why it is not on the list.
func checkFilter(v *errs.Violations, path string, values []string, closed func(string) (value, refusal string)) []string {
	var out []string
	for i, s := range values {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > maxFilterValue {
			v.Add(fmt.Sprintf("%s/%d", path, i), fmt.Sprintf("must be 1 to %d characters", maxFilterValue))
			continue
		}
		if closed != nil {
			var refusal string
			if s, refusal = closed(s); refusal != "" {
				v.Add(fmt.Sprintf("%s/%d", path, i), refusal)
				continue
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func cloneAudience(a Audience) Audience {
	a.Municipalities = slices.Clone(a.Municipalities)
	a.Neighbourhoods = slices.Clone(a.Neighbourhoods)
	a.AgeBands = slices.Clone(a.AgeBands)
	return a
}
