package polls

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

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

	resp, _ := webtest.Send(t, site, webtest.Request{Target: page + "/panel-uitnodigen", As: &webtest.VelsenChair, Form: url.Values{
		"gemeente": {"GM0453"}, "leeftijd": {"66-75", "76+"}, "wijken": {"IJmuiden-Noord, Velsen-Zuid"}, "postcodes": {"1971 1972"},
	}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: status = %d, want 303", resp.StatusCode)
	}
	want := &surveysv1.InvitePanelRequest{
		PollId: openPollID, MunicipalityCode: "GM0453", AgeBands: []string{"66-75", "76+"},
		Neighbourhoods: []string{"IJmuiden-Noord", "Velsen-Zuid"}, PostcodePrefixes: []string{"1971", "1972"},
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
