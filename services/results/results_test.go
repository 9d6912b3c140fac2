package results_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/results/internal/api"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/store"
	"github.com/meedoen/meedoen/services/surveys"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const (
	velsen, beverwijk, heemskerk = "GM0453", "GM0375", "GM0396"
	publicURL                    = "https://meedoen.example"
)

func as(tenant string, role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), auth.Identity{Subject: string(role) + "@" + tenant,
		Grants: []auth.Grant{{Tenant: tenant, Role: role}}})
}

var root = auth.WithIdentity(context.Background(), auth.Identity{Subject: "root",
	Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}})

// mailbox is a service's mail sender in the test: it keeps what it is
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

// containing returns the addressees of the mails sent so far whose text
// holds s, sorted.
func (m *mailbox) containing(s string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, msg := range m.sent {
		if strings.Contains(msg.Text, s) {
			out = append(out, strings.Trim(msg.To, "<>"))
		}
	}
	slices.Sort(out)
	return out
}

// system is the four services as the binary runs them, each over gRPC
// behind its guard, on one PostgreSQL and an in-process JetStream. The
// surveys and focus groups services send their mail into mailboxes; the
// results service has no sender, so its mail stays in its queue to be
// read. clocked is the results API on the service's own store with a
// clock of the test's, for what happens weeks after sending: the service
// itself runs on the real clock.
type system struct {
	councils   councilsv1.CouncilsServiceClient
	polls      surveysv1.SurveysServiceClient
	groups     focusgroupsv1.FocusGroupsServiceClient
	advice     pb.AdviceServiceClient
	results    pb.ResultsServiceClient
	resultsDB  *pgxpool.Pool
	surveyMail *mailbox
	groupMail  *mailbox
	clocked    api.Servers
	apiConfig  api.Config
	now        time.Time
}

func start(t *testing.T) *system {
	t.Helper()
	ctx := context.Background()
	_, nc, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "results-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
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
	policy := auth.NewPolicy(slices.Concat(councils.Policy(), surveys.Policy(), focusgroups.Policy(), results.Policy())...)
	deps := platform.Deps{DatabaseURL: db, NATS: nc, JetStream: js, Telemetry: tel, Health: health.New(),
		Guard: auth.NewGuard(auth.NewVerifier(signer.Public()), policy, tel.Logger)}
	s := &system{surveyMail: &mailbox{}, groupMail: &mailbox{}}
	c, err := councils.New(ctx, councils.Config{GRPCAddr: "127.0.0.1:0"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := surveys.New(ctx, surveys.Config{GRPCAddr: "127.0.0.1:0", ScheduleInterval: 20 * time.Millisecond, Mail: s.surveyMail,
		ReportURL: publicURL + "/verslagen/{id}"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	f, err := focusgroups.New(ctx, focusgroups.Config{GRPCAddr: "127.0.0.1:0", PublicURL: publicURL, From: "focusgroepen@meedoen.example",
		Mail: s.groupMail}, deps)
	if err != nil {
		t.Fatal(err)
	}
	r, err := results.New(ctx, results.Config{GRPCAddr: "127.0.0.1:0", PublicURL: publicURL}, deps)
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*platform.Service{c, sv, f, r} {
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
		switch svc {
		case c:
			s.councils = councilsv1.NewCouncilsServiceClient(conn)
		case sv:
			s.polls = surveysv1.NewSurveysServiceClient(conn)
		case f:
			s.groups = focusgroups.NewClients(conn).Staff
		case r:
			s.advice, s.results = pb.NewAdviceServiceClient(conn), pb.NewResultsServiceClient(conn)
		}
	}
	s.resultsDB = testkit.NewPool(t, db, results.Name)
	s.apiConfig = api.Config{Cells: evidence.MinCells{Default: 5}, PublicURL: publicURL, Now: func() time.Time { return s.now }}
	s.clocked = api.New(store.New(s.resultsDB), s.apiConfig)
	return s
}

// ok returns v, failing the test for err.
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%v %v", err, status.Convert(err).Details())
		}
		return v
	}
}

// eventually retries fn until it succeeds: for what another service has
// to learn from an event first.
func eventually(t *testing.T, fn func() error) {
	t.Helper()
	testkit.CheckFor(t, 20*time.Second, 20*time.Millisecond, fn)
}

// sharedProcess puts a question of the three IJmond municipalities on
// the agenda and takes it into a process that runs a flash poll and a
// focus group, in the execute phase.
func (s *system) sharedProcess(t *testing.T) string {
	t.Helper()
	ok(s.councils.CreateRegion(root, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "ijmond", Name: "IJmond"}}))(t)
	for _, m := range [][2]string{{velsen, "Velsen"}, {beverwijk, "Beverwijk"}, {heemskerk, "Heemskerk"}} {
		ok(s.councils.CreateMunicipality(root, &councilsv1.CreateMunicipalityRequest{Municipality: &councilsv1.Municipality{
			Code: m[0], Name: m[1], RegionId: "ijmond"}}))(t)
	}
	coordinator := as("ijmond", auth.RegionalCoordinator)
	q := ok(s.councils.RaiseQuestion(root, &councilsv1.RaiseQuestionRequest{Question: &councilsv1.Question{
		Title: "Eenzaamheid onder ouderen", Description: "De drie gemeenten willen weten wat ouderen helpt om minder eenzaam te zijn.",
		Theme: "ouderen", Origin: councilsv1.Origin_ORIGIN_SOLICITED, AdviceNeededBy: "2099-06-30",
		Scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{velsen, beverwijk, heemskerk}}}}))(t)
	ok(s.councils.DecideQuestion(root, &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true}))(t)
	p := ok(s.councils.StartProcess(coordinator, &councilsv1.StartProcessRequest{QuestionId: q.GetId()}))(t)
	ok(s.councils.UpdateProcess(coordinator, &councilsv1.UpdateProcessRequest{Id: p.GetId(), Process: &councilsv1.Process{
		PreciseQuestion: "Wat helpt ouderen om contact te houden?", Approach: "Een flitspeiling en een focusgroep", TargetGroup: "Ouderen",
		Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FLASH_POLL, councilsv1.FormKind_FORM_KIND_FOCUS_GROUP}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"precise_question", "approach", "target_group", "forms"}}}))(t)
	s.moveProcess(t, p.GetId(), councilsv1.Phase_PHASE_CONCRETISE, councilsv1.Phase_PHASE_CHOOSE_FORMS, councilsv1.Phase_PHASE_EXECUTE)
	return p.GetId()
}

// moveProcess moves the process through phases, each once its gate is met
// (it may wait for another service's event).
func (s *system) moveProcess(t *testing.T, id string, phases ...councilsv1.Phase) {
	t.Helper()
	for _, phase := range phases {
		eventually(t, func() error {
			_, err := s.councils.TransitionProcess(as("ijmond", auth.RegionalCoordinator), &councilsv1.TransitionProcessRequest{Id: id, ToPhase: phase})
			return err
		})
	}
}

// waitPhase waits until the councils service has the process in phase.
func (s *system) waitPhase(t *testing.T, id string, phase councilsv1.Phase) {
	t.Helper()
	eventually(t, func() error {
		p, err := s.councils.GetProcess(root, &councilsv1.GetProcessRequest{Id: id})
		if err == nil && p.GetPhase() != phase {
			err = fmt.Errorf("the process is in %s, want %s", p.GetPhase(), phase)
		}
		return err
	})
}

// runPoll opens a flash poll of the process, lets three residents answer
// (two of them asking to hear what came of it) and closes it.
func (s *system) runPoll(t *testing.T, processID string) {
	t.Helper()
	poll := ok(s.polls.CreatePoll(root, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
		ProcessId: processID, Tenant: "ijmond", Participants: []string{velsen, beverwijk, heemskerk},
		Kind:  surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title: &surveysv1.Text{Nl: "Contact in de buurt"},
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{{Id: "q1",
			Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Text: &surveysv1.Text{Nl: "Hoe vaak spreekt u iemand?"}, Required: true}}}},
		Slug:           "contact-ijmond",
		Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK},
		OpensAt:        timestamppb.New(time.Now().Add(time.Hour)),
		ClosesAt:       timestamppb.New(time.Now().Add(48 * time.Hour)),
		ResultsSharing: &surveysv1.Text{Nl: "In het verslag van de raden."},
	}}))(t)
	// Polls open only in execute: the surveys service hears of the
	// process's phase by its event, a moment after the move.
	eventually(t, func() error {
		_, err := s.polls.SchedulePoll(root, &surveysv1.SchedulePollRequest{Id: poll.GetId()})
		return err
	})
	ok(s.polls.OpenPoll(root, &surveysv1.OpenPollRequest{Id: poll.GetId()}))(t)
	for i, address := range []string{"truus@example.nl", "", "ahmed@example.nl"} {
		ok(s.polls.SubmitResponse(context.Background(), &surveysv1.SubmitResponseRequest{
			Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
				Slug: "contact-ijmond", RespondentId: strings.Repeat(string(rune('A'+i)), 43)}},
			Answers:       map[string]*surveysv1.Answer{"q1": {Value: "7"}},
			FeedbackEmail: address,
		}))(t)
	}
	ok(s.polls.ClosePoll(root, &surveysv1.ClosePollRequest{Id: poll.GetId()}))(t)
}

// runFocusGroup forms a focus group of the process with three residents,
// holds its session as soon as it has started, and agrees a finding.
func (s *system) runFocusGroup(t *testing.T, processID string) {
	t.Helper()
	var g *focusgroupsv1.FocusGroup
	eventually(t, func() error {
		var err error
		g, err = s.groups.CreateFocusGroup(root, &focusgroupsv1.CreateFocusGroupRequest{FocusGroup: &focusgroupsv1.FocusGroup{
			ProcessId: processID, Name: "Ouderen in de IJmond", Purpose: "Wat helpt ouderen om contact te houden?",
			Seats: []*focusgroupsv1.SeatGroup{{Roles: []string{"client"}, Seats: 6}}}})
		return err // until the process's events have reached the service
	})
	consent := &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_IN_PERSON, Time: timestamppb.Now()}
	var members []*focusgroupsv1.MemberAttendance
	for _, m := range []struct{ name, email, language string }{
		{"Gerda Kramer", "gerda@example.nl", "nl"},
		{"Bob Peters", "bob@example.nl", "en"},
		{"Wim Jonker", "wim@example.nl", "nl"},
	} {
		added := ok(s.groups.AddFocusGroupMember(root, &focusgroupsv1.AddFocusGroupMemberRequest{FocusGroupId: g.GetId(), Member: &focusgroupsv1.GroupMember{
			Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "client", Name: m.name, Email: m.email, Language: m.language, Consent: consent}}))(t)
		members = append(members, &focusgroupsv1.MemberAttendance{MemberId: added.GetId(), Present: true})
	}
	// A session may only be planned in the future, and held once it has
	// started: it starts in a moment.
	begins := time.Now().Add(300 * time.Millisecond)
	session := ok(s.groups.ScheduleSession(root, &focusgroupsv1.ScheduleSessionRequest{FocusGroupId: g.GetId(), Session: &focusgroupsv1.Session{
		StartTime: timestamppb.New(begins), EndTime: timestamppb.New(begins.Add(2 * time.Hour)),
		Place: &focusgroupsv1.Place{Address: "Dorpshuis De Bolder, Heemskerk"}}}))(t)
	ok(s.groups.RecordAttendance(root, &focusgroupsv1.RecordAttendanceRequest{FocusGroupId: g.GetId(), SessionId: session.GetId(),
		Attendance: &focusgroupsv1.Attendance{Members: members}}))(t)
	eventually(t, func() error {
		_, err := s.groups.CompleteSession(root, &focusgroupsv1.CompleteSessionRequest{FocusGroupId: g.GetId(), Id: session.GetId()})
		return err
	})
	finding := ok(s.groups.CreateFinding(root, &focusgroupsv1.CreateFindingRequest{FocusGroupId: g.GetId(), Finding: &focusgroupsv1.Finding{
		SessionId: session.GetId(), Statement: "Ouderen zoeken contact waar ze al komen: de bibliotheek, de kerk, de supermarkt.",
		Breadth: focusgroupsv1.FindingBreadth_FINDING_BREADTH_MOST}}))(t)
	ok(s.groups.AgreeFinding(root, &focusgroupsv1.AgreeFindingRequest{FocusGroupId: g.GetId(), Id: finding.GetId()}))(t)
}

var recommendations = []string{
	"Zet een ontmoetingsplek in elke bibliotheek van de IJmond.",
	"Laat de huisarts eenzaamheid bespreken bij het jaarlijkse gesprek met ouderen.",
	"Geef vrijwilligers die ouderen thuis bezoeken een vaste contactpersoon bij de gemeente.",
}

// answers are verdicts on the recommendations in order, with a motivation
// for every one that is not adopted.
func answers(verdicts ...pb.Verdict) []*pb.RecommendationAnswer {
	var out []*pb.RecommendationAnswer
	for i, v := range verdicts {
		a := &pb.RecommendationAnswer{Recommendation: int32(i + 1), Verdict: v}
		if v != pb.Verdict_VERDICT_ADOPTED {
			a.Motivation = "Past dit jaar niet binnen de begroting; we kijken in 2028 opnieuw."
		}
		out = append(out, a)
	}
	return out
}

// queued counts the results service's queued mail of kind to address.
func (s *system) queued(t *testing.T, kind, address string) int {
	t.Helper()
	var n int
	if err := s.resultsDB.QueryRow(context.Background(), `SELECT count(*) FROM outgoing_mail WHERE kind = $1 AND to_address = $2`,
		kind, address).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The flow for a process the IJmond shares: residents answer a
// flash poll (two ask to hear back) and a focus group meets and agrees a
// finding; the council drafts an advice, corrects it, adopts it and sends
// it to the three municipalities, and the councils process moves on to
// feedback. Velsen answers on time. Beverwijk does not: its owner is
// reminded a week before the deadline, the response is flagged overdue
// after it and the council's secretary is told, and its answer counts as
// late. Heemskerk answers partly, the council asks for a revision and
// Heemskerk answers again, a second version. The public results show the
// three answers; the report closes the councils process, the opted-in
// respondents and the focus group's members are mailed, and the counts of
// both come back into the results. Time weeks after sending is the
// clocked API's; nothing sleeps.
func TestSharedAdviceEndToEnd(t *testing.T) {
	s := start(t)
	coordinator := as("ijmond", auth.RegionalCoordinator)
	officer := map[string]context.Context{velsen: as(velsen, auth.PolicyOfficer), beverwijk: as(beverwijk, auth.PolicyOfficer),
		heemskerk: as(heemskerk, auth.PolicyOfficer)}

	processID := s.sharedProcess(t)
	s.runPoll(t, processID)
	s.runFocusGroup(t, processID)
	s.moveProcess(t, processID, councilsv1.Phase_PHASE_ANALYSE, councilsv1.Phase_PHASE_ADVISE)

	// Beverwijk's officers and council secretary leave their addresses.
	ok(s.advice.UpdateResponseSettings(officer[beverwijk], &pb.UpdateResponseSettingsRequest{MunicipalityCode: beverwijk,
		Settings:   &pb.ResponseSettings{OfficerEmail: "beleid@beverwijk.example", SecretaryEmail: "secretaris@participatieraad-beverwijk.example"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"officer_email", "secretary_email"}}}))(t)

	// Drafted, corrected, adopted and sent by the region's coordinator.
	content := &pb.AdviceContent{Title: "Advies over eenzaamheid onder ouderen", Question: "Wat helpt ouderen om contact te houden?",
		Conclusions: "Ouderen zoeken contact dichtbij, waar ze al komen."}
	for _, r := range recommendations[:2] {
		content.Recommendations = append(content.Recommendations, &pb.Recommendation{Text: r})
	}
	var a *pb.Advice
	eventually(t, func() error {
		var err error
		a, err = s.advice.CreateAdvice(coordinator, &pb.CreateAdviceRequest{Advice: &pb.Advice{ProcessId: processID, Content: content}})
		return err
	})
	content.Recommendations = append(content.Recommendations, &pb.Recommendation{Text: recommendations[2]})
	ok(s.advice.CreateVersion(coordinator, &pb.CreateVersionRequest{Id: a.GetId(), Version: &pb.Version{BasedOn: 1,
		ChangeNote: "Aanbeveling 3 toegevoegd na de focusgroep.", Content: content}}))(t)
	ok(s.advice.AdoptAdvice(coordinator, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 2}))(t)
	a = ok(s.advice.SendAdvice(coordinator, &pb.SendAdviceRequest{Id: a.GetId(), Version: 2}))(t)
	if got := a.GetAddressees(); !slices.Equal(slices.Sorted(slices.Values(got)), []string{beverwijk, heemskerk, velsen}) {
		t.Fatalf("sent to %v, want the three municipalities", got)
	}
	s.waitPhase(t, processID, councilsv1.Phase_PHASE_FEEDBACK)

	// Velsen acknowledges and answers on time.
	ok(s.advice.AcknowledgeResponse(officer[velsen], &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: velsen}))(t)
	today := time.Now().In(nlgov.Amsterdam()).Format(time.DateOnly)
	r := ok(s.advice.RecordResponse(officer[velsen], &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: velsen, DecidedOn: today,
		Answers: answers(pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_ADOPTED)}))(t)
	if !r.GetAnsweredOnTime() || r.GetOverdue() {
		t.Errorf("Velsen's answer: on time %v, overdue %v; want on time", r.GetAnsweredOnTime(), r.GetOverdue())
	}

	// Heemskerk answers partly, on time.
	ok(s.advice.RecordResponse(officer[heemskerk], &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: heemskerk, DecidedOn: today,
		Answers: answers(pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_PARTLY_ADOPTED, pb.Verdict_VERDICT_TO_BE_INVESTIGATED)}))(t)

	// Beverwijk assigns an owner, then lets the term pass.
	owner := "anna.kok@beverwijk.example"
	ok(s.advice.AssignResponse(officer[beverwijk], &pb.AssignResponseRequest{Id: a.GetId(), MunicipalityCode: beverwijk,
		OwnerName: "Anna Kok", OwnerEmail: owner}))(t)
	bev := ok(s.advice.GetResponse(officer[beverwijk], &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: beverwijk}))(t)
	due := bev.GetDueTime().AsTime()
	if days := due.Sub(bev.GetReceiveTime().AsTime()).Hours() / 24; days < 41 || days > 43 {
		t.Errorf("Beverwijk's term runs %.1f days, want the default six weeks", days)
	}
	reminders := store.New(s.resultsDB)
	remind := func(at time.Time) int {
		t.Helper()
		n, err := reminders.SendReminders(context.Background(), at, api.Reminders(s.apiConfig))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := remind(due.Add(-8*24*time.Hour + time.Hour)); n != 1 || s.queued(t, "response_reminder", owner) != 1 {
		t.Errorf("a week before the deadline: %d reminders, %d to the owner; want 1 to the owner", n, s.queued(t, "response_reminder", owner))
	}
	s.now = due.Add(time.Hour)
	late := ok(s.clocked.Advice.GetResponse(officer[beverwijk], &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: beverwijk}))(t)
	if !late.GetOverdue() {
		t.Error("Beverwijk's response is not flagged overdue after its deadline")
	}
	overdue := ok(s.clocked.Advice.ListResponses(coordinator, &pb.ListResponsesRequest{Overdue: true}))(t)
	if len(overdue.GetResponses()) != 1 || overdue.GetResponses()[0].GetMunicipalityCode() != beverwijk {
		t.Errorf("overdue responses %v, want Beverwijk's alone", overdue.GetResponses())
	}
	secretary := "secretaris@participatieraad-beverwijk.example"
	if n := remind(s.now); n != 1 || s.queued(t, "response_overdue", secretary) != 1 {
		t.Errorf("after the deadline: %d reminders, %d to the secretary; want 1 to the secretary", n, s.queued(t, "response_overdue", secretary))
	}
	if n := remind(s.now.Add(24 * time.Hour)); n != 0 {
		t.Errorf("a day later %d reminders more, want none", n)
	}
	s.now = due.Add(3 * 24 * time.Hour)
	late = ok(s.clocked.Advice.RecordResponse(officer[beverwijk], &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: beverwijk,
		DecidedOn: s.now.In(nlgov.Amsterdam()).Format(time.DateOnly), Answers: answers(pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_NOT_ADOPTED, pb.Verdict_VERDICT_ADOPTED)}))(t)
	if late.GetAnsweredOnTime() {
		t.Error("Beverwijk's answer after its deadline counts as on time")
	}

	// The council asks Heemskerk for a revision; Heemskerk answers again.
	ok(s.advice.RequestRevision(coordinator, &pb.RequestRevisionRequest{Id: a.GetId(), MunicipalityCode: heemskerk,
		Reason: "Aanbeveling 3 wordt onderzocht: wanneer is dat klaar?"}))(t)
	revised := ok(s.advice.RecordResponse(officer[heemskerk], &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: heemskerk, DecidedOn: today,
		Answers: answers(pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_PARTLY_ADOPTED, pb.Verdict_VERDICT_ADOPTED)}))(t)
	if revised.GetVersion() != 2 || revised.GetStatus() != pb.ResponseStatus_RESPONSE_STATUS_ANSWERED {
		t.Errorf("Heemskerk's revised answer: version %d, %s; want version 2, answered", revised.GetVersion(), revised.GetStatus())
	}

	// The public results show all three, as anyone reads them.
	public := ok(s.results.GetProcessResults(context.Background(), &pb.GetProcessResultsRequest{ProcessId: processID}))(t)
	if public.GetAdvice().GetVersion() != 2 || len(public.GetAdvice().GetContent().GetRecommendations()) != 3 {
		t.Errorf("public advice: version %d with %d recommendations, want version 2 with 3", public.GetAdvice().GetVersion(),
			len(public.GetAdvice().GetContent().GetRecommendations()))
	}
	type shown struct {
		version int32
		onTime  bool
		second  pb.Verdict
	}
	got := map[string]shown{}
	for _, r := range public.GetResponses() {
		var second pb.Verdict
		if len(r.GetAnswers()) == 3 {
			second = r.GetAnswers()[1].GetVerdict()
		}
		got[r.GetMunicipalityCode()] = shown{r.GetVersion(), r.GetAnsweredOnTime(), second}
	}
	want := map[string]shown{
		velsen:    {1, true, pb.Verdict_VERDICT_ADOPTED},
		beverwijk: {1, false, pb.Verdict_VERDICT_NOT_ADOPTED},
		heemskerk: {2, true, pb.Verdict_VERDICT_PARTLY_ADOPTED},
	}
	for m, w := range want {
		if got[m] != w {
			t.Errorf("public response of %s: %+v, want %+v", m, got[m], w)
		}
	}
	if ev := public.GetAdvice().GetEvidence(); ev.GetSessions() != 1 {
		t.Errorf("the sent advice's evidence counts %d focus-group sessions, want 1", ev.GetSessions())
	}

	// The report closes the process and tells everyone who took part.
	report := ok(s.results.CreateReport(coordinator, &pb.CreateReportRequest{Report: &pb.Report{ProcessId: processID,
		Summary: "De drie gemeenten nemen de meeste aanbevelingen over; Beverwijk niet de tweede."}}))(t)
	s.waitPhase(t, processID, councilsv1.Phase_PHASE_CLOSED)
	eventually(t, func() error {
		res, err := s.results.GetProcessResults(context.Background(), &pb.GetProcessResultsRequest{ProcessId: processID})
		if err != nil {
			return err
		}
		f := res.GetReport().GetFeedback()
		if f.GetDelivered() != 5 || len(f.GetReportedBy()) != 2 {
			return fmt.Errorf("the report's feedback: %d delivered, reported by %v; want 5 by both mailing services", f.GetDelivered(), f.GetReportedBy())
		}
		return nil
	})
	if got := s.surveyMail.containing(publicURL + "/verslagen/" + report.GetId()); !slices.Equal(got, []string{"ahmed@example.nl", "truus@example.nl"}) {
		t.Errorf("the report mail went to respondents %v, want the two who asked", got)
	}
	if got := s.groupMail.containing(publicURL + "/resultaten/" + processID); !slices.Equal(got, []string{"bob@example.nl", "gerda@example.nl", "wim@example.nl"}) {
		t.Errorf("the report mail went to members %v, want the focus group's three", got)
	}

	// A closed process takes no more answers.
	_, err := s.advice.RecordResponse(officer[velsen], &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: velsen, DecidedOn: today,
		Answers: answers(pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_ADOPTED, pb.Verdict_VERDICT_ADOPTED)})
	if err == nil {
		t.Error("a response was recorded after the report closed the process")
	}
}
