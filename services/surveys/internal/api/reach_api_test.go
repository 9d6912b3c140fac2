package api

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// A poll's audience is refused when it names an age band that is no
// panel band, on creation as on a change: "65-74" would invite nobody.
func TestAudienceRefusesAnAgeBandThatIsNoBandOnCreateAndUpdate(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	p := panelPoll()
	p.Audience.AgeBands = []string{"66-75", "65-74"}
	_, err := f.srv.CreatePoll(velsenMember(), &surveysv1.CreatePollRequest{Poll: p})
	if codeOf(err) != "invalid" {
		t.Fatalf("create with 65-74: %v, want invalid", err)
	}
	if diff := cmp.Diff([]string{"/audience/ageBands/1"}, fieldPaths(err)); diff != "" {
		t.Errorf("create's paths (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM polls`); n != 0 {
		t.Errorf("%d polls stored after a refused create", n)
	}

	draft := f.create(t, velsenMember(), panelPoll())
	_, err = f.srv.UpdatePoll(velsenMember(), &surveysv1.UpdatePollRequest{Id: draft.GetId(), UpdateMask: mask("audience"),
		Poll: &surveysv1.Poll{Audience: &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL, AgeBands: []string{"65-74"}}}})
	if codeOf(err) != "invalid" {
		t.Fatalf("update with 65-74: %v, want invalid", err)
	}
	if diff := cmp.Diff([]string{"/audience/ageBands/0"}, fieldPaths(err)); diff != "" {
		t.Errorf("update's paths (-want +got):\n%s", diff)
	}
	got, err := f.srv.GetPoll(velsenMember(), &surveysv1.GetPollRequest{Id: draft.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if bands := got.GetAudience().GetAgeBands(); len(bands) != 0 {
		t.Errorf("a refused update changed the age bands to %v", bands)
	}
}

// A dry run counts whom an invitation would reach, per municipality,
// without inviting or mailing anyone; also for a draft, whose builder
// shows the reach.
func TestInvitePanelDryRunCountsReachAndInvitesNobody(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	if _, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453", ConsentVersion: "2026-01",
		Csv: []byte("email;wijk;leeftijdsgroep;toestemming_datum\n" +
			"a@velsen.example;VEL-01;66-75;2026-01-05\n" +
			"b@velsen.example;VEL-01;76+;2026-01-05\n" +
			"c@velsen.example;VEL-07;66-75;2026-01-05\n" +
			"d@velsen.example;VEL-07;18-26;2026-01-05\n")}); err != nil {
		t.Fatal(err)
	}
	older := panelPoll()
	older.Audience.AgeBands = []string{"66-75", "76+"}
	draft := f.create(t, velsenMember(), older)
	reach := func(id string, req *surveysv1.InvitePanelRequest) *surveysv1.InvitePanelResponse {
		t.Helper()
		req.PollId, req.DryRun = id, true
		got, err := f.panels.InvitePanel(velsenMember(), req)
		if err != nil {
			t.Fatalf("dry run: %v", err)
		}
		return got
	}
	want := &surveysv1.InvitePanelResponse{Invited: 3, DryRun: true,
		Municipalities: []*surveysv1.PanelReach{{MunicipalityCode: "GM0453", Invited: 3}}}
	if diff := cmp.Diff(want, reach(draft.GetId(), &surveysv1.InvitePanelRequest{}), protocmp.Transform()); diff != "" {
		t.Errorf("the draft's reach (-want +got):\n%s", diff)
	}
	want = &surveysv1.InvitePanelResponse{Invited: 1, DryRun: true,
		Municipalities: []*surveysv1.PanelReach{{MunicipalityCode: "GM0453", Invited: 1}}}
	if diff := cmp.Diff(want, reach(draft.GetId(), &surveysv1.InvitePanelRequest{Neighbourhoods: []string{"Velserbroek"}}), protocmp.Transform()); diff != "" {
		t.Errorf("the draft's reach in Velserbroek (-want +got):\n%s", diff)
	}
	// A band outside the poll's audience narrows it to nobody.
	want = &surveysv1.InvitePanelResponse{DryRun: true, Municipalities: []*surveysv1.PanelReach{{MunicipalityCode: "GM0453"}}}
	if diff := cmp.Diff(want, reach(draft.GetId(), &surveysv1.InvitePanelRequest{AgeBands: []string{"18-26"}}), protocmp.Transform()); diff != "" {
		t.Errorf("the draft's reach of 18-26 (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations`); n != 0 {
		t.Errorf("%d invitations after dry runs", n)
	}
	if n := len(f.mails(t)); n != 0 {
		t.Errorf("%d mails after dry runs", n)
	}
	// A draft is not invited for real.
	if _, err := f.panels.InvitePanel(velsenMember(), &surveysv1.InvitePanelRequest{PollId: draft.GetId()}); codeOf(err) != "failed_precondition" {
		t.Errorf("inviting to a draft: %v, want failed precondition", err)
	}

	open := f.opened(t, velsenMember(), older)
	if _, err := f.panels.InvitePanel(velsenMember(), &surveysv1.InvitePanelRequest{PollId: open.GetId(), AgeBands: []string{"76+"}}); err != nil {
		t.Fatal(err)
	}
	want = &surveysv1.InvitePanelResponse{Invited: 2, AlreadyInvited: 1, DryRun: true,
		Municipalities: []*surveysv1.PanelReach{{MunicipalityCode: "GM0453", Invited: 2, AlreadyInvited: 1}}}
	if diff := cmp.Diff(want, reach(open.GetId(), &surveysv1.InvitePanelRequest{}), protocmp.Transform()); diff != "" {
		t.Errorf("the open poll's reach after inviting 76+ (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE poll_id = $1`, open.GetId()); n != 1 {
		t.Errorf("%d invitations, want the 1 real one", n)
	}
}

// A shared poll's reach is counted per participating municipality, in
// the poll's order (by code), one without members included.
func TestInvitePanelDryRunCountsPerMunicipality(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	if _, err := f.pool.Exec(context.Background(), `INSERT INTO tenant_municipalities (code, name, region_id, event_id)
VALUES ('GM0375', 'Beverwijk', 'ijmond', '0190f0e0-0000-7000-8000-000000000002')`); err != nil {
		t.Fatal(err)
	}
	for ctx, csv := range map[string]string{
		"GM0453": "email;toestemming_datum\na@velsen.example;2026-01-05\nb@velsen.example;2026-01-05\n",
		"GM0375": "email;toestemming_datum\nc@beverwijk.example;2026-01-05\n",
	} {
		who := velsenOfficer()
		if ctx == "GM0375" {
			who = as("beverwijk-officer", "policy_officer@GM0375")
		}
		if _, err := f.panels.ImportPanelMembers(who, &surveysv1.ImportPanelMembersRequest{MunicipalityCode: ctx, ConsentVersion: "2026-01", Csv: []byte(csv)}); err != nil {
			t.Fatalf("import for %s: %v", ctx, err)
		}
	}
	p := sharedPoll("")
	p.Participants = []string{"GM0453", "GM0375", "GM0396"}
	p.Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL}
	draft := f.create(t, coordinator(), p)
	got, err := f.panels.InvitePanel(coordinator(), &surveysv1.InvitePanelRequest{PollId: draft.GetId(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := &surveysv1.InvitePanelResponse{Invited: 3, DryRun: true, Municipalities: []*surveysv1.PanelReach{
		{MunicipalityCode: "GM0375", Invited: 1}, {MunicipalityCode: "GM0396"}, {MunicipalityCode: "GM0453", Invited: 2}}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("the shared draft's reach (-want +got):\n%s", diff)
	}
}
