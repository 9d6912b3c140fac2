package workspace

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

type fakeGroups struct {
	focusgroupsv1.UnimplementedFocusGroupsServiceServer
	webtest.Recorder
	groups []*focusgroupsv1.FocusGroup
	down   bool
}

func (f *fakeGroups) serve(t *testing.T) focusgroupsv1.FocusGroupsServiceClient {
	t.Helper()
	conn := webtest.Serve(t, func(s grpc.ServiceRegistrar) { focusgroupsv1.RegisterFocusGroupsServiceServer(s, f) },
		grpc.WithUnaryInterceptor(webtest.WithSubject))
	return focusgroupsv1.NewFocusGroupsServiceClient(conn)
}

func (f *fakeGroups) ListFocusGroups(ctx context.Context, req *focusgroupsv1.ListFocusGroupsRequest) (*focusgroupsv1.ListFocusGroupsResponse, error) {
	if err := f.Call(ctx, "ListFocusGroups", req); err != nil {
		return nil, err
	}
	if f.down {
		return nil, status.Error(codes.Unavailable, "down")
	}
	var out []*focusgroupsv1.FocusGroup
	for _, g := range f.groups {
		if g.GetProcessId() == req.GetProcessId() {
			out = append(out, g)
		}
	}
	return &focusgroupsv1.ListFocusGroupsResponse{FocusGroups: out}, nil
}

// A process's page lists its focus groups (name, status, members,
// planned sessions), each linking the group's page, and offers to form
// one to who may work on it; when the service is down it says so.
func TestProcessPageListsItsFocusGroups(t *testing.T) {
	t.Parallel()
	groups := &fakeGroups{groups: []*focusgroupsv1.FocusGroup{{Id: "fg-1", ProcessId: "p-execute", Name: "Jongeren over schulden",
		Status: focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_ACTIVE, PlannedSessions: 1,
		Members: []*focusgroupsv1.RoleCount{{Role: "client", Count: 4}, {Role: "carer", Count: 2}}}}}
	fake := newFakeCouncils()
	site := newSite(t, Config{Councils: fake.serve(t), FocusGroups: groups.serve(t)})
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenChair})
	webtest.MustContain(t, body, `<h2 class="utrecht-heading-2" id="focusgroepen-titel">Focusgroepen</h2>`,
		`<a class="utrecht-link utrecht-link--html-a" href="/focusgroepen/fg-1">Jongeren over schulden</a>`,
		"Actief · 6 leden · 1 bijeenkomst gepland", `href="/focusgroepen/nieuw?traject=p-execute"`)
	_, officer := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenOfficer})
	webtest.MustNotContain(t, officer, "/focusgroepen/nieuw")
	_, none := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake", As: &webtest.VelsenChair})
	webtest.MustContain(t, none, "Dit traject heeft nog geen focusgroepen.")
	groups.down = true
	_, down := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenChair})
	webtest.MustContain(t, down, "De focusgroepen van dit traject kunnen we nu niet laten zien.")
}
