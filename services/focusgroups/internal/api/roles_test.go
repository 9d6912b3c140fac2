package api

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// withRoles returns f's APIs on a store whose tenants have the extra
// roles: Heemskerk (GM0396) a youth worker, the IJmond region a
// neighbourhood coach, Velsen (GM0453) a street coach.
func (f fixture) withRoles(t *testing.T, roles map[string][]group.Role) fixture {
	t.Helper()
	c, err := group.NewCatalog(roles)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(f.pool, store.Config{PublicURL: "https://meedoen.example", From: "focusgroepen@meedoen.example", Roles: c})
	f.srv, f.links = New(st), NewLinks(st, "focusgroepen@meedoen.example")
	return f
}

var extraRoles = map[string][]group.Role{
	"GM0396": {{Key: "youth_worker", NL: "Jongerenwerker", EN: "Youth worker"}},
	"ijmond": {{Key: "buurt_coach", NL: "Buurtcoach", EN: "Neighbourhood coach", Resident: true}},
	"GM0453": {{Key: "street_coach", NL: "Straatcoach", EN: "Street coach"}},
}

var beverwijk = as("beverwijk", "council_member@GM0375")

// TestATenantsRolesAreItsGroupsOnly: a tenant's extra role seats, adds and
// invites members in its groups, and is refused in another tenant's
// (a region's shared group takes the region's roles, not those of its
// municipalities), naming the field and the keys allowed there.
func TestATenantsRolesAreItsGroupsOnly(t *testing.T) {
	f := newFixture(t).withRoles(t, extraRoles)
	own, err := f.srv.CreateFocusGroup(raadslid, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: processID,
		Name: "Jongeren", Seats: []*pb.SeatGroup{{Roles: []string{"youth_worker", "client"}, Seats: 4}}}})
	if err != nil {
		t.Fatalf("a group of Heemskerk seating its youth workers: %v", err)
	}
	shared, err := f.srv.CreateFocusGroup(beverwijk, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: sharedProcessID,
		Name: "Buurten", Seats: []*pb.SeatGroup{{Roles: []string{"buurt_coach"}, Seats: 2}}}})
	if err != nil {
		t.Fatalf("a shared group of the IJmond seating its neighbourhood coaches: %v", err)
	}

	_, err = f.srv.CreateFocusGroup(beverwijk, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: sharedProcessID,
		Name: "Jongeren", Seats: []*pb.SeatGroup{{Roles: []string{"youth_worker"}, Seats: 2}}}})
	refused(t, "seating Heemskerk's role in the region's group", err, "/seats/0/roles/0", "buurt_coach", "youth_worker")
	_, err = f.srv.UpdateFocusGroup(raadslid, &pb.UpdateFocusGroupRequest{Id: own.GetId(), FocusGroup: &pb.FocusGroup{
		Seats: []*pb.SeatGroup{{Roles: []string{"street_coach"}, Seats: 2}}}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"seats"}}})
	refused(t, "seating Velsen's role in Heemskerk's group", err, "/seats/0/roles/0", "youth_worker", "street_coach")

	if _, err := f.srv.AddFocusGroupMember(raadslid, &pb.AddFocusGroupMemberRequest{FocusGroupId: own.GetId(), Member: &pb.GroupMember{
		Kind: pb.MemberKind_MEMBER_KIND_STAFF, Role: "youth_worker", Name: "Jo", Subject: "jo"}}); err != nil {
		t.Errorf("adding a youth worker to Heemskerk's group: %v", err)
	}
	_, err = f.srv.AddFocusGroupMember(beverwijk, &pb.AddFocusGroupMemberRequest{FocusGroupId: shared.GetId(), Member: &pb.GroupMember{
		Kind: pb.MemberKind_MEMBER_KIND_STAFF, Role: "youth_worker", Name: "Jo", Subject: "jo"}})
	refused(t, "adding a youth worker to the region's group", err, "/role", "buurt_coach", "youth_worker")

	if _, err := f.srv.InviteResidents(beverwijk, &pb.InviteResidentsRequest{FocusGroupId: shared.GetId(), Invitees: []*pb.GroupInvitee{
		{Email: "coach@example.org", Name: "Coach", Role: "buurt_coach"}}}); err != nil {
		t.Errorf("inviting a neighbourhood coach to the region's group: %v", err)
	}
	_, err = f.srv.InviteResidents(raadslid, &pb.InviteResidentsRequest{FocusGroupId: own.GetId(), Invitees: []*pb.GroupInvitee{
		{Email: "a@example.org", Name: "A", Role: "client"}, {Email: "coach@example.org", Name: "Coach", Role: "buurt_coach"}}})
	refused(t, "inviting a neighbourhood coach to Heemskerk's group", err, "/invitees/1/role", "youth_worker", "buurt_coach")
	var invitations int
	if err := f.pool.QueryRow(t.Context(), `SELECT count(*) FROM invitations WHERE group_id = $1`, own.GetId()).Scan(&invitations); err != nil || invitations != 0 {
		t.Errorf("the refused invitations stored %d (%v), want none", invitations, err)
	}
}

// refused checks that err refuses one field, path, as invalid, with a
// reason that lists allowed and not denied.
func refused(t *testing.T, what string, err error, path, allowed, denied string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Path != path {
		t.Errorf("%s: %v, want invalid naming %s", what, err, path)
		return
	}
	reason := e.Fields[0].Reason
	if !strings.HasPrefix(reason, "must be one of client, ") || !strings.Contains(reason, allowed) || strings.Contains(reason, denied) {
		t.Errorf("%s: the reason %q should list %s and not %s", what, reason, allowed, denied)
	}
}

// TestListRolesListsATenantsOwn: the built-in roles for everyone, and a
// tenant's own for that tenant only.
func TestListRolesListsATenantsOwn(t *testing.T) {
	f := newFixture(t).withRoles(t, extraRoles)
	builtIn := []string{"client", "experience_expert", "key_figure", "informal_carer", "council_member", "policy_officer", "facilitator"}
	for tenant, want := range map[string][]string{
		"":       builtIn,
		"GM0396": append(slices.Clone(builtIn), "youth_worker"),
		"ijmond": append(slices.Clone(builtIn), "buurt_coach"),
		"GM0375": builtIn,
	} {
		resp, err := f.srv.ListRoles(raadslid, &pb.ListRolesRequest{Tenant: tenant})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range resp.GetRoles() {
			got = append(got, r.GetKey())
		}
		if !slices.Equal(got, want) {
			t.Errorf("roles of %q: %v, want %v", tenant, got, want)
		}
	}
	resp, _ := f.srv.ListRoles(raadslid, &pb.ListRolesRequest{Tenant: "ijmond"})
	if r := resp.GetRoles()[len(builtIn)]; r.GetLabelNl() != "Buurtcoach" || r.GetLabelEn() != "Neighbourhood coach" || !r.GetResident() {
		t.Errorf("the region's role is listed as %v", r)
	}
}

// TestARemovedRoleIsKept: members and seats keep a role the operator
// removes from the file; reading shows it by its key, and the group can
// still be changed.
func TestARemovedRoleIsKept(t *testing.T) {
	f := newFixture(t)
	before := f.withRoles(t, extraRoles)
	g, err := before.srv.CreateFocusGroup(raadslid, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: processID,
		Name: "Jongeren", Seats: []*pb.SeatGroup{{Roles: []string{"youth_worker"}, Seats: 4}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := before.srv.AddFocusGroupMember(raadslid, &pb.AddFocusGroupMemberRequest{FocusGroupId: g.GetId(), Member: &pb.GroupMember{
		Kind: pb.MemberKind_MEMBER_KIND_STAFF, Role: "youth_worker", Name: "Jo", Subject: "jo"}}); err != nil {
		t.Fatal(err)
	}

	after := f // the built-in roles alone
	got, err := after.srv.GetFocusGroup(raadslid, &pb.GetFocusGroupRequest{Id: g.GetId()})
	if err != nil {
		t.Fatalf("reading the group: %v", err)
	}
	if m := got.GetMembers(); len(m) != 1 || m[0].GetRole() != "youth_worker" || m[0].GetCount() != 1 {
		t.Errorf("members per role %v, want the youth worker counted", m)
	}
	members, err := after.srv.ListFocusGroupMembers(raadslid, &pb.ListFocusGroupMembersRequest{FocusGroupId: g.GetId()})
	if err != nil || len(members.GetMembers()) != 1 || members.GetMembers()[0].GetRole() != "youth_worker" {
		t.Errorf("listing the members: %v, %v", members.GetMembers(), err)
	}
	if _, err := after.srv.UpdateFocusGroup(raadslid, &pb.UpdateFocusGroupRequest{Id: g.GetId(), FocusGroup: &pb.FocusGroup{
		Name: "Jongeren en werk", TotalSeats: 6}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name", "total_seats"}}}); err != nil {
		t.Errorf("changing the group whose seats name the removed role: %v", err)
	}
	if r := roleMsg(after.srv.store.Roles("GM0396"), "youth_worker"); r.GetLabelNl() != "youth_worker" || r.GetLabelEn() != "youth_worker" {
		t.Errorf("the removed role is shown as %v, want its key as its labels", r)
	}
	_, err = after.srv.AddFocusGroupMember(raadslid, &pb.AddFocusGroupMemberRequest{FocusGroupId: g.GetId(), Member: &pb.GroupMember{
		Kind: pb.MemberKind_MEMBER_KIND_STAFF, Role: "youth_worker", Name: "Mo", Subject: "mo"}})
	refused(t, "adding a member in the removed role", err, "/role", "facilitator", "youth_worker")
}
