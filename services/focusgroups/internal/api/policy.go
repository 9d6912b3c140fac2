package api

import (
	"slices"

	"github.com/meedoen/meedoen/internal/auth"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// Scopes the rules below share; what they describe, the methods do
// through auth.Scope and the group's organisers (access.go).
const (
	formScope   = "a council role in the process's municipality (shared processes: in a participating municipality), or the region's coordinator for shared processes"
	manageScope = "the group's organisers, and a council role in its municipality (shared groups: in a participating municipality, or the region's coordinator); other staff who see the group get 403, others 404"
	linkScope   = "residents, by a token from a link mailed to them; a token of another group, used or unknown answers alike"
)

// Policy says who may call each method of the focus groups service's APIs
// (staff, and residents through their mail links). The guard enforces it
// before a method runs; the method then narrows the call to the caller's
// tenants and the groups they organise, as each rule's scope describes.
// Organisers may hold any staff role, so the managing methods admit every
// staff role and decide per group.
func Policy() []auth.Rule {
	staff, visible := auth.StaffAndAdmin, auth.VisibleWork
	form := append(slices.Clone(auth.CouncilWorkers), auth.Admin)
	var rules []auth.Rule
	for _, m := range []string{
		pb.FocusGroupsService_GetFocusGroup_FullMethodName,
		pb.FocusGroupsService_ListFocusGroups_FullMethodName,
		pb.FocusGroupsService_ListSessions_FullMethodName,
		pb.FocusGroupsService_GetSession_FullMethodName,
	} {
		rules = append(rules, auth.Rule{Method: m, Access: auth.Read, Roles: staff, Scope: visible + "; counts, no personal data or notes"})
	}
	rules = append(rules,
		auth.Rule{Method: pb.FocusGroupsService_ListRoles_FullMethodName, Access: auth.Read, Roles: staff,
			Scope: "any staff, for any tenant: the built-in roles and the tenant's own, keys and labels only"},
		auth.Rule{Method: pb.FocusGroupsService_CreateFocusGroup_FullMethodName, Access: auth.Change, Roles: form, Scope: formScope},
		auth.Rule{Method: pb.FocusGroupsService_GetPublishedFindings_FullMethodName, Access: auth.Public,
			Scope: "anyone: a group's agreed findings, with only the quotes and names their speakers allow"},
	)
	for _, m := range []string{
		pb.FocusGroupsService_ListFocusGroupMembers_FullMethodName,
		pb.FocusGroupsService_GetFocusGroupMember_FullMethodName,
		pb.FocusGroupsService_ExportFocusGroupMember_FullMethodName,
		pb.FocusGroupsService_ListRsvps_FullMethodName,
		pb.FocusGroupsService_GetRsvp_FullMethodName,
		pb.FocusGroupsService_GetAttendance_FullMethodName,
		pb.FocusGroupsService_ListFindings_FullMethodName,
		pb.FocusGroupsService_GetFinding_FullMethodName,
	} {
		rules = append(rules, auth.Rule{Method: m, Access: auth.Read, Roles: staff, Scope: manageScope})
	}
	for _, m := range []string{
		pb.FocusGroupsService_UpdateFocusGroup_FullMethodName,
		pb.FocusGroupsService_ConcludeFocusGroup_FullMethodName,
		pb.FocusGroupsService_DissolveFocusGroup_FullMethodName,
		pb.FocusGroupsService_AddFocusGroupMember_FullMethodName,
		pb.FocusGroupsService_RemoveFocusGroupMember_FullMethodName,
		pb.FocusGroupsService_EraseFocusGroupMember_FullMethodName,
		pb.FocusGroupsService_InviteResidents_FullMethodName,
		pb.FocusGroupsService_ScheduleSession_FullMethodName,
		pb.FocusGroupsService_UpdateSession_FullMethodName,
		pb.FocusGroupsService_CancelSession_FullMethodName,
		pb.FocusGroupsService_CompleteSession_FullMethodName,
		pb.FocusGroupsService_SetRsvp_FullMethodName,
		pb.FocusGroupsService_PromoteFromWaitlist_FullMethodName,
		pb.FocusGroupsService_RecordAttendance_FullMethodName,
		pb.FocusGroupsService_CreateFinding_FullMethodName,
		pb.FocusGroupsService_UpdateFinding_FullMethodName,
		pb.FocusGroupsService_AgreeFinding_FullMethodName,
	} {
		rules = append(rules, auth.Rule{Method: m, Access: auth.Change, Roles: staff, Scope: manageScope})
	}
	for _, m := range []string{
		pb.MemberLinksService_GetInvitation_FullMethodName,
		pb.MemberLinksService_AcceptInvitation_FullMethodName,
		pb.MemberLinksService_GetMemberView_FullMethodName,
		pb.MemberLinksService_RespondToSession_FullMethodName,
		pb.MemberLinksService_LeaveFocusGroup_FullMethodName,
		pb.MemberLinksService_GetSessionCalendar_FullMethodName,
		pb.MemberLinksService_RenewCalendarFeed_FullMethodName,
		pb.MemberLinksService_GetCalendarFeed_FullMethodName,
	} {
		rules = append(rules, auth.Rule{Method: m, Access: auth.Public, Scope: linkScope})
	}
	return rules
}
