package group_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

func newCatalog(t *testing.T) *group.Catalog {
	t.Helper()
	c, err := group.NewCatalog(map[string][]group.Role{
		"GM0396": {{Key: "youth_worker", NL: "Jongerenwerker", EN: "Youth worker"}},
		"ijmond": {{Key: "buurt_coach", NL: "Buurtcoach", EN: "Neighbourhood coach", Resident: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func keys(roles []group.Role) []string {
	var out []string
	for _, r := range roles {
		out = append(out, r.Key)
	}
	return out
}

func TestATenantHasTheBuiltInRolesAndItsOwn(t *testing.T) {
	t.Parallel()
	c := newCatalog(t)
	builtIn := keys(group.BuiltIn())
	for tenant, want := range map[string][]string{
		"GM0396": append(slices.Clone(builtIn), "youth_worker"),
		"ijmond": append(slices.Clone(builtIn), "buurt_coach"),
		"GM0375": builtIn,
	} {
		if got := keys(c.For(tenant).All()); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tenant, got, want)
		}
	}
	if got := keys((*group.Catalog)(nil).For("GM0396").All()); !slices.Equal(got, builtIn) {
		t.Errorf("no catalog: %v, want the built-in roles", got)
	}
	if got, want := c.For("GM0396").Reason(),
		"must be one of client, experience_expert, key_figure, informal_carer, council_member, policy_officer, facilitator or youth_worker"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
	if r := c.For("GM0375").Label("youth_worker"); r != (group.Role{Key: "youth_worker", NL: "youth_worker", EN: "youth_worker"}) {
		t.Errorf("a role the tenant lacks is shown as %+v, want its key", r)
	}
}

func TestNewCatalogRefusesAnAmbiguousList(t *testing.T) {
	t.Parallel()
	for name, roles := range map[string][]group.Role{
		"a built-in key": {{Key: group.Client, NL: "C", EN: "C"}},
		"a key twice":    {{Key: "youth_worker"}, {Key: "youth_worker"}},
		"no key":         {{NL: "X", EN: "X"}},
	} {
		if _, err := group.NewCatalog(map[string][]group.Role{"GM0396": roles}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A group's tenant decides its roles: seats may name the tenant's own,
// not another's; an edit keeps seats in a role the operator has removed
// since, and takes no new ones in it.
func TestSeatsTakeTheTenantsRoles(t *testing.T) {
	t.Parallel()
	c := newCatalog(t)
	seats := func(role string) group.Seating {
		return group.Seating{Groups: []group.SeatGroup{{Roles: []string{role}, Seats: 2}}}
	}
	spec := group.Spec{Process: group.Process{ID: "p", Tenant: "GM0396"}, Name: "Jongeren", Seating: seats("youth_worker"),
		Roles: c.For("GM0396")}
	g, err := group.New(spec, now)
	if err != nil {
		t.Fatalf("Heemskerk's own role: %v", err)
	}
	spec.Seating = seats("buurt_coach")
	if _, err := group.New(spec, now); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("the region's role in Heemskerk's group: %v, want invalid", err)
	}

	// The operator removes youth_worker: the edit's Roles lack it.
	ch := g.Editable()
	ch.Name = "Jongeren en werk"
	if err := g.Edit(ch, now); err != nil {
		t.Errorf("renaming a group seated by a removed role: %v", err)
	}
	ch.Seating = group.Seating{Groups: []group.SeatGroup{{Roles: []string{"youth_worker"}, Seats: 2}, {Roles: []string{"buurt_coach"}, Seats: 1}}}
	err = g.Edit(ch, now)
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Path != "/seats/1/roles/0" {
		t.Errorf("seating another tenant's role by an edit: %v, want /seats/1/roles/0 named", err)
	}
}

// An invitation made in a role the operator has removed since is still
// accepted in it: Keeping adds the role, shown by its key.
func TestKeepingARemovedRole(t *testing.T) {
	t.Parallel()
	roles := newCatalog(t).For("GM0375").Keeping("youth_worker")
	if r, ok := roles.Lookup("youth_worker"); !ok || r.NL != "youth_worker" {
		t.Errorf("kept role: %+v, %v", r, ok)
	}
	if got := len(newCatalog(t).For("GM0396").Keeping("youth_worker").All()); got != len(group.BuiltIn())+1 {
		t.Errorf("keeping a role the set has adds it again: %d roles", got)
	}
}
