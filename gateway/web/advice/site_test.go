package advice

import (
	"net/http"
	"os"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// Site is the advice pages over a kit of their own.
type Site struct {
	*Pages
	kit *kit.Site
}

// Handler serves the advice pages alone as gateway/web serves them among
// the others, with the static files and the 404 page.
func (s *Site) Handler() http.Handler { return s.kit.Handler(s.Routes) }

// newSite makes the pages with cfg for the demo tenants.
func newSite(t testing.TB, cfg Config) *Site {
	t.Helper()
	p, k := webtest.Area(t, kit.Config{}, nil, func(k *kit.Site) (*Pages, error) { return New(k, cfg) })
	return &Site{Pages: p, kit: k}
}

// fakes are the services the pages call, served on loopback.
type fakes struct {
	advice   *fakeAdvice
	councils *fakeCouncils
	cfg      Config
}

// newFakes serves a fresh fake of each service for the test; calls carry
// the person's subject, as the gateway's do.
func newFakes(t testing.TB) *fakes {
	t.Helper()
	fa := newFakeAdvice()
	fc := &fakeCouncils{}
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) {
		fa.register(s)
		councilsv1.RegisterCouncilsServiceServer(s, fc)
	}, grpc.WithUnaryInterceptor(webtest.WithSubject))
	return &fakes{advice: fa, councils: fc, cfg: Config{
		Advice:   resultsv1.NewAdviceServiceClient(conn),
		Councils: councilsv1.NewCouncilsServiceClient(conn),
	}}
}
