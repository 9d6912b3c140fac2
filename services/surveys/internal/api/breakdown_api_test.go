package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// A panel member's answer is counted in the council's breakdown by age
// band and neighbourhood; the attributes travel in the event from the
// invitation, never with the stored answers, and the public sees no
// breakdown.
func TestPanelAnswersAreBrokenDownByAttributeForTheCouncilOnly(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	p := f.opened(t, velsenMember(), panelPoll())
	if _, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453",
		Csv:            []byte("email;wijk;leeftijdsgroep;toestemming_datum\na@velsen.example;IJmuiden;27-40;2026-01-05\nb@velsen.example;;27-40;2026-01-05\n"),
		ConsentVersion: "2026-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.panels.InvitePanel(velsenMember(), &surveysv1.InvitePanelRequest{PollId: p.GetId()}); err != nil {
		t.Fatal(err)
	}
	for _, m := range f.mails(t) {
		if m.kind != "invitation" {
			continue
		}
		if _, err := f.srv.SubmitResponse(resident(), byInvitation(linkToken(t, m.text, invitationPath), good(), "")); err != nil {
			t.Fatal(err)
		}
	}

	accepted := f.accepted(t)
	if len(accepted) == 0 {
		t.Fatal("no response announced")
	}
	hoods := map[string]int{}
	for _, msg := range accepted {
		if msg.GetAttributes()["age_band"] != "27-40" {
			t.Errorf("announced attributes %v, want the invitation's age band", msg.GetAttributes())
		}
		if h := msg.GetAttributes()["neighbourhood"]; h != "" {
			hoods[h]++
		}
	}
	// The event names the neighbourhood by its code, never as typed.
	if diff := cmp.Diff(map[string]int{"VEL-01": 1}, hoods); diff != "" {
		t.Errorf("announced neighbourhoods (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM responses WHERE answers::text LIKE '%27-40%' OR answers::text LIKE '%VEL-01%' OR answers::text LIKE '%IJmuiden%'`); n != 0 {
		t.Errorf("%d stored answers carry a panel attribute", n)
	}
	f.tallyOutbox(t)

	council, err := f.srv.GetTally(velsenMember(), &surveysv1.GetTallyRequest{PollId: p.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, b := range council.GetBreakdowns() {
		got[b.GetAttribute()+"="+b.GetValue()] = b.GetResponses()
	}
	if diff := cmp.Diff(map[string]int64{"age_band=27-40": 2, "neighbourhood=VEL-01": 1}, got); diff != "" {
		t.Errorf("council breakdowns (-want +got):\n%s", diff)
	}
	public, err := f.srv.GetPublicTally(resident(), &surveysv1.GetPublicTallyRequest{PollId: p.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if len(public.GetBreakdowns()) != 0 {
		t.Errorf("the public tally has breakdowns: %v", public.GetBreakdowns())
	}
}
