package focusgroups

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// The members' pages from the mail links pass axe-core's WCAG 2.1 A and
// AA rules at 320 px and on a desktop, and a member answers a session in
// a real browser without JavaScript doing anything: a double click is one
// answer, and the waitlist's place shows.
func TestMemberPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	srv := httptest.NewServer(newSite(t, fk.cfg).Handler())
	t.Cleanup(srv.Close)

	pages := []struct {
		name, url string
		status    int
	}{
		{"invitation", srv.URL + "/focusgroep/uitnodiging/" + invitationToken + "?lang=nl", 200},
		{"member page", srv.URL + fatmaPage + "?lang=nl", 200},
		{"member page, English", srv.URL + fatmaPage + "?lang=en", 200},
		{"session with the answer form", srv.URL + fatmaSesson + "?lang=nl", 200},
		{"session, English", srv.URL + fatmaSesson + "?lang=en", 200},
		{"session on the waitlist", srv.URL + henkSession + "?lang=nl", 200},
		{"cancelled session", srv.URL + fatmaPage + "/bijeenkomsten/" + cancelledID, 200},
		{"leaving", srv.URL + fatmaPage + "/verlaten", 200},
		{"a link that leads nowhere", srv.URL + "/focusgroep/" + webtest.Token("nobody"), 404},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	t.Run("the answer with errors", func(t *testing.T) {
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, srv.URL+henkSession+"?lang=nl", browsertest.Width(width))
			ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
			err := chromedp.Do(ctx, chromedp.SendKeys(`#toelichting`, strings.Repeat("lang ", 101)))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			webtest.SubmitAndWait(t, b, `.mdn-form button[type=submit]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the session with errors at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
		}
		if n := fk.groups.CallsOf("RespondToSession"); n != 0 {
			t.Errorf("RespondToSession called %d times for a refused form", n)
		}
	})

	t.Run("answer yes twice, on a phone", func(t *testing.T) {
		// Sanne said maybe; the key figure's one seat is free.
		token := webtest.Token("member-sanne")
		fk.groups.mu.Lock()
		fk.groups.tokens[token] = sanneID
		fk.groups.mu.Unlock()
		page := srv.URL + "/focusgroep/" + token + "/bijeenkomsten/" + sessionID
		b.Visit(t, page+"?lang=nl", browsertest.Width(browsertest.NarrowWidth))
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx,
			chromedp.Focus(`#antwoord-ja`), chromedp.KeyEvent(" "),
			chromedp.Focus(`#toegang-begeleider`), chromedp.KeyEvent(" "),
			chromedp.SendKeys(`#toelichting`, "Mijn dochter komt mee."),
			chromedp.DoubleClick(`.mdn-form button[type=submit]`),
		); err != nil {
			t.Fatalf("answering: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Je antwoord is opgeslagen.")]`))); err != nil {
			t.Fatalf("waiting for the answer's confirmation: %v", err)
		}
		answer, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#uw-antwoord")))
		if err != nil {
			t.Fatal(err)
		}
		if answer != "Je komt. Er is een plaats voor je." {
			t.Errorf("answer shown = %q", answer)
		}
		var sanne []*focusgroupsv1.Rsvp
		for _, r := range fk.groups.rsvpsOf(sessionID) {
			if r.GetMemberId() == sanneID {
				sanne = append(sanne, r)
			}
		}
		if len(sanne) != 1 || sanne[0].GetState() != focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED || sanne[0].GetAccessNote() != "Mijn dochter komt mee." {
			t.Errorf("Sanne's answers = %v, want one, seated, with the note", sanne)
		}
		b.AssertAccessible(t, page+"?gelukt=antwoord")
	})

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url string
			width     int
		}{
			{"meedoen-fg-session-320.png", srv.URL + fatmaSesson + "?lang=nl", browsertest.NarrowWidth},
			{"meedoen-fg-waitlist-320.png", srv.URL + henkSession + "?lang=nl", browsertest.NarrowWidth},
			{"meedoen-fg-member-desktop.png", srv.URL + fatmaPage + "?lang=nl", browsertest.DesktopWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}

// The staff's pages pass axe-core at 320 px and on a desktop; the
// attendance sheet is used on a phone during the session.
func TestStaffPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	srv := httptest.NewServer(webtest.WithIdentity(webtest.VelsenChair, newSite(t, fk.cfg).Handler()))
	t.Cleanup(srv.Close)

	for _, tc := range []struct{ name, url string }{
		{"attendance sheet", srv.URL + sessionURI + "/aanwezigheid?lang=nl"},
		{"attendance sheet, English", srv.URL + sessionURI + "/aanwezigheid?lang=en"},
		{"printable list", srv.URL + sessionURI + "/presentielijst"},
		{"groups", srv.URL + "/focusgroepen"},
		{"new group", srv.URL + "/focusgroepen/nieuw"},
		{"edit group", srv.URL + base + "/bewerken"},
		{"group", srv.URL + base},
		{"session with waitlists", srv.URL + sessionURI},
		{"new session", srv.URL + base + "/bijeenkomsten/nieuw"},
		{"cancel", srv.URL + sessionURI + "/afzeggen"},
		{"promote", srv.URL + sessionURI + "/wachtlijst/" + henkID},
		{"answer on a member's behalf", srv.URL + sessionURI + "/antwoorden/" + sanneID},
		{"invite", srv.URL + base + "/uitnodigen"},
		{"add member", srv.URL + base + "/leden/nieuw"},
		{"findings", srv.URL + base + "/bevindingen"},
		{"finding editor", srv.URL + base + "/bevindingen/" + draftID},
		{"agree", srv.URL + base + "/bevindingen/" + draftID + "/akkoord"},
		{"published findings", srv.URL + base + "/bevindingen/gepubliceerd"},
		{"an agreed finding's quotes", srv.URL + base + "/bevindingen/" + agreedID},
		{"conclude", srv.URL + base + "/afronden"},
		{"dissolve", srv.URL + base + "/opheffen"},
		{"remove a member", srv.URL + base + "/leden/" + joopID + "/verwijderen"},
		{"a member", srv.URL + base + "/leden/" + fatmaID},
		{"erase a member", srv.URL + base + "/leden/" + fatmaID + "/wissen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url)
		})
	}

	t.Run("mark attendance on a phone", func(t *testing.T) {
		b.Visit(t, srv.URL+sessionURI+"/aanwezigheid?lang=nl", browsertest.Width(browsertest.NarrowWidth))
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx,
			chromedp.Focus(`[id="aanwezig-m-fatma"]`), chromedp.KeyEvent(" "),
			chromedp.Focus(`[id="aanwezig-m-henk"]`), chromedp.KeyEvent(" "),
			chromedp.SendKeys(`[id="inloop-key_figure"]`, "2"),
			chromedp.Click(`.mdn-sheet button[type=submit]`),
			chromedp.WaitVisible(chromedp.Search(`//p[contains(., "De aanwezigheid is opgeslagen.")]`)),
		); err != nil {
			t.Fatalf("marking attendance: %v", err)
		}
		total, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#aanwezig-totaal")))
		if err != nil {
			t.Fatal(err)
		}
		if total != "Aanwezig: 4 · Cliënt: 1 · Sleutelfiguur: 2 · Mantelzorger: 1" && total != "Aanwezig: 4 · Cliënt: 1 · Mantelzorger: 1 · Sleutelfiguur: 2" {
			t.Errorf("total shown = %q", total)
		}
		for _, v := range b.Axe(t) {
			t.Errorf("the sheet after saving at 320 px: %s", v)
		}
		webtest.AssertFits(t, b, browsertest.NarrowWidth)
	})

	t.Run("the printed attendance list", func(t *testing.T) {
		b.Visit(t, srv.URL+sessionURI+"/presentielijst?lang=nl")
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_, _ = chromedp.Call(b.Context(), emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		}()
		// On paper: no header, menu, footer or back link; the lists.
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["header", "nav.mdn-nav", "footer", ".mdn-back", ".mdn-signlist"].filter(s => {
			const e = document.querySelector(s); return e && getComputedStyle(e).display !== "none" })`))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{".mdn-signlist"}, shown); diff != "" {
			t.Errorf("shown in print (-want +got):\n%s", diff)
		}
	})

	t.Run("forms with errors", func(t *testing.T) {
		for _, page := range []struct{ url, submit string }{
			{srv.URL + sessionURI + "/aanwezigheid?lang=nl", `.mdn-sheet button[type=submit]`},
			{srv.URL + base + "/bijeenkomsten/nieuw?lang=nl", `.mdn-form button[type=submit]`},
			{srv.URL + "/focusgroepen/nieuw?lang=nl", `.mdn-form button[type=submit]`},
			{srv.URL + base + "/bevindingen/nieuw?lang=nl", `.mdn-form button[type=submit]`},
		} {
			for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
				b.Visit(t, page.url, browsertest.Width(width))
				if strings.Contains(page.url, "aanwezigheid") {
					ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
					err := chromedp.Do(ctx, chromedp.SetValue(`[id="inloop-client"]`, "-3"))
					cancel()
					if err != nil {
						t.Fatal(err)
					}
				}
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
			{"meedoen-fg-attendance-320.png", srv.URL + sessionURI + "/aanwezigheid?lang=nl", browsertest.NarrowWidth},
			{"meedoen-fg-session-staff-desktop.png", srv.URL + sessionURI + "?lang=nl", browsertest.DesktopWidth},
			{"meedoen-fg-group-320.png", srv.URL + base + "?lang=nl", browsertest.NarrowWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}

// A member who uses only the keyboard reaches the answer, the access
// needs and the note in order on a phone, chooses with the space bar and
// sends with Enter.
func TestAnsweringWorksWithTheKeyboardAlone(t *testing.T) {
	b := browsertest.Start(t)
	fk := newFakes(t)
	token := webtest.Token("member-wim")
	fk.groups.mu.Lock()
	fk.groups.tokens[token] = "m-wim"
	fk.groups.mu.Unlock()
	srv := httptest.NewServer(newSite(t, fk.cfg).Handler())
	t.Cleanup(srv.Close)
	b.Visit(t, srv.URL+"/focusgroep/"+token+"/bijeenkomsten/"+sessionID+"?lang=nl", browsertest.Width(browsertest.NarrowWidth))

	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	var visited []string
	sent := false
	for range 60 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[focus](`({name: document.activeElement.name || "", tag: document.activeElement.tagName})`))
		if err != nil {
			t.Fatal(err)
		}
		if focused.Name != "" && !slices.Contains(visited, focused.Name) {
			visited = append(visited, focused.Name)
		}
		switch {
		case focused.Name == fAnswer:
			// The group's first radio, yes; space chooses it.
			err = chromedp.Do(ctx, chromedp.KeyEvent(" "))
		case focused.Name == fNote:
			err = chromedp.Do(ctx, chromedp.KeyEvent("Een tolk Turks"))
		case focused.Tag == "BUTTON" && len(visited) > 0:
			err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter))
			sent = true
		}
		if err != nil {
			t.Fatal(err)
		}
		if sent {
			break
		}
	}
	if !sent {
		t.Fatalf("Tab never reached the send button; visited %v", visited)
	}
	if diff := cmp.Diff([]string{fAnswer, fNeeds, fNote}, visited); diff != "" {
		t.Errorf("focus order (-want +got):\n%s", diff)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Je antwoord is opgeslagen.")]`))); err != nil {
		t.Fatalf("waiting for the confirmation: %v", err)
	}
	got := fk.groups.Request("RespondToSession").(*focusgroupsv1.RespondToSessionRequest)
	if got.GetAnswer() != focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES || got.GetAccessNote() != "Een tolk Turks" {
		t.Errorf("RespondToSession = %v", got)
	}
}

// focus is the element that has the keyboard's focus.
type focus struct {
	Name string `json:"name"`
	Tag  string `json:"tag"`
}
