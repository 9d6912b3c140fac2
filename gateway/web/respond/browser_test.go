package respond

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/browsertest"
)

func TestPollPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	postcodes := func(string) (string, bool) { return "GM0453", true }
	srv := httptest.NewServer(newSite(t, Config{Surveys: fake.serve(t), Postcodes: postcodes}).Handler())
	t.Cleanup(srv.Close)

	pages := []struct {
		name   string
		url    string
		status int
	}{
		{"questionnaire with every question type", srv.URL + "/i/" + questionnaireToken + "?lang=nl", 200},
		{"questionnaire, English", srv.URL + "/i/" + questionnaireToken + "?lang=en", 200},
		{"flash poll by its open link", srv.URL + "/p/" + flashSlug + "?lang=nl", 200},
		{"open link with a postcode check", srv.URL + "/p/" + postcodeSlug, 200},
		{"closed", srv.URL + "/p/" + closedSlug, 200},
		{"not open yet", srv.URL + "/p/" + scheduledSlug, 200},
		{"cancelled", srv.URL + "/p/" + cancelledSlug, 200},
		{"a link that leads nowhere", srv.URL + "/i/" + webtest.Token("nobody"), 404},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	t.Run("the page with errors", func(t *testing.T) {
		fake.FailWith("SubmitResponse", webtest.Invalid(
			"/answers/q1", "is required",
			"/answers/q1/other", "is filled in, but \"other, namely…\" is not chosen",
			"/answers/q2", "must be from 0 to 40",
			"/answers/q3", "choose at least 1 option (chose 0)",
			"/answers/q5", "is required",
			"/answers/q6/tijd", "has no position: a ranking puts every option in order",
			"/answers/q7/bus", "is required: answer every row",
			"/answers/q9", "must be at most 2000 characters (is 2001)",
		))
		t.Cleanup(func() { fake.FailWith("SubmitResponse", nil) })
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, srv.URL+"/i/"+questionnaireToken+"?lang=nl", browsertest.Width(width))
			webtest.SubmitAndWait(t, b, `.mdn-poll button[type=submit]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the poll with errors at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
			if *webtest.Screenshots != "" && width == browsertest.NarrowWidth {
				b.Screenshot(t, filepath.Join(*webtest.Screenshots, "meedoen-poll-errors-320.png"))
			}
		}
	})

	t.Run("answer, thank you, and the link again", func(t *testing.T) {
		token := webtest.Token("browser")
		fake.invite(token)
		link := srv.URL + "/i/" + token
		b.Visit(t, link+"?lang=nl")
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		byID := func(id string) chromedp.CSS { return chromedp.CSS(`[id="` + id + `"]`) }
		err := chromedp.Do(ctx,
			chromedp.Click(byID("v.q1.taxi")),
			chromedp.SendKeys(byID("v.q2"), "3,5"),
			chromedp.Click(byID("v.q3.optijd")),
			chromedp.Click(byID("v.q4.4")),
			chromedp.Click(byID("v.q5.8")),
			chromedp.SetValue(byID("v.q6.tijd"), "2"),
			chromedp.SetValue(byID("v.q6.prijs"), "1"),
			chromedp.SetValue(byID("v.q6.hulp"), "3"),
			chromedp.Click(byID("v.q7.chauffeur.goed")),
			chromedp.Click(byID("v.q7.bus.matig")),
			chromedp.SendKeys(byID("v.q9"), "De taxi wacht niet."),
		)
		if err != nil {
			t.Fatalf("answering: %v", err)
		}
		// A double click: the second submit replays the first.
		if err := chromedp.Do(ctx, chromedp.DoubleClick(chromedp.CSS(`.mdn-poll button[type=submit]`))); err != nil {
			t.Fatalf("sending: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Bedankt")]`))); err != nil {
			t.Fatalf("waiting for the thank-you page: %v", err)
		}
		heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
		if err != nil {
			t.Fatal(err)
		}
		if heading != "Bedankt voor je antwoorden" {
			t.Errorf("heading = %q", heading)
		}
		if n := len(fake.responses()); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
		got := fake.responses()[0].GetAnswers()
		if got["q1"].GetChoice() != "taxi" || got["q2"].GetValue() != "3,5" || got["q6"].GetRanks()["prijs"] != 1 ||
			got["q7"].GetRows()["bus"] != "matig" || got["q9"].GetText() != "De taxi wacht niet." {
			t.Errorf("the answers stored are not the ones given: %v", got)
		}
		b.AssertAccessible(t, link+"/bedankt")

		// Opening the invitation again says it was answered.
		b.Visit(t, link)
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "Je hebt deze peiling al ingevuld") {
			t.Errorf("the invitation after answering shows %q", body)
		}
		b.AssertAccessible(t, link)
	})

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file, url string
			width     int
		}{
			{"meedoen-poll-320.png", srv.URL + "/i/" + questionnaireToken + "?lang=nl", browsertest.NarrowWidth},
			{"meedoen-poll-desktop.png", srv.URL + "/i/" + questionnaireToken + "?lang=nl", browsertest.DesktopWidth},
			{"meedoen-poll-flash-320.png", srv.URL + "/p/" + postcodeSlug, browsertest.NarrowWidth},
			{"meedoen-poll-closed-320.png", srv.URL + "/p/" + closedSlug, browsertest.NarrowWidth},
		} {
			b.Visit(t, shot.url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}

// A resident who uses only the keyboard reaches every question of a flash
// poll in order, chooses with the space bar and sends with Enter.
func TestPollWorksWithTheKeyboardAlone(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	srv := httptest.NewServer(newSite(t, Config{Surveys: fake.serve(t)}).Handler())
	t.Cleanup(srv.Close)
	b.Visit(t, srv.URL+"/p/"+flashSlug, browsertest.Width(browsertest.NarrowWidth))

	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	key := func(k string) chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(k) }
	var visited []string
	sent := false
	for range 40 {
		if err := chromedp.Do(ctx, key(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[focus](
			`({name: document.activeElement.name || "", tag: document.activeElement.tagName})`))
		if err != nil {
			t.Fatal(err)
		}
		if focused.Name != "" && !slices.Contains(visited, focused.Name) {
			visited = append(visited, focused.Name)
		}
		switch {
		case focused.Name == "v.fq1":
			// The first radio of the group has the focus; space chooses it.
			if err := chromedp.Do(ctx, key(" ")); err != nil {
				t.Fatal(err)
			}
		case focused.Name == "v.fq3":
			if err := chromedp.Do(ctx, key("bij de bieb")); err != nil {
				t.Fatal(err)
			}
		case focused.Tag == "BUTTON":
			if err := chromedp.Do(ctx, key(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			sent = true
		}
		if sent {
			break
		}
	}
	if !sent {
		t.Fatalf("Tab never reached the submit button; visited %v", visited)
	}
	if diff := slices.Compare([]string{"v.fq1", "v.fq2", "v.fq3"}, visited); diff != 0 {
		t.Errorf("focus order %v, want the questions in order", visited)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Bedankt")]`))); err != nil {
		t.Fatalf("waiting for the thank-you page: %v", err)
	}
	got := fake.responses()
	if len(got) != 1 || got[0].GetAnswers()["fq1"].GetChoice() != "ja" || got[0].GetAnswers()["fq3"].GetText() != "bij de bieb" {
		t.Errorf("stored %v, want one response with fq1 = ja and fq3 typed", got)
	}
}

// focus is the element that has the keyboard's focus.
type focus struct {
	Name string `json:"name"`
	Tag  string `json:"tag"`
}

func TestPollFeedbackQuestionIsAccessible(t *testing.T) {
	b := browsertest.Start(t)
	fake := newFakeSurveys()
	fake.polls["p/"+flashSlug].OffersFeedback = true
	srv := httptest.NewServer(newSite(t, Config{Surveys: fake.serve(t)}).Handler())
	t.Cleanup(srv.Close)

	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			b.AssertAccessible(t, srv.URL+"/p/"+flashSlug+"?lang="+lang)
		})
	}
	t.Run("with an invalid address", func(t *testing.T) {
		fake.FailWith("SubmitResponse", webtest.Invalid("/feedbackEmail", "is not an e-mail address"))
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, srv.URL+"/p/"+flashSlug+"?lang=nl", browsertest.Width(width))
			webtest.SubmitAndWait(t, b, `.mdn-poll button[type=submit]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the poll with a feedback error at %d px: %s", width, v)
			}
			webtest.AssertFits(t, b, width)
		}
	})
}
