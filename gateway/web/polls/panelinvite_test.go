package polls

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// panelSite returns the fake panels and surveys services and a site that
// uses them.
func panelSite(t *testing.T) (*fakePanels, *fakeSurveys, *Site) {
	t.Helper()
	panels, surveys := newFakePanels(), newFakeSurveys()
	return panels, surveys, newSite(t, Config{Panels: panels.serve(t), Surveys: surveys.serve(t)})
}

// panelPoll makes the fake's open shared poll one for the IJmond panels.
func panelPoll(f *fakeSurveys) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staff[openPollID].Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL}
}

func TestPollPageInvitesAndRemindsThePanel(t *testing.T) {
	t.Parallel()
	panels, surveys, site := panelSite(t)
	panelPoll(surveys)
	page := "/peilingen/" + openPollID

	_, body := webtest.Send(t, site, webtest.Request{Target: page, As: &webtest.VelsenChair})
	webtest.MustContain(t, body, "Panel uitnodigen</button>", `action="`+page+`/panel-uitnodigen"`, `<option value="GM0396">Heemskerk</option>`,
		`id="leeftijd-66-75" name="leeftijd" value="66-75"`, "Herinnering sturen</button>", `action="`+page+`/herinneren"`)
	if panels.CallsOf("InvitePanel") != 0 {
		t.Error("showing the page invited the panel")
	}

	resp, _ := webtest.Send(t, site, webtest.Request{Target: page + "/panel-uitnodigen", As: &webtest.VelsenChair, Form: url.Values{
		"gemeente": {"GM0453"}, "leeftijd": {"66-75", "76+"}, "wijken": {"VEL-01", "VEL-09"}, "postcodes": {"1971 1972"},
	}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: status = %d, want 303", resp.StatusCode)
	}
	want := &surveysv1.InvitePanelRequest{
		PollId: openPollID, MunicipalityCode: "GM0453", AgeBands: []string{"66-75", "76+"},
		Neighbourhoods: []string{"VEL-01", "VEL-09"}, PostcodePrefixes: []string{"1971", "1972"},
	}
	if diff := cmp.Diff(want, panels.Request("InvitePanel"), protocmp.Transform()); diff != "" {
		t.Errorf("InvitePanel request (-want +got):\n%s", diff)
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: withoutFragment(t, resp), As: &webtest.VelsenChair})
	webtest.MustContain(t, body, "12 leden uitgenodigd. 3 leden waren al eerder uitgenodigd en kregen geen nieuwe uitnodiging.")

	resp, _ = webtest.Send(t, site, webtest.Request{Target: page + "/herinneren", As: &webtest.VelsenChair, Form: url.Values{}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: status = %d, want 303", resp.StatusCode)
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: withoutFragment(t, resp), As: &webtest.VelsenChair, Lang: "en"})
	webtest.MustContain(t, body, "7 reminders sent.")
}

// withoutFragment is where a redirect leads, as a browser asks for it:
// without the fragment, which it keeps to itself.
func withoutFragment(t *testing.T, resp *http.Response) string {
	t.Helper()
	loc, frag, _ := strings.Cut(resp.Header.Get("Location"), "#")
	if frag != "panel-titel" {
		t.Errorf("the redirect leads to #%s, want the panel's heading", frag)
	}
	return loc
}

func TestPollPagePanelErrorsAreTiedToTheirFields(t *testing.T) {
	t.Parallel()
	panels, surveys, site := panelSite(t)
	panelPoll(surveys)
	panels.FailWith("InvitePanel", webtest.Invalid("/municipalityCode", "is not one of the poll's municipalities"))
	page := "/peilingen/" + openPollID

	resp, body := webtest.Send(t, site, webtest.Request{Target: page + "/panel-uitnodigen", As: &webtest.VelsenChair, Form: url.Values{"gemeente": {"GM0375"}, "postcodes": {"19x1"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#postcodes", "Postcodes die beginnen met: Vul het begin van postcodes in als cijfers, zoals 1971."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("the site's own check (-want +got):\n%s", diff)
	}
	if panels.CallsOf("InvitePanel") != 0 {
		t.Error("the site sent a postcode it should have refused itself")
	}

	resp, body = webtest.Send(t, site, webtest.Request{Target: page + "/panel-uitnodigen", As: &webtest.VelsenChair, Form: url.Values{"gemeente": {"GM0375"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#gemeente", "Panel van: is not one of the poll's municipalities"}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("the service's objection (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, `aria-invalid="true" aria-describedby="gemeente-fout"`)
}

func TestPollPageHasNoPanelFormForOpenLinks(t *testing.T) {
	t.Parallel()
	_, _, site := panelSite(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID, As: &webtest.VelsenChair})
	webtest.MustNotContain(t, body, "Panel uitnodigen", "Herinnering sturen")
}

// The invitation form offers the neighbourhoods of the operator's table,
// per participating municipality of a shared poll, as boxes to tick:
// never a box to type in.
func TestPollPageOffersTheNeighbourhoodsOfThePollsMunicipalities(t *testing.T) {
	t.Parallel()
	_, surveys, site := panelSite(t)
	panelPoll(surveys)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID, As: &webtest.VelsenChair})
	if diff := cmp.Diff([]string{"VEL-01", "VEL-07", "VEL-09", "HKR-01"}, boxValues(body, "wijken")); diff != "" {
		t.Errorf("neighbourhoods offered (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, `<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend mdn-legend--small">Velsen</legend>`,
		`<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend mdn-legend--small">Heemskerk</legend>`,
		`<label class="utrecht-form-label utrecht-form-label--checkbox" for="wijken-VEL-07">Velserbroek</label>`)
	webtest.MustNotContain(t, body, `type="text" id="wijken"`, "BEV-01")
	if diff := cmp.Diff(kitAgeBands(), boxValues(body, "leeftijd")); diff != "" {
		t.Errorf("age bands offered (-want +got):\n%s", diff)
	}

	// A poll for older residents of IJmuiden offers only what its
	// audience takes.
	surveys.mu.Lock()
	surveys.staff[openPollID].Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL,
		Municipalities: []string{"GM0453"}, Neighbourhoods: []string{"VEL-01"}, AgeBands: []string{"66-75", "76+"}}
	surveys.mu.Unlock()
	_, body = webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID, As: &webtest.VelsenChair})
	if diff := cmp.Diff([]string{"VEL-01"}, boxValues(body, "wijken")); diff != "" {
		t.Errorf("neighbourhoods offered within the audience (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"66-75", "76+"}, boxValues(body, "leeftijd")); diff != "" {
		t.Errorf("age bands offered within the audience (-want +got):\n%s", diff)
	}
}

// Before inviting, the page says whom the invitation reaches, per
// municipality of a shared poll, as the service's dry run counts it; the
// "Bereik bekijken" button counts the form's choices, inviting nobody.
func TestPollPageShowsTheReachBeforeInviting(t *testing.T) {
	t.Parallel()
	panels, surveys, site := panelSite(t)
	panelPoll(surveys)
	page := "/peilingen/" + openPollID
	_, body := webtest.Send(t, site, webtest.Request{Target: page, As: &webtest.VelsenChair})
	reach := "Deze selectie bereikt 13 panelleden. 2 passende leden zijn al eerder uitgenodigd en krijgen geen nieuwe uitnodiging."
	webtest.MustContain(t, body, reach, "<li class=\"utrecht-unordered-list__item\">Velsen: 9 panelleden</li>",
		"<li class=\"utrecht-unordered-list__item\">Heemskerk: 4 panelleden</li>",
		`formaction="`+page+`/panel-bereik">Bereik bekijken</button>`)
	if strings.Index(body, reach) > strings.Index(body, "Panel uitnodigen</button>") {
		t.Error("the reach comes after the invite button")
	}
	want := &surveysv1.InvitePanelRequest{PollId: openPollID, DryRun: true}
	if diff := cmp.Diff(want, panels.Request("InvitePanelDryRun"), protocmp.Transform()); diff != "" {
		t.Errorf("dry run for the page (-want +got):\n%s", diff)
	}

	resp, body := webtest.Send(t, site, webtest.Request{Target: page + "/panel-bereik", As: &webtest.VelsenChair, Form: url.Values{
		"gemeente": {"GM0453"}, "leeftijd": {"76+"}, "wijken": {"VEL-07"}, "postcodes": {""},
	}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reach: status %d, want 200", resp.StatusCode)
	}
	want = &surveysv1.InvitePanelRequest{PollId: openPollID, MunicipalityCode: "GM0453", AgeBands: []string{"76+"}, Neighbourhoods: []string{"VEL-07"}, DryRun: true}
	if diff := cmp.Diff(want, panels.Request("InvitePanelDryRun"), protocmp.Transform()); diff != "" {
		t.Errorf("dry run of the form (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, "Deze selectie bereikt 9 panelleden.", `id="wijken-VEL-07" name="wijken" value="VEL-07" checked`,
		`id="leeftijd-76&#43;" name="leeftijd" value="76&#43;" checked`, `<option value="GM0453" selected>`)
	webtest.MustNotContain(t, body, "Velsen: 9 panelleden")
	if panels.CallsOf("InvitePanel") != 0 {
		t.Error("counting the reach invited the panel")
	}

	_, body = webtest.Send(t, site, webtest.Request{Target: page, As: &webtest.VelsenChair, Lang: "en"})
	webtest.MustContain(t, body, "This selection reaches 13 panel members.", "Heemskerk: 4 panel members")
}

// boxValues are the values of the checkboxes named name, in page order.
func boxValues(body, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`type="checkbox" id="[^"]*" name="`+regexp.QuoteMeta(name)+`" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func kitAgeBands() []string { return slices.Clone(kit.AgeBands) }
