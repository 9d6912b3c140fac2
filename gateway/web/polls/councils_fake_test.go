package polls

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// fakeCouncils is the councils service as far as the poll builder needs
// it: Velsen's processes and a regional one of the IJmond, which a new
// poll is for.
type fakeCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer
	webtest.Recorder
}

// fakeProcesses are the fake's processes: one local in intake, one
// regional, one closed.
var fakeProcesses = []*councilsv1.Process{
	{Id: "p-intake", Title: "Vervoer naar de dagbesteding", Scope: &councilsv1.Scope{Tenant: "GM0453"}, Phase: councilsv1.Phase_PHASE_INTAKE},
	{Id: "p-regional", Title: "Toegankelijke stembureaus", Phase: councilsv1.Phase_PHASE_CONCRETISE,
		Scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0396"}}},
	{Id: "p-closed", Title: "Afgesloten traject", Scope: &councilsv1.Scope{Tenant: "GM0453"}, Phase: councilsv1.Phase_PHASE_CLOSED},
}

func newFakeCouncils() *fakeCouncils { return &fakeCouncils{} }

// serve runs f on a loopback gRPC server for the test's duration.
func (f *fakeCouncils) serve(t *testing.T) councilsv1.CouncilsServiceClient {
	t.Helper()
	return councilsv1.NewCouncilsServiceClient(webtest.Serve(t, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, f) }))
}

func (f *fakeCouncils) GetProcess(ctx context.Context, req *councilsv1.GetProcessRequest) (*councilsv1.Process, error) {
	if err := f.Call(ctx, "GetProcess", req); err != nil {
		return nil, err
	}
	for _, p := range fakeProcesses {
		if p.GetId() == req.GetId() {
			return p, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "process %q not found", req.GetId())
}

func (f *fakeCouncils) ListProcesses(ctx context.Context, req *councilsv1.ListProcessesRequest) (*councilsv1.ListProcessesResponse, error) {
	if err := f.Call(ctx, "ListProcesses", req); err != nil {
		return nil, err
	}
	resp := &councilsv1.ListProcessesResponse{}
	for _, p := range fakeProcesses {
		sc := p.GetScope()
		if sc.GetTenant() == req.GetTenant() || slices.Contains(sc.GetParticipatingMunicipalities(), req.GetTenant()) {
			resp.Processes = append(resp.Processes, p)
		}
	}
	return resp, nil
}
