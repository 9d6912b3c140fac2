package polls

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The staff's poll pages: the list, and polls with their tally and
// lifecycle buttons, among them an open shared poll whose live script
// runs (its policy allows it) and a refused action.
func TestStaffPollPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	site := newSiteWith(t, Config{Surveys: fake.serve(t)}, kit.Config{APIVersion: "1.0.0"}, nil)
	srv := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, site.Handler()))
	t.Cleanup(srv.Close)

	pages := []struct {
		name string
		url  string
	}{
		{"list", srv.URL + "/peilingen"},
		{"list, English", srv.URL + "/peilingen?lang=en"},
		{"open shared poll with its live tally", srv.URL + "/peilingen/" + openPollID + "?lang=nl"},
		{"open shared poll, English", srv.URL + "/peilingen/" + openPollID + "?lang=en"},
		{"draft with its buttons", srv.URL + "/peilingen/" + draftPollID + "?lang=nl"},
		{"closed poll", srv.URL + "/peilingen/" + closedPollID},
		{"after scheduling", srv.URL + "/peilingen/" + scheduledPollID + "?gelukt=gepland"},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}
}

// With JavaScript, an open poll's tally follows new responses without a
// reload.
func TestLiveTallyUpdatesThePage(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	site := newSite(t, Config{Surveys: fake.serve(t)})
	site.liveEvery = 50 * time.Millisecond
	// Streams end soon, so that closing the server does not wait long for
	// a browser that still listens.
	site.liveFor = 5 * time.Second
	srv := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, site.Handler()))
	t.Cleanup(srv.Close)

	b.Visit(t, srv.URL+"/peilingen/"+openPollID+"?lang=nl")
	fake.setResponses(openPollID, 7)
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector('.mdn-tally__responses').textContent === 'Reacties: 7'`),
		// Leaving the page closes its event stream.
		chromedp.Navigate("about:blank"),
	); err != nil {
		t.Fatalf("waiting for the tally to show 7 responses: %v", err)
	}
}

// The poll builder's pages pass axe-core's WCAG 2.1 A and AA rules and fit
// a 320 px phone: the new poll's form, the editor with every question
// type, with the service's objections, read-only, and the preview.
func TestBuilderPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	site := newSite(t, Config{Surveys: fake.serve(t), Councils: newFakeCouncils().serve(t)})
	d := defaults{nl: site.kit.Catalogue("nl")}
	var qs []*surveysv1.Question
	for i, qt := range questionTypes {
		qs = append(qs, d.newQuestion("q"+string(rune('1'+i)), qt))
	}
	qs[0].Other = true
	qs[2].ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"a"}}
	fake.addDraft(&surveysv1.Poll{
		Id: questionnaireDraft, Tenant: "ijmond", Participants: []string{"GM0453", "GM0396"},
		Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Status: surveysv1.PollStatus_POLL_STATUS_DRAFT,
		Title: webtest.Text("Vervoer naar de dagbesteding", "Transport to day care"), Slug: "vervoer",
		Audience: &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL},
		OpensAt:  webtest.At("2026-12-01T08:00:00Z"), ClosesAt: webtest.At("2026-12-15T16:00:00Z"),
		Sections: []*surveysv1.Section{
			{Id: "s1", Title: webtest.Text("De rit", "The ride"), Questions: qs[:5]},
			{Id: "s2", Title: webtest.Text("Uw ervaring", ""), Questions: qs[5:]},
		},
	})
	srv := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, site.Handler()))
	t.Cleanup(srv.Close)

	pages := []struct {
		name, url string
	}{
		{"new poll", srv.URL + "/peilingen/nieuw?lang=nl"},
		{"editor of a questionnaire with every question type", srv.URL + "/peilingen/" + questionnaireDraft + "/bewerken?lang=nl"},
		{"editor, English", srv.URL + "/peilingen/" + questionnaireDraft + "/bewerken?lang=en"},
		{"editor of a flash poll", srv.URL + "/peilingen/" + draftPollID + "/bewerken?lang=nl"},
		{"read-only editor of a scheduled poll", srv.URL + "/peilingen/" + scheduledPollID + "/bewerken"},
		{"preview of a questionnaire", srv.URL + "/peilingen/" + questionnaireDraft + "/voorbeeld?lang=nl"},
		{"preview, English", srv.URL + "/peilingen/" + questionnaireDraft + "/voorbeeld?lang=en"},
		{"a scheduled poll's page", srv.URL + "/peilingen/" + scheduledPollID + "?lang=nl"},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}

	t.Run("the editor with errors", func(t *testing.T) {
		fake.FailWith("UpdatePoll", webtest.Invalid(
			"/sections/0/questions/0/options", "must have 2 to 30 entries (has 1)",
			"/sections/1/title/nl", "is required",
			"/closesAt", "must be at least an hour after opensAt",
		))
		t.Cleanup(func() { fake.FailWith("UpdatePoll", nil) })
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, srv.URL+"/peilingen/"+questionnaireDraft+"/bewerken?lang=nl", browsertest.Width(width))
			webtest.SubmitAndWait(t, b, `button[value="opslaan"]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the editor with errors at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
			if *webtest.Screenshots != "" && width == browsertest.NarrowWidth {
				b.Screenshot(t, filepath.Join(*webtest.Screenshots, "meedoen-builder-errors-320.png"))
			}
		}
	})

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url string
			width     int
		}{
			{"meedoen-builder-320.png", srv.URL + "/peilingen/" + questionnaireDraft + "/bewerken?lang=nl", browsertest.NarrowWidth},
			{"meedoen-builder-desktop.png", srv.URL + "/peilingen/" + questionnaireDraft + "/bewerken?lang=nl", browsertest.DesktopWidth},
			{"meedoen-builder-preview-320.png", srv.URL + "/peilingen/" + questionnaireDraft + "/voorbeeld?lang=nl", browsertest.NarrowWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}

// A poll's panel form in a browser: the scheduled poll for Velsen's panel
// invites but does not remind, and the invitation's errors, at both
// widths.
func TestPollPanelFormIsAccessible(t *testing.T) {
	b := browsertest.Start(t)
	panels, surveys := newFakePanels(), newFakeSurveys()
	panelPoll(surveys)
	surveys.mu.Lock()
	surveys.staff[scheduledPollID].Audience = surveys.staff[openPollID].Audience
	surveys.mu.Unlock()
	site := newSiteWith(t, Config{Panels: panels.serve(t), Surveys: surveys.serve(t)}, kit.Config{APIVersion: "1.0.0"}, nil)
	chair := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, site.Handler()))
	t.Cleanup(chair.Close)

	for _, tc := range []struct{ name, url string }{
		{"poll with its panel form", chair.URL + "/peilingen/" + scheduledPollID + "?lang=nl"},
		{"poll after inviting", chair.URL + "/peilingen/" + scheduledPollID + "?uitgenodigd=12&eerder=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}
	t.Run("invitation with errors", func(t *testing.T) {
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, chair.URL+"/peilingen/"+scheduledPollID, browsertest.Width(width))
			ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
			err := chromedp.Do(ctx, chromedp.SendKeys(`#postcodes`, "19x1"))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			webtest.SubmitAndWait(t, b, `#panel-titel ~ form button[type=submit]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the poll's page after sending the invitation at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
		}
	})
}
