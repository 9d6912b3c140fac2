package polls

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakePanels is the panels service as far as a poll's page needs it: it
// invites and reminds, and says how many it reached.
type fakePanels struct {
	surveysv1.UnimplementedPanelsServiceServer
	webtest.Recorder
}

func newFakePanels() *fakePanels { return &fakePanels{} }

// serve runs f on a loopback gRPC server for the test's duration.
func (f *fakePanels) serve(t *testing.T) surveysv1.PanelsServiceClient {
	t.Helper()
	return surveysv1.NewPanelsServiceClient(webtest.Serve(t, func(s grpc.ServiceRegistrar) { surveysv1.RegisterPanelsServiceServer(s, f) }))
}

func (f *fakePanels) InvitePanel(ctx context.Context, req *surveysv1.InvitePanelRequest) (*surveysv1.InvitePanelResponse, error) {
	if err := f.Call(ctx, "InvitePanel", req); err != nil {
		return nil, err
	}
	return &surveysv1.InvitePanelResponse{Invited: 12, AlreadyInvited: 3}, nil
}

func (f *fakePanels) RemindPanel(ctx context.Context, req *surveysv1.RemindPanelRequest) (*surveysv1.RemindPanelResponse, error) {
	if err := f.Call(ctx, "RemindPanel", req); err != nil {
		return nil, err
	}
	return &surveysv1.RemindPanelResponse{Reminded: 7}, nil
}
