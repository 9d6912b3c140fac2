package results

import (
	"net/http"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Site is the results pages over a kit of their own.
type Site struct {
	*Pages
	kit *kit.Site
}

// Handler serves the results pages alone as gateway/web serves them
// among the others, with the static files and the 404 page.
func (s *Site) Handler() http.Handler { return s.kit.Handler(s.Routes) }

// newSite makes the pages with cfg for the demo tenants.
func newSite(t testing.TB, cfg Config) *Site {
	t.Helper()
	p, k := webtest.Area(t, kit.Config{}, nil, func(k *kit.Site) (*Pages, error) { return New(k, cfg) })
	return &Site{Pages: p, kit: k}
}

// fakes are the services the pages call, served on loopback.
type fakes struct {
	results *fakeResults
	files   *fakeFiles
	cfg     Config
}

// newFakes serves a fresh fake of each service for the test.
func newFakes(t testing.TB) *fakes {
	t.Helper()
	fk := &fakes{results: newFakeResults(), files: &fakeFiles{}}
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) {
		resultsv1.RegisterResultsServiceServer(s, fk.results)
		resultsv1.RegisterFilesServiceServer(s, fk.files)
	})
	fk.cfg = Config{Results: resultsv1.NewResultsServiceClient(conn), Files: resultsv1.NewFilesServiceClient(conn)}
	return fk
}

// site is the pages over fresh fakes.
func site(t testing.TB) (*Site, *fakes) {
	t.Helper()
	fk := newFakes(t)
	return newSite(t, fk.cfg), fk
}
