package events_test

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.uber.org/goleak"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

//go:embed testdata/migrations/*.sql
var testMigrationFiles embed.FS

func testMigrations() pg.MigrationSet {
	sub, err := fs.Sub(testMigrationFiles, "testdata/migrations")
	if err != nil {
		panic(err)
	}
	return pg.MigrationSet{Name: "test", FS: sub}
}

// env is one producer schema ("councils", whose events the payloads in
// events/v1/councils.proto are) and one consumer schema in one database, and
// a JetStream server.
type env struct {
	producer *pgxpool.Pool
	consumer *pgxpool.Pool
	js       jetstream.JetStream
	nc       *nats.Conn
	log      *slog.Logger
}

func newEnv(t testing.TB) *env {
	t.Helper()
	url := testkit.NewDatabase(t,
		testkit.Schema{Name: "councils", Sets: []pg.MigrationSet{events.Migrations(), testMigrations()}},
		testkit.Schema{Name: "projection", Sets: []pg.MigrationSet{events.Migrations(), testMigrations()}},
	)
	_, nc, js := testkit.NewJetStream(t)
	if err := events.ProvisionStreams(context.Background(), js, "councils", events.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	return &env{
		producer: testkit.NewPool(t, url, "councils"),
		consumer: testkit.NewPool(t, url, "projection"),
		js:       js,
		nc:       nc,
		log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func (e *env) relay(t testing.TB, cfg events.RelayConfig) *events.Relay {
	t.Helper()
	cfg.Service, cfg.Schema = "councils", "councils"
	r, err := events.NewRelay(cfg, e.producer, e.js, e.log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// recordApplied is a handler that appends each event's payload to applied.
func recordApplied(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	var p eventsv1.MunicipalityCreated
	if err := ev.Decode(&p); err != nil {
		return err
	}
	traceID := ""
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		traceID = sc.TraceID().String()
	}
	_, err := tx.Exec(ctx, `INSERT INTO applied (event_id, payload, trace_id) VALUES ($1, $2, $3)`, ev.ID, p.GetName(), traceID)
	return err
}

func (e *env) newConsumer(t *testing.T, cfg events.ConsumerConfig) *events.Consumer {
	t.Helper()
	if cfg.Service == "" {
		cfg.Service = "projection"
	}
	if cfg.Name == "" {
		cfg.Name = "applied"
	}
	cfg.Stream = events.StreamName("councils")
	if cfg.Handle == nil && cfg.HandleBatch == nil {
		cfg.Handle = recordApplied
	}
	c, err := events.NewConsumer(cfg, e.consumer, e.js, e.log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func event(t testing.TB, ctx context.Context, name string) events.Event {
	t.Helper()
	ev, err := events.New(ctx, "GM0453", "GM0453", &eventsv1.MunicipalityCreated{Code: "GM0453", Name: name, RegionId: "ijmond"})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func commit(t testing.TB, pool *pgxpool.Pool, evs ...events.Event) {
	t.Helper()
	err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) error { return events.Enqueue(context.Background(), tx, evs...) })
	if err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func waitCount(t *testing.T, pool *pgxpool.Pool, want int, query string, args ...any) {
	t.Helper()
	testkit.CheckFor(t, 30*time.Second, 20*time.Millisecond, func() error {
		if got := count(t, pool, query, args...); got != want {
			return fmt.Errorf("%s = %d, want %d", query, got, want)
		}
		return nil
	})
}

func TestEventOnTheWire(t *testing.T) {
	t.Parallel()
	ev := event(t, context.Background(), "Velsen")
	if ev.Type != "nl.meedoen.councils.municipality-created" {
		t.Errorf("Type = %q", ev.Type)
	}
	if got, want := ev.NATSSubject(), "meedoen.councils.GM0453.municipality.created"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	m := ev.Msg()
	if got := m.Header.Get("Nats-Msg-Id"); got != ev.ID {
		t.Errorf("Nats-Msg-Id = %q, want the event id %q", got, ev.ID)
	}
	// Another publisher may write header names in another case.
	m.Header["Ce-Id"] = m.Header["ce-id"]
	delete(m.Header, "ce-id")
	m.Header["Traceparent"] = []string{"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
	got, err := events.FromMsg(m.Subject, m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != ev.ID || got.Tenant != "GM0453" || got.Name != "municipality.created" || got.Source != "urn:nld:meedoen:systeem:councils" {
		t.Errorf("decoded %+v", got)
	}
	if got.TraceParent == "" {
		t.Error("traceparent in another case was not read")
	}
	if _, err := events.FromMsg("meedoen.councils.GM0453.municipality.created", nats.Header{}, nil); err == nil {
		t.Error("a message without CloudEvents headers decoded without error")
	}
}

// A crash after the commit and before the publish loses nothing: the event
// waits in the outbox and the next relay delivers it, once.
func TestCrashBetweenCommitAndPublish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	commit(t, e.producer, event(t, context.Background(), "Velsen"))
	// The process died here: nothing published yet.
	if n := streamMsgs(t, e.js, "MEEDOEN_COUNCILS"); n != 0 {
		t.Fatalf("stream holds %d messages before any relay ran", n)
	}
	testkit.Start(t, e.newConsumer(t, events.ConsumerConfig{}).Run)
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run) // the restart
	waitCount(t, e.consumer, 1, `SELECT count(*) FROM applied`)
	waitCount(t, e.producer, 0, `SELECT count(*) FROM outbox WHERE published_at IS NULL`)
	time.Sleep(200 * time.Millisecond) // a second delivery would show now
	if n := count(t, e.consumer, `SELECT count(*) FROM applied`); n != 1 {
		t.Errorf("applied %d times, want once", n)
	}
}

// A relay that published but died before marking the row publishes it again;
// JetStream drops the copy, so the stream holds it once.
func TestRelayRetryOfSameRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	commit(t, e.producer, event(t, context.Background(), "Velsen"), event(t, context.Background(), "Beverwijk"))
	r := e.relay(t, events.RelayConfig{})
	if _, err := r.PublishBatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Lose the marks, as if the process died between ack and UPDATE.
	if _, err := e.producer.Exec(context.Background(), `UPDATE outbox SET published_at = NULL`); err != nil {
		t.Fatal(err)
	}
	n, err := r.PublishBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("second round read %d rows, want 2", n)
	}
	if got := streamMsgs(t, e.js, "MEEDOEN_COUNCILS"); got != 2 {
		t.Errorf("stream holds %d messages, want 2", got)
	}
}

// A relay that died between JetStream's acknowledgement and its mark, and
// came back after the stream's duplicate window had passed, finds the events
// in the stream's tail and marks them instead of publishing them again: an
// ordered consumer, which keeps a stream position rather than an inbox,
// would otherwise apply them twice.
func TestRelayRestartAfterTheDuplicateWindowPublishesNothingTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	s, err := e.js.Stream(ctx, "MEEDOEN_COUNCILS")
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.CachedInfo().Config
	cfg.Duplicates = 100 * time.Millisecond
	if _, err := e.js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	commit(t, e.producer, event(t, ctx, "Velsen"), event(t, ctx, "Beverwijk"))
	if _, err := e.relay(t, events.RelayConfig{}).PublishBatch(ctx); err != nil {
		t.Fatal(err)
	}
	// The marks were lost; the process stays down past the window.
	if _, err := e.producer.Exec(ctx, `UPDATE outbox SET published_at = NULL`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	heemskerk := event(t, ctx, "Heemskerk")
	commit(t, e.producer, heemskerk) // written while it was down

	c := e.newConsumer(t, events.ConsumerConfig{Name: "ordered", Ordered: true})
	testkit.Start(t, c.Run)
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	waitCount(t, e.consumer, 3, `SELECT count(*) FROM applied`)
	waitCount(t, e.producer, 0, `SELECT count(*) FROM outbox WHERE published_at IS NULL`)
	time.Sleep(200 * time.Millisecond) // a second copy would be applied by now
	if got := streamMsgs(t, e.js, "MEEDOEN_COUNCILS"); got != 3 {
		t.Errorf("stream holds %d messages, want 3", got)
	}
	if n := count(t, e.consumer, `SELECT count(*) FROM applied`); n != 3 {
		t.Errorf("applied %d events, want 3", n)
	}
	// The position names the last event too, for rebuilding a lost stream.
	var last string
	if err := e.consumer.QueryRow(ctx, `SELECT last_event_id::text FROM consumer_positions WHERE consumer = 'projection-ordered'`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if last != heemskerk.ID {
		t.Errorf("position's last event is %s, want %s", last, heemskerk.ID)
	}
}

// An event redelivered because its ack did not arrive in time changes
// nothing the second time.
func TestRedeliveryAppliesOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var calls atomic.Int32
	slowFirst := func(ctx context.Context, tx pgx.Tx, ev events.Event) error {
		if calls.Add(1) == 1 {
			time.Sleep(1500 * time.Millisecond) // longer than AckWait: JetStream redelivers
		}
		return recordApplied(ctx, tx, ev)
	}
	c := e.newConsumer(t, events.ConsumerConfig{AckWait: time.Second, Handle: slowFirst})
	commit(t, e.producer, event(t, context.Background(), "Velsen"))
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	testkit.Start(t, c.Run)
	waitCount(t, e.consumer, 1, `SELECT count(*) FROM applied`)
	cons, err := e.js.Consumer(context.Background(), "MEEDOEN_COUNCILS", "projection-applied")
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		info, err := cons.Info(context.Background())
		if err != nil {
			return err
		}
		if info.Delivered.Consumer < 2 {
			return fmt.Errorf("delivered %d times, want a redelivery", info.Delivered.Consumer)
		}
		if info.NumAckPending != 0 {
			return fmt.Errorf("%d acks pending", info.NumAckPending)
		}
		return nil
	})
	if n := count(t, e.consumer, `SELECT count(*) FROM applied`); n != 1 {
		t.Errorf("applied %d times, want once", n)
	}
}

// 10,000 events of one aggregate, written by concurrent writers that lock
// the aggregate, reach an ordered consumer in commit order.
// Replicas of an ordered consumer take turns: one reads and applies while
// the others wait, and when it stops another carries on from its position.
func TestOrderedConsumerReplicasTakeTurns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var mu sync.Mutex
	seen := map[string]map[string]bool{} // replica → event ids it handled
	replica := func(name string) *events.Consumer {
		return e.newConsumer(t, events.ConsumerConfig{Name: "ordered", Ordered: true,
			Handle: func(ctx context.Context, tx pgx.Tx, ev events.Event) error {
				mu.Lock()
				if seen[name] == nil {
					seen[name] = map[string]bool{}
				}
				seen[name][ev.ID] = true
				mu.Unlock()
				return recordApplied(ctx, tx, ev)
			}})
	}
	handled := func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]int{}
		for name, ids := range seen {
			out[name] = len(ids)
		}
		return out
	}
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	stopA := testkit.Start(t, replica("a").Run)
	waitCount(t, e.consumer, 0, `SELECT count(*) FROM applied`)
	time.Sleep(300 * time.Millisecond) // a has the lock
	testkit.Start(t, replica("b").Run)
	for i := range 20 {
		commit(t, e.producer, event(t, ctx, fmt.Sprint("eerste ", i)))
	}
	waitCount(t, e.consumer, 20, `SELECT count(*) FROM applied`)
	if got := handled(); got["a"] != 20 || got["b"] != 0 {
		t.Fatalf("replicas handled %v events, want all 20 by the first only", got)
	}
	stopA()
	for i := range 20 {
		commit(t, e.producer, event(t, ctx, fmt.Sprint("tweede ", i)))
	}
	waitCount(t, e.consumer, 40, `SELECT count(*) FROM applied`)
	if got := handled(); got["a"] != 20 || got["b"] != 20 {
		t.Errorf("replicas handled %v events, want 20 each: the second carries on where the first stopped", got)
	}
}

func TestOrderedConsumerSeesCommitOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.producer.Exec(ctx, `INSERT INTO aggregates (id, version) VALUES ('GM0453', 0)`); err != nil {
		t.Fatal(err)
	}
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	testkit.Start(t, e.newConsumer(t, events.ConsumerConfig{Name: "ordered", Ordered: true, BatchSize: 500}).Run)

	const total, writers, perTx = 10000, 4, 10
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range total / writers / perTx {
				err := pg.InTx(ctx, e.producer, func(tx pgx.Tx) error {
					var v int
					if err := tx.QueryRow(ctx, `UPDATE aggregates SET version = version + $1 WHERE id = 'GM0453' RETURNING version`, perTx).Scan(&v); err != nil {
						return err
					}
					evs := make([]events.Event, perTx)
					for i := range evs {
						evs[i] = event(t, ctx, fmt.Sprint(v-perTx+i+1))
					}
					return events.Enqueue(ctx, tx, evs...)
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitCount(t, e.consumer, total, `SELECT count(*) FROM applied`)
	rows, err := e.consumer.Query(ctx, `SELECT payload FROM applied ORDER BY pos`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		if p != fmt.Sprint(i+1) {
			t.Fatalf("event %d applied is version %s, want %d: order broken", i+1, p, i+1)
		}
	}
}

// A message that cannot be decoded goes to the dead-letter subject after the
// maximum deliveries, and the events after it are applied.
func TestPoisonMessageIsDeadLettered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	bad := event(t, ctx, "poison").Msg()
	bad.Data = []byte("{not protojson")
	if _, err := e.js.PublishMsg(ctx, bad); err != nil {
		t.Fatal(err)
	}
	commit(t, e.producer, event(t, ctx, "Heemskerk"))
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	testkit.Start(t, e.newConsumer(t, events.ConsumerConfig{MaxDeliver: 3}).Run)

	waitCount(t, e.consumer, 1, `SELECT count(*) FROM applied WHERE payload = 'Heemskerk'`)
	testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		if n := streamMsgs(t, e.js, events.DeadLetterStream); n != 1 {
			return fmt.Errorf("dead-letter stream holds %d messages, want 1", n)
		}
		return nil
	})
	s, err := e.js.Stream(ctx, events.DeadLetterStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := s.GetLastMsgForSubject(ctx, "meedoen.dlq.projection.applied")
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Meedoen-Dlq-Deliveries"); got != "3" {
		t.Errorf("dead-lettered after %s deliveries, want 3", got)
	}
	if string(msg.Data) != "{not protojson" || msg.Header.Get("Meedoen-Dlq-Reason") == "" {
		t.Errorf("dead letter lost the original body or the reason: %q %v", msg.Data, msg.Header)
	}
	if n := count(t, e.consumer, `SELECT count(*) FROM applied WHERE payload = 'poison'`); n != 0 {
		t.Errorf("poison applied %d times", n)
	}
}

// Stopping under load loses nothing and leaks no goroutine: what was
// committed before the stop arrives after the restart, once.
func TestStopUnderLoadLosesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The JetStream context's async-ack subscription outlives any relay;
	// create it before taking the goroutine baseline.
	f, err := e.js.PublishMsgAsync(nats.NewMsg("warmup.nostream"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Err():
	case <-f.Ok():
	case <-time.After(5 * time.Second):
	}
	c := e.newConsumer(t, events.ConsumerConfig{})
	if err := c.Provision(ctx); err != nil { // the server's own goroutines for it
		t.Fatal(err)
	}
	ignore := goleak.IgnoreCurrent()

	stopRelay := testkit.Start(t, e.relay(t, events.RelayConfig{BatchSize: 100}).Run)
	stopConsumer := testkit.Start(t, c.Run)
	var committed atomic.Int64
	writeCtx, stopWriting := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for writeCtx.Err() == nil {
				evs := []events.Event{event(t, ctx, "x"), event(t, ctx, "y")}
				if err := pg.InTx(ctx, e.producer, func(tx pgx.Tx) error { return events.Enqueue(ctx, tx, evs...) }); err != nil {
					t.Error(err)
					return
				}
				committed.Add(int64(len(evs)))
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	// SIGTERM: relay and consumer stop while writers still commit.
	stopRelay()
	stopConsumer()
	time.Sleep(100 * time.Millisecond)
	stopWriting()
	wg.Wait()
	goleak.VerifyNone(t, ignore)

	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	testkit.Start(t, e.newConsumer(t, events.ConsumerConfig{}).Run)
	want := int(committed.Load())
	if want == 0 {
		t.Fatal("no events were written")
	}
	waitCount(t, e.consumer, want, `SELECT count(*) FROM applied`)
	if n := count(t, e.consumer, `SELECT count(DISTINCT event_id) FROM applied`); n != want {
		t.Errorf("%d distinct events applied, want %d", n, want)
	}
}

// One trace covers a change from its origin to the consumer's effect.
func TestTraceContextTravels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("test").Start(context.Background(), "HTTP POST /api/v1/municipalities")
	commit(t, e.producer, event(t, ctx, "Velsen"))
	span.End()

	r, err := events.NewRelay(events.RelayConfig{Service: "councils"}, e.producer, e.js, e.log, tp, metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	c, err := events.NewConsumer(events.ConsumerConfig{Service: "projection", Name: "traced", Stream: "MEEDOEN_COUNCILS", Handle: recordApplied},
		e.consumer, e.js, e.log, tp, metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	testkit.Start(t, r.Run)
	testkit.Start(t, c.Run)
	waitCount(t, e.consumer, 1, `SELECT count(*) FROM applied WHERE trace_id = $1`, span.SpanContext().TraceID().String())
}

// A batch handler gets bursts in one call, and a redelivery still counts
// once.
func TestBatchHandlerAppliesBurstsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var calls, biggest atomic.Int64
	batch := func(ctx context.Context, tx pgx.Tx, evs []events.Event) error {
		calls.Add(1)
		if n := int64(len(evs)); n > biggest.Load() {
			biggest.Store(n)
		}
		for _, ev := range evs {
			if err := recordApplied(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	}
	const total = 2000
	evs := make([]events.Event, total)
	for i := range evs {
		evs[i] = event(t, ctx, fmt.Sprint(i))
	}
	commit(t, e.producer, evs...)
	// The same events again, outside JetStream's duplicate window in
	// effect: published under new message ids, as a redelivery would look.
	for _, ev := range evs[:100] {
		m := ev.Msg()
		m.Header.Set("Nats-Msg-Id", ev.ID+"-again")
		if _, err := e.js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Start(t, e.relay(t, events.RelayConfig{}).Run)
	testkit.Start(t, e.newConsumer(t, events.ConsumerConfig{Name: "batched", BatchSize: 500, HandleBatch: batch}).Run)
	waitCount(t, e.consumer, total, `SELECT count(*) FROM applied`)
	time.Sleep(300 * time.Millisecond)
	if n := count(t, e.consumer, `SELECT count(*) FROM applied`); n != total {
		t.Errorf("applied %d events, want each of %d once", n, total)
	}
	if biggest.Load() < 2 {
		t.Errorf("the largest batch held %d events; bursts should be applied together", biggest.Load())
	}
	t.Logf("%d events in %d calls, largest batch %d", total, calls.Load(), biggest.Load())
}

// A consumer that becomes ordered removes the durable JetStream consumer
// it read with before, which nobody would acknowledge any more.
func TestAConsumerMadeOrderedDropsItsFormerDurable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if err := e.newConsumer(t, events.ConsumerConfig{Name: "phases"}).Provision(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.Consumer(ctx, events.StreamName("councils"), "projection-phases"); err != nil {
		t.Fatalf("the durable consumer after provisioning: %v", err)
	}
	for range 2 { // again: nothing left to remove is fine
		if err := e.newConsumer(t, events.ConsumerConfig{Name: "phases", Ordered: true}).Provision(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.js.Consumer(ctx, events.StreamName("councils"), "projection-phases"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
		t.Errorf("the former durable consumer once ordered: %v, want not found", err)
	}
}
