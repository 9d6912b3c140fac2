package focusgroups

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// Site is the focus groups' pages over a kit of their own.
type Site struct {
	*Pages
	kit *kit.Site
}

// Handler serves the focus groups' pages alone as gateway/web serves them
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
	groups   *fakeFocusGroups
	councils *fakeCouncils
	cfg      Config
}

// newFakes serves a fresh fake of each service for the test.
func newFakes(t testing.TB) *fakes {
	t.Helper()
	fg := newFakeFocusGroups()
	fc := &fakeCouncils{}
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) {
		focusgroupsRegister(s, fg)
		councilsv1.RegisterCouncilsServiceServer(s, fc)
	})
	return &fakes{groups: fg, councils: fc, cfg: configOver(conn)}
}

// fakeCouncils is the councils service as far as forming a group needs
// it: Velsen's processes and the themes.
type fakeCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer
	webtest.Recorder
}

var fakeProcesses = []*councilsv1.Process{
	{Id: "p-mantelzorg", Title: "Respijtzorg voor mantelzorgers", Theme: "mantelzorg", Scope: &councilsv1.Scope{Tenant: "GM0453"}, Phase: councilsv1.Phase_PHASE_CHOOSE_FORMS},
	{Id: "p-closed", Title: "Afgesloten traject", Scope: &councilsv1.Scope{Tenant: "GM0453"}, Phase: councilsv1.Phase_PHASE_CLOSED},
}

func (f *fakeCouncils) ListProcesses(ctx context.Context, req *councilsv1.ListProcessesRequest) (*councilsv1.ListProcessesResponse, error) {
	if err := f.Call(ctx, "ListProcesses", req); err != nil {
		return nil, err
	}
	resp := &councilsv1.ListProcessesResponse{}
	for _, p := range fakeProcesses {
		if p.GetScope().GetTenant() == req.GetTenant() {
			resp.Processes = append(resp.Processes, p)
		}
	}
	return resp, nil
}

func (f *fakeCouncils) ListThemes(ctx context.Context, req *councilsv1.ListThemesRequest) (*councilsv1.ListThemesResponse, error) {
	if err := f.Call(ctx, "ListThemes", req); err != nil {
		return nil, err
	}
	return &councilsv1.ListThemesResponse{Themes: []*councilsv1.Theme{{Key: "mantelzorg", NameNl: "Mantelzorg", NameEn: "Informal care"}}}, nil
}
