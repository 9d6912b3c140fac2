package api

import (
	"github.com/meedoen/meedoen/internal/auth"
	pb "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Scopes the rules below share; what they describe, the methods do
// through auth.Scope and the panel's municipality (access.go).
const (
	pollWorkScope    = "a council role in the poll's municipality (shared polls: in a participating municipality), or the region's coordinator for shared polls"
	panelKeeperScope = "secretary or policy officer of that municipality; others get 404"
)

// Policy says who may call each method of the surveys service's APIs
// (polls, panels and the response export). The guard enforces it before a
// method runs; the method then narrows the call to the caller's tenants,
// as each rule's scope describes.
func Policy() []auth.Rule {
	staff, work, keepers, visible := auth.StaffAndAdmin, auth.CouncilWorkers, auth.PanelKeepers, auth.VisibleWork
	return []auth.Rule{
		{Method: pb.SurveysService_GetPoll_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.SurveysService_ListPolls_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.SurveysService_GetTally_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible + "; live, without suppression"},
		{Method: pb.SurveysService_CreatePoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_UpdatePoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_SchedulePoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_UnschedulePoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_OpenPoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_ClosePoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_CancelPoll_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_CreateInvitations_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.SurveysService_GetPollForRespondent_FullMethodName, Access: auth.Public,
			Scope: "residents, by an invitation token or an open poll's link; drafts and panel polls by link answer 404"},
		{Method: pb.SurveysService_SubmitResponse_FullMethodName, Access: auth.Public,
			Scope: "residents, once per invitation or per browser, while the poll is open"},
		{Method: pb.SurveysService_GetPublicTally_FullMethodName, Access: auth.Public,
			Scope: "anyone, for open and closed polls, with small cells suppressed"},
		{Method: pb.SurveysService_ListOpenPolls_FullMethodName, Access: auth.Public,
			Scope: "anyone: the open polls of a municipality that residents answer by an open link, never panel polls"},
		{Method: pb.ExportService_ExportResponses_FullMethodName, Access: auth.Read, Roles: staff,
			Scope: visible + "; every response, pseudonymous (public: without free texts)"},

		{Method: pb.PanelsService_ImportPanelMembers_FullMethodName, Access: auth.Change, Roles: keepers, Scope: panelKeeperScope},
		{Method: pb.PanelsService_ListPanelMembers_FullMethodName, Access: auth.Read, Roles: keepers, Scope: panelKeeperScope},
		{Method: pb.PanelsService_GetPanelMember_FullMethodName, Access: auth.Read, Roles: keepers, Scope: panelKeeperScope},
		{Method: pb.PanelsService_ExportPanelMember_FullMethodName, Access: auth.Read, Roles: keepers, Scope: panelKeeperScope + "; everything held on the member"},
		{Method: pb.PanelsService_ErasePanelMember_FullMethodName, Access: auth.Change, Roles: keepers, Scope: panelKeeperScope},
		{Method: pb.PanelsService_GetPanelSummary_FullMethodName, Access: auth.Read, Roles: staff,
			Scope: "staff of that municipality, and the coordinator of its region; counts only, no personal data; others get 404"},
		{Method: pb.PanelsService_InvitePanel_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.PanelsService_RemindPanel_FullMethodName, Access: auth.Change, Roles: work, Scope: pollWorkScope},
		{Method: pb.PanelsService_SignUp_FullMethodName, Access: auth.Public,
			Scope: "residents, for a known municipality's panel; answers the same whether or not the address is known"},
		{Method: pb.PanelsService_ConfirmSignUp_FullMethodName, Access: auth.Public,
			Scope: "residents, by the single-use token mailed to them"},
		{Method: pb.PanelsService_Unsubscribe_FullMethodName, Access: auth.Public,
			Scope: "residents, by the token in any panel mail"},
		{Method: pb.PanelsService_ListNeighbourhoods_FullMethodName, Access: auth.Public,
			Scope: "anyone, every municipality's: neighbourhood names are public facts, and the panel sign-up offers them"},
	}
}
