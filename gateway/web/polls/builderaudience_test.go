package polls

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// sharedDraft is a draft shared by Velsen and Beverwijk for their panels.
const sharedDraft = "poll-shared-draft"

// audienceSite returns the fakes and a site with the panels service,
// whose list of neighbourhoods the builder offers; the local draft's and
// the shared draft's audience is the panel.
func audienceSite(t *testing.T) (*fakePanels, *fakeSurveys, *Site) {
	t.Helper()
	panels, surveys := newFakePanels(), newFakeSurveys()
	surveys.mu.Lock()
	surveys.staff[draftPollID].Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL, AgeBands: []string{"76+"}, Neighbourhoods: []string{"VEL-07"}}
	surveys.mu.Unlock()
	surveys.addDraft(&surveysv1.Poll{
		Id: sharedDraft, Tenant: "ijmond", Participants: []string{"GM0453", "GM0375"}, Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Status: surveysv1.PollStatus_POLL_STATUS_DRAFT, Title: webtest.Text("Eenzaamheid in de IJmond", ""),
		Audience: &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL},
	})
	return panels, surveys, newSite(t, Config{Surveys: surveys.serve(t), Councils: newFakeCouncils().serve(t), Panels: panels.serve(t)})
}

// The builder offers the panel's real age bands and the municipality's
// neighbourhoods from the operator's table as boxes, the saved ones
// ticked; nothing to type, and no band that is none ("65-74").
func TestBuilderOffersThePanelsBandsAndTheTenantsNeighbourhoods(t *testing.T) {
	t.Parallel()
	_, _, site := audienceSite(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID + "/bewerken", As: &webtest.VelsenChair})
	if diff := cmp.Diff([]string{"0-17", "18-26", "27-40", "41-65", "66-75", "76+"}, boxValues(body, bfAgeBands)); diff != "" {
		t.Errorf("age bands offered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"VEL-01", "VEL-07", "VEL-09"}, boxValues(body, bfNeighbourhoods)); diff != "" {
		t.Errorf("neighbourhoods offered to Velsen's poll (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, `id="wijken-VEL-07" name="wijken" value="VEL-07" checked`, `id="leeftijden-76&#43;" name="leeftijden" value="76&#43;" checked`,
		`for="wijken-VEL-07">Velserbroek</label>`, `for="leeftijden-66-75">66 tot en met 75 jaar</label>`)
	webtest.MustNotContain(t, body, `<textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="wijken"`,
		`<textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="leeftijden"`, "65-74", "Eén groep per regel")

	// A shared poll groups them per participating municipality.
	_, body = webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + sharedDraft + "/bewerken", As: &webtest.VelsenChair})
	if diff := cmp.Diff([]string{"VEL-01", "VEL-07", "VEL-09", "BEV-01", "BEV-02"}, boxValues(body, bfNeighbourhoods)); diff != "" {
		t.Errorf("neighbourhoods offered to the shared poll (-want +got):\n%s", diff)
	}
	for _, m := range []string{"Velsen", "Beverwijk"} {
		webtest.MustContain(t, body, `mdn-legend--small">`+m+`</legend>`)
	}
	webtest.MustNotContain(t, body, "HKR-01")
}

// A value that is on no list, posted anyway, is refused by the service
// and shown next to its field in Dutch, naming it.
func TestBuilderShowsARefusedAgeBandInDutch(t *testing.T) {
	t.Parallel()
	_, surveys, site := audienceSite(t)
	surveys.FailWith("UpdatePoll", webtest.Invalid("/poll/audience/ageBands/0", "must be one of 0-17, 18-26, 27-40, 41-65, 66-75, 76+",
		"/poll/audience/neighbourhoods/0", "is not a neighbourhood of the poll's municipalities; name one by its code or name (see ListNeighbourhoods)"))
	resp, body := press(t, site, draftPollID, opSave, map[string][]string{bfAgeBands: {"65-74"}, bfNeighbourhoods: {"BEV-01"}})
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 400 or 422", resp.StatusCode)
	}
	sent := surveys.Request("UpdatePoll").(*surveysv1.UpdatePollRequest)
	if diff := cmp.Diff(&surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL, AgeBands: []string{"65-74"}, Neighbourhoods: []string{"BEV-01"}},
		sent.GetPoll().GetAudience(), protocmp.Transform()); diff != "" {
		t.Errorf("audience sent (-want +got):\n%s", diff)
	}
	want := [][2]string{
		{"#wijken-VEL-01", "Alleen panelleden in deze wijken: Kies een wijk uit de lijst van de gemeenten van deze peiling."},
		{"#leeftijden-0-17", "Alleen panelleden in deze leeftijdsgroepen: Kies een leeftijdsgroep uit de lijst van het panel."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	webtest.MustNotContain(t, body, "must be one of", "is not a neighbourhood")
}

// The builder shows whom the saved panel audience reaches, counted by
// the service's dry run; "Opslaan en bereik bekijken" saves and comes
// back to it.
func TestBuilderShowsTheAudiencesReach(t *testing.T) {
	t.Parallel()
	panels, surveys, site := audienceSite(t)
	editor := "/peilingen/" + draftPollID + "/bewerken"
	_, body := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
	webtest.MustContain(t, body, "Deze selectie bereikt 9 panelleden.", `name="actie" value="bereik">Opslaan en bereik bekijken</button>`)
	if diff := cmp.Diff(&surveysv1.InvitePanelRequest{PollId: draftPollID, DryRun: true}, panels.Request("InvitePanelDryRun"), protocmp.Transform()); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	if i, j := strings.Index(body, "Deze selectie bereikt"), strings.Index(body, `id="planning-titel"`); i > j {
		t.Error("the reach is not in the audience's part of the page")
	}

	resp, _ := press(t, site, draftPollID, opReach, map[string][]string{bfAgeBands: {"66-75", "76+"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, editor) || !strings.HasSuffix(loc, "#bereik") {
		t.Errorf("redirect to %q, want the editor at #bereik", loc)
	}
	sent := surveys.Request("UpdatePoll").(*surveysv1.UpdatePollRequest)
	if diff := cmp.Diff([]string{"66-75", "76+"}, sent.GetPoll().GetAudience().GetAgeBands()); diff != "" {
		t.Errorf("saved age bands (-want +got):\n%s", diff)
	}

	// An open link reaches anyone with it: no count.
	surveys.mu.Lock()
	surveys.staff[draftPollID].Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK}
	surveys.mu.Unlock()
	_, body = webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
	webtest.MustNotContain(t, body, "Deze selectie bereikt")
}

// Whom the service does not let invite the panel sees no reach, and
// a reach the service cannot count now is said so.
func TestBuilderReachWhenTheServiceCannotCount(t *testing.T) {
	t.Parallel()
	panels, _, site := audienceSite(t)
	editor := "/peilingen/" + draftPollID + "/bewerken"
	panels.FailWith("InvitePanelDryRun", status.Error(codes.PermissionDenied, "invite residents to this poll"))
	_, body := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
	webtest.MustNotContain(t, body, "Deze selectie bereikt", "kan nu niet worden geteld")
	panels.FailWith("InvitePanelDryRun", status.Error(codes.Unavailable, "the panels service is down"))
	_, body = webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
	webtest.MustContain(t, body, "Het bereik kan nu niet worden geteld.")
}
