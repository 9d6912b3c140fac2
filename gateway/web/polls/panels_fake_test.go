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

// InvitePanel records a dry run as "InvitePanelDryRun": it reaches 9
// members of Velsen's panel (2 invited before) and 4 of each other
// municipality asked for; of Velsen and Heemskerk for the open shared
// poll, of Velsen for others.
func (f *fakePanels) InvitePanel(ctx context.Context, req *surveysv1.InvitePanelRequest) (*surveysv1.InvitePanelResponse, error) {
	if req.GetDryRun() {
		if err := f.Call(ctx, "InvitePanelDryRun", req); err != nil {
			return nil, err
		}
		ms := []string{"GM0453"}
		if req.GetPollId() == openPollID {
			ms = append(ms, "GM0396")
		}
		if m := req.GetMunicipalityCode(); m != "" {
			ms = []string{m}
		}
		resp := &surveysv1.InvitePanelResponse{DryRun: true}
		for _, m := range ms {
			r := &surveysv1.PanelReach{MunicipalityCode: m, Invited: 4}
			if m == "GM0453" {
				r.Invited, r.AlreadyInvited = 9, 2
			}
			resp.Invited += r.Invited
			resp.AlreadyInvited += r.AlreadyInvited
			resp.Municipalities = append(resp.Municipalities, r)
		}
		return resp, nil
	}
	if err := f.Call(ctx, "InvitePanel", req); err != nil {
		return nil, err
	}
	return &surveysv1.InvitePanelResponse{Invited: 12, AlreadyInvited: 3}, nil
}

// ListNeighbourhoods gives a few of the demo table's neighbourhoods.
func (f *fakePanels) ListNeighbourhoods(context.Context, *surveysv1.ListNeighbourhoodsRequest) (*surveysv1.ListNeighbourhoodsResponse, error) {
	return &surveysv1.ListNeighbourhoodsResponse{Neighbourhoods: []*surveysv1.Neighbourhood{
		{Code: "BEV-01", MunicipalityCode: "GM0375", Name: "Beverwijk-Centrum"},
		{Code: "BEV-02", MunicipalityCode: "GM0375", Name: "Wijk aan Zee"},
		{Code: "VEL-01", MunicipalityCode: "GM0453", Name: "IJmuiden"},
		{Code: "VEL-07", MunicipalityCode: "GM0453", Name: "Velserbroek"},
		{Code: "VEL-09", MunicipalityCode: "GM0453", Name: "Velsen-Zuid"},
		{Code: "HKR-01", MunicipalityCode: "GM0396", Name: "Heemskerk-Zuid"},
		{Code: "UIT-01", MunicipalityCode: "GM0450", Name: "Uitgeest-Centrum"},
	}}, nil
}

func (f *fakePanels) RemindPanel(ctx context.Context, req *surveysv1.RemindPanelRequest) (*surveysv1.RemindPanelResponse, error) {
	if err := f.Call(ctx, "RemindPanel", req); err != nil {
		return nil, err
	}
	return &surveysv1.RemindPanelResponse{Reminded: 7}, nil
}
