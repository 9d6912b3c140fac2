package api

import (
	"github.com/meedoen/meedoen/internal/auth"
	pb "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// Scopes the rules below share; what they describe, the methods do
// through auth.Scope (access.go).
const (
	localOrCoordinator = "staff of that municipality, and the coordinator of its region"
	councilWorkScope   = "local work: a council role in that municipality; regional work: a council role in a participating municipality, or the regional coordinator"
	boardScope         = "chair or secretary of that municipality's council"
	platformOnly       = "platform administrators only (admin@*)"
)

// Policy says who may call each method of the councils API. The guard
// enforces it before a method runs; the method then narrows the call to
// the caller's tenants, as each rule's scope describes.
func Policy() []auth.Rule {
	staff, work, visible := auth.StaffAndAdmin, auth.CouncilWorkers, auth.VisibleWork
	admin := []auth.Role{auth.Admin}
	return []auth.Rule{
		{Method: pb.CouncilsService_ListRegions_FullMethodName, Access: auth.Public,
			Scope: "anyone, all regions: their names are public facts, and residents' pages (the panel sign-up) show them"},
		{Method: pb.CouncilsService_GetRegion_FullMethodName, Access: auth.Read, Roles: staff, Scope: "any region"},
		{Method: pb.CouncilsService_CreateRegion_FullMethodName, Access: auth.Change, Roles: admin, Platform: true, Scope: platformOnly},
		{Method: pb.CouncilsService_ListMunicipalities_FullMethodName, Access: auth.Public,
			Scope: "anyone, all municipalities: their names are public facts, and residents' pages (the panel sign-up) show them"},
		{Method: pb.CouncilsService_GetMunicipality_FullMethodName, Access: auth.Read, Roles: staff, Scope: "any municipality"},
		{Method: pb.CouncilsService_CreateMunicipality_FullMethodName, Access: auth.Change, Roles: admin, Platform: true, Scope: platformOnly},

		{Method: pb.CouncilsService_GetCouncil_FullMethodName, Access: auth.Read, Roles: staff, Scope: localOrCoordinator},
		{Method: pb.CouncilsService_ListCouncils_FullMethodName, Access: auth.Read, Roles: staff, Scope: localOrCoordinator},
		{Method: pb.CouncilsService_ListMembers_FullMethodName, Access: auth.Read, Roles: staff, Scope: localOrCoordinator},
		{Method: pb.CouncilsService_GetMember_FullMethodName, Access: auth.Read, Roles: staff, Scope: localOrCoordinator},
		{Method: pb.CouncilsService_UpdateCouncil_FullMethodName, Access: auth.Change, Roles: auth.BoardRoles, Scope: boardScope},
		{Method: pb.CouncilsService_AddMember_FullMethodName, Access: auth.Change, Roles: auth.BoardRoles, Scope: boardScope},
		{Method: pb.CouncilsService_UpdateMember_FullMethodName, Access: auth.Change, Roles: auth.BoardRoles, Scope: boardScope},

		{Method: pb.CouncilsService_ListThemes_FullMethodName, Access: auth.Read, Roles: staff, Scope: "all themes"},
		{Method: pb.CouncilsService_GetQuestion_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_ListQuestions_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_RaiseQuestion_FullMethodName, Access: auth.Change,
			Roles: []auth.Role{auth.PolicyOfficer, auth.CouncilMember, auth.Chair, auth.Secretary, auth.RegionalCoordinator},
			Scope: "solicited: a policy officer of the municipality (regional: of a participating municipality, or the regional coordinator); unsolicited: a council role there, and only if the council takes unsolicited questions"},
		{Method: pb.CouncilsService_GetRaiseOptions_FullMethodName, Access: auth.Read, Roles: staff,
			Scope: "the origins RaiseQuestion would accept from the caller in the scope; none where the caller may not raise questions"},
		{Method: pb.CouncilsService_DecideQuestion_FullMethodName, Access: auth.Change, Roles: []auth.Role{auth.Chair, auth.Secretary, auth.RegionalCoordinator},
			Scope: "chair or secretary of the council concerned (regional: of a participating council, or the regional coordinator)"},

		{Method: pb.CouncilsService_GetProcess_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_ListProcesses_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_ListTransitions_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_ListFieldActivities_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_ListDeclarations_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.CouncilsService_StartProcess_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.CouncilsService_UpdateProcess_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.CouncilsService_TransitionProcess_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.CouncilsService_RecordFieldActivity_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.CouncilsService_DeclareInterest_FullMethodName, Access: auth.Change, Roles: auth.CouncilRoles,
			Scope: "a member of a council concerned, for themselves"},
	}
}
