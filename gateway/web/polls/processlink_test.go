package polls

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// A poll's page links the process it serves, by the process's title; when
// the councils service cannot tell the title, the link still leads there.
func TestPollPageLinksItsProcess(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{Surveys: newFakeSurveys().serve(t), Councils: newFakeCouncils().serve(t)})
	_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID, As: &webtest.VelsenChair, Lang: "nl"})
	webtest.MustContain(t, body, `Hoort bij het traject: <a class="utrecht-link utrecht-link--html-a" href="/trajecten/p-regional">Toegankelijke stembureaus</a>`)
	_, en := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID, As: &webtest.VelsenChair, Lang: "en"})
	webtest.MustContain(t, en, `Part of the process: <a class="utrecht-link utrecht-link--html-a" href="/trajecten/p-regional">Toegankelijke stembureaus</a>`)
	_, unknown := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + closedPollID, As: &webtest.VelsenChair, Lang: "nl"})
	webtest.MustContain(t, unknown, `Hoort bij het traject: <a class="utrecht-link utrecht-link--html-a" href="/trajecten/p-unknown">bekijk het traject</a>`)
}
