package web

import (
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/browsertest"
)

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
		fake.failWith("SubmitResponse", invalid("/feedbackEmail", "is not an e-mail address"))
		for _, width := range []int{browsertest.DesktopWidth, browsertest.NarrowWidth} {
			b.Visit(t, srv.URL+"/p/"+flashSlug+"?lang=nl", browsertest.Width(width))
			submitAndWait(t, b, `.mdn-poll button[type=submit]`, "#fouten")
			for _, v := range b.Axe(t) {
				t.Errorf("the poll with a feedback error at %d px: %s", width, v)
			}
			assertFits(t, b, width)
		}
	})
}
