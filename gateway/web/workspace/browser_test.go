package workspace

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func TestWorkspacePagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeCouncils()
	site := newSiteWith(t, Config{Councils: fake.serve(t)}, kit.Config{APIVersion: "1.0.0"}, nil)
	serve := func(id auth.Identity) string {
		srv := httptest.NewServer(webtest.WithIdentity(id, site.Handler()))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	velsenMember := auth.Identity{Subject: "u-velsen-member", Name: "Piet Jansen", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	fake.onlyFor(velsenMember.Subject, []string{"GM0453"})
	fake.onlyFor(webtest.VelsenChair.Subject, []string{"GM0453"})
	fake.onlyFor(webtest.VelsenOfficer.Subject, nil, councilsv1.Origin_ORIGIN_SOLICITED)
	chair, officer, coordinator := serve(webtest.VelsenChair), serve(webtest.VelsenOfficer), serve(webtest.IJmondCoordinator)
	member := serve(velsenMember)
	unconfigured := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, newSite(t, Config{}).Handler()))
	t.Cleanup(unconfigured.Close)

	pages := []struct {
		name   string
		url    string
		status int
	}{
		{"agenda with every kind of question, chair", chair + "/agenda", 200},
		{"agenda, English", chair + "/agenda?lang=en", 200},
		{"agenda, filtered to nothing", chair + "/agenda?thema=mantelzorg&herkomst=ongevraagd", 200},
		{"agenda, policy officer", officer + "/agenda?lang=nl", 200},
		{"raise a question, policy officer", officer + "/agenda/nieuw", 200},
		{"raise a question, regional coordinator", coordinator + "/agenda/nieuw", 200},
		{"raise a question, member of a council that takes only the municipality's", member + "/agenda/nieuw", 200},
		{"raise a question, chair of that council, English", chair + "/agenda/nieuw?lang=en", 200},
		{"agenda, member of that council", member + "/agenda", 200},
		{"board with regional and local processes", chair + "/trajecten", 200},
		{"board, English", chair + "/trajecten?lang=en", 200},
		{"board of a region", coordinator + "/trajecten?lang=nl", 200},
		{"process in execute, with timeline and activities", chair + "/trajecten/p-execute", 200},
		{"regional process, English", chair + "/trajecten/p-regional?lang=en", 200},
		{"process, read only for a policy officer", officer + "/trajecten/p-execute?lang=nl", 200},
		{"process after a success", chair + "/trajecten/p-intake?gelukt=fase", 200},
		{"record a field activity, regional", chair + "/trajecten/p-regional/veldactiviteit", 200},
		{"roster", chair + "/raad", 200},
		{"roster, English", chair + "/raad?lang=en", 200},
		{"councils of a region", coordinator + "/raad?lang=nl", 200},
		{"unknown process", chair + "/trajecten/p-none", 404},
		{"service not configured", unconfigured.URL + "/agenda", 503},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	// Forms the service refused: the page that answers the POST, with its
	// error summary and the errors at the fields.
	refusals := []struct {
		name   string
		page   string
		method string
		err    error
		submit string // selector of the button that sends the form
	}{
		{"question form with errors", officer + "/agenda/nieuw?lang=nl", "RaiseQuestion",
			webtest.Invalid("/title", "is required", "/adviceNeededBy", "must not be in the past",
				"/scope/participatingMunicipalities", "regional work needs at least one participating municipality", "/other", "is odd"),
			`.mdn-form button[type=submit]`},
		{"rejection without a reason", chair + "/agenda", "DecideQuestion",
			webtest.Invalid("/reason", "is required when rejecting a question"), `button[name=besluit][value=afwijzen]`},
		{"gate not met", chair + "/trajecten/p-regional", "TransitionProcess",
			webtest.Unmet("the process cannot enter phase choose_forms yet", "/preciseQuestion", "the precise question is not set", "/targetGroup", "the target group is not set"),
			`#vooruit button[type=submit]`},
		{"process details refused", chair + "/trajecten/p-execute", "UpdateProcess",
			webtest.Invalid("/targetGroup", "must be at most 500 characters", "/forms", "must not repeat a form"), `#gegevens button[type=submit]`},
		{"field activity without a count", chair + "/trajecten/p-intake/veldactiviteit", "RecordFieldActivity", nil, `.mdn-form button[type=submit]`},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			fake.FailWith(tc.method, tc.err)
			t.Cleanup(func() { fake.FailWith(tc.method, nil) })
			for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
				b.Visit(t, tc.page, browsertest.Width(width))
				webtest.SubmitAndWait(t, b, tc.submit, "#fouten")
				for _, v := range b.Axe(t) {
					t.Errorf("%s after sending the form at %d px: %s", tc.page, width, v)
				}
				webtest.AssertFits(t, b, width)
			}
		})
	}

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url, submit string
			width             int
		}{
			{"meedoen-board-320.png", chair + "/trajecten?lang=nl", "", browsertest.NarrowWidth},
			{"meedoen-board-desktop.png", chair + "/trajecten?lang=nl", "", browsertest.DesktopWidth},
			{"meedoen-process-320.png", chair + "/trajecten/p-execute", "", browsertest.NarrowWidth},
			{"meedoen-process-desktop.png", chair + "/trajecten/p-execute", "", browsertest.DesktopWidth},
			{"meedoen-agenda-desktop.png", chair + "/agenda", "", browsertest.DesktopWidth},
			{"meedoen-agenda-320.png", chair + "/agenda", "", browsertest.NarrowWidth},
			{"meedoen-question-errors-320.png", officer + "/agenda/nieuw", `.mdn-form button[type=submit]`, browsertest.NarrowWidth},
			{"meedoen-activity-320.png", chair + "/trajecten/p-regional/veldactiviteit", "", browsertest.NarrowWidth},
			{"meedoen-roster-320.png", chair + "/raad", "", browsertest.NarrowWidth},
		} {
			if shot.submit != "" {
				fake.FailWith("RaiseQuestion", webtest.Invalid("/title", "is required", "/adviceNeededBy", "must not be in the past"))
			}
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			if shot.submit != "" {
				webtest.SubmitAndWait(t, b, shot.submit, "#fouten")
				fake.FailWith("RaiseQuestion", nil)
			}
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}
