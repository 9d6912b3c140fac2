package workspace

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
)

// Site is the council workspace over a kit of their own.
type Site struct {
	*Pages
	kit *kit.Site
}

// Handler serves the council workspace alone as gateway/web serves them among
// the others, with the static files and the 404 page.
func (s *Site) Handler() http.Handler { return s.kit.Handler(s.Routes) }

// newSite makes the council workspace with cfg for the demo tenants.
func newSite(t testing.TB, cfg Config) *Site { return newSiteWith(t, cfg, kit.Config{}, nil) }

// newSiteWith makes the council workspace with cfg over a kit with kc, as
// gateway/web makes it. log may be nil.
func newSiteWith(t testing.TB, cfg Config, kc kit.Config, log *slog.Logger) *Site {
	t.Helper()
	kc.Councils = cfg.Councils
	p, k := webtest.Area(t, kc, log, func(k *kit.Site) (*Pages, error) { return New(k, cfg) })
	return &Site{Pages: p, kit: k}
}
