package group

import "slices"

// Role is what a member is in a focus group. Roles are a closed list:
// events carry a member's role, and a key from the list can never be text
// a person typed.
type Role struct {
	// Key is the role's name in storage, the API and events.
	Key string
	// NL and EN are its labels.
	NL, EN string
	// Resident says whether members in the role are usually residents
	// rather than staff.
	Resident bool
}

// The roles' keys.
const (
	Client           = "client"            // cliënt
	ExperienceExpert = "experience_expert" // ervaringsdeskundige
	KeyFigure        = "key_figure"        // sleutelfiguur
	InformalCarer    = "informal_carer"    // mantelzorger
	CouncilMember    = "council_member"    // participatieraadslid
	PolicyOfficer    = "policy_officer"    // beleidsmedewerker
	Facilitator      = "facilitator"       // gespreksleider
)

var roles = []Role{
	{Key: Client, NL: "Cliënt", EN: "Client", Resident: true},
	{Key: ExperienceExpert, NL: "Ervaringsdeskundige", EN: "Experience expert", Resident: true},
	{Key: KeyFigure, NL: "Sleutelfiguur", EN: "Key figure", Resident: true},
	{Key: InformalCarer, NL: "Mantelzorger", EN: "Informal carer", Resident: true},
	{Key: CouncilMember, NL: "Participatieraadslid", EN: "Council member"},
	{Key: PolicyOfficer, NL: "Beleidsmedewerker", EN: "Policy officer"},
	{Key: Facilitator, NL: "Gespreksleider", EN: "Facilitator"},
}

// Roles lists every role, residents' first.
func Roles() []Role { return slices.Clone(roles) }

// RoleOf returns the role with key, if there is one.
func RoleOf(key string) (Role, bool) {
	i := slices.IndexFunc(roles, func(r Role) bool { return r.Key == key })
	if i < 0 {
		return Role{}, false
	}
	return roles[i], true
}

// ValidRole reports whether key names a role.
func ValidRole(key string) bool {
	_, ok := RoleOf(key)
	return ok
}

// roleReason is what a key that names no role is told.
const roleReason = "must be one of client, experience_expert, key_figure, informal_carer, council_member, policy_officer or facilitator"
