package web

import (
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/browsertest"
)

// The residents' way in: the start page with a municipality chosen, with
// and without open polls, and with a choice it does not know, at phone
// and desktop width.
func TestHomePageForResidentsIsAccessible(t *testing.T) {
	b := browsertest.Start(t)
	srv := httptest.NewServer(newSite(t, Config{APIVersion: "1.0.0", Surveys: velsenOpenPolls()}).Handler())
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ name, path string }{
		{"no municipality chosen", "/"},
		{"Velsen with open polls", "/?gemeente=GM0453"},
		{"Velsen, English, a poll without an English title", "/?gemeente=GM0453&lang=en"},
		{"Heemskerk without open polls", "/?gemeente=GM0396"},
		{"a municipality it does not know", "/?gemeente=GM9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.AssertAccessible(t, srv.URL+tc.path)
		})
	}
}
