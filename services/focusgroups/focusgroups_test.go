package focusgroups_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func as(tenant string, role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), auth.Identity{Subject: string(role) + "@" + tenant,
		Grants: []auth.Grant{{Tenant: tenant, Role: role}}})
}

var root = auth.WithIdentity(context.Background(), auth.Identity{Subject: "root",
	Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}})

// system is the councils and focus groups services as the binary runs
// them, each over gRPC behind its guard, on one real PostgreSQL and an
// in-process JetStream.
type system struct {
	councils councilsv1.CouncilsServiceClient
	staff    pb.FocusGroupsServiceClient
	links    pb.MemberLinksServiceClient
	js       jetstream.JetStream
	mail     *mailbox
}

// mailbox is the service's mail sender in the test: it keeps what it is
// given.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailbox) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

// to returns the mails sent to address so far.
func (m *mailbox) to(address string) []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []mail.Message
	for _, msg := range m.sent {
		if msg.To == address {
			out = append(out, msg)
		}
	}
	return out
}

func start(t *testing.T) system {
	t.Helper()
	ctx := context.Background()
	_, nc, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "focusgroups-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	db := testkit.NewDatabase(t)
	deps := platform.Deps{DatabaseURL: db, NATS: nc, JetStream: js, Telemetry: tel, Health: health.New(),
		Guard: auth.NewGuard(auth.NewVerifier(signer.Public()), auth.NewPolicy(slices.Concat(councils.Policy(), focusgroups.Policy())...), tel.Logger)}
	c, err := councils.New(ctx, councils.Config{GRPCAddr: "127.0.0.1:0"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{}
	f, err := focusgroups.New(ctx, focusgroups.Config{GRPCAddr: "127.0.0.1:0", PublicURL: "https://meedoen.example",
		From: "focusgroepen@meedoen.example", Mail: box, ReminderInterval: 50 * time.Millisecond}, deps)
	if err != nil {
		t.Fatal(err)
	}
	s := system{js: js, mail: box}
	for _, svc := range []*platform.Service{c, f} {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- svc.Run(runCtx) }()
		t.Cleanup(func() {
			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s: %v", svc.Name, err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("%s did not stop with its context", svc.Name)
			}
		})
		conn, err := rpc.Dial(svc.Addr(), nil, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		if svc == c {
			s.councils = councilsv1.NewCouncilsServiceClient(conn)
		} else {
			clients := focusgroups.NewClients(conn)
			s.staff, s.links = clients.Staff, clients.Links
		}
	}
	return s
}

// heemskerkProcess makes a Heemskerk process that chose a focus group and
// is executing.
func (s system) heemskerkProcess(t *testing.T) string {
	t.Helper()
	ok(s.councils.CreateRegion(root, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "ijmond", Name: "IJmond"}}))(t)
	ok(s.councils.CreateMunicipality(root, &councilsv1.CreateMunicipalityRequest{Municipality: &councilsv1.Municipality{
		Code: "GM0396", Name: "Heemskerk", RegionId: "ijmond"}}))(t)
	member, chair := as("GM0396", auth.CouncilMember), as("GM0396", auth.Chair)
	q := ok(s.councils.RaiseQuestion(as("GM0396", auth.PolicyOfficer), &councilsv1.RaiseQuestionRequest{Question: &councilsv1.Question{
		Title: "Mantelzorg", Description: "Wat hebben mantelzorgers nodig?", Theme: "mantelzorg", Origin: councilsv1.Origin_ORIGIN_SOLICITED,
		Scope: &councilsv1.Scope{Tenant: "GM0396"}, AdviceNeededBy: "2099-03-31"}}))(t)
	ok(s.councils.DecideQuestion(chair, &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true}))(t)
	p := ok(s.councils.StartProcess(member, &councilsv1.StartProcessRequest{QuestionId: q.GetId()}))(t)
	ok(s.councils.UpdateProcess(member, &councilsv1.UpdateProcessRequest{Id: p.GetId(), Process: &councilsv1.Process{
		PreciseQuestion: "Wanneer vragen mantelzorgers hulp?", Approach: "Een focusgroep", TargetGroup: "Mantelzorgers",
		Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FOCUS_GROUP}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"precise_question", "approach", "target_group", "forms"}}}))(t)
	for _, phase := range []councilsv1.Phase{councilsv1.Phase_PHASE_CONCRETISE, councilsv1.Phase_PHASE_CHOOSE_FORMS, councilsv1.Phase_PHASE_EXECUTE} {
		ok(s.councils.TransitionProcess(member, &councilsv1.TransitionProcessRequest{Id: p.GetId(), ToPhase: phase}))(t)
	}
	return p.GetId()
}

// ok returns v, failing the test for err.
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// invitationTokens reads the tokens of the invitations to join sent to
// each address, from the mails: only their hashes are stored.
func (s system) invitationTokens(t *testing.T, addresses []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	link := regexp.MustCompile(`/focusgroep/uitnodiging/([A-Za-z0-9_-]+)`)
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		for _, a := range addresses {
			for _, m := range s.mail.to(a) {
				if found := link.FindStringSubmatch(m.Text); found != nil {
					out[a] = found[1]
				}
			}
			if out[a] == "" {
				return fmt.Errorf("no invitation sent to %s yet", a)
			}
		}
		return nil
	})
	return out
}

// lastEvent reads the last event of a name the focus groups service
// published.
func (s system) lastEvent(t *testing.T, tenant, name string) jetstream.RawStreamMsg {
	t.Helper()
	stream, err := s.js.Stream(context.Background(), events.StreamName(focusgroups.Name))
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		msg, err = stream.GetLastMsgForSubject(context.Background(), "meedoen.focusgroups."+tenant+"."+name)
		return err
	})
	return *msg
}

// The walk through, end to end: a focus group for a Heemskerk
// process, two sessions, residents invited who accept by their links and
// answer until the seats are full and the rest wait per role, a decline
// that seats the first in line, attendance and findings. The councils
// service's analyse gate opens on session.held, and neither that event nor
// findings.recorded carries a name, an address or what anyone said.
func TestFocusGroupEndToEnd(t *testing.T) {
	s := start(t)
	processID := s.heemskerkProcess(t)
	member := as("GM0396", auth.CouncilMember)

	var g *pb.FocusGroup
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		var err error
		g, err = s.staff.CreateFocusGroup(member, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: processID,
			Name: "Mantelzorg in Heemskerk", Purpose: "Wanneer vragen mantelzorgers hulp?", PlannedSessions: 2,
			Seats: []*pb.SeatGroup{{Roles: []string{"client"}, Seats: 2}, {Roles: []string{"key_figure"}, Seats: 1}}}})
		return err // until the process's events have reached the service
	})
	if g.GetTenant() != "GM0396" || g.GetQuestionId() == "" {
		t.Errorf("the group took tenant %q and question %q from its process", g.GetTenant(), g.GetQuestionId())
	}

	// Who may see and manage it: a policy officer of Heemskerk sees the
	// group but not its members; Velsen's council does not know it exists.
	officer, velsen := as("GM0396", auth.PolicyOfficer), as("GM0453", auth.CouncilMember)
	ok(s.staff.GetFocusGroup(officer, &pb.GetFocusGroupRequest{Id: g.GetId()}))(t)
	if _, err := s.staff.ListFocusGroupMembers(officer, &pb.ListFocusGroupMembersRequest{FocusGroupId: g.GetId()}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("a policy officer lists the members: %v, want permission denied", err)
	}
	for _, err := range []error{
		func() error {
			_, err := s.staff.GetFocusGroup(velsen, &pb.GetFocusGroupRequest{Id: g.GetId()})
			return err
		}(),
		func() error {
			_, err := s.staff.UpdateFocusGroup(velsen, &pb.UpdateFocusGroupRequest{Id: g.GetId(), FocusGroup: &pb.FocusGroup{Name: "Overgenomen"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}}})
			return err
		}(),
	} {
		if status.Code(err) != codes.NotFound {
			t.Errorf("Velsen reaches Heemskerk's group: %v, want not found", err)
		}
	}

	start := time.Now().Add(3 * time.Second)
	schedule := func(start time.Time) *pb.Session {
		return ok(s.staff.ScheduleSession(member, &pb.ScheduleSessionRequest{FocusGroupId: g.GetId(), Session: &pb.Session{
			StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(2 * time.Hour)),
			Place: &pb.Place{Address: "Buurthuis De Schakel, Heemskerk"}, OnlineUrl: "https://meet.heemskerk.example/mantelzorg"}}))(t)
	}
	first, second := schedule(start), schedule(start.Add(7*24*time.Hour))
	ok(s.staff.UpdateSession(member, &pb.UpdateSessionRequest{FocusGroupId: g.GetId(), Id: second.GetId(),
		Session: &pb.Session{Notes: "Alleen voor de organisatoren."}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"notes"}}}))(t)
	if got := ok(s.staff.GetSession(officer, &pb.GetSessionRequest{FocusGroupId: g.GetId(), Id: second.GetId()}))(t); got.GetNotes() != "" {
		t.Errorf("a policy officer who sees the group reads its notes: %q", got.GetNotes())
	}
	if got := ok(s.staff.GetSession(member, &pb.GetSessionRequest{FocusGroupId: g.GetId(), Id: second.GetId()}))(t); got.GetNotes() == "" {
		t.Error("the council member who manages the group does not read its notes")
	}

	people := []struct{ name, email, role string }{
		{"Fatima el Amrani", "fatima@heemskerk.example", "client"},
		{"Henk Smit", "henk@heemskerk.example", "client"},
		{"Ans de Vries", "ans@heemskerk.example", "client"},
		{"Kees Bakker", "kees@heemskerk.example", "client"},
		{"Mehmet Yilmaz", "mehmet@heemskerk.example", "key_figure"},
		{"Joke Visser", "joke@heemskerk.example", "key_figure"},
	}
	var invitees []*pb.GroupInvitee
	var addresses []string
	for _, p := range people {
		invitees = append(invitees, &pb.GroupInvitee{Email: p.email, Name: p.name, Role: p.role})
		addresses = append(addresses, p.email)
	}
	ok(s.staff.InviteResidents(member, &pb.InviteResidentsRequest{FocusGroupId: g.GetId(), Invitees: invitees}))(t)
	tokens := s.invitationTokens(t, addresses)
	links := map[string]string{}
	ids := map[string]string{}
	for _, p := range people {
		l := ok(s.links.AcceptInvitation(context.Background(), &pb.AcceptInvitationRequest{Token: tokens[p.email]}))(t)
		links[p.name], ids[p.name] = l.GetToken(), l.GetMemberId()
	}
	if _, err := s.links.AcceptInvitation(context.Background(), &pb.AcceptInvitationRequest{Token: tokens["fatima@heemskerk.example"]}); err == nil {
		t.Error("an invitation's link worked twice")
	}
	// Each new member is sent a welcome and the invitation to both
	// sessions, each with its calendar request.
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		requests := 0
		for _, m := range s.mail.to("henk@heemskerk.example") {
			for _, a := range m.Attachments {
				if strings.Contains(a.ContentType, "method=REQUEST") && strings.Contains(string(a.Data), "METHOD:REQUEST") {
					requests++
				}
			}
		}
		if requests != 2 {
			return fmt.Errorf("Henk got %d calendar invitations, want 2", requests)
		}
		return nil
	})

	answer := func(name string, a pb.RsvpAnswer) *pb.Rsvp {
		t.Helper()
		return ok(s.links.RespondToSession(context.Background(), &pb.RespondToSessionRequest{Token: links[name],
			SessionId: first.GetId(), Answer: a}))(t)
	}
	want := map[string]pb.RsvpState{
		"Fatima el Amrani": pb.RsvpState_RSVP_STATE_CONFIRMED, "Henk Smit": pb.RsvpState_RSVP_STATE_CONFIRMED,
		"Ans de Vries": pb.RsvpState_RSVP_STATE_WAITLISTED, "Kees Bakker": pb.RsvpState_RSVP_STATE_WAITLISTED,
		"Mehmet Yilmaz": pb.RsvpState_RSVP_STATE_CONFIRMED, "Joke Visser": pb.RsvpState_RSVP_STATE_WAITLISTED,
	}
	for _, p := range people {
		if got := answer(p.name, pb.RsvpAnswer_RSVP_ANSWER_YES); got.GetState() != want[p.name] {
			t.Errorf("%s: %s, want %s", p.name, got.GetState(), want[p.name])
		}
	}
	// A double click is one answer.
	answer("Fatima el Amrani", pb.RsvpAnswer_RSVP_ANSWER_YES)
	// Fatima cannot come after all: Ans, first in the clients' line, gets
	// her seat; Kees moves up.
	answer("Fatima el Amrani", pb.RsvpAnswer_RSVP_ANSWER_NO)
	ans := ok(s.staff.GetRsvp(member, &pb.GetRsvpRequest{FocusGroupId: g.GetId(), SessionId: first.GetId(), MemberId: ids["Ans de Vries"]}))(t)
	if ans.GetState() != pb.RsvpState_RSVP_STATE_CONFIRMED || ans.GetChangedBy() != "waitlist" {
		t.Errorf("Ans after Fatima declined: %s by %s, want confirmed by the waitlist", ans.GetState(), ans.GetChangedBy())
	}
	kees := ok(s.staff.GetRsvp(member, &pb.GetRsvpRequest{FocusGroupId: g.GetId(), SessionId: first.GetId(), MemberId: ids["Kees Bakker"]}))(t)
	if kees.GetWaitlistPosition() != 1 {
		t.Errorf("Kees waits at %d, want first in line", kees.GetWaitlistPosition())
	}
	// A link answers only its own group's sessions.
	if _, err := s.links.RespondToSession(context.Background(), &pb.RespondToSessionRequest{Token: links["Henk Smit"],
		SessionId: "01957a3c-2b1e-7c00-8000-000000000999", Answer: pb.RsvpAnswer_RSVP_ANSWER_YES}); err == nil {
		t.Error("a link answered a session that is not its group's")
	}
	feed := ok(s.links.RenewCalendarFeed(context.Background(), &pb.RenewCalendarFeedRequest{Token: links["Henk Smit"]}))(t)
	ics := ok(s.links.GetCalendarFeed(context.Background(), &pb.GetCalendarFeedRequest{Token: feed.GetToken()}))(t)
	for _, id := range []string{first.GetId(), second.GetId()} {
		if !strings.Contains(string(ics.GetData()), "UID:"+id+"@focusgroups.meedoen") {
			t.Errorf("the calendar feed lacks session %s", id)
		}
	}

	// The analyse gate is shut until a session is held.
	if _, err := s.councils.TransitionProcess(member, &councilsv1.TransitionProcessRequest{Id: processID,
		ToPhase: councilsv1.Phase_PHASE_ANALYSE}); err == nil {
		t.Fatal("the process moved to analyse before any input")
	}
	time.Sleep(time.Until(start) + 100*time.Millisecond)
	sheet := ok(s.staff.RecordAttendance(member, &pb.RecordAttendanceRequest{FocusGroupId: g.GetId(), SessionId: first.GetId(),
		Attendance: &pb.Attendance{Members: []*pb.MemberAttendance{
			{MemberId: ids["Henk Smit"], Present: true}, {MemberId: ids["Ans de Vries"], Present: true},
			{MemberId: ids["Mehmet Yilmaz"], Present: true}, {MemberId: ids["Kees Bakker"], Present: false}},
			WalkIns: []*pb.WalkIns{{Role: "informal_carer", Count: 2}}}}))(t)
	if sheet.GetTotal() != 5 {
		t.Errorf("%d present, want 5", sheet.GetTotal())
	}
	ok(s.staff.CompleteSession(member, &pb.CompleteSessionRequest{FocusGroupId: g.GetId(), Id: first.GetId()}))(t)
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		_, err := s.councils.TransitionProcess(member, &councilsv1.TransitionProcessRequest{Id: processID, ToPhase: councilsv1.Phase_PHASE_ANALYSE})
		return err // until session.held has reached the councils service
	})

	f := ok(s.staff.CreateFinding(member, &pb.CreateFindingRequest{FocusGroupId: g.GetId(), Finding: &pb.Finding{
		SessionId: first.GetId(), Statement: "Mantelzorgers vragen pas hulp als het te laat is.", Breadth: pb.FindingBreadth_FINDING_BREADTH_MOST,
		Quotes: []*pb.Quote{
			{Text: "Ik wist niet dat ik zelf ook hulp mocht vragen.", Consent: pb.QuoteConsent_QUOTE_CONSENT_NAMED, SpeakerName: "Ans de Vries",
				MemberId: ids["Ans de Vries"]},
			{Text: "Het loket belt nooit terug.", Consent: pb.QuoteConsent_QUOTE_CONSENT_ANONYMOUS, MemberId: ids["Henk Smit"]},
			{Text: "Mijn zus zorgt voor onze moeder.", Consent: pb.QuoteConsent_QUOTE_CONSENT_INTERNAL, MemberId: ids["Mehmet Yilmaz"]},
		}}}))(t)
	ok(s.staff.AgreeFinding(member, &pb.AgreeFindingRequest{FocusGroupId: g.GetId(), Id: f.GetId()}))(t)
	published := ok(s.staff.GetPublishedFindings(context.Background(), &pb.GetPublishedFindingsRequest{FocusGroupId: g.GetId()}))(t)
	if q := published.GetFindings()[0].GetQuotes(); len(q) != 2 || q[0].GetSpeakerName() != "Ans de Vries" || q[1].GetSpeakerName() != "" {
		t.Errorf("published quotes %v, want the named one with its name and the anonymous one without", q)
	}

	// The process moves on to advise: the group's work is done.
	ok(s.councils.TransitionProcess(member, &councilsv1.TransitionProcessRequest{Id: processID, ToPhase: councilsv1.Phase_PHASE_ADVISE}))(t)
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		got := ok(s.staff.GetFocusGroup(member, &pb.GetFocusGroupRequest{Id: g.GetId()}))(t)
		if got.GetStatus() != pb.FocusGroupStatus_FOCUS_GROUP_STATUS_CONCLUDED {
			return fmt.Errorf("the group is %s after its process left the analyse phase", got.GetStatus())
		}
		return nil
	})
	var concluded eventsv1.FocusGroupConcluded
	if err := protojson.Unmarshal(s.lastEvent(t, "GM0396", "focusgroup.concluded").Data, &concluded); err != nil {
		t.Fatal(err)
	}
	if !concluded.GetByProcess() || concluded.GetSessionsHeld() != 1 {
		t.Errorf("focusgroup.concluded: %v, want by the process with one session held", &concluded)
	}

	// What the events say: counts by role, ids and breadth.
	heldMsg := s.lastEvent(t, "GM0396", "session.held")
	var held eventsv1.SessionHeld
	if err := protojson.Unmarshal(heldMsg.Data, &held); err != nil {
		t.Fatal(err)
	}
	if held.GetAttendees() != 5 || held.GetProcessId() != processID {
		t.Errorf("session.held: %v, want 5 attendees of process %s", &held, processID)
	}
	recordedMsg := s.lastEvent(t, "GM0396", "findings.recorded")
	var recorded eventsv1.FindingsRecorded
	if err := protojson.Unmarshal(recordedMsg.Data, &recorded); err != nil {
		t.Fatal(err)
	}
	if r := recorded.GetFindings(); len(r) != 1 || r[0].GetNamedQuotes() != 1 || r[0].GetAnonymousQuotes() != 1 || r[0].GetFindingId() != f.GetId() {
		t.Errorf("findings.recorded: %v, want the finding with one named and one anonymous quote", &recorded)
	}
	// No personal data: no name, no address, no word anyone said.
	var secrets []string
	for _, p := range people {
		secrets = append(secrets, p.name, p.email, strings.Fields(p.name)[0])
	}
	secrets = append(secrets, "Mantelzorgers vragen", "hulp mocht vragen", "belt nooit terug", "onze moeder", "Buurthuis", "meet.heemskerk")
	for _, msg := range []jetstream.RawStreamMsg{heldMsg, recordedMsg} {
		all := string(msg.Data) + fmt.Sprint(msg.Header)
		for _, secret := range secrets {
			if strings.Contains(all, secret) {
				t.Errorf("%s carries %q: %s", msg.Subject, secret, all)
			}
		}
	}
}
