package polls

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// A poll's pages name the poll in their title, and the list its tenant.
func TestTitlesNameTheirSubject(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{Surveys: newFakeSurveys().serve(t), Councils: newFakeCouncils().serve(t)})
	tests := []struct {
		name, path, want string
	}{
		{"list", "/peilingen", "Peilingen: Velsen · Meedoen"},
		{"poll", "/peilingen/" + closedPollID, "Peiling: Zwembad · Meedoen"},
		{"editor", "/peilingen/" + draftPollID + "/bewerken", "Peiling bewerken: Bankjes in IJmuiden · Meedoen"},
		{"preview", "/peilingen/" + draftPollID + "/voorbeeld", "Voorbeeld: Bankjes in IJmuiden · Meedoen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := webtest.Send(t, site, webtest.Request{Target: tc.path, As: &webtest.VelsenChair, Lang: "nl"})
			if got := webtest.TitleOf(t, body); got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}
