package events

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/meedoen/meedoen/internal/backoff"
)

// RelayConfig configures a service's outbox relay.
type RelayConfig struct {
	// Service names the service whose schema the pool works in.
	Service string
	// Schema is the PostgreSQL schema holding the outbox; it names the
	// LISTEN channel "<schema>_outbox".
	Schema string
	// BatchSize bounds how many rows one round publishes.
	BatchSize int
	// PollInterval is the fallback when no notification arrives.
	PollInterval time.Duration
	// AckTimeout bounds the wait for JetStream to acknowledge a batch.
	AckTimeout time.Duration
	// Retention is how long published rows stay so a stream can be rebuilt
	// from PostgreSQL; 0 keeps them seven days.
	Retention time.Duration
	// CleanupInterval is how often rows past retention are deleted.
	CleanupInterval time.Duration
	// MinInterval spaces the relay's reads of the outbox once it has
	// caught up: during a rush each read then takes the events of several
	// commits at once. A backlog is read without pause.
	MinInterval time.Duration
	// Retry spaces the attempts after failed rounds in a row (rounds that
	// marked nothing published), such as while PostgreSQL or NATS is away;
	// its zero value waits 1 s, doubling up to 30 s.
	Retry backoff.Backoff
}

func (c *RelayConfig) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 1000
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 10 * time.Second
	}
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
	if c.CleanupInterval <= 0 {
		c.CleanupInterval = 10 * time.Minute
	}
	if c.Schema == "" {
		c.Schema = c.Service
	}
	if c.MinInterval == 0 {
		c.MinInterval = 20 * time.Millisecond
	}
}

// Relay publishes a service's outbox to JetStream in commit order.
type Relay struct {
	cfg    RelayConfig
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	log    *slog.Logger
	tracer trace.Tracer

	published metric.Int64Counter
	lag       metric.Float64Histogram
	attrs     metric.MeasurementOption

	// marked counts the rows marked published, so Run can tell a round
	// that got something done from one that failed at once.
	marked atomic.Int64
}

// NewRelay returns a relay for the outbox that pool's schema holds. js should
// be created with an async max-pending at least BatchSize.
func NewRelay(cfg RelayConfig, pool *pgxpool.Pool, js jetstream.JetStream, log *slog.Logger, tp trace.TracerProvider, mp metric.MeterProvider) (*Relay, error) {
	cfg.defaults()
	meter := mp.Meter("github.com/meedoen/meedoen/internal/events")
	published, err := meter.Int64Counter("meedoen.outbox.published",
		metric.WithDescription("Outbox events acknowledged by JetStream."), metric.WithUnit("{event}"))
	if err != nil {
		return nil, fmt.Errorf("relay metric: %w", err)
	}
	lag, err := meter.Float64Histogram("meedoen.outbox.lag",
		metric.WithDescription("Time from an event's commit to its JetStream acknowledgement."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
	if err != nil {
		return nil, fmt.Errorf("relay metric: %w", err)
	}
	r := &Relay{
		cfg:       cfg,
		pool:      pool,
		js:        js,
		log:       log.With("component", "outbox-relay", "outbox", cfg.Schema, "stream", StreamName(cfg.Service)),
		tracer:    tp.Tracer("github.com/meedoen/meedoen/internal/events"),
		published: published,
		lag:       lag,
		attrs:     metric.WithAttributes(attribute.String("service", cfg.Service)),
	}
	if err := r.observeBacklog(meter); err != nil {
		return nil, err
	}
	return r, nil
}

// observeBacklog reports, at each scrape, how many events wait unpublished
// and how old the oldest is: the lag that matters when publishing stalls and
// no acknowledgement arrives to be measured. While PostgreSQL cannot be
// asked, the last known values are reported, the oldest event's age still
// growing (nothing can be published or marked meanwhile), so that an alert
// on them keeps firing instead of falling silent with the database.
func (r *Relay) observeBacklog(meter metric.Meter) error {
	pending, err := meter.Int64ObservableGauge("meedoen.outbox.pending",
		metric.WithDescription("Committed events not yet acknowledged by JetStream."), metric.WithUnit("{event}"))
	if err != nil {
		return fmt.Errorf("relay metric: %w", err)
	}
	oldest, err := meter.Float64ObservableGauge("meedoen.outbox.oldest_pending_age",
		metric.WithDescription("Age of the oldest committed event not yet acknowledged by JetStream."), metric.WithUnit("s"))
	if err != nil {
		return fmt.Errorf("relay metric: %w", err)
	}
	var (
		mu       sync.Mutex
		lastN    int64
		lastAge  float64
		lastAt   time.Time
		haveLast bool
	)
	_, err = meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		mu.Lock()
		defer mu.Unlock()
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		var n int64
		var age float64
		err := r.pool.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8
FROM outbox WHERE published_at IS NULL`).Scan(&n, &age)
		switch {
		case err == nil:
			lastN, lastAge, lastAt, haveLast = n, age, time.Now(), true
		case haveLast:
			n, age = lastN, lastAge
			if n > 0 {
				age += time.Since(lastAt).Seconds()
			}
		default:
			return nil // never known yet; the next scrape tries again
		}
		o.ObserveInt64(pending, n, r.attrs)
		o.ObserveFloat64(oldest, age, r.attrs)
		return nil
	}, pending, oldest)
	if err != nil {
		return fmt.Errorf("relay metric: %w", err)
	}
	return nil
}

// lockKey is the advisory lock that makes one relay per service active, so
// replicas don't publish the same rows side by side and break the order.
func (r *Relay) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("meedoen-outbox-relay:" + r.cfg.Schema))
	return int64(h.Sum64())
}

// Run publishes until ctx ends. A replica that does not hold the relay lock
// waits for it; a failing round is retried with backoff.
func (r *Relay) Run(ctx context.Context) error {
	retry := r.cfg.Retry
	for {
		before := r.marked.Load()
		err := r.lead(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if r.marked.Load() != before {
			retry.Reset() // it published: this is a new failure, not the same outage
		}
		attrs := []any{"error", err, "failures_in_a_row", retry.Failures() + 1}
		var pe *publishError
		if errors.As(err, &pe) {
			attrs = append(attrs, "outbox_id", pe.outboxID, "event_id", pe.eventID)
		}
		r.log.WarnContext(ctx, "outbox relay interrupted; retrying", attrs...)
		if !retry.Wait(ctx) {
			return nil
		}
	}
}

// publishError says which outbox row the relay could not publish.
type publishError struct {
	outboxID int64
	eventID  string
	err      error
}

func (e *publishError) Error() string { return fmt.Sprintf("publishing %s: %v", e.eventID, e.err) }
func (e *publishError) Unwrap() error { return e.err }

// listener is the relay's own connection: it holds the relay lock, LISTENs
// for commits and reads the outbox. Notifications that arrive while it
// reads, or several at once, leave one pending wake-up, not one each: under
// a rush every commit notifies, far more often than the relay reads.
type listener struct {
	conn     *pgx.Conn
	notified chan struct{}
}

// lead holds a dedicated connection with the relay lock and LISTENs on it.
func (r *Relay) lead(ctx context.Context) error {
	cfg := r.pool.Config().ConnConfig
	l := &listener{notified: make(chan struct{}, 1)}
	cfg.OnNotification = func(*pgconn.PgConn, *pgconn.Notification) {
		select {
		case l.notified <- struct{}{}:
		default:
		}
	}
	pgc, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connecting the relay: %w", err)
	}
	defer pgc.Close(context.WithoutCancel(ctx))
	l.conn = pgc

	for {
		var locked bool
		if err := pgc.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, r.lockKey()).Scan(&locked); err != nil {
			return fmt.Errorf("taking relay lock: %w", err)
		}
		if locked {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	channel := pgx.Identifier{r.cfg.Schema + "_outbox"}.Sanitize()
	// The connection reads only the outbox's unpublished rows, by index in
	// id order (see read), so the planner settings hold for the session.
	if _, err := pgc.Exec(ctx, "LISTEN "+channel+"; "+relayPlannerSettings); err != nil {
		return fmt.Errorf("listening on %s: %w", channel, err)
	}
	r.log.InfoContext(ctx, "outbox relay active")
	if err := r.reconcile(ctx); err != nil {
		return err
	}
	return r.pump(ctx, l)
}

// reconcile marks published the unmarked rows whose events the stream
// already holds, before anything is published again. A relay that died
// between JetStream's acknowledgement and its mark (or whose unsynchronised
// mark a crash of PostgreSQL lost) left them. Published again they would be
// dropped only within the stream's duplicate window; after a longer outage
// they would land a second time, at new stream positions, and a consumer
// that keeps a stream position instead of an inbox would apply them twice.
//
// Only the stream's tail is read: the relay publishes in id order and
// stops at its first failure, with at most a few batches in flight, so the
// events it may have published without marking are among the last
// 4×BatchSize messages, which are read as headers only.
func (r *Relay) reconcile(ctx context.Context) error {
	window := 4 * r.cfg.BatchSize
	var unmarked map[string]int64
	rows, err := r.pool.Query(ctx, `SELECT id, event_id::text FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`, window)
	if err == nil {
		unmarked = map[string]int64{}
		var id int64
		var eventID string
		_, err = pgx.ForEachRow(rows, []any{&id, &eventID}, func() error {
			unmarked[eventID] = id
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("reconciling outbox with stream: %w", err)
	}
	if len(unmarked) == 0 {
		return nil
	}
	inStream, err := r.streamTail(ctx, uint64(window), unmarked)
	if err != nil {
		return fmt.Errorf("reconciling outbox with stream: %w", err)
	}
	if len(inStream) == 0 {
		return nil
	}
	if _, err := r.pool.Exec(ctx, `UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1) AND published_at IS NULL`, inStream); err != nil {
		return fmt.Errorf("marking events the stream holds: %w", err)
	}
	r.log.InfoContext(ctx, "outbox rows found already published", "events", len(inStream))
	return nil
}

// streamTail returns the outbox ids of those unmarked events among the
// stream's last n messages.
func (r *Relay) streamTail(ctx context.Context, n uint64, unmarked map[string]int64) ([]int64, error) {
	stream, err := r.js.Stream(ctx, StreamName(r.cfg.Service))
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil // nothing was published yet
	}
	if err != nil {
		return nil, err
	}
	st := stream.CachedInfo().State
	if st.Msgs == 0 || st.LastSeq == 0 {
		return nil, nil
	}
	first := max(st.FirstSeq, st.LastSeq-min(st.LastSeq, n)+1)
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   first,
		HeadersOnly:   true,
	})
	if err != nil {
		return nil, err
	}
	var found []int64
	for {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, err
		}
		got, last := 0, uint64(0)
		for m := range batch.Messages() {
			got++
			if md, err := m.Metadata(); err == nil {
				last = md.Sequence.Stream
			}
			if id, ok := unmarked[header(m.Headers(), hdrMsgID)]; ok {
				found = append(found, id)
			}
		}
		if err := batch.Error(); err != nil {
			return nil, err
		}
		if got == 0 || last >= st.LastSeq {
			return found, nil
		}
	}
}

// wait blocks until a notification, the poll interval, or ctx's end.
func (r *Relay) wait(ctx context.Context, l *listener) error {
	select {
	case <-l.notified: // arrived while the relay was reading
		return nil
	default:
	}
	wctx, cancel := context.WithTimeout(ctx, r.cfg.PollInterval)
	defer cancel()
	err := l.conn.PgConn().WaitForNotification(wctx)
	select {
	case <-l.notified: // the one that ended the wait
	default:
	}
	if err == nil || errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("waiting for outbox notification: %w", err)
}

type outboxRow struct {
	id      int64
	ev      Event
	created time.Time
}

// PublishBatch publishes the next batch of committed, unpublished events in
// id order, waits for JetStream's acknowledgements and marks the
// acknowledged ones. It returns how many rows it read. Run does the same
// with the next batch read and published while the previous one's
// acknowledgements and marks are still under way.
func (r *Relay) PublishBatch(ctx context.Context) (int, error) {
	rows, err := r.read(ctx, nil, nil)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	sent, pubErr := r.publish(ctx, rows)
	acked, err := r.settle(ctx, rows, sent)
	if err = errors.Join(pubErr, err); err != nil {
		return acked, err
	}
	return len(rows), nil
}

// read returns the next unpublished rows in id order, leaving out those
// already in flight.
//
// Id order is commit order for each aggregate: a writer locks the aggregate
// before it inserts events, so the next writer's ids are drawn after the
// previous commit. Rows are chosen by "not yet published", never by a cursor,
// so a row that commits late is published late, not skipped, and never
// after a later event of its own aggregate. Events of different aggregates
// written concurrently may interleave.
func (r *Relay) read(ctx context.Context, l *listener, inflight []int64) ([]outboxRow, error) {
	start := time.Now()
	rows, err := r.readRows(ctx, l, inflight)
	if len(rows) > 0 || err != nil {
		// Only reads that found something get a span: an idle relay reads
		// every PollInterval, and a trace each time would be noise.
		_, span := r.batchSpan(ctx, "outbox read", start, rows)
		endSpan(span, err)
	}
	return rows, err
}

// batchSpan starts a span of the relay's work on a batch of rows, a trace
// of its own linked to the traces of the rows' changes (as many as the
// tracer keeps links).
func (r *Relay) batchSpan(ctx context.Context, name string, start time.Time, rows []outboxRow) (context.Context, trace.Span) {
	links := make([]trace.Link, 0, min(len(rows), maxBatchLinks))
	for _, o := range rows {
		if len(links) == maxBatchLinks {
			break
		}
		if o.ev.TraceParent == "" {
			continue
		}
		if sc := trace.SpanContextFromContext(o.ev.Context(ctx)); sc.IsValid() {
			links = append(links, trace.Link{SpanContext: sc})
		}
	}
	return r.tracer.Start(ctx, name, trace.WithNewRoot(), trace.WithTimestamp(start), trace.WithLinks(links...),
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "postgresql"), attribute.String("db.namespace", r.cfg.Schema),
			attribute.Int("meedoen.outbox.rows", len(rows))))
}

// maxBatchLinks is how many traces a batch span links to at most: the
// SDK's default limit of links per span.
const maxBatchLinks = 128

// readRows is read without its span.
func (r *Relay) readRows(ctx context.Context, l *listener, inflight []int64) ([]outboxRow, error) {
	if inflight == nil {
		inflight = []int64{}
	}
	// A custom plan each time, so PostgreSQL hashes the in-flight ids. It
	// must walk outbox_unpublished in id order: under a rush, before
	// autovacuum has caught up, that index holds an entry for every row
	// published since, and only an index scan learns to skip them
	// (PostgreSQL marks them dead as it passes); a bitmap scan, which
	// statistics from a quieter moment make look cheaper, visits every one
	// of them again on each read, and a sequential scan reads the whole
	// retained outbox.
	var batch []outboxRow
	if l != nil { // the listener's session has the settings: one round trip
		rows, err := l.conn.Query(ctx, outboxReadSQL, pgx.QueryExecModeExec, r.cfg.BatchSize, inflight)
		if err == nil {
			batch, err = pgx.CollectRows(rows, r.scanRow)
		}
		if err != nil {
			return nil, fmt.Errorf("reading outbox: %w", err)
		}
		return batch, nil
	}
	err := pgx.BeginTxFunc(ctx, r.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(relayPlannerSettings, "SET ", "SET LOCAL ")); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, outboxReadSQL, pgx.QueryExecModeExec, r.cfg.BatchSize, inflight)
		if err != nil {
			return err
		}
		batch, err = pgx.CollectRows(rows, r.scanRow)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading outbox: %w", err)
	}
	return batch, nil
}

// outboxReadSQL reads the next unpublished rows, leaving out those in
// flight; see read.
const outboxReadSQL = `SELECT id, event_id::text, subject, ce_subject, ce_time, data, traceparent, tracestate, created_at
FROM outbox
WHERE published_at IS NULL AND id <> ALL($2)
ORDER BY id
LIMIT $1`

// relayPlannerSettings are what the relay's reads run under.
const relayPlannerSettings = `SET enable_bitmapscan = off; SET enable_seqscan = off`

// scanRow reads one outbox row.
func (r *Relay) scanRow(row pgx.CollectableRow) (outboxRow, error) {
	var o outboxRow
	var subject string
	err := row.Scan(&o.id, &o.ev.ID, &subject, &o.ev.Subject, &o.ev.Time, &o.ev.Data, &o.ev.TraceParent, &o.ev.TraceState, &o.created)
	if err != nil {
		return o, err
	}
	if o.ev.Service, o.ev.Tenant, o.ev.Name, err = splitSubject(subject); err != nil {
		return o, err
	}
	o.ev.Type, o.ev.Source = TypeOf(o.ev.Service, o.ev.Name), SourceURN(o.ev.Service)
	return o, nil
}

// sent is a published row awaiting JetStream's acknowledgement, and its
// publish span, which ends with the acknowledgement (nil for a row without
// a trace).
type sent struct {
	future jetstream.PubAckFuture
	span   trace.Span
}

// publish sends rows asynchronously, in order. It returns those sent; on
// an error the rest are not sent.
func (r *Relay) publish(ctx context.Context, rows []outboxRow) ([]sent, error) {
	out := make([]sent, 0, len(rows))
	for _, o := range rows {
		msg := o.ev.Msg()
		var span trace.Span
		if o.ev.TraceParent != "" {
			// The publish span continues the change's trace, and the
			// consumer's span becomes its child. It lasts until JetStream
			// acknowledges the message (settle).
			_, span = r.tracer.Start(o.ev.Context(ctx), "publish "+o.ev.Type, trace.WithSpanKind(trace.SpanKindProducer),
				trace.WithAttributes(attribute.String("messaging.system", "nats"),
					attribute.String("messaging.operation.type", "send"),
					attribute.String("messaging.destination.name", msg.Subject),
					attribute.String("messaging.message.id", o.ev.ID)))
			if span.SpanContext().IsValid() {
				carrier := propagation.MapCarrier{}
				propagation.TraceContext{}.Inject(trace.ContextWithSpan(ctx, span), carrier)
				msg.Header[hdrTraceParent] = []string{carrier.Get("traceparent")}
			}
		}
		// Msg already carries Nats-Msg-Id; no publish options, which would
		// copy and re-canonicalise headers for every message.
		f, err := r.js.PublishMsgAsync(msg)
		if err != nil {
			endSpan(span, err)
			return out, &publishError{outboxID: o.id, eventID: o.ev.ID, err: err}
		}
		out = append(out, sent{future: f, span: span})
	}
	return out, nil
}

// endSpan ends a publish span, if there is one, recording err.
func endSpan(span trace.Span, err error) {
	if span == nil {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// settle waits for the acknowledgements of rows in order and marks the
// acknowledged prefix published. Only a prefix is marked, so a later round
// resumes in order; re-published copies are dropped by JetStream's
// duplicate window. Each publish span ends with its acknowledgement, or
// with the error of its having none.
func (r *Relay) settle(ctx context.Context, rows []outboxRow, pending []sent) (int, error) {
	timeout := time.NewTimer(r.cfg.AckTimeout)
	defer timeout.Stop()
	acked := 0
	var ackErr error
wait:
	for _, p := range pending {
		var err error
		select {
		case <-p.future.Ok():
			endSpan(p.span, nil)
			acked++
			continue
		case err = <-p.future.Err():
		case <-timeout.C:
			err = fmt.Errorf("no acknowledgement within %s", r.cfg.AckTimeout)
		case <-ctx.Done():
			err = ctx.Err()
		}
		ackErr = &publishError{outboxID: rows[acked].id, eventID: rows[acked].ev.ID, err: err}
		break wait
	}
	// Those after the first failure are not marked now: published again
	// later, they are dropped as duplicates if the stream has them.
	for _, p := range pending[min(acked, len(pending)):] {
		endSpan(p.span, fmt.Errorf("not acknowledged: %w", ackErr))
	}
	if acked == 0 {
		return 0, ackErr
	}
	ids := make([]int64, acked)
	for i := range acked {
		ids[i] = rows[i].id
	}
	// Marking must happen even when ctx ends: the messages are in the stream.
	// A mark lost in a crash only means a re-publish that JetStream drops as
	// a duplicate, so marks need not wait for the WAL flush. The update
	// finds its rows by id; a cached plan made while the outbox was nearly
	// empty must not scan the retained outbox whole later.
	// All in one round trip.
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	b.Queue(`SELECT set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true)`)
	b.Queue(`UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1)`, ids)
	b.Queue(`COMMIT`)
	mctx, span := r.batchSpan(context.WithoutCancel(ctx), "outbox mark", time.Now(), rows[:acked])
	err := r.pool.SendBatch(mctx, b).Close()
	endSpan(span, err)
	if err != nil {
		return 0, errors.Join(ackErr, fmt.Errorf("marking %d events published: %w", acked, err))
	}
	now := time.Now()
	r.marked.Add(int64(acked))
	r.published.Add(ctx, int64(acked), r.attrs)
	for i := range acked {
		r.lag.Record(ctx, now.Sub(rows[i].created).Seconds(), r.attrs)
	}
	return acked, ackErr
}

// flight is a published batch whose acknowledgements are awaited.
type flight struct {
	rows []outboxRow
	sent []sent
}

// pump publishes until ctx ends or a batch fails, keeping up to two batches
// in flight: while one batch's acknowledgements and marks are awaited, the
// next is read and published.
func (r *Relay) pump(ctx context.Context, l *listener) error {
	queue := make(chan flight, 1)
	settled := make(chan error, 1)
	var mu sync.Mutex
	var inflight []int64 // ids published but not yet marked
	go func() {
		for f := range queue {
			acked, err := r.settle(ctx, f.rows, f.sent)
			mu.Lock()
			inflight = inflight[min(acked, len(inflight)):]
			mu.Unlock()
			if err != nil {
				settled <- err
				for range queue { // let pump finish its send and close
				}
				return
			}
		}
		settled <- nil
	}()
	stop := func(err error) error {
		close(queue)
		return errors.Join(err, <-settled)
	}

	lastCleanup, lastRead := time.Time{}, time.Time{}
	for {
		select {
		case err := <-settled: // a batch failed: stop, and restart from the table
			close(queue)
			return err
		default:
		}
		lastRead = time.Now()
		mu.Lock()
		exclude := append([]int64(nil), inflight...)
		mu.Unlock()
		rows, err := r.read(ctx, l, exclude)
		if err != nil {
			return stop(err)
		}
		if len(rows) > 0 {
			mu.Lock()
			for _, o := range rows {
				inflight = append(inflight, o.id)
			}
			mu.Unlock()
			sent, pubErr := r.publish(ctx, rows)
			select {
			case queue <- flight{rows: rows[:len(sent)], sent: sent}:
			case err := <-settled:
				close(queue)
				return errors.Join(pubErr, err)
			}
			if pubErr != nil {
				return stop(pubErr)
			}
		}
		if time.Since(lastCleanup) > r.cfg.CleanupInterval {
			if err := r.cleanup(ctx); err != nil && ctx.Err() == nil {
				r.log.WarnContext(ctx, "cleaning up outbox", "error", err)
			}
			lastCleanup = time.Now()
		}
		if len(rows) == r.cfg.BatchSize {
			continue // more is waiting
		}
		if err := r.wait(ctx, l); err != nil {
			return stop(err)
		}
		// Caught up, and woken by a commit: let a few more commit before
		// reading, so that during a rush one read takes several commits'
		// events. A backlog of full batches is read without pause above.
		if pause := r.cfg.MinInterval - time.Since(lastRead); pause > 0 {
			select {
			case <-ctx.Done():
				return stop(nil)
			case <-time.After(pause):
			}
		}
	}
}

func (r *Relay) cleanup(ctx context.Context) error {
	_, err := r.pool.Exec(ctx, `DELETE FROM outbox
WHERE id <= (SELECT max(id) FROM outbox WHERE created_at < now() - make_interval(secs => $1))
  AND published_at IS NOT NULL`, r.cfg.Retention.Seconds())
	if err != nil {
		return fmt.Errorf("deleting published outbox rows: %w", err)
	}
	_, err = r.pool.Exec(ctx, `DELETE FROM inbox WHERE applied_at < now() - make_interval(secs => $1)`, r.cfg.Retention.Seconds())
	if err != nil {
		return fmt.Errorf("deleting old inbox rows: %w", err)
	}
	return nil
}

func splitSubject(subject string) (service, tenant, name string, err error) {
	var parts [4]string
	n := 0
	start := 0
	for i := 0; i < len(subject) && n < 3; i++ {
		if subject[i] == '.' {
			parts[n] = subject[start:i]
			n++
			start = i + 1
		}
	}
	parts[n] = subject[start:]
	if n != 3 || parts[0] != SubjectPrefix {
		return "", "", "", fmt.Errorf("outbox subject %q is not an event subject", subject)
	}
	return parts[1], parts[2], parts[3], nil
}
