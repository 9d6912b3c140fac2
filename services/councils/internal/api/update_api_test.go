package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

// errPaths lists the paths of the fields err names.
func errPaths(err error) []string {
	var paths []string
	for _, f := range councilErrFields(err) {
		paths = append(paths, f.Path)
	}
	return paths
}

// An update changes the fields its mask names and leaves the others as
// they were, for each of the three resources; without a mask it changes
// every field a full form shows.
func TestAnUpdateChangesOnlyWhatItsMaskNames(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	chair := as("chair-velsen", "chair@GM0453")

	t.Run("council", func(t *testing.T) {
		if _, err := f.srv.UpdateCouncil(chair, &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453", Council: velsenCouncilSettings()}); err != nil {
			t.Fatal(err)
		}
		got, err := f.srv.UpdateCouncil(chair, &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453",
			Council: &councilsv1.Council{Seats: 7}, UpdateMask: mask("seats")})
		if err != nil {
			t.Fatal(err)
		}
		want := velsenCouncilSettings()
		want.MunicipalityCode, want.Seats, want.Vacancies = "GM0453", 7, 7
		if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&councilsv1.Council{}, "update_time", "etag")); diff != "" {
			t.Errorf("council after changing its seats (-want +got):\n%s", diff)
		}
	})

	t.Run("member", func(t *testing.T) {
		m := addCouncilMember(t, f, "GM0453", "Anouk de Vries", councilsv1.MemberRole_MEMBER_ROLE_MEMBER, "2026-01-01", "2029-12-31")
		got, err := f.srv.UpdateMember(chair, &councilsv1.UpdateMemberRequest{MunicipalityCode: "GM0453", MemberId: m.GetId(),
			Member: &councilsv1.Member{Role: councilsv1.MemberRole_MEMBER_ROLE_SECRETARY}, UpdateMask: mask("role")})
		if err != nil {
			t.Fatal(err)
		}
		want := proto.Clone(m).(*councilsv1.Member)
		want.Role = councilsv1.MemberRole_MEMBER_ROLE_SECRETARY
		if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&councilsv1.Member{}, "etag")); diff != "" {
			t.Errorf("member after changing the role (-want +got):\n%s", diff)
		}
		read, err := f.srv.GetMember(as("officer-velsen", "policy_officer@GM0453"), &councilsv1.GetMemberRequest{MunicipalityCode: "GM0453", MemberId: m.GetId()})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, read, protocmp.Transform()); diff != "" {
			t.Errorf("member read back (-want +got):\n%s", diff)
		}
	})

	t.Run("process", func(t *testing.T) {
		p := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375"))
		if _, err := f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(),
			Process: plan(councilsv1.FormKind_FORM_KIND_VISIT)}); err != nil {
			t.Fatal(err)
		}
		got, err := f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(),
			Process: &councilsv1.Process{TargetGroup: "70+"}, UpdateMask: mask("targetGroup")})
		if err != nil {
			t.Fatal(err)
		}
		want := plan(councilsv1.FormKind_FORM_KIND_VISIT)
		want.TargetGroup = "70+"
		gotPlan := &councilsv1.Process{PreciseQuestion: got.GetPreciseQuestion(), Approach: got.GetApproach(),
			TargetGroup: got.GetTargetGroup(), Forms: got.GetForms()}
		if diff := cmp.Diff(want, gotPlan, protocmp.Transform()); diff != "" {
			t.Errorf("plan after changing the target group (-want +got):\n%s", diff)
		}
	})
}

// A change based on an older version than the stored one changes nothing
// and is Stale, naming /etag; one based on the stored version goes
// through and gets a new version.
func TestAnUpdateBasedOnAnOlderVersionIsRefused(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	chair := as("chair-velsen", "chair@GM0453")
	read, err := f.srv.GetCouncil(chair, &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.srv.UpdateCouncil(chair, &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453",
		Council: &councilsv1.Council{Seats: 12, Etag: read.GetEtag()}, UpdateMask: mask("seats")})
	if err != nil {
		t.Fatalf("a change based on the stored version: %v", err)
	}
	if first.GetEtag() == read.GetEtag() {
		t.Errorf("the etag stayed %q after a change", first.GetEtag())
	}
	_, err = f.srv.UpdateCouncil(chair, &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453",
		Council: &councilsv1.Council{Name: "Tweede", Etag: read.GetEtag()}, UpdateMask: mask("name")})
	if councilErrCode(err) != errs.Stale || !cmp.Equal([]string{"/etag"}, errPaths(err)) {
		t.Fatalf("a change based on the version before the first: %v, want stale naming /etag", err)
	}
	after, err := f.srv.GetCouncil(chair, &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, after, protocmp.Transform()); diff != "" {
		t.Errorf("the refused change changed the council (-want +got):\n%s", diff)
	}

	p := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375"))
	// A transition is a change of the process too.
	f.mustMove(t, beverwijkMember(), p.GetId(), councilsv1.Phase_PHASE_CONCRETISE)
	_, err = f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(),
		Process: &councilsv1.Process{Approach: "Spiegelgesprek", Etag: p.GetEtag()}, UpdateMask: mask("approach")})
	if councilErrCode(err) != errs.Stale {
		t.Errorf("a process change based on the version before a transition: %v, want stale", err)
	}
}

// A mask with no paths changes nothing, but the caller and the version
// are still checked; a field that cannot change is named.
func TestAnUpdateOfNoFieldsChecksTheCallerAndTheVersion(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	chair := as("chair-velsen", "chair@GM0453")
	read, err := f.srv.GetCouncil(chair, &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		req       *councilsv1.UpdateCouncilRequest
		as        string
		wantCode  errs.Code
		wantPaths []string
	}{
		{"nothing to change", &councilsv1.UpdateCouncilRequest{Council: &councilsv1.Council{Etag: read.GetEtag()}, UpdateMask: mask("")}, "chair@GM0453", "", nil},
		{"nothing to change, but not the caller's to change", &councilsv1.UpdateCouncilRequest{Council: &councilsv1.Council{}, UpdateMask: mask()}, "policy_officer@GM0453", errs.PermissionDenied, nil},
		{"nothing to change, from an unknown version", &councilsv1.UpdateCouncilRequest{Council: &councilsv1.Council{Etag: "x"}, UpdateMask: mask()}, "chair@GM0453", errs.Stale, []string{"/etag"}},
		{"an output-only field", &councilsv1.UpdateCouncilRequest{Council: &councilsv1.Council{Vacancies: 3}, UpdateMask: mask("vacancies", "seats")}, "chair@GM0453", errs.Invalid, []string{"/vacancies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.MunicipalityCode = "GM0453"
			got, err := f.srv.UpdateCouncil(as("caller", tt.as), tt.req)
			if councilErrCode(err) != tt.wantCode || !cmp.Equal(tt.wantPaths, errPaths(err)) {
				t.Fatalf("UpdateCouncil: %v, want %q naming %v", err, tt.wantCode, tt.wantPaths)
			}
			if err == nil && got.GetEtag() != read.GetEtag() {
				t.Errorf("an update of no fields moved the version from %q to %q", read.GetEtag(), got.GetEtag())
			}
		})
	}
	after, err := f.srv.GetCouncil(chair, &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(read, after, protocmp.Transform()); diff != "" {
		t.Errorf("the council changed (-want +got):\n%s", diff)
	}
	if want := revision.Tag(after.GetUpdateTime().AsTime()); after.GetEtag() != want {
		t.Errorf("etag %q, want the tag of the update time, %q", after.GetEtag(), want)
	}
}

func TestGetMemberShowsOnlyVisibleCouncilsMembers(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	m := addCouncilMember(t, f, "GM0453", "Bram Jansen", councilsv1.MemberRole_MEMBER_ROLE_CHAIR, "2026-01-01", "")
	tests := []struct {
		name     string
		as       string
		code, id string
		wantCode errs.Code
	}{
		{"staff of the municipality", "council_member@GM0453", "GM0453", m.GetId(), ""},
		{"the coordinator of its region", "regional_coordinator@ijmond", "GM0453", m.GetId(), ""},
		{"staff of another municipality", "council_member@GM0375", "GM0453", m.GetId(), errs.NotFound},
		{"through another council", "council_member@GM0375", "GM0375", m.GetId(), errs.NotFound},
		{"not an id", "council_member@GM0453", "GM0453", "bram", errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.srv.GetMember(as("caller", tt.as), &councilsv1.GetMemberRequest{MunicipalityCode: tt.code, MemberId: tt.id})
			if councilErrCode(err) != tt.wantCode {
				t.Fatalf("GetMember: %v, want %q", err, tt.wantCode)
			}
			if err == nil && got.GetName() != "Bram Jansen" {
				t.Errorf("GetMember = %v", got)
			}
		})
	}
}
