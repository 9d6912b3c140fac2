package auth

import (
	"cmp"
	"slices"
	"strings"
)

// Access is what a call does.
type Access string

// The kinds of access a rule grants.
const (
	Public Access = "public" // anyone, no identity needed
	Read   Access = "read"
	Change Access = "change"
)

// Rule says who may call one gRPC method. The services enforce it before the
// method runs; the method then scopes what it reads or changes to the
// tenants the caller has the roles in (see Scope).
type Rule struct {
	// Method is the full gRPC method name.
	Method string
	// Access is read, change or public.
	Access Access
	// Roles may call the method (an admin grant counts for every role).
	Roles []Role
	// Platform requires the roles platform-wide (a grant for tenant "*"),
	// for things that belong to no single tenant, such as creating a
	// municipality.
	Platform bool
	// Scope explains, for the policy document, how the method narrows the
	// caller's access to tenants.
	Scope string
}

// Allows reports whether id may call the method at all.
func (r Rule) Allows(id Identity, authenticated bool) bool {
	if r.Access == Public {
		return true
	}
	if !authenticated {
		return false
	}
	if r.Platform {
		return id.Has(AllTenants, r.Roles...) && hasPlatformGrant(id)
	}
	return id.HasAnywhere(r.Roles...)
}

func hasPlatformGrant(id Identity) bool {
	for _, g := range id.Grants {
		if g.Tenant == AllTenants {
			return true
		}
	}
	return false
}

// Policy is the set of rules, one per gRPC method. A method without a rule
// is refused.
type Policy struct {
	rules map[string]Rule
}

// NewPolicy returns a policy of rules.
func NewPolicy(rules ...Rule) Policy {
	p := Policy{rules: make(map[string]Rule, len(rules))}
	for _, r := range rules {
		p.rules[r.Method] = r
	}
	return p
}

// Lookup returns the rule for a full gRPC method name.
func (p Policy) Lookup(method string) (Rule, bool) {
	r, ok := p.rules[method]
	return r, ok
}

// Rules returns every rule, sorted by method.
func (p Policy) Rules() []Rule {
	out := make([]Rule, 0, len(p.rules))
	for _, r := range p.rules {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Rule) int { return cmp.Compare(a.Method, b.Method) })
	return out
}

// staff is every role, for the rules: admins are named, so that the
// policy document shows them.
var staff = append(slices.Clone(StaffRoles), Admin)

// DefaultPolicy is Meedoen's authorisation policy: the one table that
// docs/authorization.md shows and the policy matrix test checks every
// endpoint against.
func DefaultPolicy() Policy {
	const councils = "/meedoen.councils.v1.CouncilsService/"
	const surveys = "/meedoen.surveys.v1.SurveysService/"
	const panels = "/meedoen.surveys.v1.PanelsService/"
	return NewPolicy(
		Rule{Method: councils + "ListRegions", Access: Public,
			Scope: "anyone, all regions: their names are public facts, and residents' pages (the panel sign-up) show them"},
		Rule{Method: councils + "GetRegion", Access: Read, Roles: staff,
			Scope: "any region"},
		Rule{Method: councils + "CreateRegion", Access: Change, Roles: []Role{Admin}, Platform: true,
			Scope: "platform administrators only (admin@*)"},
		Rule{Method: councils + "ListMunicipalities", Access: Public,
			Scope: "anyone, all municipalities: their names are public facts, and residents' pages (the panel sign-up) show them"},
		Rule{Method: councils + "GetMunicipality", Access: Read, Roles: staff,
			Scope: "any municipality"},
		Rule{Method: councils + "CreateMunicipality", Access: Change, Roles: []Role{Admin}, Platform: true,
			Scope: "platform administrators only (admin@*)"},

		Rule{Method: councils + "GetCouncil", Access: Read, Roles: staff, Scope: localOrCoordinator},
		Rule{Method: councils + "ListCouncils", Access: Read, Roles: staff, Scope: localOrCoordinator},
		Rule{Method: councils + "ListMembers", Access: Read, Roles: staff, Scope: localOrCoordinator},
		Rule{Method: councils + "GetMember", Access: Read, Roles: staff, Scope: localOrCoordinator},
		Rule{Method: councils + "UpdateCouncil", Access: Change, Roles: board, Scope: "chair or secretary of that municipality's council"},
		Rule{Method: councils + "AddMember", Access: Change, Roles: board, Scope: "chair or secretary of that municipality's council"},
		Rule{Method: councils + "UpdateMember", Access: Change, Roles: board, Scope: "chair or secretary of that municipality's council"},

		Rule{Method: councils + "ListThemes", Access: Read, Roles: staff, Scope: "all themes"},
		Rule{Method: councils + "GetQuestion", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "ListQuestions", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "RaiseQuestion", Access: Change, Roles: []Role{PolicyOfficer, CouncilMember, Chair, Secretary, RegionalCoordinator},
			Scope: "solicited: a policy officer of the municipality (regional: of a participating municipality, or the regional coordinator); unsolicited: a council role there, and only if the council takes unsolicited questions"},
		Rule{Method: councils + "DecideQuestion", Access: Change, Roles: []Role{Chair, Secretary, RegionalCoordinator},
			Scope: "chair or secretary of the council concerned (regional: of a participating council, or the regional coordinator)"},

		Rule{Method: councils + "GetProcess", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "ListProcesses", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "ListTransitions", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "ListFieldActivities", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "ListDeclarations", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: councils + "StartProcess", Access: Change, Roles: councilWork, Scope: councilWorkScope},
		Rule{Method: councils + "UpdateProcess", Access: Change, Roles: councilWork, Scope: councilWorkScope},
		Rule{Method: councils + "TransitionProcess", Access: Change, Roles: councilWork, Scope: councilWorkScope},
		Rule{Method: councils + "RecordFieldActivity", Access: Change, Roles: councilWork, Scope: councilWorkScope},
		Rule{Method: councils + "DeclareInterest", Access: Change, Roles: []Role{CouncilMember, Chair, Secretary},
			Scope: "a member of a council concerned, for themselves"},

		Rule{Method: surveys + "GetPoll", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: surveys + "ListPolls", Access: Read, Roles: staff, Scope: visibleWork},
		Rule{Method: surveys + "GetTally", Access: Read, Roles: staff, Scope: visibleWork + "; live, without suppression"},
		Rule{Method: surveys + "CreatePoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "UpdatePoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "SchedulePoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "UnschedulePoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "OpenPoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "ClosePoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "CancelPoll", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "CreateInvitations", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: surveys + "GetPollForRespondent", Access: Public,
			Scope: "residents, by an invitation token or an open poll's link; drafts and panel polls by link answer 404"},
		Rule{Method: surveys + "SubmitResponse", Access: Public,
			Scope: "residents, once per invitation or per browser, while the poll is open"},
		Rule{Method: surveys + "GetPublicTally", Access: Public,
			Scope: "anyone, for open and closed polls, with small cells suppressed"},
		Rule{Method: "/meedoen.surveys.v1.ExportService/ExportResponses", Access: Read, Roles: staff,
			Scope: visibleWork + "; every response, pseudonymous (public: without free texts)"},

		Rule{Method: panels + "ImportPanelMembers", Access: Change, Roles: PanelKeepers, Scope: panelKeeperScope},
		Rule{Method: panels + "ListPanelMembers", Access: Read, Roles: PanelKeepers, Scope: panelKeeperScope},
		Rule{Method: panels + "GetPanelMember", Access: Read, Roles: PanelKeepers, Scope: panelKeeperScope},
		Rule{Method: panels + "ExportPanelMember", Access: Read, Roles: PanelKeepers, Scope: panelKeeperScope + "; everything held on the member"},
		Rule{Method: panels + "ErasePanelMember", Access: Change, Roles: PanelKeepers, Scope: panelKeeperScope},
		Rule{Method: panels + "GetPanelSummary", Access: Read, Roles: staff,
			Scope: "staff of that municipality, and the coordinator of its region; counts only, no personal data; others get 404"},
		Rule{Method: panels + "InvitePanel", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: panels + "RemindPanel", Access: Change, Roles: councilWork, Scope: pollWorkScope},
		Rule{Method: panels + "SignUp", Access: Public,
			Scope: "residents, for a known municipality's panel; answers the same whether or not the address is known"},
		Rule{Method: panels + "ConfirmSignUp", Access: Public,
			Scope: "residents, by the single-use token mailed to them"},
		Rule{Method: panels + "Unsubscribe", Access: Public,
			Scope: "residents, by the token in any panel mail"},
		Rule{Method: panels + "ListNeighbourhoods", Access: Public,
			Scope: "anyone, every municipality's: neighbourhood names are public facts, and the panel sign-up offers them"},
	)
}

// Roles and scopes the rules share.
var (
	board       = BoardRoles
	councilWork = append(slices.Clone(CouncilRoles), RegionalCoordinator)
)

const (
	localOrCoordinator = "staff of that municipality, and the coordinator of its region"
	visibleWork        = "local work: staff of that municipality; regional work: staff of its participating municipalities and of the region; others get 404"
	councilWorkScope   = "local work: a council role in that municipality; regional work: a council role in a participating municipality, or the regional coordinator"
	pollWorkScope      = "a council role in the poll's municipality (shared polls: in a participating municipality), or the region's coordinator for shared polls"
)

const panelKeeperScope = "secretary or policy officer of that municipality; others get 404"

// MethodName is the last element of a full gRPC method name.
func MethodName(method string) string { return method[strings.LastIndex(method, "/")+1:] }
