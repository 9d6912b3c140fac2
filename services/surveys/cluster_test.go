package surveys_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/broker"
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

// replica is one running instance of the service, as one process of
// -target=surveys runs it: its own NATS connection, gRPC server, relay,
// consumers and scheduler.
type replica struct {
	client surveysv1.SurveysServiceClient
	js     jetstream.JetStream
}

// startReplica runs an instance of the service on the database at dbURL
// and the NATS servers at natsURL (a comma-separated list to fail over
// along), with streams of the given replicas, until the test ends.
func startReplica(t *testing.T, dbURL, natsURL string, streamReplicas int, signer *auth.Signer, cfg surveys.Config) replica {
	t.Helper()
	ctx := context.Background()
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "surveys-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	nc, js, err := broker.Connect(natsURL, "surveys-test", tel.Logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	cfg.GRPCAddr = "127.0.0.1:0"
	if cfg.ScheduleInterval == 0 {
		cfg.ScheduleInterval = 20 * time.Millisecond
	}
	svc, err := surveys.New(ctx, cfg, platform.Deps{
		DatabaseURL: dbURL,
		NATS:        nc,
		JetStream:   js,
		Telemetry:   tel,
		Health:      health.New(),
		Streams:     events.StreamConfig{Replicas: streamReplicas},
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
		case <-time.After(20 * time.Second):
			t.Error("the service did not stop with its context")
		}
	})
	conn, err := rpc.Dial(svc.Addr(), nil, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return replica{client: surveysv1.NewSurveysServiceClient(conn), js: js}
}

func newSigner(t *testing.T) *auth.Signer {
	t.Helper()
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// openScalePoll creates an open-link flash poll of process with one scale
// question q1 (points 0 to 10) under slug, opening in opensIn, schedules it
// and returns its id.
func openScalePoll(t *testing.T, client surveysv1.SurveysServiceClient, processID, slug string, opensIn time.Duration) string {
	t.Helper()
	member := as("GM0453", auth.CouncilMember)
	now := time.Now()
	created, err := client.CreatePoll(member, &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{
		ProcessId: processID,
		Tenant:    "GM0453",
		Kind:      surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:     &surveysv1.Text{Nl: "Welk cijfer geef je de buurt?"},
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{{Id: "q1",
			Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Text: &surveysv1.Text{Nl: "Welk cijfer?"}, Required: true}}}},
		Slug:           slug,
		Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK},
		OpensAt:        timestamppb.New(now.Add(opensIn)),
		ClosesAt:       timestamppb.New(now.Add(2 * time.Hour)),
		ResultsSharing: &surveysv1.Text{Nl: "In juni."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	schedule(t, member, client, created.GetId())
	return created.GetId()
}

func waitOpen(t *testing.T, client surveysv1.SurveysServiceClient, id string) {
	t.Helper()
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		p, err := client.GetPoll(as("GM0453", auth.CouncilMember), &surveysv1.GetPollRequest{Id: id})
		if err == nil && p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
			return fmt.Errorf("poll is %s", p.GetStatus())
		}
		return err
	})
}

// ingest is what residents were told: accepted answers per scale point.
type ingest struct {
	mu       sync.Mutex
	accepted map[string]int64
	total    atomic.Int64
	errs     atomic.Int64
	lastErr  atomic.Value
}

// answer submits one resident's answer to the open-link poll slug through
// client, retrying with the same idempotency key until it gets an answer
// (a retry after an unclear failure is replayed, never stored twice), and
// records it when accepted.
func (in *ingest) answer(ctx context.Context, client surveysv1.SurveysServiceClient, slug, point string, feedbackEmail string) bool {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	respondent := base64.RawURLEncoding.EncodeToString(b)
	key := "k-" + respondent[:20]
	for attempt := 0; attempt < 20 && ctx.Err() == nil; attempt++ {
		_, err := client.SubmitResponse(ctx, &surveysv1.SubmitResponseRequest{
			Respondent:     &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{Slug: slug, RespondentId: respondent}},
			Answers:        map[string]*surveysv1.Answer{"q1": {Value: point}},
			IdempotencyKey: key,
			FeedbackEmail:  feedbackEmail,
		})
		if err == nil {
			in.mu.Lock()
			if in.accepted == nil {
				in.accepted = map[string]int64{}
			}
			in.accepted[point]++
			in.mu.Unlock()
			in.total.Add(1)
			return true
		}
		in.errs.Add(1)
		in.lastErr.Store(err.Error())
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func (in *ingest) counts() map[string]int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string]int64{}
	for k, v := range in.accepted {
		out[k] = v
	}
	return out
}

// tallied reads the council's tally of poll id: responses, and per scale
// point the count.
func tallied(client surveysv1.SurveysServiceClient, id string) (int64, map[string]int64, error) {
	tl, err := client.GetTally(as("GM0453", auth.PolicyOfficer), &surveysv1.GetTallyRequest{PollId: id})
	if err != nil {
		return 0, nil, err
	}
	points := map[string]int64{}
	for _, q := range tl.GetQuestions() {
		for _, l := range q.GetLines() {
			for _, c := range l.GetCells() {
				if v := c.GetCount().GetValue(); v > 0 {
					points[c.GetKey()] += v
				}
			}
		}
	}
	return tl.GetResponses().GetValue(), points, nil
}

// waitExactTally waits until the tally counts exactly what was accepted,
// then until the tally consumer has nothing left to read, and checks
// again: nothing may arrive twice late.
func waitExactTally(t *testing.T, client surveysv1.SurveysServiceClient, js jetstream.JetStream, id string, want map[string]int64) {
	t.Helper()
	var total int64
	for _, n := range want {
		total += n
	}
	check := func() error {
		n, points, err := tallied(client, id)
		if err != nil {
			return err
		}
		if n != total {
			return fmt.Errorf("tally counts %d responses, %d were accepted", n, total)
		}
		for p := 0; p <= 10; p++ {
			k := strconv.Itoa(p)
			if points[k] != want[k] {
				return fmt.Errorf("point %s: tally counts %d, %d were accepted (tally %v, accepted %v)", k, points[k], want[k], points, want)
			}
		}
		return nil
	}
	testkit.CheckFor(t, 45*time.Second, 50*time.Millisecond, check)
	// The stream holds nothing the tally has not seen: its last sequence
	// is what the consumer's position reached, as far as response events
	// go; then the tally is read once more.
	ctx := context.Background()
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		s, err := js.Stream(ctx, events.StreamName("surveys"))
		if err != nil {
			return err
		}
		info, err := s.Info(ctx)
		if err != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond)
		again, err := s.Info(ctx)
		if err != nil {
			return err
		}
		if again.State.LastSeq != info.State.LastSeq {
			return fmt.Errorf("stream still growing: %d → %d", info.State.LastSeq, again.State.LastSeq)
		}
		return nil
	})
	time.Sleep(300 * time.Millisecond)
	if err := check(); err != nil {
		t.Fatalf("once the stream was quiet: %v", err)
	}
}

// On a three-node JetStream cluster with R3 streams, the node that leads
// the surveys stream stops in the middle of a stream of answers and
// starts again on its store: every answer the service accepted is in the
// tally exactly once, per scale point.
func TestClusterNodeLossLosesAndDoublesNoAnswer(t *testing.T) {
	start := time.Now()
	cluster := testkit.NewJetStreamCluster(t, 3)
	signer := newSigner(t)
	dbURL := testkit.NewDatabase(t)
	r := startReplica(t, dbURL, cluster.URL(), 3, signer, surveys.Config{})

	s, err := r.js.Stream(context.Background(), events.StreamName("surveys"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CachedInfo().Config.Replicas; got != 3 {
		t.Fatalf("the surveys stream has %d replicas, want 3", got)
	}
	const processID = "01957a3c-2b1e-7c00-8000-0000000000c1"
	startProcess(t, r.js, processID, "GM0453")
	id := openScalePoll(t, r.client, processID, "cluster", 300*time.Millisecond)
	waitOpen(t, r.client, id)

	// Residents answer until a while after the node is back.
	const residents = 8
	var in ingest
	var next atomic.Int64
	var enough atomic.Bool
	ctx := context.Background()
	var wg sync.WaitGroup
	for range residents {
		wg.Go(func() {
			for !enough.Load() {
				in.answer(ctx, r.client, "cluster", strconv.Itoa(int(next.Add(1)%11)), "")
			}
		})
	}
	atLeast := func(n int64) {
		testkit.CheckFor(t, 30*time.Second, 5*time.Millisecond, func() error {
			if got := in.total.Load(); got < n {
				return fmt.Errorf("%d answers accepted so far, waiting for %d", got, n)
			}
			return nil
		})
	}
	atLeast(1000)
	leader := cluster.StreamLeader(events.StreamName("surveys"))
	if leader < 0 {
		t.Fatal("the surveys stream has no leader")
	}
	cluster.Stop(leader)
	stoppedAt := in.total.Load()
	time.Sleep(2 * time.Second)
	cluster.Start(leader)
	restartedAt := in.total.Load()
	atLeast(restartedAt + 1000)
	enough.Store(true)
	wg.Wait()
	if n := in.errs.Load(); n > 0 {
		t.Logf("%d submits failed and were retried with their key; the last: %v", n, in.lastErr.Load())
	}
	if restartedAt == stoppedAt {
		t.Fatalf("no answer accepted while the node was down (%d before)", stoppedAt)
	}
	waitExactTally(t, r.client, r.js, id, in.counts())
	// What the outage cost: the longest an answer's event waited in the
	// outbox for JetStream's acknowledgement.
	var worst float64
	pool := testkit.NewPool(t, dbURL, "surveys")
	if err := pool.QueryRow(context.Background(), `SELECT coalesce(extract(epoch FROM max(published_at - created_at)), 0)::float8 FROM outbox`).Scan(&worst); err != nil {
		t.Fatal(err)
	}
	t.Logf("longest wait of an event for its acknowledgement: %.2f s", worst)
	t.Logf("%d answers, node %d stopped after %d and started after %d accepted; exact tally after %s", in.total.Load(), leader+1, stoppedAt, restartedAt, time.Since(start).Round(time.Millisecond))
}

// Two replicas of the service share its consumers: a process's phase
// changes, published back to back, leave the projection in the last
// phase, whichever replica reads which.
func TestTwoReplicasKeepTheLastPhaseOfAProcess(t *testing.T) {
	srv, _, js := testkit.NewJetStream(t)
	signer := newSigner(t)
	dbURL := testkit.NewDatabase(t)
	for range 2 {
		startReplica(t, dbURL, srv.ClientURL(), 1, signer, surveys.Config{})
	}
	ctx := context.Background()
	const processID = "01957a3c-2b1e-7c00-8000-0000000000c2"
	publish := func(msg proto.Message) {
		t.Helper()
		ev, err := events.New(ctx, "GM0453", processID, msg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, ev.Msg()); err != nil {
			t.Fatal(err)
		}
	}
	publish(&eventsv1.ProcessCreated{ProcessId: processID, Theme: "eenzaamheid", Origin: "solicited"})
	phases := []string{"concretise", "choose_forms", "execute"}
	const rounds = 30
	for i := range rounds * len(phases) {
		from := phases[(i+len(phases)-1)%len(phases)]
		publish(&eventsv1.ProcessPhaseChanged{ProcessId: processID, FromPhase: from, ToPhase: phases[i%len(phases)]})
	}
	pool := testkit.NewPool(t, dbURL, "surveys")
	s, err := js.Stream(ctx, events.StreamName("councils"))
	if err != nil {
		t.Fatal(err)
	}
	last := s.CachedInfo().State.LastSeq
	// Every event applied: by position (ordered) or by the inbox.
	testkit.CheckFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		applied := count(t, pool, `SELECT coalesce(max(stream_seq), 0) FROM consumer_positions WHERE consumer = 'surveys-processes'`)
		if inboxed := count(t, pool, `SELECT count(*) FROM inbox WHERE consumer = 'surveys-processes'`); inboxed == int(last) {
			applied = int(last)
		}
		if applied < int(last) {
			return fmt.Errorf("%d of %d process events applied", applied, last)
		}
		return nil
	})
	var phase string
	if err := pool.QueryRow(ctx, `SELECT phase FROM processes WHERE id = $1`, processID).Scan(&phase); err != nil {
		t.Fatal(err)
	}
	if phase != "execute" {
		t.Errorf("after %d phase changes ending in execute, the projection says %s", rounds*len(phases), phase)
	}
}
