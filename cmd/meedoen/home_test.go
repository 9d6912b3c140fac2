package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/internal/testkit"
)

// A resident who opens Meedoen without an account chooses their
// municipality and finds the demo's open poll of the region, which the
// web asks the surveys service for without an identity, and the panel.
func TestResidentsFindTheOpenPollsOfTheirMunicipality(t *testing.T) {
	base := startInProcess(t, "-dev", "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+testkit.NewDatabase(t))
	for _, code := range []string{"GM0453", "GM0375"} {
		page := get(t, http.DefaultClient, base+"/?gemeente="+code)
		for _, want := range []string{`<option value="` + code + `" selected>`, `href="/p/` + demoPollSlug + `"`, `href="/panel/aanmelden/` + code + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the start page for %s lacks %s", code, want)
			}
		}
		if strings.Contains(page, `class="utrecht-nav-bar mdn-nav"`) {
			t.Errorf("the start page for %s shows the staff's menu to a resident", code)
		}
	}
}
