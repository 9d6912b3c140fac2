package focusgroups

import (
	"net/url"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// A focus group's page: its seats filled per role, its members by role
// and its sessions with their answers.

// groupHead is what every page of a group shows of it.
type groupHead struct {
	ID, Name, URL, StatusKey string
	// Open says the group still takes members and sessions.
	Open bool
}

// loaded is a group with its tenant's roles.
type loaded struct {
	g     *focusgroupsv1.FocusGroup
	roles roleSet
	head  groupHead
}

// loadGroup reads the group of the page's {id} and its tenant's roles.
func (wk *work) loadGroup() (*loaded, error) {
	g, err := wk.api.GetFocusGroup(wk.Context(), &focusgroupsv1.GetFocusGroupRequest{Id: wk.R.PathValue("id")})
	if err != nil {
		return nil, err
	}
	rs, err := wk.listRoles(g.GetTenant())
	if err != nil {
		return nil, err
	}
	return &loaded{g: g, roles: rs, head: groupHead{
		ID: g.GetId(), Name: g.GetName(), URL: groupURL(g.GetId()),
		StatusKey: groupStatusKey(g.GetStatus()), Open: groupOpen(g.GetStatus()),
	}}, nil
}

// groupPage is the data of /focusgroepen/{id}.
type groupPage struct {
	Group groupHead
	Theme string
	// Scope says whose the group is: a municipality, or a region with
	// its participating municipalities.
	Scope           string
	ProcessURL      string
	Purpose         string
	PlannedSessions int32
	Seats           []seatRow
	TotalSeats      int32
	Members         []roleMembers
	Sessions        []sessionRow
}

// seatRow is a seat group: its roles, members and seats.
type seatRow struct {
	Roles   string
	Members int32
	// Seats is 0 for roles without seats of their own.
	Seats int32
	Full  bool
}

// roleMembers are a role's members.
type roleMembers struct {
	Role    string
	Members []memberRow
}

// memberRow is one member in a list.
type memberRow struct {
	Name, Email string
	Resident    bool
	Left        bool
	// URL is the member's page, with their data, taking them out and
	// erasing them.
	URL string
}

// sessionRow is one session in the group's list.
type sessionRow struct {
	URL, When, Place, StatusKey                string
	Confirmed, Waitlisted, Tentative, Declined int32
}

// group serves GET /focusgroepen/{id}.
func (s *Pages) group(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	g := ld.g
	wk.Done("fg.done.", "gevormd", "uitgenodigd", "toegevoegd", "gepland", "afgerond", "opgeheven", "verwijderd", "gewijzigdGroep")
	wk.View.Title = g.GetName()
	members, err := wk.api.ListFocusGroupMembers(wk.Context(), &focusgroupsv1.ListFocusGroupMembersRequest{FocusGroupId: g.GetId()})
	if err != nil {
		return err
	}
	sessions, err := wk.api.ListSessions(wk.Context(), &focusgroupsv1.ListSessionsRequest{FocusGroupId: g.GetId()})
	if err != nil {
		return err
	}
	p := &groupPage{
		Group:           ld.head,
		Theme:           nameOr(s.themeNames(wk), g.GetTheme()),
		Scope:           s.scope(wk, g),
		ProcessURL:      "/trajecten/" + url.PathEscape(g.GetProcessId()),
		Purpose:         g.GetPurpose(),
		PlannedSessions: g.GetPlannedSessions(),
		TotalSeats:      totalSeats(g),
		Seats:           seatRows(g, ld.roles),
		Members:         byRole(members.GetMembers(), ld.roles, g.GetId()),
	}
	for _, ss := range sessions.GetSessions() {
		row := sessionRow{
			URL:       sessionURL(g.GetId(), ss.GetId()),
			When:      when(wk.Words, ss.GetStartTime(), ss.GetEndTime()),
			Place:     ss.GetPlace().GetAddress(),
			StatusKey: sessionStatusKey(ss.GetStatus()),
		}
		if row.Place == "" && ss.GetOnlineUrl() != "" {
			row.Place = wk.Words.Text("fg.session.online")
		}
		for _, rr := range ss.GetRsvps() {
			row.Confirmed += rr.GetConfirmed()
			row.Waitlisted += rr.GetWaitlisted()
			row.Tentative += rr.GetTentative()
			row.Declined += rr.GetDeclined()
		}
		p.Sessions = append(p.Sessions, row)
	}
	wk.View.Page = p
	return nil
}

// seatRows are g's seat groups with their members, then the roles with
// members but no seats of their own.
func seatRows(g *focusgroupsv1.FocusGroup, rs roleSet) []seatRow {
	count := map[string]int32{}
	for _, rc := range g.GetMembers() {
		count[rc.GetRole()] = rc.GetCount()
	}
	seated := map[string]bool{}
	var rows []seatRow
	for _, sg := range g.GetSeats() {
		row := seatRow{Seats: sg.GetSeats()}
		var names []string
		for _, r := range sg.GetRoles() {
			names = append(names, rs.label(r))
			row.Members += count[r]
			seated[r] = true
		}
		row.Roles = strings.Join(names, ", ")
		row.Full = row.Members >= row.Seats
		rows = append(rows, row)
	}
	for _, r := range rs.list {
		if n := count[r.GetKey()]; n > 0 && !seated[r.GetKey()] {
			rows = append(rows, seatRow{Roles: roleLabel(r, rs.lang), Members: n})
		}
	}
	return rows
}

// byRole groups members by role in the roles' order; members of a role
// the list lacks come last.
func byRole(members []*focusgroupsv1.GroupMember, rs roleSet, groupID string) []roleMembers {
	var out []roleMembers
	add := func(key string) {
		rm := roleMembers{Role: rs.label(key)}
		for _, m := range members {
			if m.GetRole() != key || m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_ERASED {
				continue
			}
			row := memberRow{
				Name:     m.GetName(),
				Email:    m.GetEmail(),
				Resident: m.GetKind() == focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT,
				Left:     m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_LEFT,
			}
			row.URL = staffMemberURL(groupID, m.GetId())
			if row.Name == "" {
				row.Name = "-"
			}
			rm.Members = append(rm.Members, row)
		}
		if len(rm.Members) > 0 {
			out = append(out, rm)
		}
	}
	for _, r := range rs.list {
		add(r.GetKey())
	}
	seen := map[string]bool{}
	for _, m := range members {
		if !rs.has(m.GetRole()) && !seen[m.GetRole()] {
			seen[m.GetRole()] = true
			add(m.GetRole())
		}
	}
	return out
}

// memberNames are the group's members' names by id, and their roles.
func (wk *work) memberNames(groupID string) (map[string]*focusgroupsv1.GroupMember, error) {
	resp, err := wk.api.ListFocusGroupMembers(wk.Context(), &focusgroupsv1.ListFocusGroupMembersRequest{FocusGroupId: groupID})
	if err != nil {
		return nil, err
	}
	byID := map[string]*focusgroupsv1.GroupMember{}
	for _, m := range resp.GetMembers() {
		byID[m.GetId()] = m
	}
	return byID, nil
}

// nameOf is a member's name, or a word for one erased or unknown.
func nameOf(w kit.Words, members map[string]*focusgroupsv1.GroupMember, id string) string {
	if n := members[id].GetName(); n != "" {
		return n
	}
	return w.Text("fg.member.unnamed")
}

// scope says whose g is, in words.
func (s *Pages) scope(wk *work, g *focusgroupsv1.FocusGroup) string {
	if len(g.GetParticipants()) == 0 {
		return wk.Words.Say("fg.group.local", "municipality", s.kit.TenantName(g.GetTenant()))
	}
	var names []string
	for _, m := range g.GetParticipants() {
		names = append(names, s.kit.TenantName(m))
	}
	slices.Sort(names)
	return wk.Words.Say("fg.group.regional", "region", s.kit.TenantName(g.GetTenant()), "municipalities", strings.Join(names, ", "))
}
