package advice

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// serveAs serves the pages over fk to id.
func serveAs(t *testing.T, fk *fakes, id auth.Identity) string {
	t.Helper()
	srv := httptest.NewServer(webtest.WithIdentity(id, newSite(t, fk.cfg).Handler()))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Every page passes axe-core's WCAG 2.1 A and AA rules at 320 px and on a
// desktop, without sideways scrolling, for the council and for a policy
// officer, in Dutch and English; so do the forms shown again with errors.
func TestPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	council := serveAs(t, fk, chair)
	writer := serveAs(t, fk, member)
	officer := serveAs(t, fk, beverOfficer)
	draft, sent := "/adviezen/"+draftID, "/adviezen/"+sentID
	for _, tc := range []struct{ name, url string }{
		{"list", council + "/adviezen"},
		{"list, English", council + "/adviezen?lang=en"},
		{"inbox", officer + "/adviezen?lang=nl"},
		{"choose a process", writer + "/adviezen/nieuw"},
		{"new advice", writer + "/adviezen/nieuw?traject=p-jeugd"},
		{"draft advice", council + draft},
		{"sent advice with the tracker", council + sent},
		{"sent advice, English", council + sent + "?lang=en"},
		{"versions", writer + draft + "/versies"},
		{"old version", writer + draft + "/versies/1"},
		{"new version", writer + draft + "/versies/nieuw"},
		{"correction", writer + sent + "/versies/nieuw"},
		{"adopt", council + draft + "/vaststellen"},
		{"send", council + draft + "/verzenden"},
		{"response, council", council + sent + "/reacties/" + velsen},
		{"revision", council + sent + "/reacties/" + velsen + "/herziening"},
		{"response, officer", officer + sent + "/reacties/" + bever},
		{"assign", officer + sent + "/reacties/" + bever + "/eigenaar"},
		{"respond", officer + sent + "/reacties/" + bever + "/beantwoorden"},
		{"respond, English", officer + sent + "/reacties/" + bever + "/beantwoorden?lang=en"},
		{"settings", serveAs(t, fk, velsenOfficer) + "/adviezen/instellingen?lang=nl"},
		{"not the board", writer + draft + "/vaststellen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := 200
			if tc.name == "not the board" {
				status = 403
			}
			b.AssertAccessible(t, tc.url, browsertest.Status(status))
		})
	}

	t.Run("forms with errors", func(t *testing.T) {
		for _, page := range []struct{ url, submit string }{
			{writer + "/adviezen/nieuw?traject=p-jeugd&lang=nl", `.mdn-form button[value=opslaan]`},
			{writer + draft + "/versies/nieuw?lang=nl", `.mdn-form button[value=opslaan]`},
			{officer + sent + "/reacties/" + bever + "/beantwoorden?lang=nl", `.mdn-form button[type=submit]`},
			{council + sent + "/reacties/" + velsen + "/herziening?lang=nl", `.mdn-form button[type=submit]`},
		} {
			for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
				b.Visit(t, page.url, browsertest.Width(width))
				webtest.SubmitAndWait(t, b, page.submit, "#fouten")
				for _, v := range b.Axe(t) {
					t.Errorf("%s with errors at %d px: %s", page.url, width, v)
				}
				webtest.AssertFits(t, b, width)
			}
		}
	})

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url string
			width     int
		}{
			{"meedoen-advice-list-desktop.png", council + "/adviezen?lang=nl", browsertest.DesktopWidth},
			{"meedoen-advice-sent-320.png", council + sent + "?lang=nl", browsertest.NarrowWidth},
			{"meedoen-advice-editor-desktop.png", writer + draft + "/versies/nieuw?lang=nl", browsertest.DesktopWidth},
			{"meedoen-advice-respond-320.png", officer + sent + "/reacties/" + bever + "/beantwoorden?lang=nl", browsertest.NarrowWidth},
			{"meedoen-advice-response-desktop.png", council + sent + "/reacties/" + velsen + "?lang=nl", browsertest.DesktopWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}

	t.Run("the preview", func(t *testing.T) {
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, writer+draft+"/versies/nieuw?lang=nl", browsertest.Width(width))
			webtest.SubmitAndWait(t, b, `.mdn-form button[value=voorbeeld]`, "#voorbeeld")
			for _, v := range b.Axe(t) {
				t.Errorf("the preview at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
		}
	})
}

// A council member who uses only the keyboard adds a recommendation on a
// phone: Tab reaches the button, Enter sends the form, the new field
// appears with what was typed kept, and saving sends both.
func TestRecommendationsWithTheKeyboardAlone(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	b.Visit(t, serveAs(t, fk, member)+"/adviezen/"+draftID+"/versies/nieuw?lang=nl", browsertest.Width(browsertest.NarrowWidth))
	ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
	defer cancel()

	// Tab to the add button, typing on the way where the note goes.
	tabTo := func(want func(focus) bool) focus {
		t.Helper()
		for range 80 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			f, err := chromedp.Run(ctx, chromedp.Evaluate[focus](`({id: document.activeElement.id || "", value: document.activeElement.value || "", tag: document.activeElement.tagName})`))
			if err != nil {
				t.Fatal(err)
			}
			if want(f) {
				return f
			}
		}
		t.Fatal("Tab never reached what it looked for")
		return focus{}
	}
	tabTo(func(f focus) bool { return f.ID == "aanbeveling-2" })
	// The caret to the end of the text, as a person puts it there.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.setSelectionRange(1e4, 1e4), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" en de bibliotheek")); err != nil {
		t.Fatal(err)
	}
	tabTo(func(f focus) bool { return f.Tag == "BUTTON" && f.Value == actAdd })
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#aanbeveling-3`)); err != nil {
		t.Fatalf("adding a recommendation: %v", err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(`#aanbeveling-2`))
	if err != nil {
		t.Fatal(err)
	}
	if kept != "Open een steunpunt in IJmuiden. en de bibliotheek" {
		t.Errorf("recommendation 2 after adding = %q", kept)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(`#aanbeveling-3`), chromedp.KeyEvent("Meet het bereik."),
		chromedp.Focus(`#wijziging`), chromedp.KeyEvent("Derde aanbeveling."),
		chromedp.Focus(`#wijziging`), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	// The focus is on the save button after the note: Enter saves.
	f, err := chromedp.Run(ctx, chromedp.Evaluate[focus](`({id: document.activeElement.id || "", value: document.activeElement.value || "", tag: document.activeElement.tagName})`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Value != actSave {
		t.Fatalf("after the note the focus is on %+v, want the save button", f)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "De nieuwe versie is opgeslagen.")]`))); err != nil {
		t.Fatalf("saving: %v", err)
	}
	got := fk.advice.Request("CreateVersion").(*resultsv1.CreateVersionRequest)
	var texts []string
	for _, r := range got.GetVersion().GetContent().GetRecommendations() {
		texts = append(texts, r.GetText())
	}
	want := []string{"Maak respijtzorg bekend bij huisartsen.", "Open een steunpunt in IJmuiden. en de bibliotheek", "Meet het bereik."}
	if diff := cmp.Diff(want, texts); diff != "" || got.GetVersion().GetChangeNote() != "Derde aanbeveling." {
		t.Errorf("CreateVersion recommendations (-want +got):\n%s note %q", diff, got.GetVersion().GetChangeNote())
	}
}

// focus is the element that has the keyboard's focus.
type focus struct {
	ID    string `json:"id"`
	Value string `json:"value"`
	Tag   string `json:"tag"`
}
