// Package evidence is what an advice or a report shows in figures: how
// many residents each participation form reached, in which municipality,
// and what the polls and focus groups brought in. It is computed from the
// service's projections of the other services' events, with small counts
// hidden, and frozen with a document when the document is sent or
// published, so that a later event (a late poll answer, an erased panel
// member) can never change what was published. Seal makes the content
// hash printed on such a document.
package evidence

import (
	"cmp"
	"slices"
	"time"
)

// Count is a count as shown outside the council.
type Count struct {
	Value  int64 `json:"value"`
	Hidden bool  `json:"hidden"`
}

// FormReach is the reach of one participation form in one municipality.
type FormReach struct {
	Form         string `json:"form"`
	Municipality string `json:"municipality"`
	Activities   int    `json:"activities"`
	Residents    Count  `json:"residents"`
	FirstDay     string `json:"firstDay"`
	LastDay      string `json:"lastDay"`
}

// MunicipalityCount is a count in one municipality.
type MunicipalityCount struct {
	Municipality string `json:"municipality"`
	Count        Count  `json:"count"`
}

// PollReach is one closed poll.
type PollReach struct {
	PollID          string              `json:"pollId"`
	Form            string              `json:"form"`
	ClosedOn        string              `json:"closedOn"`
	Responses       Count               `json:"responses"`
	PerMunicipality []MunicipalityCount `json:"perMunicipality"`
}

// Snapshot is the evidence of a process at one moment, as shown.
type Snapshot struct {
	Reach     []FormReach `json:"reach"`
	Polls     []PollReach `json:"polls"`
	Sessions  int         `json:"sessions"`
	Attendees Count       `json:"attendees"`
	Findings  int         `json:"findings"`
	AsOf      time.Time   `json:"asOf"`
}

// Raw is what the projections know of a process, unsuppressed.
type Raw struct {
	Activities []Activity
	Polls      []Poll
	Sessions   []Session
	Findings   int
}

// Activity is a field activity, or anything else that reached residents
// through one form in one municipality on one day.
type Activity struct {
	Form         string
	Municipality string
	Day          string // YYYY-MM-DD
	Residents    int64
}

// Poll is a closed poll with its responses per municipality.
type Poll struct {
	ID       string
	Form     string
	ClosedOn string
	// PerMunicipality maps CBS codes ("" when not known) to responses.
	PerMunicipality map[string]int64
}

// Session is a focus-group session held.
type Session struct {
	Day string
	// Municipality is a local process's; "" for a shared one, whose
	// sessions are not told apart by municipality.
	Municipality string
	Attendees    int64
}

// FocusGroup is the form of focus-group sessions, as the councils
// service names it.
const FocusGroup = "focus_group"

// MinCells decides how small a count of residents may be shown: Default
// for every municipality, more for those By names.
type MinCells struct {
	Default int
	By      map[string]int
}

// MinCell returns the smallest count shown for municipality.
func (m MinCells) MinCell(municipality string) int {
	n := m.Default
	if n <= 0 {
		n = 5
	}
	if by := m.By[municipality]; by > n {
		n = by
	}
	return n
}

// Strictest returns the largest smallest count over municipalities: a
// count over several is shown only if it may be shown for each.
func (m MinCells) Strictest(municipalities []string) int {
	n := m.MinCell("")
	for _, code := range municipalities {
		n = max(n, m.MinCell(code))
	}
	return n
}

// Show returns n as shown with smallest shown count min: a count from 1 to
// min-1 is hidden; nothing (0) is shown, since it singles nobody out.
func Show(n int64, min int) Count {
	if n > 0 && n < int64(min) {
		return Count{Hidden: true}
	}
	return Count{Value: n}
}

// Build computes the snapshot of raw at asOf, with small counts hidden.
// Forms and municipalities are in a fixed order, so that equal evidence is
// equal bytes and hashes alike.
func Build(raw Raw, cells MinCells, asOf time.Time) Snapshot {
	s := Snapshot{Findings: raw.Findings, AsOf: asOf.UTC().Truncate(time.Second), Reach: []FormReach{}, Polls: []PollReach{}}
	type key struct{ form, municipality string }
	reach := map[key]*FormReach{}
	residents := map[key]int64{}
	// Every form's reach: field activities, each poll's responses per
	// municipality, each session's attendees.
	all := slices.Clone(raw.Activities)
	for _, p := range raw.Polls {
		for code, n := range p.PerMunicipality {
			all = append(all, Activity{Form: p.Form, Municipality: code, Day: p.ClosedOn, Residents: n})
		}
	}
	for _, ses := range raw.Sessions {
		all = append(all, Activity{Form: FocusGroup, Municipality: ses.Municipality, Day: ses.Day, Residents: ses.Attendees})
	}
	for _, a := range all {
		k := key{a.Form, a.Municipality}
		r := reach[k]
		if r == nil {
			r = &FormReach{Form: a.Form, Municipality: a.Municipality, FirstDay: a.Day, LastDay: a.Day}
			reach[k] = r
		}
		r.Activities++
		residents[k] += a.Residents
		if a.Day != "" && (r.FirstDay == "" || a.Day < r.FirstDay) {
			r.FirstDay = a.Day
		}
		if a.Day > r.LastDay {
			r.LastDay = a.Day
		}
	}
	for k, r := range reach {
		r.Residents = Show(residents[k], cells.MinCell(k.municipality))
		s.Reach = append(s.Reach, *r)
	}
	slices.SortFunc(s.Reach, func(a, b FormReach) int {
		return cmp.Or(cmp.Compare(a.Form, b.Form), cmp.Compare(a.Municipality, b.Municipality))
	})
	for _, p := range raw.Polls {
		s.Polls = append(s.Polls, pollReach(p, cells))
	}
	slices.SortFunc(s.Polls, func(a, b PollReach) int {
		return cmp.Or(cmp.Compare(a.ClosedOn, b.ClosedOn), cmp.Compare(a.PollID, b.PollID))
	})
	var attendees int64
	for _, ses := range raw.Sessions {
		attendees += ses.Attendees
	}
	s.Sessions = len(raw.Sessions)
	s.Attendees = Show(attendees, cells.MinCell(""))
	return s
}

// pollReach shows a poll's responses: each municipality's count hidden
// when small, and, when exactly one is hidden, the next smallest too, so
// that the hidden one cannot be worked out from the total.
func pollReach(p Poll, cells MinCells) PollReach {
	codes := make([]string, 0, len(p.PerMunicipality))
	var total int64
	for code, n := range p.PerMunicipality {
		codes = append(codes, code)
		total += n
	}
	slices.Sort(codes)
	out := PollReach{PollID: p.ID, Form: p.Form, ClosedOn: p.ClosedOn, Responses: Show(total, cells.Strictest(codes)),
		PerMunicipality: make([]MunicipalityCount, 0, len(codes))}
	hidden := 0
	for _, code := range codes {
		c := Show(p.PerMunicipality[code], cells.MinCell(code))
		if c.Hidden {
			hidden++
		}
		out.PerMunicipality = append(out.PerMunicipality, MunicipalityCount{Municipality: code, Count: c})
	}
	if hidden == 1 && !out.Responses.Hidden {
		next := -1
		for i, m := range out.PerMunicipality {
			if !m.Count.Hidden && m.Count.Value > 0 && (next < 0 || m.Count.Value < out.PerMunicipality[next].Count.Value) {
				next = i
			}
		}
		if next >= 0 {
			out.PerMunicipality[next].Count = Count{Hidden: true}
		} else {
			out.Responses = Count{Hidden: true}
		}
	}
	return out
}
