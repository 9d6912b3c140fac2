package panels

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// The panel pages name the panel's municipality in their title, and the
// sign-up for one municipality names it.
func TestTitlesNameTheirSubject(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{Panels: newFakePanels().serve(t)})
	tests := []struct {
		name, path, want string
	}{
		{"panels", "/panels", "Panels: Velsen · Meedoen"},
		{"members", "/panels/GM0453/leden", "Panelleden: Velsen · Meedoen"},
		{"member", "/panels/GM0453/leden/" + memberBram, "Panellid: Velsen · Meedoen"},
		{"erasing a member", "/panels/GM0453/leden/" + memberBram + "/wissen", "Gegevens wissen: Velsen · Meedoen"},
		{"import", "/panels/GM0453/importeren", "Leden importeren: Velsen · Meedoen"},
		{"sign-up for Velsen", "/panel/aanmelden/GM0453", "Aanmelden voor het inwonerspanel: Velsen · Meedoen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body := webtest.Send(t, site, webtest.Request{Target: tc.path, As: &webtest.VelsenOfficer, Lang: "nl"})
			if got := webtest.TitleOf(t, body); got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}
