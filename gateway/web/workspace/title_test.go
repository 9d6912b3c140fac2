package workspace

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// Every page's title names what it is about: the process, or the tenant
// whose agenda, board or council it shows, so that tabs, bookmarks and a
// screen reader's first words tell the pages apart.
func TestTitlesNameTheirSubject(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	tests := []struct {
		name, path, want string
	}{
		{"agenda", "/agenda", "Agenda: Velsen · Meedoen"},
		{"question form", "/agenda/nieuw", "Vraag voorleggen: Velsen · Meedoen"},
		{"board", "/trajecten", "Trajecten: Velsen · Meedoen"},
		{"process", "/trajecten/p-execute", "Traject: Schuldhulp voor jongeren · Meedoen"},
		{"field activity", "/trajecten/p-regional/veldactiviteit", "Veldactiviteit vastleggen: Toegankelijke stembureaus · Meedoen"},
		{"council", "/raad", "Raad: Velsen · Meedoen"},
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
