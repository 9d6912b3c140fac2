package workspace

import (
	"net/url"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// processGroupView is one of a process's focus groups on its page.
type processGroupView struct {
	Name, URL, StatusKey string
	Members              int32
	Planned              int32
}

// groupsPageSize is how many of a process's focus groups the page asks
// for; a process has a handful at most.
const groupsPageSize = 50

// processGroups lists the process's focus groups from the focus groups
// service, with the caller's identity (which decides what they may see);
// unavailable is true when the service did not answer, and the page says
// so rather than that there are none.
func (s *Pages) processGroups(wk *work, pr *councilsv1.Process) (groups []processGroupView, unavailable bool) {
	if s.groups == nil {
		return nil, false
	}
	resp, err := s.groups.ListFocusGroups(wk.Context(), &focusgroupsv1.ListFocusGroupsRequest{ProcessId: pr.GetId(), Limit: groupsPageSize})
	if err != nil {
		s.kit.Log().WarnContext(wk.Context(), "listing a process's focus groups", "process", pr.GetId(), "err", err)
		return nil, true
	}
	for _, g := range resp.GetFocusGroups() {
		v := processGroupView{Name: g.GetName(), URL: "/focusgroepen/" + url.PathEscape(g.GetId()),
			StatusKey: "fg.status." + kit.EnumValue(g.GetStatus().String(), "FOCUS_GROUP_STATUS_"), Planned: g.GetPlannedSessions()}
		for _, m := range g.GetMembers() {
			v.Members += m.GetCount()
		}
		groups = append(groups, v)
	}
	return groups, false
}
