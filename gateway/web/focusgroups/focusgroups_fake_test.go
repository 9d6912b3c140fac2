package focusgroups

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// fakeFocusGroups is an in-memory focus groups service with one group of
// Velsen on informal care: its members, a session ahead with its answers
// and a full client role's waitlist, a cancelled session and two
// findings. Members answer as the real service seats them: within their
// role's seats, else at the end of its waitlist; a seat given up goes to
// the first in line; the same answer again changes nothing. It does not
// judge input: a test makes a method refuse with the error it wants.
type fakeFocusGroups struct {
	focusgroupsv1.UnimplementedFocusGroupsServiceServer
	webtest.Recorder

	mu       sync.Mutex
	groups   []*focusgroupsv1.FocusGroup
	members  []*focusgroupsv1.GroupMember
	sessions []*focusgroupsv1.Session
	// rsvps in arrival order.
	rsvps      []*focusgroupsv1.Rsvp
	attendance map[string]*focusgroupsv1.Attendance
	findings   []*focusgroupsv1.Finding
	// tokens: member links to member ids; invitations; feeds.
	tokens      map[string]string
	invitations map[string]*focusgroupsv1.InvitationView
	feeds       map[string]string
	seq         int
}

// The fake's ids and links.
const (
	groupID     = "fg-mantelzorg"
	sessionID   = "s-januari"
	cancelledID = "s-december"
	fatmaID     = "m-fatma"
	joopID      = "m-joop"
	henkID      = "m-henk"
	sanneID     = "m-sanne"
	anneID      = "m-anne"
	draftID     = "f-respijt"
	agreedID    = "f-vervoer"
)

var (
	// fatmaToken is Fatma's member link: a client with a seat.
	fatmaToken = webtest.Token("member-fatma")
	// henkToken is Henk's: a client on the waitlist.
	henkToken = webtest.Token("member-henk")
	// invitationToken invites Joost as a key figure.
	invitationToken = webtest.Token("invitation-joost")
	// feedToken is Fatma's calendar feed.
	feedToken = webtest.Token("feed-fatma")
)

var fakeRoles = []*focusgroupsv1.Role{
	{Key: "client", LabelNl: "Cliënt", LabelEn: "Client", Resident: true},
	{Key: "experience_expert", LabelNl: "Ervaringsdeskundige", LabelEn: "Experience expert", Resident: true},
	{Key: "key_figure", LabelNl: "Sleutelfiguur", LabelEn: "Key figure", Resident: true},
	{Key: "informal_carer", LabelNl: "Mantelzorger", LabelEn: "Informal carer", Resident: true},
	{Key: "council_member", LabelNl: "Participatieraadslid", LabelEn: "Council member"},
	{Key: "policy_officer", LabelNl: "Beleidsmedewerker", LabelEn: "Policy officer"},
	{Key: "facilitator", LabelNl: "Gespreksleider", LabelEn: "Facilitator"},
}

func newFakeFocusGroups() *fakeFocusGroups {
	f := &fakeFocusGroups{
		attendance:  map[string]*focusgroupsv1.Attendance{},
		tokens:      map[string]string{fatmaToken: fatmaID, henkToken: henkID},
		invitations: map[string]*focusgroupsv1.InvitationView{},
		feeds:       map[string]string{feedToken: fatmaID},
	}
	f.groups = []*focusgroupsv1.FocusGroup{{
		Id: groupID, ProcessId: "p-mantelzorg", Tenant: "GM0453", Theme: "mantelzorg", QuestionId: "q-1",
		Name:            "Mantelzorg in Velsen",
		Purpose:         "Wat hebben mantelzorgers nodig om het vol te houden?\nWe kijken vooral naar respijtzorg.",
		PlannedSessions: 3,
		Seats: []*focusgroupsv1.SeatGroup{
			{Roles: []string{"client", "informal_carer"}, Seats: 2},
			{Roles: []string{"key_figure"}, Seats: 1},
			{Roles: []string{"council_member"}, Seats: 1},
		},
		TotalSeats: 4,
		Status:     focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_ACTIVE,
		Etag:       "g1",
	}, {
		Id: "fg-minima", ProcessId: "p-minima", Tenant: "ijmond", Participants: []string{"GM0453", "GM0375"}, Theme: "minima",
		Name: "Minimaregelingen in de IJmond", Status: focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_FORMING,
	}, {
		Id: "fg-heemskerk", ProcessId: "p-jeugd", Tenant: "GM0396", Theme: "jeugd",
		Name: "Jeugdhulp in Heemskerk", Status: focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_FORMING,
	}}
	resident := func(id, role, name, email string) *focusgroupsv1.GroupMember {
		return &focusgroupsv1.GroupMember{Id: id, FocusGroupId: groupID, Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: role, Name: name, Email: email,
			Language: "nl", Status: focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE, JoinTime: webtest.At("2026-11-02T10:00:00Z")}
	}
	f.members = []*focusgroupsv1.GroupMember{
		resident(fatmaID, "client", "Fatma Yilmaz", "fatma@example.org"),
		resident(joopID, "client", "Joop de Boer", "joop@example.org"),
		resident(henkID, "informal_carer", "Henk Smit", "henk@example.org"),
		resident(sanneID, "key_figure", "Sanne Visser", "sanne@example.org"),
		{Id: anneID, FocusGroupId: groupID, Kind: focusgroupsv1.MemberKind_MEMBER_KIND_STAFF, Role: "council_member", Name: "Anne de Vries", Subject: "u-1",
			Status: focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE},
		resident("m-wim", "experience_expert", "Wim Kramer", "wim@example.org"),
	}
	f.sessions = []*focusgroupsv1.Session{
		{Id: sessionID, FocusGroupId: groupID, StartTime: webtest.At("2027-01-12T18:00:00Z"), EndTime: webtest.At("2027-01-12T20:00:00Z"),
			Place:     &focusgroupsv1.Place{Address: "Buurthuis De Stek, Zeeweg 12, IJmuiden", Accessibility: "Drempelvrije ingang aan de achterkant, ringleiding in de grote zaal."},
			OnlineUrl: "https://meet.example.org/mantelzorg-velsen",
			Agenda:    "1. Kennismaken\n2. Wat kost mantelzorg je?\n3. Wat helpt?",
			Status:    focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED, Sequence: 1, Etag: "s1"},
		{Id: cancelledID, FocusGroupId: groupID, StartTime: webtest.At("2026-12-15T18:00:00Z"), EndTime: webtest.At("2026-12-15T20:00:00Z"),
			Place:  &focusgroupsv1.Place{Address: "Stadhuis Velsen, Dudokplein 1, IJmuiden"},
			Status: focusgroupsv1.SessionStatus_SESSION_STATUS_CANCELLED, CancelReason: "De zaal is niet beschikbaar.", Etag: "s2"},
	}
	for _, a := range []struct {
		member string
		answer focusgroupsv1.RsvpAnswer
	}{
		{fatmaID, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES},
		{joopID, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES},
		{henkID, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES},
		{sanneID, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_MAYBE},
		{anneID, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_NO},
	} {
		f.answer(sessionID, a.member, a.answer, nil, "", "member")
	}
	f.rsvps[0].AccessNeeds = []focusgroupsv1.AccessNeed{focusgroupsv1.AccessNeed_ACCESS_NEED_WHEELCHAIR}
	f.rsvps[0].AccessNote = "Ik kom met de scootmobiel."
	f.invitations[invitationToken] = &focusgroupsv1.InvitationView{
		FocusGroupName: "Mantelzorg in Velsen", Purpose: "Wat hebben mantelzorgers nodig om het vol te houden?",
		Role: fakeRoles[2], Name: "Joost Bakker", Language: "nl",
	}
	f.findings = []*focusgroupsv1.Finding{
		{Id: draftID, FocusGroupId: groupID, SessionId: sessionID, Statement: "Mantelzorgers weten niet waar ze respijtzorg kunnen aanvragen.",
			Breadth: focusgroupsv1.FindingBreadth_FINDING_BREADTH_MOST, Status: focusgroupsv1.FindingStatus_FINDING_STATUS_DRAFT, Etag: "f1",
			Quotes: []*focusgroupsv1.Quote{
				{Id: "q-1", Text: "Ik heb drie loketten gebeld voordat iemand het wist.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED, SpeakerName: "Fatma Yilmaz", MemberId: fatmaID},
				{Id: "q-2", Text: "Vrij nemen voelt als mijn moeder in de steek laten.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS},
				{Id: "q-3", Text: "Mijn buurman zegt dat de gemeente niets doet.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_INTERNAL},
			}},
		{Id: agreedID, FocusGroupId: groupID, Statement: "De regiotaxi is voor mantelzorgers te onvoorspelbaar.",
			Breadth: focusgroupsv1.FindingBreadth_FINDING_BREADTH_ALL, Status: focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED, Etag: "f2",
			Quotes: []*focusgroupsv1.Quote{
				{Id: "q-4", Text: "Ik sta soms een uur te wachten.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED, SpeakerName: "Sanne Visser", MemberId: sanneID},
				{Id: "q-5", Text: "De chauffeur kan er ook niets aan doen.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS},
			}},
	}
	f.recount()
	return f
}

// focusgroupsRegister registers both sides of f on s.
func focusgroupsRegister(s grpc.ServiceRegistrar, f *fakeFocusGroups) {
	focusgroupsv1.RegisterFocusGroupsServiceServer(s, f)
	focusgroupsv1.RegisterMemberLinksServiceServer(s, &fakeLinks{f: f})
}

// configOver is the pages' configuration with clients on conn.
func configOver(conn grpc.ClientConnInterface) Config {
	return Config{
		FocusGroups: focusgroupsv1.NewFocusGroupsServiceClient(conn),
		Links:       focusgroupsv1.NewMemberLinksServiceClient(conn),
		Councils:    councilsv1.NewCouncilsServiceClient(conn),
	}
}

func notFound(what, id string) error {
	return status.Errorf(codes.NotFound, "%s %q not found", what, id)
}

func (f *fakeFocusGroups) nextID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s-%d", prefix, f.seq)
}

func (f *fakeFocusGroups) group(id string) (*focusgroupsv1.FocusGroup, error) {
	for _, g := range f.groups {
		if g.GetId() == id {
			return g, nil
		}
	}
	return nil, notFound("focus group", id)
}

func (f *fakeFocusGroups) member(id string) *focusgroupsv1.GroupMember {
	for _, m := range f.members {
		if m.GetId() == id {
			return m
		}
	}
	return nil
}

func (f *fakeFocusGroups) session(groupID, id string) (*focusgroupsv1.Session, error) {
	for _, s := range f.sessions {
		if s.GetId() == id && s.GetFocusGroupId() == groupID {
			return s, nil
		}
	}
	return nil, notFound("session", id)
}

func (f *fakeFocusGroups) rsvp(sessionID, memberID string) *focusgroupsv1.Rsvp {
	for _, r := range f.rsvps {
		if r.GetSessionId() == sessionID && r.GetMemberId() == memberID {
			return r
		}
	}
	return nil
}

// seatsOf is how many seats role has in group g, and the roles sharing
// them; 0 for no limit.
func seatsOf(g *focusgroupsv1.FocusGroup, role string) (int32, []string) {
	for _, sg := range g.GetSeats() {
		if slices.Contains(sg.GetRoles(), role) {
			return sg.GetSeats(), sg.GetRoles()
		}
	}
	return 0, []string{role}
}

// answer sets a member's answer, seating them as the real service does.
func (f *fakeFocusGroups) answer(sid, mid string, a focusgroupsv1.RsvpAnswer, needs []focusgroupsv1.AccessNeed, note, by string) *focusgroupsv1.Rsvp {
	m := f.member(mid)
	r := f.rsvp(sid, mid)
	if r == nil {
		r = &focusgroupsv1.Rsvp{MemberId: mid, SessionId: sid, Role: m.GetRole()}
		f.rsvps = append(f.rsvps, r)
	}
	r.AccessNeeds, r.AccessNote = needs, note
	if r.GetAnswer() == a {
		return r
	}
	wasSeated := r.GetState() == focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED
	r.Answer, r.ChangedBy, r.WaitlistPosition = a, by, 0
	seats, shared := seatsOf(f.groups[0], m.GetRole())
	switch a {
	case focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES:
		taken := f.count(sid, shared, focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED)
		if seats == 0 || taken < seats {
			r.State = focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED
		} else {
			r.State = focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED
			r.WaitlistPosition = f.count(sid, shared, focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED)
		}
	case focusgroupsv1.RsvpAnswer_RSVP_ANSWER_NO:
		r.State = focusgroupsv1.RsvpState_RSVP_STATE_DECLINED
	default:
		r.State = focusgroupsv1.RsvpState_RSVP_STATE_TENTATIVE
	}
	if wasSeated && r.GetState() != focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED {
		f.seatFirstInLine(sid, shared)
	}
	f.renumber(sid, shared)
	f.recount()
	return r
}

// count counts the answers of sid in state by members of roles.
func (f *fakeFocusGroups) count(sid string, roles []string, st focusgroupsv1.RsvpState) int32 {
	var n int32
	for _, r := range f.rsvps {
		if r.GetSessionId() == sid && r.GetState() == st && slices.Contains(roles, r.GetRole()) {
			n++
		}
	}
	return n
}

func (f *fakeFocusGroups) seatFirstInLine(sid string, roles []string) {
	for _, r := range f.rsvps {
		if r.GetSessionId() == sid && r.GetState() == focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED && slices.Contains(roles, r.GetRole()) {
			r.State, r.WaitlistPosition, r.ChangedBy = focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED, 0, "waitlist"
			return
		}
	}
}

func (f *fakeFocusGroups) renumber(sid string, roles []string) {
	var n int32
	for _, r := range f.rsvps {
		if r.GetSessionId() == sid && r.GetState() == focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED && slices.Contains(roles, r.GetRole()) {
			n++
			r.WaitlistPosition = n
		}
	}
}

// recount sets the groups' member counts and the sessions' answer counts.
func (f *fakeFocusGroups) recount() {
	for _, g := range f.groups {
		g.Members = nil
		for _, role := range fakeRoles {
			var n int32
			for _, m := range f.members {
				if m.GetFocusGroupId() == g.GetId() && m.GetRole() == role.GetKey() && m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE {
					n++
				}
			}
			if n > 0 {
				g.Members = append(g.Members, &focusgroupsv1.RoleCount{Role: role.GetKey(), Count: n})
			}
		}
	}
	for _, s := range f.sessions {
		s.Rsvps = nil
		for _, role := range fakeRoles {
			rr := &focusgroupsv1.RoleRsvps{Role: role.GetKey()}
			for _, r := range f.rsvps {
				if r.GetSessionId() != s.GetId() || r.GetRole() != role.GetKey() {
					continue
				}
				switch r.GetState() {
				case focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED:
					rr.Confirmed++
				case focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED:
					rr.Waitlisted++
				case focusgroupsv1.RsvpState_RSVP_STATE_TENTATIVE:
					rr.Tentative++
				case focusgroupsv1.RsvpState_RSVP_STATE_DECLINED:
					rr.Declined++
				}
			}
			if rr.Confirmed+rr.Waitlisted+rr.Tentative+rr.Declined > 0 {
				s.Rsvps = append(s.Rsvps, rr)
			}
		}
	}
}

// rsvpsOf returns the answers to sid, as the service lists them.
func (f *fakeFocusGroups) rsvpsOf(sid string) []*focusgroupsv1.Rsvp {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*focusgroupsv1.Rsvp
	for _, r := range f.rsvps {
		if r.GetSessionId() == sid {
			out = append(out, proto.CloneOf(r))
		}
	}
	return out
}

func (f *fakeFocusGroups) CreateFocusGroup(ctx context.Context, req *focusgroupsv1.CreateFocusGroupRequest) (*focusgroupsv1.FocusGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "CreateFocusGroup", req); err != nil {
		return nil, err
	}
	g := proto.CloneOf(req.GetFocusGroup())
	g.Id, g.Tenant, g.Status = f.nextID("fg"), "GM0453", focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_FORMING
	f.groups = append(f.groups, g)
	return proto.CloneOf(g), nil
}

func (f *fakeFocusGroups) GetFocusGroup(ctx context.Context, req *focusgroupsv1.GetFocusGroupRequest) (*focusgroupsv1.FocusGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetFocusGroup", req); err != nil {
		return nil, err
	}
	g, err := f.group(req.GetId())
	if err != nil {
		return nil, err
	}
	return proto.CloneOf(g), nil
}

func (f *fakeFocusGroups) ListFocusGroups(ctx context.Context, req *focusgroupsv1.ListFocusGroupsRequest) (*focusgroupsv1.ListFocusGroupsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListFocusGroups", req); err != nil {
		return nil, err
	}
	resp := &focusgroupsv1.ListFocusGroupsResponse{}
	for _, g := range f.groups {
		if req.GetTenant() == "" || g.GetTenant() == req.GetTenant() {
			resp.FocusGroups = append(resp.FocusGroups, proto.CloneOf(g))
		}
	}
	return resp, nil
}

func (f *fakeFocusGroups) ListRoles(ctx context.Context, req *focusgroupsv1.ListRolesRequest) (*focusgroupsv1.ListRolesResponse, error) {
	if err := f.Call(ctx, "ListRoles", req); err != nil {
		return nil, err
	}
	return &focusgroupsv1.ListRolesResponse{Roles: fakeRoles}, nil
}

func (f *fakeFocusGroups) AddFocusGroupMember(ctx context.Context, req *focusgroupsv1.AddFocusGroupMemberRequest) (*focusgroupsv1.GroupMember, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "AddFocusGroupMember", req); err != nil {
		return nil, err
	}
	m := proto.CloneOf(req.GetMember())
	m.Id, m.FocusGroupId, m.Status = f.nextID("m"), req.GetFocusGroupId(), focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE
	f.members = append(f.members, m)
	f.recount()
	return proto.CloneOf(m), nil
}

func (f *fakeFocusGroups) ListFocusGroupMembers(ctx context.Context, req *focusgroupsv1.ListFocusGroupMembersRequest) (*focusgroupsv1.ListFocusGroupMembersResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListFocusGroupMembers", req); err != nil {
		return nil, err
	}
	resp := &focusgroupsv1.ListFocusGroupMembersResponse{}
	for _, m := range f.members {
		if m.GetFocusGroupId() == req.GetFocusGroupId() {
			resp.Members = append(resp.Members, proto.CloneOf(m))
		}
	}
	return resp, nil
}

func (f *fakeFocusGroups) GetFocusGroupMember(ctx context.Context, req *focusgroupsv1.GetFocusGroupMemberRequest) (*focusgroupsv1.GroupMember, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetFocusGroupMember", req); err != nil {
		return nil, err
	}
	if m := f.member(req.GetId()); m != nil && m.GetFocusGroupId() == req.GetFocusGroupId() {
		return proto.CloneOf(m), nil
	}
	return nil, notFound("member", req.GetId())
}

func (f *fakeFocusGroups) InviteResidents(ctx context.Context, req *focusgroupsv1.InviteResidentsRequest) (*focusgroupsv1.InviteResidentsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "InviteResidents", req); err != nil {
		return nil, err
	}
	resp := &focusgroupsv1.InviteResidentsResponse{}
	for _, inv := range req.GetInvitees() {
		resp.Invitations = append(resp.Invitations, &focusgroupsv1.GroupInvitation{Id: f.nextID("inv"), Email: inv.GetEmail(), Role: inv.GetRole()})
	}
	return resp, nil
}

func (f *fakeFocusGroups) ScheduleSession(ctx context.Context, req *focusgroupsv1.ScheduleSessionRequest) (*focusgroupsv1.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ScheduleSession", req); err != nil {
		return nil, err
	}
	s := proto.CloneOf(req.GetSession())
	s.Id, s.FocusGroupId, s.Status = f.nextID("s"), req.GetFocusGroupId(), focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED
	f.sessions = append(f.sessions, s)
	return proto.CloneOf(s), nil
}

func (f *fakeFocusGroups) ListSessions(ctx context.Context, req *focusgroupsv1.ListSessionsRequest) (*focusgroupsv1.ListSessionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListSessions", req); err != nil {
		return nil, err
	}
	resp := &focusgroupsv1.ListSessionsResponse{}
	for _, s := range f.sessions {
		if s.GetFocusGroupId() == req.GetFocusGroupId() {
			resp.Sessions = append(resp.Sessions, proto.CloneOf(s))
		}
	}
	slices.SortFunc(resp.Sessions, func(a, b *focusgroupsv1.Session) int {
		return a.GetStartTime().AsTime().Compare(b.GetStartTime().AsTime())
	})
	return resp, nil
}

func (f *fakeFocusGroups) GetSession(ctx context.Context, req *focusgroupsv1.GetSessionRequest) (*focusgroupsv1.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetSession", req); err != nil {
		return nil, err
	}
	s, err := f.session(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	return proto.CloneOf(s), nil
}

func (f *fakeFocusGroups) UpdateSession(ctx context.Context, req *focusgroupsv1.UpdateSessionRequest) (*focusgroupsv1.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "UpdateSession", req); err != nil {
		return nil, err
	}
	s, err := f.session(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	if e := req.GetSession().GetEtag(); e != "" && e != s.GetEtag() {
		return nil, status.Error(codes.Aborted, "the session changed since")
	}
	in := req.GetSession()
	s.StartTime, s.EndTime, s.Place, s.OnlineUrl, s.Agenda, s.Capacity = in.GetStartTime(), in.GetEndTime(), in.GetPlace(), in.GetOnlineUrl(), in.GetAgenda(), in.GetCapacity()
	s.Sequence++
	return proto.CloneOf(s), nil
}

func (f *fakeFocusGroups) CancelSession(ctx context.Context, req *focusgroupsv1.CancelSessionRequest) (*focusgroupsv1.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "CancelSession", req); err != nil {
		return nil, err
	}
	s, err := f.session(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	s.Status, s.CancelReason = focusgroupsv1.SessionStatus_SESSION_STATUS_CANCELLED, req.GetReason()
	return proto.CloneOf(s), nil
}

func (f *fakeFocusGroups) CompleteSession(ctx context.Context, req *focusgroupsv1.CompleteSessionRequest) (*focusgroupsv1.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "CompleteSession", req); err != nil {
		return nil, err
	}
	s, err := f.session(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	s.Status = focusgroupsv1.SessionStatus_SESSION_STATUS_HELD
	return proto.CloneOf(s), nil
}

func (f *fakeFocusGroups) ListRsvps(ctx context.Context, req *focusgroupsv1.ListRsvpsRequest) (*focusgroupsv1.ListRsvpsResponse, error) {
	if err := f.Call(ctx, "ListRsvps", req); err != nil {
		return nil, err
	}
	all := f.rsvpsOf(req.GetSessionId())
	order := func(r *focusgroupsv1.Rsvp) int {
		switch r.GetState() {
		case focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED:
			return 0
		case focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(all, func(a, b *focusgroupsv1.Rsvp) int { return order(a) - order(b) })
	return &focusgroupsv1.ListRsvpsResponse{Rsvps: all}, nil
}

func (f *fakeFocusGroups) GetRsvp(ctx context.Context, req *focusgroupsv1.GetRsvpRequest) (*focusgroupsv1.Rsvp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetRsvp", req); err != nil {
		return nil, err
	}
	if r := f.rsvp(req.GetSessionId(), req.GetMemberId()); r != nil {
		return proto.CloneOf(r), nil
	}
	return nil, notFound("answer of member", req.GetMemberId())
}

func (f *fakeFocusGroups) PromoteFromWaitlist(ctx context.Context, req *focusgroupsv1.PromoteFromWaitlistRequest) (*focusgroupsv1.Rsvp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "PromoteFromWaitlist", req); err != nil {
		return nil, err
	}
	r := f.rsvp(req.GetSessionId(), req.GetMemberId())
	if r == nil || r.GetState() != focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED {
		return nil, status.Error(codes.FailedPrecondition, "the member is not waiting")
	}
	r.State, r.WaitlistPosition, r.PromotionReason, r.ChangedBy = focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED, 0, req.GetReason(), "u-chair"
	r.PromoteTime = webtest.At("2027-01-05T09:30:00Z")
	_, shared := seatsOf(f.groups[0], r.GetRole())
	f.renumber(req.GetSessionId(), shared)
	f.recount()
	return proto.CloneOf(r), nil
}

func (f *fakeFocusGroups) RecordAttendance(ctx context.Context, req *focusgroupsv1.RecordAttendanceRequest) (*focusgroupsv1.Attendance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "RecordAttendance", req); err != nil {
		return nil, err
	}
	a := proto.CloneOf(req.GetAttendance())
	a.SessionId = req.GetSessionId()
	count := map[string]int32{}
	for _, m := range a.GetMembers() {
		if m.GetPresent() {
			count[f.member(m.GetMemberId()).GetRole()]++
		}
	}
	for _, w := range a.GetWalkIns() {
		count[w.GetRole()] += w.GetCount()
	}
	for _, role := range fakeRoles {
		if n := count[role.GetKey()]; n > 0 {
			a.Present = append(a.Present, &focusgroupsv1.RoleCount{Role: role.GetKey(), Count: n})
			a.Total += n
		}
	}
	f.attendance[req.GetSessionId()] = a
	return proto.CloneOf(a), nil
}

func (f *fakeFocusGroups) GetAttendance(ctx context.Context, req *focusgroupsv1.GetAttendanceRequest) (*focusgroupsv1.Attendance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetAttendance", req); err != nil {
		return nil, err
	}
	if a, ok := f.attendance[req.GetSessionId()]; ok {
		return proto.CloneOf(a), nil
	}
	return &focusgroupsv1.Attendance{SessionId: req.GetSessionId()}, nil
}

func (f *fakeFocusGroups) finding(groupID, id string) (*focusgroupsv1.Finding, error) {
	for _, fd := range f.findings {
		if fd.GetId() == id && fd.GetFocusGroupId() == groupID {
			return fd, nil
		}
	}
	return nil, notFound("finding", id)
}

func (f *fakeFocusGroups) CreateFinding(ctx context.Context, req *focusgroupsv1.CreateFindingRequest) (*focusgroupsv1.Finding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "CreateFinding", req); err != nil {
		return nil, err
	}
	fd := proto.CloneOf(req.GetFinding())
	fd.Id, fd.FocusGroupId, fd.Status = f.nextID("f"), req.GetFocusGroupId(), focusgroupsv1.FindingStatus_FINDING_STATUS_DRAFT
	f.findings = append(f.findings, fd)
	return proto.CloneOf(fd), nil
}

func (f *fakeFocusGroups) ListFindings(ctx context.Context, req *focusgroupsv1.ListFindingsRequest) (*focusgroupsv1.ListFindingsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ListFindings", req); err != nil {
		return nil, err
	}
	resp := &focusgroupsv1.ListFindingsResponse{}
	for _, fd := range f.findings {
		if fd.GetFocusGroupId() == req.GetFocusGroupId() {
			resp.Findings = append(resp.Findings, proto.CloneOf(fd))
		}
	}
	return resp, nil
}

func (f *fakeFocusGroups) GetFinding(ctx context.Context, req *focusgroupsv1.GetFindingRequest) (*focusgroupsv1.Finding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetFinding", req); err != nil {
		return nil, err
	}
	fd, err := f.finding(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	return proto.CloneOf(fd), nil
}

func (f *fakeFocusGroups) UpdateFinding(ctx context.Context, req *focusgroupsv1.UpdateFindingRequest) (*focusgroupsv1.Finding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "UpdateFinding", req); err != nil {
		return nil, err
	}
	fd, err := f.finding(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	in := req.GetFinding()
	if e := in.GetEtag(); e != "" && e != fd.GetEtag() {
		return nil, status.Error(codes.Aborted, "the finding changed since")
	}
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		paths = []string{"session_id", "statement", "breadth", "quotes"}
	}
	for _, p := range paths {
		switch p {
		case "session_id":
			fd.SessionId = in.GetSessionId()
		case "statement":
			fd.Statement = in.GetStatement()
		case "breadth":
			fd.Breadth = in.GetBreadth()
		case "quotes":
			fd.Quotes = in.GetQuotes()
		}
	}
	fd.Etag += "+"
	return proto.CloneOf(fd), nil
}

func (f *fakeFocusGroups) AgreeFinding(ctx context.Context, req *focusgroupsv1.AgreeFindingRequest) (*focusgroupsv1.Finding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "AgreeFinding", req); err != nil {
		return nil, err
	}
	fd, err := f.finding(req.GetFocusGroupId(), req.GetId())
	if err != nil {
		return nil, err
	}
	fd.Status = focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED
	return proto.CloneOf(fd), nil
}

// fakeLinks is the members' side of the fake, on the same data.
type fakeLinks struct {
	focusgroupsv1.UnimplementedMemberLinksServiceServer
	f *fakeFocusGroups
}

// memberOf finds the member of a member link's token.
func (l *fakeLinks) memberOf(token string) (*focusgroupsv1.GroupMember, error) {
	m := l.f.member(l.f.tokens[token])
	if m == nil || m.GetStatus() != focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE {
		return nil, status.Error(codes.NotFound, "no member link with this token")
	}
	return m, nil
}

func (l *fakeLinks) GetInvitation(ctx context.Context, req *focusgroupsv1.GetInvitationRequest) (*focusgroupsv1.InvitationView, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetInvitation", req); err != nil {
		return nil, err
	}
	inv, ok := f.invitations[req.GetToken()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no invitation with this token")
	}
	return proto.CloneOf(inv), nil
}

func (l *fakeLinks) AcceptInvitation(ctx context.Context, req *focusgroupsv1.AcceptInvitationRequest) (*focusgroupsv1.MemberLink, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "AcceptInvitation", req); err != nil {
		return nil, err
	}
	inv, ok := f.invitations[req.GetToken()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no invitation with this token")
	}
	delete(f.invitations, req.GetToken())
	m := &focusgroupsv1.GroupMember{Id: f.nextID("m"), FocusGroupId: groupID, Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT,
		Role: inv.GetRole().GetKey(), Name: inv.GetName(), Status: focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE}
	f.members = append(f.members, m)
	token := webtest.Token("member-" + m.GetId())
	f.tokens[token] = m.GetId()
	f.recount()
	return &focusgroupsv1.MemberLink{Token: token, MemberId: m.GetId()}, nil
}

func (l *fakeLinks) GetMemberView(ctx context.Context, req *focusgroupsv1.GetMemberViewRequest) (*focusgroupsv1.MemberView, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetMemberView", req); err != nil {
		return nil, err
	}
	m, err := l.memberOf(req.GetToken())
	if err != nil {
		return nil, err
	}
	g, _ := f.group(m.GetFocusGroupId())
	v := &focusgroupsv1.MemberView{MemberId: m.GetId(), Name: m.GetName(), Language: m.GetLanguage(), FocusGroupId: g.GetId(),
		FocusGroupName: g.GetName(), Purpose: g.GetPurpose(), Status: g.GetStatus()}
	for _, r := range fakeRoles {
		if r.GetKey() == m.GetRole() {
			v.Role = r
		}
	}
	for _, s := range f.sessions {
		if s.GetFocusGroupId() != g.GetId() {
			continue
		}
		ms := &focusgroupsv1.MemberSession{Id: s.GetId(), StartTime: s.GetStartTime(), EndTime: s.GetEndTime(), Place: s.GetPlace(),
			OnlineUrl: s.GetOnlineUrl(), Agenda: s.GetAgenda(), Status: s.GetStatus(), CancelReason: s.GetCancelReason()}
		if r := f.rsvp(s.GetId(), m.GetId()); r != nil {
			ms.Rsvp = proto.CloneOf(r)
		}
		v.Sessions = append(v.Sessions, ms)
	}
	slices.SortFunc(v.Sessions, func(a, b *focusgroupsv1.MemberSession) int {
		return a.GetStartTime().AsTime().Compare(b.GetStartTime().AsTime())
	})
	return v, nil
}

func (l *fakeLinks) RespondToSession(ctx context.Context, req *focusgroupsv1.RespondToSessionRequest) (*focusgroupsv1.Rsvp, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "RespondToSession", req); err != nil {
		return nil, err
	}
	m, err := l.memberOf(req.GetToken())
	if err != nil {
		return nil, err
	}
	s, err := f.session(m.GetFocusGroupId(), req.GetSessionId())
	if err != nil {
		return nil, err
	}
	if s.GetStatus() != focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED {
		return nil, status.Error(codes.FailedPrecondition, "the session takes no answers")
	}
	return proto.CloneOf(f.answer(s.GetId(), m.GetId(), req.GetAnswer(), req.GetAccessNeeds(), req.GetAccessNote(), "member")), nil
}

func (l *fakeLinks) LeaveFocusGroup(ctx context.Context, req *focusgroupsv1.LeaveFocusGroupRequest) (*focusgroupsv1.LeaveFocusGroupResponse, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "LeaveFocusGroup", req); err != nil {
		return nil, err
	}
	m, err := l.memberOf(req.GetToken())
	if err != nil {
		return nil, err
	}
	m.Status = focusgroupsv1.MemberStatus_MEMBER_STATUS_LEFT
	f.recount()
	g, _ := f.group(m.GetFocusGroupId())
	return &focusgroupsv1.LeaveFocusGroupResponse{FocusGroupName: g.GetName()}, nil
}

// calendarFile is the fake's iCalendar file of one session.
func calendarFile(sessionID string) []byte {
	return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Meedoen//fake//NL\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:" + sessionID + "\r\nSEQUENCE:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
}

func (l *fakeLinks) GetSessionCalendar(ctx context.Context, req *focusgroupsv1.GetSessionCalendarRequest) (*focusgroupsv1.CalendarFile, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetSessionCalendar", req); err != nil {
		return nil, err
	}
	m, err := l.memberOf(req.GetToken())
	if err != nil {
		return nil, err
	}
	if _, err := f.session(m.GetFocusGroupId(), req.GetSessionId()); err != nil {
		return nil, err
	}
	return &focusgroupsv1.CalendarFile{ContentType: "text/calendar; charset=utf-8; method=PUBLISH", FileName: "bijeenkomst-" + req.GetSessionId() + ".ics", Data: calendarFile(req.GetSessionId())}, nil
}

func (l *fakeLinks) RenewCalendarFeed(ctx context.Context, req *focusgroupsv1.RenewCalendarFeedRequest) (*focusgroupsv1.CalendarFeed, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "RenewCalendarFeed", req); err != nil {
		return nil, err
	}
	m, err := l.memberOf(req.GetToken())
	if err != nil {
		return nil, err
	}
	for tok, id := range f.feeds {
		if id == m.GetId() {
			delete(f.feeds, tok)
		}
	}
	tok := webtest.Token(f.nextID("feed"))
	f.feeds[tok] = m.GetId()
	return &focusgroupsv1.CalendarFeed{Token: tok}, nil
}

func (l *fakeLinks) GetCalendarFeed(ctx context.Context, req *focusgroupsv1.GetCalendarFeedRequest) (*focusgroupsv1.CalendarFile, error) {
	f := l.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetCalendarFeed", req); err != nil {
		return nil, err
	}
	if _, ok := f.feeds[req.GetToken()]; !ok {
		return nil, status.Error(codes.NotFound, "no feed with this token")
	}
	return &focusgroupsv1.CalendarFile{ContentType: "text/calendar; charset=utf-8", FileName: "focusgroep.ics", Data: calendarFile(sessionID)}, nil
}

func (f *fakeFocusGroups) ConcludeFocusGroup(ctx context.Context, req *focusgroupsv1.ConcludeFocusGroupRequest) (*focusgroupsv1.FocusGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ConcludeFocusGroup", req); err != nil {
		return nil, err
	}
	g, err := f.group(req.GetId())
	if err != nil {
		return nil, err
	}
	g.Status = focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_CONCLUDED
	return proto.CloneOf(g), nil
}

func (f *fakeFocusGroups) DissolveFocusGroup(ctx context.Context, req *focusgroupsv1.DissolveFocusGroupRequest) (*focusgroupsv1.FocusGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "DissolveFocusGroup", req); err != nil {
		return nil, err
	}
	g, err := f.group(req.GetId())
	if err != nil {
		return nil, err
	}
	g.Status, g.DissolveReason = focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_DISSOLVED, req.GetReason()
	for _, s := range f.sessions {
		if s.GetFocusGroupId() == g.GetId() && s.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED {
			s.Status = focusgroupsv1.SessionStatus_SESSION_STATUS_CANCELLED
		}
	}
	return proto.CloneOf(g), nil
}

func (f *fakeFocusGroups) RemoveFocusGroupMember(ctx context.Context, req *focusgroupsv1.RemoveFocusGroupMemberRequest) (*focusgroupsv1.GroupMember, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "RemoveFocusGroupMember", req); err != nil {
		return nil, err
	}
	m := f.member(req.GetId())
	if m == nil || m.GetFocusGroupId() != req.GetFocusGroupId() {
		return nil, notFound("member", req.GetId())
	}
	m.Status = focusgroupsv1.MemberStatus_MEMBER_STATUS_LEFT
	f.recount()
	return proto.CloneOf(m), nil
}

// GetPublishedFindings enforces each quote's consent as the real service
// does: named quotes with the name, anonymous ones without, internal
// ones never.
func (f *fakeFocusGroups) GetPublishedFindings(ctx context.Context, req *focusgroupsv1.GetPublishedFindingsRequest) (*focusgroupsv1.PublishedFindings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "GetPublishedFindings", req); err != nil {
		return nil, err
	}
	g, err := f.group(req.GetFocusGroupId())
	if err != nil {
		return nil, err
	}
	out := &focusgroupsv1.PublishedFindings{FocusGroupId: g.GetId(), FocusGroupName: g.GetName(), ProcessId: g.GetProcessId()}
	for _, fd := range f.findings {
		if fd.GetFocusGroupId() != g.GetId() || fd.GetStatus() != focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED {
			continue
		}
		pf := &focusgroupsv1.PublishedFinding{Id: fd.GetId(), SessionId: fd.GetSessionId(), Statement: fd.GetStatement(), Breadth: fd.GetBreadth()}
		for _, q := range fd.GetQuotes() {
			switch q.GetConsent() {
			case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED:
				pf.Quotes = append(pf.Quotes, &focusgroupsv1.PublishedQuote{Text: q.GetText(), SpeakerName: q.GetSpeakerName()})
			case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS:
				pf.Quotes = append(pf.Quotes, &focusgroupsv1.PublishedQuote{Text: q.GetText()})
			}
		}
		out.Findings = append(out.Findings, pf)
	}
	return out, nil
}

func (f *fakeFocusGroups) UpdateFocusGroup(ctx context.Context, req *focusgroupsv1.UpdateFocusGroupRequest) (*focusgroupsv1.FocusGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "UpdateFocusGroup", req); err != nil {
		return nil, err
	}
	g, err := f.group(req.GetId())
	if err != nil {
		return nil, err
	}
	in := req.GetFocusGroup()
	if e := in.GetEtag(); e != "" && e != g.GetEtag() {
		return nil, status.Error(codes.Aborted, "the group changed since")
	}
	g.Name, g.Purpose, g.PlannedSessions, g.Seats, g.TotalSeats = in.GetName(), in.GetPurpose(), in.GetPlannedSessions(), in.GetSeats(), in.GetTotalSeats()
	g.Etag += "+"
	return proto.CloneOf(g), nil
}

func (f *fakeFocusGroups) ExportFocusGroupMember(ctx context.Context, req *focusgroupsv1.ExportFocusGroupMemberRequest) (*focusgroupsv1.MemberExport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "ExportFocusGroupMember", req); err != nil {
		return nil, err
	}
	m := f.member(req.GetId())
	if m == nil || m.GetFocusGroupId() != req.GetFocusGroupId() {
		return nil, notFound("member", req.GetId())
	}
	ex := &focusgroupsv1.MemberExport{Member: proto.CloneOf(m), FocusGroupName: f.groups[0].GetName()}
	for _, r := range f.rsvps {
		if r.GetMemberId() == m.GetId() {
			ex.Rsvps = append(ex.Rsvps, &focusgroupsv1.MemberExportRsvp{SessionId: r.GetSessionId(), AccessNote: r.GetAccessNote()})
		}
	}
	return ex, nil
}

func (f *fakeFocusGroups) EraseFocusGroupMember(ctx context.Context, req *focusgroupsv1.EraseFocusGroupMemberRequest) (*focusgroupsv1.MemberErasure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "EraseFocusGroupMember", req); err != nil {
		return nil, err
	}
	m := f.member(req.GetId())
	if m == nil || m.GetFocusGroupId() != req.GetFocusGroupId() {
		return nil, notFound("member", req.GetId())
	}
	m.Name, m.Email, m.Status = "", "", focusgroupsv1.MemberStatus_MEMBER_STATUS_ERASED
	f.recount()
	return &focusgroupsv1.MemberErasure{MemberId: m.GetId()}, nil
}

func (f *fakeFocusGroups) SetRsvp(ctx context.Context, req *focusgroupsv1.SetRsvpRequest) (*focusgroupsv1.Rsvp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Call(ctx, "SetRsvp", req); err != nil {
		return nil, err
	}
	s, err := f.session(req.GetFocusGroupId(), req.GetSessionId())
	if err != nil {
		return nil, err
	}
	if s.GetStatus() != focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED {
		return nil, status.Error(codes.FailedPrecondition, "the session takes no answers")
	}
	in := req.GetRsvp()
	if f.member(in.GetMemberId()) == nil {
		return nil, notFound("member", in.GetMemberId())
	}
	return proto.CloneOf(f.answer(s.GetId(), in.GetMemberId(), in.GetAnswer(), in.GetAccessNeeds(), in.GetAccessNote(), "u-chair")), nil
}
