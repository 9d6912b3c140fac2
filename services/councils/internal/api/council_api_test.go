package api

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/council"
)

// councilFixture is the fixture with the service's clock fixed, so that
// "today" cannot change halfway through a test.
func councilFixture(t *testing.T) (fixture, council.Date) {
	t.Helper()
	f := newFixture(t)
	now := time.Now()
	f.srv.now = func() time.Time { return now }
	return f, council.Today(now)
}

// councilErrCode is the domain code of err, or "" for none.
func councilErrCode(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}

// councilErrFields lists the path and reason of every field err names.
func councilErrFields(err error) []errs.Field {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	return e.Fields
}

func velsenCouncilSettings() *councilsv1.Council {
	return &councilsv1.Council{Name: "Participatieraad Velsen", ContactEmail: "info@participatieraadvelsen.nl", TakesUnsolicitedQuestions: true, Seats: 11}
}

func addCouncilMember(t *testing.T, f fixture, code, name string, role councilsv1.MemberRole, start, end string) *councilsv1.Member {
	t.Helper()
	m, err := f.srv.AddMember(as("secretary", "secretary@"+code), &councilsv1.AddMemberRequest{
		MunicipalityCode: code,
		Member:           &councilsv1.Member{Name: name, Role: role, TermStart: start, TermEnd: end},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVelsensChairUpdatesVelsensCouncil(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	before := len(f.outboxTypes(t))
	got, err := f.srv.UpdateCouncil(as("chair-velsen", "chair@GM0453"), &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453", Council: velsenCouncilSettings()})
	if err != nil {
		t.Fatal(err)
	}
	want := velsenCouncilSettings()
	want.MunicipalityCode, want.Vacancies = "GM0453", 11
	if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&councilsv1.Council{}, "update_time", "etag")); diff != "" {
		t.Errorf("updated council (-want +got):\n%s", diff)
	}
	read, err := f.srv.GetCouncil(as("officer-velsen", "policy_officer@GM0453"), &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, read, protocmp.Transform()); diff != "" {
		t.Errorf("council read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"council.settings_changed"}, f.outboxTypes(t)[before:]); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// The same settings again change nothing and announce nothing.
	if _, err := f.srv.UpdateCouncil(as("secretary-velsen", "secretary@GM0453"), &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453", Council: velsenCouncilSettings()}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.outboxTypes(t)) - before; n != 1 {
		t.Errorf("%d events after repeating the update, want 1", n)
	}
}

func TestWhoMaySeeAndChangeACouncil(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	get := func(ctx context.Context, code string) error {
		_, err := f.srv.GetCouncil(ctx, &councilsv1.GetCouncilRequest{MunicipalityCode: code})
		return err
	}
	roster := func(ctx context.Context, code string) error {
		_, err := f.srv.ListMembers(ctx, &councilsv1.ListMembersRequest{MunicipalityCode: code})
		return err
	}
	update := func(ctx context.Context, code string) error {
		_, err := f.srv.UpdateCouncil(ctx, &councilsv1.UpdateCouncilRequest{MunicipalityCode: code, Council: velsenCouncilSettings()})
		return err
	}
	add := func(ctx context.Context, code string) error {
		_, err := f.srv.AddMember(ctx, &councilsv1.AddMemberRequest{MunicipalityCode: code,
			Member: &councilsv1.Member{Name: "Anouk", Role: councilsv1.MemberRole_MEMBER_ROLE_MEMBER, TermStart: "2026-01-01"}})
		return err
	}
	changeMember := func(ctx context.Context, code string) error {
		_, err := f.srv.UpdateMember(ctx, &councilsv1.UpdateMemberRequest{MunicipalityCode: code, MemberId: "0190b2a4-0000-7000-8000-000000000000",
			Member: &councilsv1.Member{Name: "Anouk", Role: councilsv1.MemberRole_MEMBER_ROLE_MEMBER, TermStart: "2026-01-01"}})
		return err
	}
	type call = func(context.Context, string) error
	tests := []struct {
		name   string
		grants []string
		call   call
		code   string
		want   errs.Code
	}{
		{name: "Beverwijk's chair does not see Velsen's council", grants: []string{"chair@GM0375"}, call: get, code: "GM0453", want: errs.NotFound},
		{name: "Beverwijk's chair does not see Velsen's roster", grants: []string{"chair@GM0375"}, call: roster, code: "GM0453", want: errs.NotFound},
		{name: "Beverwijk's chair cannot update Velsen's council", grants: []string{"chair@GM0375"}, call: update, code: "GM0453", want: errs.NotFound},
		{name: "Beverwijk's chair cannot add to Velsen's council", grants: []string{"chair@GM0375"}, call: add, code: "GM0453", want: errs.NotFound},
		{name: "Velsen's council member sees the council", grants: []string{"council_member@GM0453"}, call: get, code: "GM0453"},
		{name: "Velsen's council member sees the roster", grants: []string{"council_member@GM0453"}, call: roster, code: "GM0453"},
		{name: "Velsen's council member may not update the council", grants: []string{"council_member@GM0453"}, call: update, code: "GM0453", want: errs.PermissionDenied},
		{name: "Velsen's council member may not add members", grants: []string{"council_member@GM0453"}, call: add, code: "GM0453", want: errs.PermissionDenied},
		{name: "Velsen's council member may not change members", grants: []string{"council_member@GM0453"}, call: changeMember, code: "GM0453", want: errs.PermissionDenied},
		{name: "Velsen's policy officer sees the council", grants: []string{"policy_officer@GM0453"}, call: get, code: "GM0453"},
		{name: "Velsen's policy officer may not update it", grants: []string{"policy_officer@GM0453"}, call: update, code: "GM0453", want: errs.PermissionDenied},
		{name: "IJmond's coordinator sees Velsen's council", grants: []string{"regional_coordinator@ijmond"}, call: get, code: "GM0453"},
		{name: "IJmond's coordinator sees Heemskerk's roster", grants: []string{"regional_coordinator@ijmond"}, call: roster, code: "GM0396"},
		{name: "IJmond's coordinator may not update a council", grants: []string{"regional_coordinator@ijmond"}, call: update, code: "GM0453", want: errs.PermissionDenied},
		{name: "another region's coordinator does not see IJmond's councils", grants: []string{"regional_coordinator@zaanstreek"}, call: get, code: "GM0453", want: errs.NotFound},
		{name: "Velsen's secretary may add members", grants: []string{"secretary@GM0453"}, call: add, code: "GM0453"},
		{name: "Velsen's admin counts as its chair", grants: []string{"admin@GM0453"}, call: update, code: "GM0453"},
		{name: "an unknown municipality has no council", grants: []string{"admin@*"}, call: get, code: "GM9999", want: errs.NotFound},
		{name: "an unknown municipality's council cannot be updated", grants: []string{"admin@*"}, call: update, code: "GM9999", want: errs.NotFound},
		{name: "an unknown municipality's council takes no members", grants: []string{"admin@*"}, call: add, code: "GM9999", want: errs.NotFound},
		{name: "an unknown member cannot be changed", grants: []string{"chair@GM0453"}, call: changeMember, code: "GM0453", want: errs.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(as("caller", tc.grants...), tc.code)
			if got := councilErrCode(err); got != tc.want {
				t.Errorf("got %v (code %q), want code %q", err, got, tc.want)
			}
		})
	}
}

func TestInvalidCouncilSettingsAreAllNamedAndNothingIsStored(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	before := len(f.outboxTypes(t))
	_, err := f.srv.UpdateCouncil(as("chair-velsen", "chair@GM0453"), &councilsv1.UpdateCouncilRequest{
		MunicipalityCode: "GM0453",
		Council:          &councilsv1.Council{Name: " ", ContactEmail: "raad at velsen", Seats: 100},
	})
	if got := councilErrCode(err); got != errs.Invalid {
		t.Fatalf("got %v, want invalid input", err)
	}
	want := []errs.Field{
		{Path: "/name", Reason: "is required"},
		{Path: "/contactEmail", Reason: "must be an e-mail address such as info@participatieraad.nl, or empty"},
		{Path: "/seats", Reason: "must be between 1 and 99"},
	}
	if diff := cmp.Diff(want, councilErrFields(err)); diff != "" {
		t.Errorf("invalid fields (-want +got):\n%s", diff)
	}
	c, err := f.srv.GetCouncil(as("chair-velsen", "chair@GM0453"), &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if c.GetName() != "Participatieraad Velsen" || c.GetSeats() != 9 {
		t.Errorf("council after a refused update: %q with %d seats, want the defaults", c.GetName(), c.GetSeats())
	}
	if n := len(f.outboxTypes(t)); n != before {
		t.Errorf("%d events after a refused update, want %d", n, before)
	}
}

func TestInvalidMembersAreAllNamedAndNothingIsStored(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	before := len(f.outboxTypes(t))
	tests := []struct {
		name   string
		member *councilsv1.Member
		want   []errs.Field
	}{
		{
			name:   "everything missing",
			member: &councilsv1.Member{},
			want:   []errs.Field{{Path: "/name", Reason: "is required"}, {Path: "/role", Reason: "is required"}, {Path: "/termStart", Reason: "is required"}},
		},
		{
			name:   "term end before its start",
			member: &councilsv1.Member{Name: "Anouk", Role: councilsv1.MemberRole_MEMBER_ROLE_CHAIR, TermStart: "2026-06-01", TermEnd: "2026-05-31"},
			want:   []errs.Field{{Path: "/termEnd", Reason: "must not be before the start of the term"}},
		},
		{
			name:   "dates that are no dates and a role that does not exist",
			member: &councilsv1.Member{Name: "Anouk", Role: councilsv1.MemberRole(9), TermStart: "1-6-2026", TermEnd: "later"},
			want: []errs.Field{
				{Path: "/role", Reason: "must be member, chair or secretary"},
				{Path: "/termStart", Reason: "must be a date as YYYY-MM-DD"},
				{Path: "/termEnd", Reason: "must be a date as YYYY-MM-DD, or empty while the term is open-ended"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.AddMember(as("chair-velsen", "chair@GM0453"), &councilsv1.AddMemberRequest{MunicipalityCode: "GM0453", Member: tc.member})
			if got := councilErrCode(err); got != errs.Invalid {
				t.Fatalf("got %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.want, councilErrFields(err)); diff != "" {
				t.Errorf("invalid fields (-want +got):\n%s", diff)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM members`); n != 0 {
		t.Errorf("%d members stored after refused additions", n)
	}
	if n := len(f.outboxTypes(t)); n != before {
		t.Errorf("%d events after refused additions, want %d", n, before)
	}

	// Changing a member's term to end before it starts is refused the same way.
	m := addCouncilMember(t, f, "GM0453", "Anouk", councilsv1.MemberRole_MEMBER_ROLE_CHAIR, "2026-06-01", "")
	_, err := f.srv.UpdateMember(as("chair-velsen", "chair@GM0453"), &councilsv1.UpdateMemberRequest{MunicipalityCode: "GM0453", MemberId: m.GetId(),
		Member: &councilsv1.Member{Name: "Anouk", Role: councilsv1.MemberRole_MEMBER_ROLE_CHAIR, TermStart: "2026-06-01", TermEnd: "2026-01-31"}})
	if diff := cmp.Diff([]errs.Field{{Path: "/termEnd", Reason: "must not be before the start of the term"}}, councilErrFields(err)); diff != "" {
		t.Errorf("invalid fields (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM members WHERE term_end IS NOT NULL`); n != 0 {
		t.Errorf("%d members with a term end after a refused change", n)
	}
	if diff := cmp.Diff([]string{"member.joined"}, f.outboxTypes(t)[before:]); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestAMemberWhoseTermEndedIsInactiveAndLeavesAVacancy(t *testing.T) {
	t.Parallel()
	f, today := councilFixture(t)
	long := "2020-01-01"
	addCouncilMember(t, f, "GM0453", "Anouk", councilsv1.MemberRole_MEMBER_ROLE_CHAIR, long, "")
	addCouncilMember(t, f, "GM0453", "Bram", councilsv1.MemberRole_MEMBER_ROLE_SECRETARY, long, today.String())
	addCouncilMember(t, f, "GM0453", "Carla", councilsv1.MemberRole_MEMBER_ROLE_MEMBER, long, today.AddDays(-1).String())
	addCouncilMember(t, f, "GM0453", "Dirk", councilsv1.MemberRole_MEMBER_ROLE_MEMBER, today.AddDays(1).String(), "")
	addCouncilMember(t, f, "GM0375", "Eva", councilsv1.MemberRole_MEMBER_ROLE_MEMBER, long, "")

	type entry struct {
		Name   string
		Active bool
	}
	rosterOf := func(includeFormer bool) ([]entry, int32) {
		t.Helper()
		resp, err := f.srv.ListMembers(as("member-velsen", "council_member@GM0453"), &councilsv1.ListMembersRequest{MunicipalityCode: "GM0453", IncludeFormer: includeFormer})
		if err != nil {
			t.Fatal(err)
		}
		var out []entry
		for _, m := range resp.GetMembers() {
			out = append(out, entry{m.GetName(), m.GetActive()})
		}
		return out, resp.GetVacancies()
	}
	current, vacancies := rosterOf(false)
	want := []entry{{"Anouk", true}, {"Bram", true}, {"Dirk", false}}
	if diff := cmp.Diff(want, current); diff != "" {
		t.Errorf("roster (-want +got):\n%s", diff)
	}
	if vacancies != 7 {
		t.Errorf("%d vacancies with 2 of 9 seats taken today, want 7", vacancies)
	}
	all, _ := rosterOf(true)
	want = []entry{{"Anouk", true}, {"Bram", true}, {"Carla", false}, {"Dirk", false}}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("roster with former members (-want +got):\n%s", diff)
	}
	c, err := f.srv.GetCouncil(as("member-velsen", "council_member@GM0453"), &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if c.GetVacancies() != 7 {
		t.Errorf("council shows %d vacancies, want 7", c.GetVacancies())
	}
}

func TestChangingAMembersTermAnnouncesTheirLeaving(t *testing.T) {
	t.Parallel()
	f, today := councilFixture(t)
	m := addCouncilMember(t, f, "GM0453", "Anouk", councilsv1.MemberRole_MEMBER_ROLE_MEMBER, "2020-01-01", "")
	before := len(f.outboxTypes(t))
	ctx := as("chair-velsen", "chair@GM0453")
	update := func(role councilsv1.MemberRole, end string) *councilsv1.Member {
		t.Helper()
		got, err := f.srv.UpdateMember(ctx, &councilsv1.UpdateMemberRequest{MunicipalityCode: "GM0453", MemberId: m.GetId(),
			Member: &councilsv1.Member{Name: "Anouk", Role: role, TermStart: "2020-01-01", TermEnd: end, Subject: "anouk-login"}})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	vacancies := func() int32 {
		t.Helper()
		c, err := f.srv.GetCouncil(ctx, &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0453"})
		if err != nil {
			t.Fatal(err)
		}
		return c.GetVacancies()
	}

	if got := update(councilsv1.MemberRole_MEMBER_ROLE_CHAIR, ""); got.GetRole() != councilsv1.MemberRole_MEMBER_ROLE_CHAIR || !got.GetActive() {
		t.Errorf("after becoming chair: %v, active %v", got.GetRole(), got.GetActive())
	}
	if vacancies() != 8 {
		t.Errorf("%d vacancies with one active member, want 8", vacancies())
	}
	if got := update(councilsv1.MemberRole_MEMBER_ROLE_CHAIR, today.AddDays(-1).String()); got.GetActive() {
		t.Error("a member whose term ended yesterday is still active")
	}
	if vacancies() != 9 {
		t.Errorf("%d vacancies after the only member left, want 9", vacancies())
	}
	update(councilsv1.MemberRole_MEMBER_ROLE_CHAIR, "")

	// A role change announces nothing (no event exists for it); ending the
	// term announces the leaving and nothing else; reopening it, a joining.
	if diff := cmp.Diff([]string{"member.left", "member.joined"}, f.outboxTypes(t)[before:]); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	var data []byte
	if err := f.pool.QueryRow(context.Background(), `SELECT data FROM outbox WHERE subject LIKE '%.member.left'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	var left eventsv1.MemberLeft
	if err := protojson.Unmarshal(data, &left); err != nil {
		t.Fatal(err)
	}
	// The login subject travels along, so the gateway can end the member's
	// sessions when the term ends.
	want := &eventsv1.MemberLeft{MemberId: m.GetId(), MunicipalityCode: "GM0453", TermEnd: today.AddDays(-1).String(), SubjectSha256: auth.SubjectHash("anouk-login")}
	if diff := cmp.Diff(want, &left, protocmp.Transform()); diff != "" {
		t.Errorf("member.left payload (-want +got):\n%s", diff)
	}
}

func TestANewMunicipalityGetsItsDefaultCouncil(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	admin := as("root", "admin@*")
	if _, err := f.srv.CreateMunicipality(admin, &councilsv1.CreateMunicipalityRequest{
		Municipality: &councilsv1.Municipality{Code: "GM0383", Name: "Castricum", RegionId: "ijmond"},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := f.srv.GetCouncil(as("officer-castricum", "policy_officer@GM0383"), &councilsv1.GetCouncilRequest{MunicipalityCode: "GM0383"})
	if err != nil {
		t.Fatal(err)
	}
	want := &councilsv1.Council{MunicipalityCode: "GM0383", Name: "Participatieraad Castricum", Seats: 9, Vacancies: 9}
	if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&councilsv1.Council{}, "update_time", "etag")); diff != "" {
		t.Errorf("council of a new municipality (-want +got):\n%s", diff)
	}
}

func TestListCouncilsShowsWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f, _ := councilFixture(t)
	addCouncilMember(t, f, "GM0396", "Fatima", councilsv1.MemberRole_MEMBER_ROLE_CHAIR, "2020-01-01", "")
	tests := []struct {
		name     string
		grants   []string
		regionID string
		want     []string
	}{
		{name: "Velsen's chair sees Velsen's", grants: []string{"chair@GM0453"}, want: []string{"GM0453"}},
		{name: "IJmond's coordinator sees all three", grants: []string{"regional_coordinator@ijmond"}, want: []string{"GM0375", "GM0396", "GM0453"}},
		{name: "IJmond's coordinator asking for another region sees none", grants: []string{"regional_coordinator@ijmond"}, regionID: "zaanstreek", want: nil},
		{name: "another region's coordinator sees none", grants: []string{"regional_coordinator@zaanstreek"}, want: nil},
		{name: "a platform admin sees all", grants: []string{"admin@*"}, regionID: "ijmond", want: []string{"GM0375", "GM0396", "GM0453"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			cursor := ""
			for {
				resp, err := f.srv.ListCouncils(as("caller", tc.grants...), &councilsv1.ListCouncilsRequest{RegionId: tc.regionID, Limit: 2, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range resp.GetCouncils() {
					got = append(got, c.GetMunicipalityCode())
					if want := map[string]int32{"GM0396": 8}[c.GetMunicipalityCode()]; want != 0 && c.GetVacancies() != want {
						t.Errorf("%s shows %d vacancies, want %d", c.GetMunicipalityCode(), c.GetVacancies(), want)
					}
				}
				if cursor = resp.GetNextCursor(); cursor == "" {
					break
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("councils (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := f.srv.ListCouncils(as("caller", "admin@*"), &councilsv1.ListCouncilsRequest{Limit: 101}); councilErrCode(err) != errs.Invalid {
		t.Errorf("a page of 101 gave %v, want invalid input", err)
	}
}
