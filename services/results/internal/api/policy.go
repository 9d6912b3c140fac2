package api

import (
	"github.com/meedoen/meedoen/internal/auth"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Scopes the rules below share; what they describe, the methods do
// through auth.Scope (access.go).
const (
	councilWorkScope = "local work: a council role in that municipality; regional work: a council role in a participating municipality, or the regional coordinator"
	boardScope       = "local work: chair or secretary of that municipality's council; regional work: of a participating council, or the regional coordinator"
	responseScope    = "a policy officer of the addressed municipality, for its own response only"
	settingsScope    = "a policy officer or the council secretary of that municipality; any staff of it may read"
	publicScope      = "anyone: what was sent, reported and counted is public (small numbers hidden)"
	renderScope      = "anyone for a sent version; a draft: staff who may see the advice (others get 404)"
)

// responders may record a municipality's response: its policy officers.
var responders = []auth.Role{auth.PolicyOfficer}

// settingsKeepers may change a municipality's response settings: the
// term is the municipality's, the secretary's address the council's.
var settingsKeepers = []auth.Role{auth.PolicyOfficer, auth.Secretary}

// deciders adopt, send and publish for a council: its chair and
// secretary, and a region's coordinator for shared work.
var deciders = append(append([]auth.Role{}, auth.BoardRoles...), auth.RegionalCoordinator)

// Policy says who may call each method of the results API. The guard
// enforces it before a method runs; the method then narrows the call to
// the caller's tenants, as each rule's scope describes.
func Policy() []auth.Rule {
	staff, work, visible := auth.StaffAndAdmin, auth.CouncilWorkers, auth.VisibleWork
	public := func(method string) auth.Rule {
		return auth.Rule{Method: method, Access: auth.Public, Scope: publicScope}
	}
	return []auth.Rule{
		{Method: pb.AdviceService_CreateAdvice_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.AdviceService_GetAdvice_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_ListAdvices_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_CreateVersion_FullMethodName, Access: auth.Change, Roles: work, Scope: councilWorkScope},
		{Method: pb.AdviceService_GetVersion_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_ListVersions_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_AdoptAdvice_FullMethodName, Access: auth.Change, Roles: deciders, Scope: boardScope},
		{Method: pb.AdviceService_SendAdvice_FullMethodName, Access: auth.Change, Roles: deciders, Scope: boardScope},
		{Method: pb.AdviceService_ListRecommendations_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},

		{Method: pb.AdviceService_ListResponses_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_GetResponse_FullMethodName, Access: auth.Read, Roles: staff, Scope: visible},
		{Method: pb.AdviceService_AcknowledgeResponse_FullMethodName, Access: auth.Change, Roles: responders, Scope: responseScope},
		{Method: pb.AdviceService_AssignResponse_FullMethodName, Access: auth.Change, Roles: responders, Scope: responseScope},
		{Method: pb.AdviceService_RecordResponse_FullMethodName, Access: auth.Change, Roles: responders, Scope: responseScope},
		{Method: pb.AdviceService_RequestRevision_FullMethodName, Access: auth.Change, Roles: deciders, Scope: boardScope},
		{Method: pb.AdviceService_GetResponseSettings_FullMethodName, Access: auth.Read, Roles: staff, Scope: settingsScope},
		{Method: pb.AdviceService_UpdateResponseSettings_FullMethodName, Access: auth.Change, Roles: settingsKeepers, Scope: settingsScope},

		{Method: pb.ResultsService_CreateReport_FullMethodName, Access: auth.Change, Roles: deciders, Scope: boardScope},
		public(pb.ResultsService_GetReport_FullMethodName),
		public(pb.ResultsService_ListReports_FullMethodName),
		public(pb.ResultsService_GetProcessResults_FullMethodName),
		public(pb.ResultsService_ListProcessResults_FullMethodName),
		public(pb.ResultsService_GetFigures_FullMethodName),

		{Method: pb.FilesService_RenderAdvice_FullMethodName, Access: auth.Public, Scope: renderScope},
		public(pb.FilesService_ExportFigures_FullMethodName),
		public(pb.FilesService_ExportResults_FullMethodName),
		public(pb.FilesService_GetDataCatalog_FullMethodName),
		public(pb.FilesService_RenderChart_FullMethodName),
	}
}
