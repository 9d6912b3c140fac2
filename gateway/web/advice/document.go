package advice

import (
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The document of a version as the council and the municipality read
// it: the evidence the service derives (frozen once sent) and the text.

// docView is the data of the "adv-document" template.
type docView struct {
	Content         *resultsv1.AdviceContent
	Recommendations []recView
	// ChangeNote is shown for a correction, as its document prints it.
	ChangeNote string
	Correction bool
	Evidence   evidenceView
	Hash       string
}

// recView is one numbered recommendation.
type recView struct {
	Number int
	Text   string
}

// evidenceView is how residents were involved, in figures.
type evidenceView struct {
	Reach     []reachRow
	Polls     []pollRow
	Sessions  int32
	Attendees string
	Findings  int32
	AsOf      string
	// Frozen says the figures were frozen when the version was sent.
	Frozen bool
	// None says there are no figures yet: a new advice's preview.
	None bool
}

// reachRow is the residents one form reached in one municipality.
type reachRow struct {
	FormKey, Municipality, Residents, Days string
	Activities                             int32
}

// pollRow is a closed poll.
type pollRow struct {
	FormKey, ClosedOn, Responses, PerMunicipality string
}

// document is version v's document, its text replaced by c when c is set
// (a preview of what is being written).
func (s *Pages) document(w kit.Words, v *resultsv1.Version, c *resultsv1.AdviceContent) docView {
	if c == nil {
		c = v.GetContent()
	}
	d := docView{Content: c, Hash: v.GetContentHash(), Correction: v.GetCorrection()}
	if d.Correction {
		d.ChangeNote = v.GetChangeNote()
	}
	for i, r := range c.GetRecommendations() {
		d.Recommendations = append(d.Recommendations, recView{Number: i + 1, Text: r.GetText()})
	}
	ev := v.GetEvidence()
	d.Evidence = evidenceView{
		Sessions:  ev.GetSessions(),
		Attendees: count(w, ev.GetAttendees()),
		Findings:  ev.GetFindings(),
		AsOf:      w.Moment(ev.GetAsOfTime()),
		Frozen:    v.GetStatus() == resultsv1.VersionStatus_VERSION_STATUS_SENT,
		None:      ev == nil,
	}
	for _, r := range ev.GetReach() {
		row := reachRow{FormKey: formKindKey(r.GetForm()), Municipality: s.kit.TenantName(r.GetMunicipalityCode()),
			Activities: r.GetActivities(), Residents: count(w, r.GetResidents()), Days: w.Date(r.GetFirstDay())}
		if r.GetMunicipalityCode() == "" {
			row.Municipality = w.Text("advice.evidence.unknownMunicipality")
		}
		if r.GetLastDay() != "" && r.GetLastDay() != r.GetFirstDay() {
			row.Days = w.Say("advice.evidence.days", "first", w.Date(r.GetFirstDay()), "last", w.Date(r.GetLastDay()))
		}
		d.Evidence.Reach = append(d.Evidence.Reach, row)
	}
	for _, p := range ev.GetPolls() {
		row := pollRow{FormKey: formKindKey(p.GetForm()), ClosedOn: w.Date(p.GetClosedOn()), Responses: count(w, p.GetResponses())}
		for i, m := range p.GetPerMunicipality() {
			if i > 0 {
				row.PerMunicipality += ", "
			}
			row.PerMunicipality += s.kit.TenantName(m.GetMunicipalityCode()) + ": " + count(w, m.GetCount())
		}
		d.Evidence.Polls = append(d.Evidence.Polls, row)
	}
	return d
}

// count writes a count as shown outside the council: hidden when small.
func count(w kit.Words, c *resultsv1.PublicCount) string {
	if c.GetHidden() {
		return w.Text("advice.evidence.hidden")
	}
	return strconv.FormatInt(c.GetValue(), 10)
}
