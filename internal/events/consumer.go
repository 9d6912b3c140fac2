package events

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/pg"
)

// Handler applies one event inside tx. It must make all its changes through
// tx: the consumer records the event as applied in the same transaction.
type Handler func(ctx context.Context, tx pgx.Tx, ev Event) error

// BatchHandler applies several events inside tx at once, for hot aggregates
// such as poll tallies, where one update per event would contend on the
// same rows. It gets only events not applied before, in stream order.
type BatchHandler func(ctx context.Context, tx pgx.Tx, evs []Event) error

// ConsumerConfig configures one consumer of a service.
type ConsumerConfig struct {
	// Service is the consuming service; it scopes the durable name and the
	// dead-letter subject.
	Service string
	// Name identifies the consumer within its service, e.g. "municipalities".
	Name string
	// Stream is the stream read, e.g. StreamName("councils").
	Stream string
	// Subjects filters the stream, e.g. "meedoen.councils.*.municipality.created".
	Subjects []string
	// Ordered makes the consumer apply events strictly in stream order,
	// recording the stream sequence instead of event ids. Use it for
	// projections whose result depends on order.
	Ordered bool
	// MaxDeliver is how many times a message is tried before it goes to the
	// dead-letter subject.
	MaxDeliver int
	// AckWait is how long JetStream waits for an acknowledgement before it
	// redelivers.
	AckWait time.Duration
	// BatchSize bounds how many events one transaction applies.
	BatchSize int
	// Handle applies an event. Set it or HandleBatch.
	Handle Handler
	// HandleBatch applies the events of one delivery batch in one call.
	HandleBatch BatchHandler
	// Retry spaces the restarts after failed rounds in a row (rounds that
	// received nothing), such as while PostgreSQL or NATS is away; its
	// zero value waits 1 s, doubling up to 30 s.
	Retry backoff.Backoff
}

func (c *ConsumerConfig) defaults() {
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
}

// Durable is the JetStream durable name of the consumer.
func (c ConsumerConfig) Durable() string { return c.Service + "-" + c.Name }

// key is how the consumer is recorded in the inbox and positions tables.
func (c ConsumerConfig) key() string { return c.Durable() }

// DeadLetterSubject is where the consumer puts messages it gave up on.
func (c ConsumerConfig) DeadLetterSubject() string {
	return SubjectPrefix + ".dlq." + c.Service + "." + c.Name
}

// Consumer applies events from a stream exactly once to a service's schema.
type Consumer struct {
	cfg    ConsumerConfig
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	log    *slog.Logger
	tracer trace.Tracer

	processed    metric.Int64Counter
	deadLettered metric.Int64Counter
	name         attribute.KeyValue

	// handled counts the batches received, so Run can tell a round that
	// got something done from one that failed at once.
	handled atomic.Int64
}

// NewConsumer returns a consumer; Run starts it.
func NewConsumer(cfg ConsumerConfig, pool *pgxpool.Pool, js jetstream.JetStream, log *slog.Logger, tp trace.TracerProvider, mp metric.MeterProvider) (*Consumer, error) {
	cfg.defaults()
	if cfg.Service == "" || cfg.Name == "" || cfg.Stream == "" || (cfg.Handle == nil) == (cfg.HandleBatch == nil) {
		return nil, errors.New("consumer needs a service, name, stream and exactly one of Handle and HandleBatch")
	}
	meter := mp.Meter("github.com/meedoen/meedoen/internal/events")
	processed, err := meter.Int64Counter("meedoen.consumer.processed",
		metric.WithDescription("Events a consumer handled, by outcome."), metric.WithUnit("{event}"))
	if err != nil {
		return nil, fmt.Errorf("consumer metric: %w", err)
	}
	deadLettered, err := meter.Int64Counter("meedoen.consumer.dead_lettered",
		metric.WithDescription("Events a consumer gave up on and sent to the dead-letter subject."), metric.WithUnit("{event}"))
	if err != nil {
		return nil, fmt.Errorf("consumer metric: %w", err)
	}
	c := &Consumer{
		cfg:          cfg,
		pool:         pool,
		js:           js,
		log:          log.With("component", "consumer", "consumer", cfg.Durable()),
		tracer:       tp.Tracer("github.com/meedoen/meedoen/internal/events"),
		processed:    processed,
		deadLettered: deadLettered,
		name:         attribute.String("consumer", cfg.Durable()),
	}
	// Present at 0 from the start, so that an alert on its increase sees
	// the first dead letter too.
	deadLettered.Add(context.Background(), 0, metric.WithAttributes(c.name))
	if err := c.observeLag(meter); err != nil {
		return nil, err
	}
	return c, nil
}

// lagTimeout bounds the JetStream requests of one observation of a
// consumer's lag.
const lagTimeout = time.Second

// observeLag reports, at each collection, how many messages the durable
// consumer has not had acknowledged yet (delivered or not) and how long
// the oldest of them has waited, from JetStream's consumer info. An ordered
// consumer, whose position is a row in PostgreSQL, reports the age of the
// first message after it only: JetStream does not count a filtered
// stream's messages after a position. While JetStream (or PostgreSQL)
// cannot be asked, the last values are reported, the age still growing,
// so that an alert on them does not fall silent.
func (c *Consumer) observeLag(meter metric.Meter) error {
	pending, err := meter.Int64ObservableGauge("meedoen.consumer.pending",
		metric.WithDescription("Messages of a durable consumer's stream not yet acknowledged by it, delivered or not."), metric.WithUnit("{message}"))
	if err != nil {
		return fmt.Errorf("consumer metric: %w", err)
	}
	oldest, err := meter.Float64ObservableGauge("meedoen.consumer.oldest_pending_age",
		metric.WithDescription("Age of the oldest message a durable consumer has not acknowledged yet; 0 when none waits."), metric.WithUnit("s"))
	if err != nil {
		return fmt.Errorf("consumer metric: %w", err)
	}
	var (
		mu       sync.Mutex
		stream   jetstream.Stream
		last     lagReading
		haveLast bool
	)
	attrs := metric.WithAttributes(c.name)
	_, err = meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		mu.Lock()
		defer mu.Unlock()
		ctx, cancel := context.WithTimeout(ctx, lagTimeout)
		defer cancel()
		if stream == nil {
			if s, err := c.js.Stream(ctx, c.cfg.Stream); err == nil {
				stream = s
			}
		}
		now := time.Now()
		reading, err := c.readLag(ctx, stream, now)
		switch {
		case err == nil:
			last, haveLast = reading, true
		case haveLast:
			reading = last // unknown now: the last known, older by now
		default:
			return nil // never known yet; the next collection tries again
		}
		if !c.cfg.Ordered {
			o.ObserveInt64(pending, reading.pending, attrs)
		}
		age := 0.0
		if reading.pending > 0 && !reading.oldest.IsZero() {
			age = now.Sub(reading.oldest).Seconds()
		}
		o.ObserveFloat64(oldest, age, attrs)
		return nil
	}, pending, oldest)
	if err != nil {
		return fmt.Errorf("consumer metric: %w", err)
	}
	return nil
}

// lagReading is what JetStream said about a consumer's backlog.
type lagReading struct {
	pending int64
	// oldest is when the oldest unacknowledged message was stored.
	oldest time.Time
}

// readLag asks JetStream about the consumer's backlog: the messages not yet
// delivered and those delivered but not acknowledged, and the time of the
// first one after the acknowledgement floor that the consumer's filter
// takes.
func (c *Consumer) readLag(ctx context.Context, stream jetstream.Stream, now time.Time) (lagReading, error) {
	if stream == nil {
		return lagReading{}, errors.New("stream not known")
	}
	var (
		r        lagReading
		next     uint64
		subjects []string
	)
	if c.cfg.Ordered {
		var pos uint64
		err := c.pool.QueryRow(ctx, `SELECT stream_seq FROM consumer_positions WHERE consumer = $1`, c.cfg.key()).Scan(&pos)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return lagReading{}, err
		}
		// Whether anything waits is known once a message is found.
		r.pending, next, subjects = 1, pos+1, c.cfg.Subjects
	} else {
		cons, err := stream.Consumer(ctx, c.cfg.Durable())
		if err != nil {
			return lagReading{}, err
		}
		info := cons.CachedInfo()
		r.pending = int64(info.NumPending) + int64(info.NumAckPending)
		if r.pending == 0 {
			return r, nil
		}
		next, subjects = info.AckFloor.Stream+1, info.Config.FilterSubjects
		if info.Config.FilterSubject != "" {
			subjects = append(subjects, info.Config.FilterSubject)
		}
	}
	if len(subjects) == 0 {
		subjects = []string{""}
	}
	for _, subject := range subjects {
		var opts []jetstream.GetMsgOpt
		if subject != "" {
			opts = append(opts, jetstream.WithGetMsgSubject(subject))
		}
		msg, err := stream.GetMsg(ctx, next, opts...)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return lagReading{}, err
		}
		if r.oldest.IsZero() || msg.Time.Before(r.oldest) {
			r.oldest = msg.Time
		}
	}
	switch {
	case !r.oldest.IsZero():
	case c.cfg.Ordered:
		r.pending = 0 // nothing after the position
	default:
		r.oldest = now // pending but already gone from the stream
	}
	return r, nil
}

// Provision creates or updates the durable JetStream consumer. Ordered
// consumers keep their position in PostgreSQL and need nothing provisioned.
func (c *Consumer) Provision(ctx context.Context) error {
	if c.cfg.Ordered {
		// A consumer that became ordered leaves the durable an earlier
		// version read with: nobody acknowledges it any more, so it would
		// only pile up pending messages.
		err := c.js.DeleteConsumer(ctx, c.cfg.Stream, c.cfg.Durable())
		if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return fmt.Errorf("deleting the former durable consumer %s on %s: %w", c.cfg.Durable(), c.cfg.Stream, err)
		}
		return nil
	}
	cc := jetstream.ConsumerConfig{
		Durable:        c.cfg.Durable(),
		Description:    "Meedoen " + c.cfg.Service + " consumer " + c.cfg.Name,
		FilterSubjects: c.cfg.Subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.cfg.AckWait,
		// The consumer dead-letters after MaxDeliver itself; the server
		// keeps redelivering so nothing is lost if we crash before that.
		MaxDeliver:    -1,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	err := whileStarting(ctx, func(ctx context.Context) error {
		_, err := c.js.CreateOrUpdateConsumer(ctx, c.cfg.Stream, cc)
		return err
	})
	if err != nil {
		return fmt.Errorf("provisioning consumer %s on %s: %w", c.cfg.Durable(), c.cfg.Stream, err)
	}
	return nil
}

// Run consumes until ctx ends. Messages fetched but not yet applied when ctx
// ends are left unacknowledged and will be redelivered.
func (c *Consumer) Run(ctx context.Context) error {
	retry := c.cfg.Retry
	for {
		before := c.handled.Load()
		err := c.run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if c.handled.Load() != before {
			retry.Reset() // it got messages: a new failure, not the same outage
		}
		c.log.WarnContext(ctx, "consumer interrupted; restarting", "error", err, "failures_in_a_row", retry.Failures()+1)
		if !retry.Wait(ctx) {
			return nil
		}
	}
}

func (c *Consumer) run(ctx context.Context) error {
	var cons jetstream.Consumer
	var err error
	if c.cfg.Ordered {
		// One replica at a time reads: the others would read every event
		// too, only to find it applied. Correctness does not rest on the
		// lock (the position row, locked per batch, does that), so a lock
		// lost with its connection costs only duplicate reading.
		release, lerr := c.lead(ctx)
		if lerr != nil {
			return lerr
		}
		defer release()
		// The position row must exist before any batch locks it: replicas
		// that both found it missing would both apply their first batch.
		_, err = c.pool.Exec(ctx, `INSERT INTO consumer_positions (consumer, stream_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING`, c.cfg.key())
		if err != nil {
			return fmt.Errorf("creating position: %w", err)
		}
		var pos uint64
		err = c.pool.QueryRow(ctx, `SELECT stream_seq FROM consumer_positions WHERE consumer = $1`, c.cfg.key()).Scan(&pos)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("reading position: %w", err)
		}
		occ := jetstream.OrderedConsumerConfig{FilterSubjects: c.cfg.Subjects, DeliverPolicy: jetstream.DeliverAllPolicy}
		if pos > 0 {
			occ.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
			occ.OptStartSeq = pos + 1
		}
		cons, err = c.js.OrderedConsumer(ctx, c.cfg.Stream, occ)
	} else {
		if err = c.Provision(ctx); err != nil {
			return err
		}
		cons, err = c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Durable())
	}
	if err != nil {
		return fmt.Errorf("opening consumer: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(max(2*c.cfg.BatchSize, 100)))
	if err != nil {
		return fmt.Errorf("subscribing: %w", err)
	}
	defer c.release(it)

	batch := make([]jetstream.Msg, 0, c.cfg.BatchSize)
	for {
		batch = batch[:0]
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return fmt.Errorf("next message: %w", err)
		}
		batch = append(batch, msg)
		// Take whatever else is already buffered, without waiting, so a
		// burst is applied in one transaction.
		for len(batch) < c.cfg.BatchSize {
			msg, err := it.Next(jetstream.NextMaxWait(time.Millisecond))
			if err != nil {
				break
			}
			batch = append(batch, msg)
		}
		c.handled.Add(1)
		c.process(ctx, batch)
	}
}

// lead waits until this replica holds the ordered consumer's advisory
// lock, on a connection of its own, and returns what lets it go.
func (c *Consumer) lead(ctx context.Context) (release func(), err error) {
	pooled, err := c.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquiring the consumer's lock connection: %w", err)
	}
	conn := pooled.Hijack() // it carries a session lock: out of the pool for good
	h := fnv.New64a()
	h.Write([]byte("meedoen-ordered-consumer:" + c.cfg.key()))
	key := int64(h.Sum64())
	for {
		var locked bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&locked); err != nil {
			_ = conn.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("taking the consumer's lock: %w", err)
		}
		if locked {
			return func() { _ = conn.Close(context.WithoutCancel(ctx)) }, nil
		}
		select {
		case <-ctx.Done():
			_ = conn.Close(context.WithoutCancel(ctx))
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// release stops the subscription and hands buffered, unapplied messages
// back to JetStream at once, so another replica (or the next start) gets
// them without waiting out AckWait.
func (c *Consumer) release(it jetstream.MessagesContext) {
	if c.cfg.Ordered {
		it.Stop() // nothing to hand back: the position lives in PostgreSQL
		return
	}
	it.Drain()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		msg, err := it.Next(jetstream.NextMaxWait(100 * time.Millisecond))
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return
			}
			continue
		}
		_ = msg.Nak()
	}
	it.Stop()
}

type delivery struct {
	msg jetstream.Msg
	ev  Event
	err error // set when the message is not a valid event
	seq uint64
	n   uint64
}

func (c *Consumer) process(ctx context.Context, msgs []jetstream.Msg) {
	ds := make([]delivery, len(msgs))
	allValid := true
	for i, m := range msgs {
		d := delivery{msg: m, n: 1}
		if md, err := m.Metadata(); err == nil {
			d.seq, d.n = md.Sequence.Stream, md.NumDelivered
		}
		d.ev, d.err = FromMsg(m.Subject(), m.Headers(), m.Data())
		d.ev.StreamSeq, d.ev.Deliveries = d.seq, d.n
		if d.err != nil {
			allValid = false
		}
		ds[i] = d
	}
	if allValid && len(ds) > 1 {
		if err := c.apply(ctx, ds); err == nil {
			c.ackAll(ctx, ds)
			return
		}
		// Find the one that fails by applying them one by one.
	}
	for i := range ds {
		c.processOne(ctx, &ds[i])
	}
}

func (c *Consumer) processOne(ctx context.Context, d *delivery) {
	attempt := d.n
	for {
		err := d.err
		if err == nil {
			err = c.apply(ctx, []delivery{*d})
		}
		if err == nil {
			c.ackAll(ctx, []delivery{*d})
			return
		}
		if ctx.Err() != nil {
			// Stopping: hand it back now rather than after AckWait.
			if !c.cfg.Ordered {
				_ = d.msg.Nak()
			}
			return
		}
		if attempt >= uint64(c.cfg.MaxDeliver) {
			c.deadLetter(ctx, d, attempt, err)
			return
		}
		c.processed.Add(ctx, 1, metric.WithAttributes(c.name, attribute.String("outcome", "failed")))
		c.log.WarnContext(ctx, "applying event failed; will retry", "event_id", d.ev.ID, "type", d.ev.Type, "stream_seq", d.seq, "delivery", attempt, "error", err)
		delay := time.Duration(attempt) * 200 * time.Millisecond
		if !c.cfg.Ordered {
			if nerr := d.msg.NakWithDelay(delay); nerr != nil {
				c.log.WarnContext(ctx, "nak failed", "error", nerr)
			}
			return
		}
		// An ordered consumer has no redelivery: retry here so that later
		// events wait for this one.
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		attempt++
	}
}

// apply runs the handler for every event not applied before, and records
// them, in one transaction.
func (c *Consumer) apply(ctx context.Context, ds []delivery) error {
	return pg.InTx(ctx, c.pool, func(tx pgx.Tx) error {
		todo, err := c.claim(ctx, tx, ds)
		if err != nil {
			return err
		}
		if c.cfg.HandleBatch != nil {
			return c.handleBatch(ctx, tx, todo)
		}
		for _, d := range todo {
			if err := c.handle(ctx, tx, d.ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// claim records the deliveries as applied and returns those that were not
// applied before.
func (c *Consumer) claim(ctx context.Context, tx pgx.Tx, ds []delivery) ([]delivery, error) {
	if c.cfg.Ordered {
		var pos uint64
		err := tx.QueryRow(ctx, `SELECT stream_seq FROM consumer_positions WHERE consumer = $1 FOR UPDATE`, c.cfg.key()).Scan(&pos)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("reading position: %w", err)
		}
		var todo []delivery
		last, lastID := pos, ""
		for _, d := range ds {
			if d.seq > last {
				todo = append(todo, d)
				last, lastID = d.seq, validID(d.ev.ID)
			}
		}
		if last > pos {
			if err := setPosition(ctx, tx, c.cfg.key(), last, lastID); err != nil {
				return nil, err
			}
		}
		return todo, nil
	}
	ids := make([]string, len(ds))
	seqs := make([]int64, len(ds))
	for i, d := range ds {
		ids[i], seqs[i] = d.ev.ID, int64(d.seq)
	}
	rows, err := tx.Query(ctx, `INSERT INTO inbox (consumer, event_id, stream_seq)
SELECT $1, id, seq FROM unnest($2::uuid[], $3::bigint[]) AS t(id, seq)
ON CONFLICT DO NOTHING
RETURNING event_id::text`, c.cfg.key(), ids, seqs)
	if err != nil {
		return nil, fmt.Errorf("recording applied events: %w", err)
	}
	fresh, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("recording applied events: %w", err)
	}
	isFresh := make(map[string]bool, len(fresh))
	for _, id := range fresh {
		isFresh[id] = true
	}
	var todo []delivery
	for _, d := range ds {
		if isFresh[d.ev.ID] {
			todo = append(todo, d)
			delete(isFresh, d.ev.ID) // the same event twice in one batch applies once
		}
	}
	return todo, nil
}

// setPosition records an ordered consumer's position and the id of the
// event there (empty when the message there was not a valid event).
func setPosition(ctx context.Context, tx pgx.Tx, consumer string, seq uint64, eventID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO consumer_positions (consumer, stream_seq, last_event_id, updated_at)
VALUES ($1, $2, nullif($3, '')::uuid, now())
ON CONFLICT (consumer) DO UPDATE SET stream_seq = excluded.stream_seq, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`,
		consumer, int64(seq), eventID)
	if err != nil {
		return fmt.Errorf("recording position: %w", err)
	}
	return nil
}

// validID returns id if it is a UUID, else "" (a dead-lettered message may
// not be a valid event).
func validID(id string) string {
	if uuid.Validate(id) != nil {
		return ""
	}
	return id
}

func (c *Consumer) handle(ctx context.Context, tx pgx.Tx, ev Event) error {
	ctx, span := c.tracer.Start(ev.Context(ctx), "process "+ev.Type,
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.system", "nats"),
			attribute.String("messaging.consumer.group.name", c.cfg.Durable()),
			attribute.String("messaging.message.id", ev.ID)))
	defer span.End()
	if err := c.cfg.Handle(ctx, tx, ev); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "handler failed")
		return fmt.Errorf("applying %s %s: %w", ev.Type, ev.ID, err)
	}
	return nil
}

func (c *Consumer) handleBatch(ctx context.Context, tx pgx.Tx, todo []delivery) error {
	if len(todo) == 0 {
		return nil
	}
	evs := make([]Event, len(todo))
	for i, d := range todo {
		evs[i] = d.ev
	}
	// One span for the batch, linked to each event's trace, so every
	// event's trace shows where it was applied.
	links := make([]trace.Link, 0, len(evs))
	for _, ev := range evs {
		if sc := trace.SpanContextFromContext(ev.Context(ctx)); sc.IsValid() {
			links = append(links, trace.Link{SpanContext: sc})
		}
	}
	ctx, span := c.tracer.Start(ctx, "process batch", trace.WithSpanKind(trace.SpanKindConsumer), trace.WithLinks(links...),
		trace.WithAttributes(attribute.String("messaging.system", "nats"),
			attribute.String("messaging.consumer.group.name", c.cfg.Durable()),
			attribute.Int("messaging.batch.message_count", len(evs))))
	defer span.End()
	if err := c.cfg.HandleBatch(ctx, tx, evs); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "batch handler failed")
		return fmt.Errorf("applying a batch of %d events: %w", len(evs), err)
	}
	return nil
}

func (c *Consumer) ackAll(ctx context.Context, ds []delivery) {
	c.processed.Add(ctx, int64(len(ds)), metric.WithAttributes(c.name, attribute.String("outcome", "applied")))
	if c.cfg.Ordered {
		return // ordered consumers do not acknowledge
	}
	for _, d := range ds {
		// A lost ack means a redelivery, which the inbox absorbs.
		if err := d.msg.Ack(); err != nil {
			c.log.WarnContext(ctx, "ack failed", "stream_seq", d.seq, "error", err)
		}
	}
}

// deadLetter moves a message that keeps failing aside so the rest keeps
// flowing. The original headers and body are kept for inspection and replay.
func (c *Consumer) deadLetter(ctx context.Context, d *delivery, attempts uint64, cause error) {
	m := nats.NewMsg(c.cfg.DeadLetterSubject())
	m.Data = d.msg.Data()
	for k, v := range d.msg.Headers() {
		m.Header[k] = append([]string(nil), v...)
	}
	id := header(m.Header, hdrID)
	if id == "" {
		id = strconv.FormatUint(d.seq, 10)
	}
	m.Header[hdrMsgID] = []string{c.cfg.Durable() + ":" + id}
	m.Header["Meedoen-Dlq-Reason"] = []string{cause.Error()}
	m.Header["Meedoen-Dlq-Subject"] = []string{d.msg.Subject()}
	m.Header["Meedoen-Dlq-Stream-Seq"] = []string{strconv.FormatUint(d.seq, 10)}
	m.Header["Meedoen-Dlq-Deliveries"] = []string{strconv.FormatUint(attempts, 10)}
	if _, err := c.js.PublishMsg(ctx, m, jetstream.WithExpectStream(DeadLetterStream)); err != nil {
		// Leave the message to be redelivered; it is dead-lettered then.
		c.log.ErrorContext(ctx, "dead-lettering failed", "stream_seq", d.seq, "error", err)
		if !c.cfg.Ordered {
			_ = d.msg.NakWithDelay(time.Second)
		}
		return
	}
	if c.cfg.Ordered {
		// Skip past it so later events flow.
		err := pg.InTx(ctx, c.pool, func(tx pgx.Tx) error { return setPosition(ctx, tx, c.cfg.key(), d.seq, validID(d.ev.ID)) })
		if err != nil {
			c.log.ErrorContext(ctx, "recording position after dead-lettering", "error", err)
		}
	} else if err := d.msg.Term(); err != nil {
		c.log.WarnContext(ctx, "terminating dead-lettered message", "error", err)
	}
	c.deadLettered.Add(ctx, 1, metric.WithAttributes(c.name))
	c.processed.Add(ctx, 1, metric.WithAttributes(c.name, attribute.String("outcome", "dead_lettered")))
	c.log.ErrorContext(ctx, "event dead-lettered", "event_id", id, "subject", d.msg.Subject(), "stream_seq", d.seq,
		"deliveries", attempts, "dead_letter_subject", c.cfg.DeadLetterSubject(), "error", cause)
}
