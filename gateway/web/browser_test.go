package web

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
)

func TestPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	site := newSite(t, Config{APIVersion: "1.0.0", DevLogin: true})
	anonymous := httptest.NewServer(site.Handler())
	t.Cleanup(anonymous.Close)
	staff := httptest.NewServer(webtest.WithIdentity(webtest.TwoTenants, site.Handler()))
	t.Cleanup(staff.Close)

	tests := []struct {
		name   string
		url    string
		status int
	}{
		{"start, anonymous", anonymous.URL + "/", 200},
		{"start, anonymous, English", anonymous.URL + "/?lang=en", 200},
		{"accessibility statement", anonymous.URL + "/toegankelijkheid", 200},
		{"privacy", anonymous.URL + "/privacy", 200},
		{"not found", anonymous.URL + "/bestaat-niet", 404},
		{"not found, English", anonymous.URL + "/bestaat-niet?lang=en", 404},
		{"start, staff with two tenants", staff.URL + "/", 200},
		{"start, staff, English", staff.URL + "/?lang=en", 200},
		{"accessibility statement, staff", staff.URL + "/toegankelijkheid", 200},
		{"privacy, staff", staff.URL + "/privacy", 200},
		{"a section whose service is not connected, staff", staff.URL + "/adviezen", 503},
		{"not found, staff", staff.URL + "/bestaat-niet", 404},
		{"tenant switch refused", staff.URL + "/?tenant=GM0396", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, tc.url, browsertest.Status(tc.status))
		})
	}

	if *webtest.Screenshots != "" {
		for _, shot := range []struct {
			file  string
			width int
		}{
			{"meedoen-start-320.png", browsertest.NarrowWidth},
			{"meedoen-start-desktop.png", browsertest.DesktopWidth},
			{"meedoen-start-anonymous-320.png", browsertest.NarrowWidth},
		} {
			url := staff.URL + "/?lang=nl"
			if shot.file == "meedoen-start-anonymous-320.png" {
				url = anonymous.URL + "/?lang=nl"
			}
			b.Visit(t, url, browsertest.Width(shot.width))
			b.Screenshot(t, filepath.Join(*webtest.Screenshots, shot.file))
		}
	}
}

// A platform admin sees every known tenant in the switcher; the longest
// select the header has to fit at 320 px.
func TestTenantSwitcherFitsANarrowScreen(t *testing.T) {
	b := browsertest.Start(t)
	admin := auth.Identity{
		Subject: "u-3",
		Name:    "Wilhelmina van Oostrum-Zuidema",
		Grants:  []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}},
	}
	srv := httptest.NewServer(webtest.WithIdentity(admin, newSite(t, Config{}).Handler()))
	t.Cleanup(srv.Close)
	b.AssertAccessible(t, srv.URL+"/toegankelijkheid?lang=en")
}
