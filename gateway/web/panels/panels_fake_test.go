package panels

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakePanels is an in-memory panels service with Velsen's panel: two
// active members and one who left, a confirmation token that works once
// and an unsubscribe token that keeps working, and imports that reject the rows whose address has
// no "@". It records each method's last request; a test makes a method
// fail with the error it wants.
type fakePanels struct {
	surveysv1.UnimplementedPanelsServiceServer
	webtest.Recorder

	mu      sync.Mutex
	members []*surveysv1.PanelMember
	// tokens maps a live token to its municipality.
	confirmTokens, leaveTokens map[string]string
	// hideEmail leaves addresses out, as the service does for roles
	// that may not see them.
	hideEmail bool
}

// Tokens the fake knows.
var (
	confirmToken = webtest.Token("confirm")
	leaveToken   = webtest.Token("leave")
)

// Ids of the fake's members.
const (
	memberAnna  = "member-anna"
	memberBram  = "member-bram"
	memberGone  = "member-gone"
	erasedEmail = "anna@example.nl"
)

// serve runs f on a loopback gRPC server for the test's duration.
func (f *fakePanels) serve(t *testing.T) surveysv1.PanelsServiceClient {
	t.Helper()
	return surveysv1.NewPanelsServiceClient(webtest.Serve(t, func(s grpc.ServiceRegistrar) { surveysv1.RegisterPanelsServiceServer(s, f) }))
}

func newFakePanels() *fakePanels {
	return &fakePanels{
		members: []*surveysv1.PanelMember{
			{Id: memberAnna, MunicipalityCode: "GM0453", Email: erasedEmail, Postcode: "1971 AB", Neighbourhood: "VEL-01", AgeBand: "41-65",
				Status: surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE, Source: surveysv1.PanelMemberSource_PANEL_MEMBER_SOURCE_SIGN_UP,
				ConsentTime: webtest.At("2026-10-01T10:00:00Z"), ConsentVersion: signupConsentVersion, CreateTime: webtest.At("2026-10-01T10:00:00Z")},
			{Id: memberBram, MunicipalityCode: "GM0453", Email: "bram@example.nl", AgeBand: "76+",
				Status: surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE, Source: surveysv1.PanelMemberSource_PANEL_MEMBER_SOURCE_IMPORT,
				ConsentTime: webtest.At("2026-03-31T00:00:00Z"), ConsentVersion: "wervingsbrief 2026-03", CreateTime: webtest.At("2026-10-02T10:00:00Z")},
			{Id: memberGone, MunicipalityCode: "GM0453",
				Status: surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED, Source: surveysv1.PanelMemberSource_PANEL_MEMBER_SOURCE_SIGN_UP,
				CreateTime: webtest.At("2026-10-03T10:00:00Z"), UnsubscribeTime: webtest.At("2026-10-20T10:00:00Z")},
		},
		confirmTokens: map[string]string{confirmToken: "GM0453"},
		leaveTokens:   map[string]string{leaveToken: "GM0453"},
	}
}

// member finds a member of municipality. The caller holds f.mu.
func (f *fakePanels) member(municipality, id string) (*surveysv1.PanelMember, error) {
	i := slices.IndexFunc(f.members, func(m *surveysv1.PanelMember) bool {
		return m.GetId() == id && m.GetMunicipalityCode() == municipality
	})
	if i < 0 {
		return nil, status.Errorf(codes.NotFound, "panel member %q not found", id)
	}
	m := proto.CloneOf(f.members[i])
	if f.hideEmail {
		m.Email = ""
	}
	return m, nil
}

func (f *fakePanels) GetPanelSummary(ctx context.Context, req *surveysv1.GetPanelSummaryRequest) (*surveysv1.PanelSummary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetPanelSummary", req); err != nil {
		return nil, err
	}
	if req.GetMunicipalityCode() != "GM0453" {
		return nil, status.Error(codes.NotFound, "no panel")
	}
	return &surveysv1.PanelSummary{
		MunicipalityCode: "GM0453", Active: 2, Pending: 4, Unsubscribed: 1,
		AgeBands:       []*surveysv1.PanelCount{{Value: "41-65", Members: 1}, {Value: "76+", Members: 1}},
		Neighbourhoods: []*surveysv1.PanelCount{{Value: "VEL-01", Members: 1}, {Value: "", Members: 1}},
	}, nil
}

func (f *fakePanels) ListPanelMembers(ctx context.Context, req *surveysv1.ListPanelMembersRequest) (*surveysv1.ListPanelMembersResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListPanelMembers", req); err != nil {
		return nil, err
	}
	resp := &surveysv1.ListPanelMembersResponse{}
	// One member a page, so that the pager shows: the cursor is the id
	// of the next one.
	start := 0
	if c := req.GetCursor(); c != "" {
		start = slices.IndexFunc(f.members, func(m *surveysv1.PanelMember) bool { return m.GetId() == c })
		if start < 0 {
			return nil, status.Error(codes.InvalidArgument, "bad cursor")
		}
	}
	var matching []*surveysv1.PanelMember
	for _, m := range f.members[start:] {
		if m.GetMunicipalityCode() != req.GetMunicipalityCode() ||
			(req.GetStatus() != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSPECIFIED && m.GetStatus() != req.GetStatus()) ||
			(req.GetAgeBand() != "" && m.GetAgeBand() != req.GetAgeBand()) {
			continue
		}
		matching = append(matching, m)
	}
	if len(matching) > 0 {
		m, _ := f.member(req.GetMunicipalityCode(), matching[0].GetId())
		resp.Members = []*surveysv1.PanelMember{m}
	}
	if len(matching) > 1 {
		resp.NextCursor = matching[1].GetId()
	}
	return resp, nil
}

func (f *fakePanels) ExportPanelMember(ctx context.Context, req *surveysv1.ExportPanelMemberRequest) (*surveysv1.PanelMemberExport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ExportPanelMember", req); err != nil {
		return nil, err
	}
	m, err := f.member(req.GetMunicipalityCode(), req.GetId())
	if err != nil {
		return nil, err
	}
	return &surveysv1.PanelMemberExport{
		Member: m,
		Consents: []*surveysv1.ConsentEvent{
			{Kind: surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_GIVEN, ConsentVersion: m.GetConsentVersion(), Source: "sign_up", Time: webtest.At("2026-10-01T10:00:00Z")},
			{Kind: surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_CONFIRMED, ConsentVersion: m.GetConsentVersion(), Source: "confirmation", Time: webtest.At("2026-10-01T10:05:00Z")},
		},
		Invitations: []*surveysv1.PanelInvitation{
			{PollId: "poll-open", PollTitle: webtest.Text("Mantelzorg in de IJmond", ""), InviteTime: webtest.At("2026-11-02T09:00:00Z"), Used: true},
		},
		ExportTime: webtest.At("2026-11-22T12:00:00Z"),
	}, nil
}

func (f *fakePanels) ErasePanelMember(ctx context.Context, req *surveysv1.ErasePanelMemberRequest) (*surveysv1.ErasePanelMemberResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ErasePanelMember", req); err != nil {
		return nil, err
	}
	if _, err := f.member(req.GetMunicipalityCode(), req.GetId()); err != nil {
		return nil, err
	}
	f.members = slices.DeleteFunc(f.members, func(m *surveysv1.PanelMember) bool { return m.GetId() == req.GetId() })
	return &surveysv1.ErasePanelMemberResponse{InvitationsUnlinked: 1}, nil
}

// ImportPanelMembers rejects each row whose first field has no "@".
func (f *fakePanels) ImportPanelMembers(ctx context.Context, req *surveysv1.ImportPanelMembersRequest) (*surveysv1.PanelImport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ImportPanelMembers", req); err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(req.GetCsv())), "\n")
	res := &surveysv1.PanelImport{DryRun: req.GetDryRun()}
	for i, l := range lines[1:] {
		res.Rows++
		email, _, _ := strings.Cut(l, ";")
		if !strings.Contains(email, "@") {
			res.Rejected = append(res.Rejected, &surveysv1.RejectedRow{
				Line: int32(i + 2), Column: "email",
				Reason: webtest.Text("is geen e-mailadres", "is not an e-mail address"),
			})
			continue
		}
		res.Imported++
	}
	return res, nil
}

func (f *fakePanels) SignUp(ctx context.Context, req *surveysv1.SignUpRequest) (*surveysv1.SignUpResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "SignUp", req); err != nil {
		return nil, err
	}
	return &surveysv1.SignUpResponse{}, nil
}

// fakeNeighbourhoods is the fake's closed list of neighbourhoods.
var fakeNeighbourhoods = []*surveysv1.Neighbourhood{
	{Code: "BEV-05", MunicipalityCode: "GM0375", Name: "Wijk aan Zee"},
	{Code: "VEL-04", MunicipalityCode: "GM0453", Name: "Driehuis"},
	{Code: "VEL-01", MunicipalityCode: "GM0453", Name: "IJmuiden"},
}

func (f *fakePanels) ListNeighbourhoods(ctx context.Context, req *surveysv1.ListNeighbourhoodsRequest) (*surveysv1.ListNeighbourhoodsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListNeighbourhoods", req); err != nil {
		return nil, err
	}
	return &surveysv1.ListNeighbourhoodsResponse{Neighbourhoods: fakeNeighbourhoods}, nil
}

func (f *fakePanels) ConfirmSignUp(ctx context.Context, req *surveysv1.ConfirmSignUpRequest) (*surveysv1.ConfirmSignUpResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ConfirmSignUp", req); err != nil {
		return nil, err
	}
	code, ok := f.confirmTokens[req.GetToken()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no such token")
	}
	delete(f.confirmTokens, req.GetToken())
	return &surveysv1.ConfirmSignUpResponse{MunicipalityCode: code}, nil
}

func (f *fakePanels) Unsubscribe(ctx context.Context, req *surveysv1.UnsubscribeRequest) (*surveysv1.UnsubscribeResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "Unsubscribe", req); err != nil {
		return nil, err
	}
	code, ok := f.leaveTokens[req.GetToken()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no such token")
	}
	// Leaving twice is fine: the link keeps working, as the real one
	// does.
	return &surveysv1.UnsubscribeResponse{MunicipalityCode: code}, nil
}
