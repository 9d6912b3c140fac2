package workspace

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// Site is the council workspace over a kit of their own, served as gateway/web serves
// them, with the static files and the 404 page.
type Site struct {
	*Pages
	kit *kit.Site
}

func (s *Site) Handler() http.Handler { return s.kit.Handler(s.Routes) }

func newSite(t testing.TB, cfg Config) *Site {
	t.Helper()
	return newSiteWith(t, cfg, kit.Config{}, nil)
}

// newSiteWith makes the pages over a kit with kc, as gateway/web makes
// it. log may be nil.
func newSiteWith(t testing.TB, cfg Config, kc kit.Config, log *slog.Logger) *Site {
	t.Helper()
	kc.Councils = cfg.Councils
	k := webtest.Kit(t, kc, log)
	p, err := New(k, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &Site{Pages: p, kit: k}
}
