package panels

import (
	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// panelsPage is the data of /panels.
type panelsPage struct {
	Panels []panelSummaryView
	// Hidden counts the municipalities whose panel the person may not
	// see.
	Hidden int
}

// panelSummaryView is one municipality's panel in numbers.
type panelSummaryView struct {
	Municipality kit.Place
	// MembersURL and ImportURL lead to its members and its import; empty
	// for those who do not keep the panel.
	MembersURL, ImportURL string
	Active                int32
	Pending               int32
	Unsubscribed          int32
	// Tables break the active members down by age band and by
	// neighbourhood.
	Tables []panelCountTable
}

// panelCountTable is a breakdown of a panel's active members.
type panelCountTable struct {
	// ID names the table; its caption's id is ID + "-titel".
	ID                  string
	CaptionKey, HeadKey string
	Counts              []panelCountView
}

// panelCountView is a number of active members with one attribute value.
type panelCountView struct {
	Label    string
	LabelKey string
	Members  int32
}

// panels serves GET /panels.
func (s *Pages) panels(pw *panelWork) error {
	pw.View.TitleKey, pw.View.Subject = "panels.title", pw.View.Tenant.Name
	pw.panelDone()
	ms, err := s.municipalities(pw)
	if err != nil {
		return err
	}
	p := &panelsPage{}
	for _, m := range ms {
		sum, err := pw.api.GetPanelSummary(pw.R.Context(), &surveysv1.GetPanelSummaryRequest{MunicipalityCode: m.Code})
		switch problem.Of(err) {
		case problem.OK:
		case problem.NotFound, problem.Forbidden:
			p.Hidden++
			continue
		default:
			return err
		}
		sv := panelSummaryView{
			Municipality: m, Active: sum.GetActive(), Pending: sum.GetPending(), Unsubscribed: sum.GetUnsubscribed(),
		}
		if pw.mayKeep(m.Code) {
			sv.MembersURL = panelURL(m.Code, "leden")
			sv.ImportURL = panelURL(m.Code, "importeren")
		}
		ages := panelCountTable{ID: "leeftijd-" + m.Code, CaptionKey: "panels.byAgeBand", HeadKey: "panels.ageBand"}
		for _, c := range sum.GetAgeBands() {
			ages.Counts = append(ages.Counts, panelCountView{LabelKey: kit.AgeBandKey(c.GetValue()), Members: c.GetMembers()})
		}
		places := panelCountTable{ID: "wijk-" + m.Code, CaptionKey: "panels.byNeighbourhood", HeadKey: "panels.neighbourhood"}
		for _, c := range sum.GetNeighbourhoods() {
			cv := panelCountView{Label: s.kit.NeighbourhoodName(c.GetValue()), Members: c.GetMembers()}
			if cv.Label == "" {
				cv.LabelKey = "panel.neighbourhood.none"
			}
			places.Counts = append(places.Counts, cv)
		}
		for _, tb := range []panelCountTable{ages, places} {
			if len(tb.Counts) > 0 {
				sv.Tables = append(sv.Tables, tb)
			}
		}
		p.Panels = append(p.Panels, sv)
	}
	pw.View.Page = p
	return nil
}
