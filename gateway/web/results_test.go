package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// The public results pages are part of the site, and every page's footer
// leads to them.
func TestResultsPagesAreServed(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{}).Handler()
	resp, body := webtest.Get(t, h, httptest.NewRequest("GET", "/resultaten", nil))
	// Without the results service the page says so, in the site's layout.
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/resultaten: status = %d, want 503", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Resultaten zijn hier niet beschikbaar")
	for _, path := range []string{"/", "/privacy", "/bestaat-niet"} {
		_, body := webtest.Get(t, h, httptest.NewRequest("GET", path, nil))
		webtest.MustContain(t, body, `<a class="utrecht-link utrecht-link--html-a" href="/resultaten">Resultaten van meedoen</a>`)
	}
}
