package surveys_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys"
)

// A respondent who leaves an address hears, once, what came of the poll:
// the address is stored apart from the answer, a report.published event
// for the poll's process mails it through the queue (here into the
// development mailbox) and deletes it, and a feedback.delivered event
// reports the count. The same event delivered again mails nobody.
func TestRespondentsHearWhatCameOfTheirAnswers(t *testing.T) {
	ctx := context.Background()
	const processID = "01957a3c-2b1e-7c00-8000-0000000000f1"
	mailbox := startDevMailbox(t)
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
	dbURL := testkit.NewDatabase(t)
	svc, err := surveys.New(ctx, surveys.Config{
		GRPCAddr:         "127.0.0.1:0",
		ScheduleInterval: 20 * time.Millisecond,
		Mail:             smtpTo(t, mailbox),
		ReportURL:        "https://meedoen.test/verslagen/{id}",
	}, platform.Deps{
		DatabaseURL: dbURL,
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
	pool := testkit.NewPool(t, dbURL, "surveys")

	startProcess(t, js, processID, "GM0453")
	openPollForFeedback(t, client, processID, "uitkomst")
	submit := func(respondent, address string) error {
		_, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
			Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{
				Slug: "uitkomst", RespondentId: strings.Repeat(respondent, 43)}},
			Answers:       map[string]*surveysv1.Answer{"q1": {Value: "8"}},
			FeedbackEmail: address,
		})
		return err
	}

	// An invalid address is refused before anything is stored: the same
	// browser may answer afterwards.
	err = submit("A", "inwoner at example.nl")
	if got := violatedFields(err); !cmp.Equal(got, []string{"/feedbackEmail"}) {
		t.Fatalf("submit with an invalid address: %v, violations %v; want /feedbackEmail", err, got)
	}
	if err := submit("A", "inwoner@example.nl"); err != nil {
		t.Fatal(err)
	}
	if err := submit("B", ""); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM feedback_requests`); n != 1 {
		t.Fatalf("%d feedback requests stored, want 1", n)
	}

	delivered := watchFeedbackDelivered(t, js)
	reportID := "01957a3c-2b1e-7c00-8000-0000000000r1"
	ev, err := events.New(ctx, "GM0453", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: processID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, ev.Msg()); err != nil {
		t.Fatal(err)
	}

	var got []*eventsv1.FeedbackDelivered
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		got = delivered()
		if len(got) == 0 {
			return errors.New("no feedback.delivered event yet")
		}
		return nil
	})
	want := []*eventsv1.FeedbackDelivered{{ProcessId: processID, ReportId: reportID, Delivered: 1}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered events (-want +got):\n%s", diff)
	}
	ms, err := mailbox.Messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].To != "<inwoner@example.nl>" || !strings.Contains(ms[0].Text, "https://meedoen.test/verslagen/"+reportID) {
		t.Fatalf("mailbox holds %d messages, want 1 to inwoner@example.nl linking the report: %+v", len(ms), ms)
	}
	if n := count(t, pool, `SELECT count(*) FROM feedback_requests`); n != 0 {
		t.Errorf("%d feedback requests left after the report, want 0", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM outgoing_mail`); n != 0 {
		t.Errorf("%d mails left in the queue, want 0", n)
	}

	// The same event again, past JetStream's duplicate window (another
	// message id), and a second event about the same report.
	again := ev.Msg()
	again.Header["Nats-Msg-Id"] = []string{"again-" + ev.ID}
	if _, err := js.PublishMsg(ctx, again); err != nil {
		t.Fatal(err)
	}
	other, err := events.New(ctx, "GM0453", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: processID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, other.Msg()); err != nil {
		t.Fatal(err)
	}
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		c, err := js.Consumer(ctx, events.StreamName("results"), "surveys-feedback")
		if err != nil {
			return err
		}
		info, err := c.Info(ctx)
		if err != nil {
			return err
		}
		if info.AckFloor.Stream < 3 {
			return fmt.Errorf("feedback consumer acknowledged up to %d of 3", info.AckFloor.Stream)
		}
		return nil
	})
	if ms, err := mailbox.Messages(); err != nil || len(ms) != 1 {
		t.Errorf("after redelivery the mailbox holds %d messages (%v), want 1", len(ms), err)
	}
	if n := count(t, pool, `SELECT count(*) FROM outgoing_mail`); n != 0 {
		t.Errorf("after redelivery %d mails are queued, want 0", n)
	}
	if got := delivered(); len(got) != 1 {
		t.Errorf("after redelivery %d feedback.delivered events, want 1", len(got))
	}
}

// openPollForFeedback creates an open-link flash poll of process under
// slug and waits until it is open.
func openPollForFeedback(t *testing.T, client surveysv1.SurveysServiceClient, processID, slug string) {
	t.Helper()
	member := as("GM0453", auth.CouncilMember)
	now := time.Now()
	created, err := client.CreatePoll(member, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
		ProcessId: processID,
		Tenant:    "GM0453",
		Kind:      surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:     &surveysv1.Text{Nl: "Groen in de wijk"},
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{{Id: "q1",
			Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Text: &surveysv1.Text{Nl: "Welk cijfer?"}, Required: true}}}},
		Slug:           slug,
		Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK},
		OpensAt:        timestamppb.New(now.Add(300 * time.Millisecond)),
		ClosesAt:       timestamppb.New(now.Add(2 * time.Hour)),
		ResultsSharing: &surveysv1.Text{Nl: "In juni."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	schedule(t, member, client, created.GetId())
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		p, err := client.GetPoll(member, &surveysv1.GetPollRequest{Id: created.GetId()})
		if err == nil && p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
			return fmt.Errorf("poll is %s", p.GetStatus())
		}
		return err
	})
}

// startDevMailbox runs a development mailbox until the test ends.
func startDevMailbox(t *testing.T) *mail.DevMailbox {
	t.Helper()
	mb, err := mail.NewDevMailbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = mb.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return mb
}

// smtpTo is an SMTP sender delivering to mb.
func smtpTo(t *testing.T, mb *mail.DevMailbox) mail.Sender {
	t.Helper()
	host, port, err := net.SplitHostPort(mb.Addr())
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, From: "Meedoen <noreply@meedoen.test>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// watchFeedbackDelivered collects the service's feedback.delivered events;
// the function it returns lists those seen so far.
func watchFeedbackDelivered(t *testing.T, js jetstream.JetStream) func() []*eventsv1.FeedbackDelivered {
	t.Helper()
	ctx := context.Background()
	c, err := js.OrderedConsumer(ctx, events.StreamName("surveys"), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"meedoen.surveys.*.feedback.delivered"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []*eventsv1.FeedbackDelivered
	cc, err := c.Consume(func(m jetstream.Msg) {
		ev, err := events.FromMsg(m.Subject(), m.Headers(), m.Data())
		msg := &eventsv1.FeedbackDelivered{}
		if err == nil {
			err = ev.Decode(msg)
		}
		if err != nil {
			t.Errorf("feedback.delivered: %v", err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cc.Stop)
	return func() []*eventsv1.FeedbackDelivered {
		mu.Lock()
		defer mu.Unlock()
		return append([]*eventsv1.FeedbackDelivered(nil), seen...)
	}
}

// violatedFields lists the fields an InvalidArgument error names.
func violatedFields(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	if status.Code(err) != codes.InvalidArgument {
		return nil
	}
	return out
}

// count runs a query that returns one number.
func count(t *testing.T, pool *pgxpool.Pool, query string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
