package workspace

import (
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// councilPage is the data of /raad: the council of the current
// municipality, or, for a region, the councils of its municipalities.
type councilPage struct {
	// Region is set when the tenant is a region, which has no council of
	// its own.
	Region     bool
	RegionName string
	Councils   []councilView
}

// councilView is one council with its roster.
type councilView struct {
	Name         string
	Municipality string
	ContactEmail string
	// TakesUnsolicited reports whether the council also puts its own
	// questions on the agenda.
	TakesUnsolicited bool
	Seats            int32
	Vacancies        int32
	// Rosters are the current members, then those whose term has not
	// begun, then the former ones; the last two only when there are any.
	Rosters []rosterTable
}

// rosterTable is one group of a council's members.
type rosterTable struct {
	ID         string
	CaptionKey string
	// NoneKey says that the group is empty; "" leaves an empty group out.
	NoneKey string
	Members []memberView
}

// memberView is a member of a council.
type memberView struct {
	Name    string
	RoleKey string
	// TermStart and TermEnd are the term's first and last day; TermEnd
	// is empty while the term is open-ended.
	TermStart string
	TermEnd   string
}

// council serves GET /raad.
func (s *Pages) council(wk *work) error {
	wk.View.TitleKey, wk.View.Subject = "council.title", wk.View.Tenant.Name
	a, err := wk.loadRegion(s)
	if err != nil {
		return err
	}
	p := &councilPage{}
	if kit.IsMunicipality(wk.Tenant) {
		c, err := s.councilView(wk, a, wk.Tenant)
		if err != nil {
			return err
		}
		p.Councils = append(p.Councils, c)
		wk.View.Page = p
		return nil
	}
	p.Region = true
	p.RegionName = a.NameOf(wk.Tenant)
	for _, m := range a.Municipalities {
		c, err := s.councilView(wk, a, m.Code)
		if err != nil {
			return err
		}
		p.Councils = append(p.Councils, c)
	}
	wk.View.Page = p
	return nil
}

func (s *Pages) councilView(wk *work, a *kit.Region, code string) (councilView, error) {
	c, err := wk.api.GetCouncil(wk.Context(), &councilsv1.GetCouncilRequest{MunicipalityCode: code})
	if err != nil {
		return councilView{}, err
	}
	ms, err := wk.api.ListMembers(wk.Context(), &councilsv1.ListMembersRequest{MunicipalityCode: code, IncludeFormer: true})
	if err != nil {
		return councilView{}, err
	}
	v := councilView{
		Name:             c.GetName(),
		Municipality:     a.NameOf(code),
		ContactEmail:     c.GetContactEmail(),
		TakesUnsolicited: c.GetTakesUnsolicitedQuestions(),
		Seats:            c.GetSeats(),
		Vacancies:        ms.GetVacancies(),
	}
	current := rosterTable{ID: "huidig-" + code, CaptionKey: "council.members.current", NoneKey: "council.members.none"}
	upcoming := rosterTable{ID: "komend-" + code, CaptionKey: "council.members.upcoming"}
	former := rosterTable{ID: "voormalig-" + code, CaptionKey: "council.members.former"}
	today := wk.Words.Today(time.Now())
	for _, m := range ms.GetMembers() {
		mv := memberView{
			Name:      m.GetName(),
			RoleKey:   memberRoleKey(m.GetRole()),
			TermStart: wk.Words.Date(m.GetTermStart()),
		}
		if m.GetTermEnd() != "" {
			mv.TermEnd = wk.Words.Date(m.GetTermEnd())
		}
		switch {
		case m.GetActive():
			current.Members = append(current.Members, mv)
		case m.GetTermStart() > today: // days as YYYY-MM-DD compare as strings
			upcoming.Members = append(upcoming.Members, mv)
		default:
			former.Members = append(former.Members, mv)
		}
	}
	v.Rosters = []rosterTable{current, upcoming, former}
	return v, nil
}
