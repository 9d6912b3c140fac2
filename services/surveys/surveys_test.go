package surveys_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// policy is the authorisation the service runs under in the binary: its
// own rules.
func policy() auth.Policy { return auth.NewPolicy(surveys.Policy()...) }

func as(tenant string, role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), auth.Identity{Subject: string(role) + "@" + tenant,
		Grants: []auth.Grant{{Tenant: tenant, Role: role}}})
}

// The service as the binary runs it, over gRPC behind its guard: a poll
// scheduled through the API opens by itself, a resident's answer reaches
// the council's live tally through the outbox, JetStream and the tally
// consumer, and everything stops with the context.
func TestTheServiceOpensPollsAndTalliesAnswers(t *testing.T) {
	ctx := context.Background()
	_, nc, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "surveys-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
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
	svc, err := surveys.New(ctx, surveys.Config{GRPCAddr: "127.0.0.1:0", ScheduleInterval: 20 * time.Millisecond}, platform.Deps{
		DatabaseURL: testkit.NewDatabase(t),
		NATS:        nc,
		JetStream:   js,
		Telemetry:   tel,
		Health:      health.New(),
		Guard:       auth.NewGuard(auth.NewVerifier(signer.Public()), policy(), tel.Logger),
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("the service did not stop with its context")
		}
	})

	conn, err := rpc.Dial(svc.Addr(), nil, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	client := surveysv1.NewSurveysServiceClient(conn)
	member := as("GM0453", auth.CouncilMember)
	startProcess(t, js, "01957a3c-2b1e-7c00-8000-000000000001", "GM0453")

	now := time.Now()
	created, err := client.CreatePoll(member, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
		ProcessId: "01957a3c-2b1e-7c00-8000-000000000001",
		Tenant:    "GM0453",
		Kind:      surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:     &surveysv1.Text{Nl: "Eenzaamheid in Velsen"},
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{{Id: "q1",
			Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Text: &surveysv1.Text{Nl: "Welk cijfer?"}, Required: true}}}},
		Slug:           "eenzaamheid",
		Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK},
		OpensAt:        timestamppb.New(now.Add(500 * time.Millisecond)),
		ClosesAt:       timestamppb.New(now.Add(2 * time.Hour)),
		ResultsSharing: &surveysv1.Text{Nl: "In juni."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetId()
	schedule(t, member, client, id)
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		p, err := client.GetPoll(member, &surveysv1.GetPollRequest{Id: id})
		if err == nil && p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
			return status.Errorf(codes.FailedPrecondition, "poll is %s", p.GetStatus())
		}
		return err
	})

	// A resident has no identity.
	submitted, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
		Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
			Slug: "eenzaamheid", RespondentId: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		Answers: map[string]*surveysv1.Answer{"q1": {Value: "8"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		tl, err := client.GetTally(as("GM0453", auth.PolicyOfficer), &surveysv1.GetTallyRequest{PollId: id})
		if err == nil && tl.GetResponses().GetValue() != 1 {
			return status.Errorf(codes.FailedPrecondition, "tally counts %d responses", tl.GetResponses().GetValue())
		}
		return err
	})
	if submitted.GetResponseId() == "" || submitted.GetReplayed() {
		t.Errorf("submitted %v", submitted)
	}

	for _, tc := range []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"anyone reads the public tally", func() error {
			_, err := client.GetPublicTally(ctx, &surveysv1.GetPublicTallyRequest{PollId: id})
			return err
		}, codes.OK},
		{"residents read no staff view", func() error {
			_, err := client.GetPoll(ctx, &surveysv1.GetPollRequest{Id: id})
			return err
		}, codes.Unauthenticated},
		{"policy officers create no polls", func() error {
			_, err := client.CreatePoll(as("GM0453", auth.PolicyOfficer), &surveysv1.CreatePollRequest{Poll: created})
			return err
		}, codes.PermissionDenied},
		{"a Heemskerk member is told the poll does not exist", func() error {
			_, err := client.ClosePoll(as("GM0396", auth.CouncilMember), &surveysv1.ClosePollRequest{Id: id})
			return err
		}, codes.NotFound},
		{"an answer to a closed scale point names the field", func() error {
			_, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
				Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
					Slug: "eenzaamheid", RespondentId: "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}},
				Answers: map[string]*surveysv1.Answer{"q1": {Value: "12"}},
			})
			return err
		}, codes.InvalidArgument},
		{"the same browser cannot answer twice", func() error {
			_, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
				Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
					Slug: "eenzaamheid", RespondentId: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
				Answers: map[string]*surveysv1.Answer{"q1": {Value: "3"}},
			})
			return err
		}, codes.AlreadyExists},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := status.Code(tc.call()); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// startProcess publishes the councils' process.created event for a
// process with id, as the councils service does when a council starts
// one; the service's projection learns of it through its consumer.
func startProcess(t *testing.T, js jetstream.JetStream, id, tenant string, participants ...string) {
	t.Helper()
	ev, err := events.New(t.Context(), tenant, id, &eventsv1.ProcessCreated{ProcessId: id, Theme: "eenzaamheid", Origin: "solicited", ParticipatingMunicipalities: participants})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(t.Context(), ev.Msg()); err != nil {
		t.Fatalf("publishing process.created: %v", err)
	}
	// Polls are scheduled and open while their process is in execute.
	ev, err = events.New(t.Context(), tenant, id, &eventsv1.ProcessPhaseChanged{ProcessId: id, FromPhase: "choose_forms", ToPhase: "execute"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(t.Context(), ev.Msg()); err != nil {
		t.Fatalf("publishing process.phase_changed: %v", err)
	}
}

// schedule schedules the poll with id once the service's projection has
// heard that its process is in execute.
func schedule(t *testing.T, ctx context.Context, client surveysv1.SurveysServiceClient, id string) {
	t.Helper()
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		_, err := client.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id})
		return err
	})
}
