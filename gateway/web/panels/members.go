package panels

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Member statuses as the members' filter writes them: Dutch words, since
// they end up in bookmarked URLs.
var memberStatuses = []struct {
	value  string
	status surveysv1.PanelMemberStatus
}{
	{"actief", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE},
	{"wacht", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_PENDING},
	{"afgemeld", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED},
}

func memberStatusKey(st surveysv1.PanelMemberStatus) string {
	return "panel.status." + kit.EnumValue(st.String(), "PANEL_MEMBER_STATUS_")
}

// membersPage is the data of /panels/{municipality}/leden.
type membersPage struct {
	Municipality kit.Place
	Members      []memberRow
	// HiddenEmail reports that the service left out the addresses of
	// members who have one, as it does for those who may not see them.
	HiddenEmail bool
	// The filter's choices and what it holds.
	Statuses      []kit.Choice
	AgeBands      []kit.Choice
	Neighbourhood string
	Postcode      string
	Filtered      bool
	// FirstURL and NextURL page through the list; empty for none.
	FirstURL, NextURL string
	// ListURL is the list without filters, where the filter's form
	// goes.
	ListURL   string
	ImportURL string
}

// memberRow is one member in the list.
type memberRow struct {
	ID            string
	URL           string
	Email         string
	StatusKey     string
	AgeBandKey    string
	Neighbourhood string
	Postcode      string
	Joined        string
}

// The members' filter parameters, and the pager's, which is the agenda's
// too.
const (
	cursorParam        = "na"
	statusParam        = "status"
	ageBandParam       = "leeftijd"
	neighbourhoodParam = "wijk"
	postcodeParam      = "postcode"
)

// membersPageSize is how many members one page shows.
const membersPageSize = 50

// members serves GET /panels/{municipality}/leden.
func (s *Pages) members(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	pw.panelDone()
	pw.View.TitleKey, pw.View.Subject = "members.title", m.Name
	q := pw.R.URL.Query()
	req := &surveysv1.ListPanelMembersRequest{
		MunicipalityCode: m.Code,
		AgeBand:          q.Get(ageBandParam),
		Neighbourhood:    strings.TrimSpace(q.Get(neighbourhoodParam)),
		PostcodePrefix:   strings.ToUpper(strings.Join(strings.Fields(q.Get(postcodeParam)), "")),
		Limit:            membersPageSize,
		Cursor:           q.Get(cursorParam),
	}
	if !slices.Contains(kit.AgeBands, req.AgeBand) {
		req.AgeBand = ""
	}
	p := &membersPage{
		Municipality:  m,
		Neighbourhood: req.GetNeighbourhood(),
		Postcode:      q.Get(postcodeParam),
		ListURL:       panelURL(m.Code, "leden"),
		ImportURL:     panelURL(m.Code, "importeren"),
	}
	statusValue := q.Get(statusParam)
	p.Statuses = append(p.Statuses, kit.Choice{Value: "", LabelKey: "members.filter.anyStatus"})
	for _, st := range memberStatuses {
		sel := st.value == statusValue
		if sel {
			req.Status = st.status
		}
		p.Statuses = append(p.Statuses, kit.Choice{Value: st.value, LabelKey: memberStatusKey(st.status), Selected: sel})
	}
	p.AgeBands = append(p.AgeBands, kit.Choice{Value: "", LabelKey: "members.filter.anyAgeBand"})
	for _, b := range kit.AgeBands {
		p.AgeBands = append(p.AgeBands, kit.Choice{Value: b, LabelKey: kit.AgeBandKey(b), Selected: b == req.AgeBand})
	}
	p.Filtered = req.Status != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSPECIFIED ||
		req.AgeBand != "" || req.Neighbourhood != "" || req.PostcodePrefix != ""

	resp, err := pw.api.ListPanelMembers(pw.R.Context(), req)
	if problem.Of(err) == problem.Invalid && req.Cursor != "" {
		// A cursor from an old bookmark: start again.
		req.Cursor = ""
		resp, err = pw.api.ListPanelMembers(pw.R.Context(), req)
	}
	if err != nil {
		return err
	}
	for _, mb := range resp.GetMembers() {
		row := memberRow{
			ID:            mb.GetId(),
			URL:           panelURL(m.Code, "leden", mb.GetId()),
			Email:         mb.GetEmail(),
			StatusKey:     memberStatusKey(mb.GetStatus()),
			AgeBandKey:    kit.AgeBandKey(mb.GetAgeBand()),
			Neighbourhood: s.kit.NeighbourhoodName(mb.GetNeighbourhood()),
			Postcode:      mb.GetPostcode(),
			Joined:        pw.Words.Moment(mb.GetCreateTime()),
		}
		if row.Email == "" && mb.GetStatus() != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED {
			p.HiddenEmail = true
		}
		p.Members = append(p.Members, row)
	}
	page := func(cursor string) string {
		keep := url.Values{}
		for _, k := range []string{statusParam, ageBandParam, neighbourhoodParam, postcodeParam} {
			if v := q.Get(k); v != "" {
				keep.Set(k, v)
			}
		}
		if cursor != "" {
			keep.Set(cursorParam, cursor)
		}
		u := panelURL(m.Code, "leden")
		if len(keep) > 0 {
			u += "?" + keep.Encode()
		}
		return u
	}
	if next := resp.GetNextCursor(); next != "" {
		p.NextURL = page(next)
	}
	if req.Cursor != "" {
		p.FirstURL = page("")
	}
	pw.View.Page = p
	return nil
}

// memberPage is the data of /panels/{municipality}/leden/{id} and of its
// erasure's confirmation.
type memberPage struct {
	Municipality kit.Place
	MembersURL   string
	URL          string
	Email        string
	StatusKey    string
	SourceKey    string
	Postcode     string
	Neighbour    string
	AgeBandKey   string
	Consent      string
	Version      string
	Joined       string
	Left         string
	Consents     []consentRow
	Invitations  []invitationRow
	// DownloadURL and EraseURL lead to the export and the erasure.
	DownloadURL, EraseURL string
}

// consentRow is one entry of a member's consent history.
type consentRow struct {
	KindKey string
	Version string
	When    string
}

// invitationRow is one poll a member was invited to.
type invitationRow struct {
	PollTitle kit.Localized
	PollURL   string
	Invited   string
	Reminded  string
	Used      bool
}

// member serves GET /panels/{municipality}/leden/{id}: everything the
// service holds on the member, which is what the export holds too.
func (s *Pages) member(pw *panelWork) error {
	p, err := s.loadMember(pw)
	if err != nil {
		return err
	}
	pw.View.Page = p
	return nil
}

// loadMember reads the member the URL names.
func (s *Pages) loadMember(pw *panelWork) (*memberPage, error) {
	m, err := s.panelOf(pw)
	if err != nil {
		return nil, err
	}
	id := pw.R.PathValue("id")
	ex, err := pw.api.ExportPanelMember(pw.R.Context(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: m.Code, Id: id})
	if err != nil {
		return nil, err
	}
	mb := ex.GetMember()
	base := panelURL(m.Code, "leden", mb.GetId())
	p := &memberPage{
		Municipality: m,
		MembersURL:   panelURL(m.Code, "leden"),
		URL:          base,
		Email:        mb.GetEmail(),
		StatusKey:    memberStatusKey(mb.GetStatus()),
		SourceKey:    "panel.source." + kit.EnumValue(mb.GetSource().String(), "PANEL_MEMBER_SOURCE_"),
		Postcode:     mb.GetPostcode(),
		Neighbour:    s.kit.NeighbourhoodName(mb.GetNeighbourhood()),
		AgeBandKey:   kit.AgeBandKey(mb.GetAgeBand()),
		Consent:      pw.Words.Moment(mb.GetConsentTime()),
		Version:      mb.GetConsentVersion(),
		Joined:       pw.Words.Moment(mb.GetCreateTime()),
		Left:         pw.Words.Moment(mb.GetUnsubscribeTime()),
		DownloadURL:  base + "/gegevens",
		EraseURL:     base + "/wissen",
	}
	for _, c := range ex.GetConsents() {
		p.Consents = append(p.Consents, consentRow{
			KindKey: "panel.consent." + kit.EnumValue(c.GetKind().String(), "CONSENT_EVENT_KIND_"),
			Version: c.GetConsentVersion(),
			When:    pw.Words.Moment(c.GetTime()),
		})
	}
	for _, inv := range ex.GetInvitations() {
		p.Invitations = append(p.Invitations, invitationRow{
			PollTitle: kit.Localize(inv.GetPollTitle(), pw.View.Lang),
			PollURL:   "/peilingen/" + url.PathEscape(inv.GetPollId()),
			Invited:   pw.Words.Moment(inv.GetInviteTime()),
			Reminded:  pw.Words.Moment(inv.GetRemindTime()),
			Used:      inv.GetUsed(),
		})
	}
	pw.View.TitleKey, pw.View.Subject = "member.title", m.Name
	return p, nil
}

// downloadMember serves GET /panels/{municipality}/leden/{id}/gegevens:
// the member's data as a JSON file, for a data subject's access request.
func (s *Pages) downloadMember(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	ex, err := pw.api.ExportPanelMember(pw.R.Context(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: m.Code, Id: pw.R.PathValue("id")})
	if err != nil {
		return err
	}
	b, err := protojson.MarshalOptions{Multiline: true, EmitUnpopulated: true}.Marshal(ex)
	if err != nil {
		return err
	}
	h := pw.W.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="panellid-`+safeFileName(ex.GetMember().GetId())+`.json"`)
	// Personal data: no cache may keep a copy.
	h.Set("Cache-Control", "no-store")
	pw.W.WriteHeader(http.StatusOK)
	if pw.R.Method != http.MethodHead {
		_, _ = pw.W.Write(append(b, '\n'))
	}
	pw.Written = true
	return nil
}

// safeFileName keeps the characters of an id that are safe in a
// Content-Disposition file name.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, s)
}

// confirmErase serves GET /panels/{municipality}/leden/{id}/wissen: the
// question whether to erase, with the button that does.
func (s *Pages) confirmErase(pw *panelWork) error {
	p, err := s.loadMember(pw)
	if err != nil {
		return err
	}
	pw.View.TitleKey, pw.View.Subject = "member.erase.title", p.Municipality.Name
	pw.View.Page = p
	return nil
}

// erase serves POST /panels/{municipality}/leden/{id}/wissen.
func (s *Pages) erase(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	_, err = pw.api.ErasePanelMember(pw.R.Context(), &surveysv1.ErasePanelMemberRequest{MunicipalityCode: m.Code, Id: pw.R.PathValue("id")})
	if err != nil {
		return err
	}
	pw.Redirect = kit.WithDone(panelURL(m.Code, "leden"), "gewist")
	return nil
}
