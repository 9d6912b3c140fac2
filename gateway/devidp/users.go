package devidp

import (
	"strings"

	"github.com/meedoen/meedoen/internal/auth"
)

// User is a person the development provider can log in as.
type User struct {
	// Subject is the stable id the provider puts in the sub claim.
	Subject string
	// Name is shown on the login page and put in the name claim.
	Name string
	// Grants become the meedoen_roles claim, as given: the provider does
	// not check them, so tests can see how a relying party treats unknown
	// roles.
	Grants []auth.Grant
}

// The demo tenants: three municipalities of the IJmond and their region.
const (
	velsen    = "GM0453"
	beverwijk = "GM0375"
	heemskerk = "GM0396"
	ijmond    = "ijmond"
)

// DemoUsers returns the fictional people of the demo: for each demo
// municipality a council member, a chair, a secretary and a policy officer;
// a regional coordinator for the IJmond; a platform admin; and one person
// with roles in two tenants, for the tenant switcher.
func DemoUsers() []User {
	staff := func(slug, tenant string, role auth.Role, name string) User {
		return User{
			Subject: "dev-" + slug + "-" + roleSlug(role),
			Name:    name,
			Grants:  []auth.Grant{{Tenant: tenant, Role: role}},
		}
	}
	return []User{
		staff("velsen", velsen, auth.CouncilMember, "Anouk de Vries"),
		staff("velsen", velsen, auth.Chair, "Pieter Bakker"),
		staff("velsen", velsen, auth.Secretary, "Fatima El Amrani"),
		staff("velsen", velsen, auth.PolicyOfficer, "Joost Visser"),
		staff("beverwijk", beverwijk, auth.CouncilMember, "Sanne Jansen"),
		staff("beverwijk", beverwijk, auth.Chair, "Mehmet Yilmaz"),
		staff("beverwijk", beverwijk, auth.Secretary, "Eline Smit"),
		staff("beverwijk", beverwijk, auth.PolicyOfficer, "Bram de Boer"),
		staff("heemskerk", heemskerk, auth.CouncilMember, "Lotte Mulder"),
		staff("heemskerk", heemskerk, auth.Chair, "Hans Dekker"),
		staff("heemskerk", heemskerk, auth.Secretary, "Noor Bos"),
		staff("heemskerk", heemskerk, auth.PolicyOfficer, "Ruben Vermeulen"),
		staff("ijmond", ijmond, auth.RegionalCoordinator, "Ingrid Hoekstra"),
		staff("platform", auth.AllTenants, auth.Admin, "Wim van Dijk"),
		{
			Subject: "dev-velsen-council-member-ijmond-coordinator",
			Name:    "Femke van Leeuwen",
			Grants: []auth.Grant{
				{Tenant: velsen, Role: auth.CouncilMember},
				{Tenant: ijmond, Role: auth.RegionalCoordinator},
			},
		},
	}
}

// roleSlug turns council_member into council-member, for subjects.
func roleSlug(r auth.Role) string { return strings.ReplaceAll(string(r), "_", "-") }
