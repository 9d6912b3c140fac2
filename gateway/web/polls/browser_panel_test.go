package polls

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
)

// The pages where a council member targets a panel: the builder's
// audience with the panel's bands and the table's neighbourhoods (a
// local and a shared poll) and its reach, and the poll's page with the
// invitation form and its reach.
func TestPanelTargetingPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	panels, surveys, _ := audienceSite(t)
	panelPoll(surveys)
	site := newSiteWith(t, Config{Surveys: surveys.serve(t), Councils: newFakeCouncils().serve(t), Panels: panels.serve(t)}, kit.Config{APIVersion: "1.0.0"}, nil)
	// The open poll's live tally streams; it ends soon, so that closing
	// the server does not wait for a browser that still listens.
	site.liveFor = 2 * time.Second
	srv := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, site.Handler()))
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ name, url string }{
		{"builder of a local panel poll", srv.URL + "/peilingen/" + draftPollID + "/bewerken"},
		{"builder of a shared panel poll", srv.URL + "/peilingen/" + sharedDraft + "/bewerken"},
		{"builder, English", srv.URL + "/peilingen/" + sharedDraft + "/bewerken?lang=en"},
		{"poll page with the invitation and its reach", srv.URL + "/peilingen/" + openPollID + "?lang=nl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}
}
