package events

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
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
	return &Relay{
		cfg:       cfg,
		pool:      pool,
		js:        js,
		log:       log.With("component", "outbox-relay"),
		tracer:    tp.Tracer("github.com/meedoen/meedoen/internal/events"),
		published: published,
		lag:       lag,
		attrs:     metric.WithAttributes(attribute.String("service", cfg.Service)),
	}, nil
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
	for {
		err := r.lead(ctx)
		if ctx.Err() != nil {
			return nil
		}
		r.log.WarnContext(ctx, "outbox relay interrupted; retrying", "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// lead holds a dedicated connection with the relay lock and LISTENs on it.
func (r *Relay) lead(ctx context.Context) error {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquiring relay connection: %w", err)
	}
	// The connection will carry a session lock and a LISTEN: take it out of
	// the pool for good, and close it when leadership ends.
	pgc := conn.Hijack()
	defer pgc.Close(context.WithoutCancel(ctx))

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
	if _, err := pgc.Exec(ctx, "LISTEN "+channel); err != nil {
		return fmt.Errorf("listening on %s: %w", channel, err)
	}
	r.log.InfoContext(ctx, "outbox relay active")

	lastCleanup := time.Time{}
	backoff := 100 * time.Millisecond
	for {
		n, err := r.PublishBatch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.log.ErrorContext(ctx, "publishing outbox batch", "error", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		if time.Since(lastCleanup) > r.cfg.CleanupInterval {
			if err := r.cleanup(ctx); err != nil && ctx.Err() == nil {
				r.log.WarnContext(ctx, "cleaning up outbox", "error", err)
			}
			lastCleanup = time.Now()
		}
		if n == r.cfg.BatchSize {
			continue // more is waiting
		}
		if err := r.wait(ctx, pgc); err != nil {
			return err
		}
	}
}

// wait blocks until a notification, the poll interval, or ctx's end.
func (r *Relay) wait(ctx context.Context, conn *pgx.Conn) error {
	wctx, cancel := context.WithTimeout(ctx, r.cfg.PollInterval)
	defer cancel()
	_, err := conn.WaitForNotification(wctx)
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
// id order and marks those JetStream acknowledged. It returns how many rows
// it read.
//
// Id order is commit order for each aggregate: a writer locks the aggregate
// before it inserts events, so the next writer's ids are drawn after the
// previous commit. Rows are chosen by "not yet published", never by a cursor,
// so a row that commits late is published late, not skipped. Events of
// different aggregates written concurrently may interleave.
func (r *Relay) PublishBatch(ctx context.Context) (int, error) {
	const q = `SELECT id, event_id::text, subject, ce_type, ce_source, ce_subject, ce_time, data, traceparent, tracestate, created_at
FROM outbox
WHERE published_at IS NULL
ORDER BY id
LIMIT $1`
	rows, err := r.pool.Query(ctx, q, r.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("reading outbox: %w", err)
	}
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		var subject string
		err := row.Scan(&o.id, &o.ev.ID, &subject, &o.ev.Type, &o.ev.Source, &o.ev.Subject, &o.ev.Time, &o.ev.Data, &o.ev.TraceParent, &o.ev.TraceState, &o.created)
		if err != nil {
			return o, err
		}
		if o.ev.Service, o.ev.Tenant, o.ev.Name, err = splitSubject(subject); err != nil {
			return o, err
		}
		return o, nil
	})
	if err != nil {
		return 0, fmt.Errorf("reading outbox: %w", err)
	}
	if len(batch) == 0 {
		return 0, nil
	}

	futures := make([]jetstream.PubAckFuture, 0, len(batch))
	stream := StreamName(batch[0].ev.Service)
	var pubErr error
	for _, o := range batch {
		msg := o.ev.Msg()
		ectx := o.ev.Context(ctx)
		_, span := r.tracer.Start(ectx, "publish "+o.ev.Type, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(attribute.String("messaging.system", "nats"),
				attribute.String("messaging.destination.name", msg.Subject),
				attribute.String("messaging.message.id", o.ev.ID)))
		// The consumer's span becomes a child of this publish span.
		if span.SpanContext().IsValid() {
			carrier := propagation.MapCarrier{}
			propagation.TraceContext{}.Inject(trace.ContextWithSpan(ctx, span), carrier)
			msg.Header[hdrTraceParent] = []string{carrier.Get("traceparent")}
		}
		span.End()
		f, err := r.js.PublishMsgAsync(msg, jetstream.WithMsgID(o.ev.ID), jetstream.WithExpectStream(stream))
		if err != nil {
			pubErr = fmt.Errorf("publishing %s: %w", o.ev.ID, err)
			break
		}
		futures = append(futures, f)
	}

	// Only the acknowledged prefix is marked, so a later round resumes in
	// order; re-published duplicates are dropped by JetStream's window.
	timeout := time.NewTimer(r.cfg.AckTimeout)
	defer timeout.Stop()
	acked := 0
wait:
	for _, f := range futures {
		select {
		case <-f.Ok():
			acked++
		case err := <-f.Err():
			pubErr = fmt.Errorf("publishing %s: %w", batch[acked].ev.ID, err)
			break wait
		case <-timeout.C:
			pubErr = fmt.Errorf("publishing %s: no acknowledgement within %s", batch[acked].ev.ID, r.cfg.AckTimeout)
			break wait
		case <-ctx.Done():
			pubErr = ctx.Err()
			break wait
		}
	}
	if acked > 0 {
		ids := make([]int64, acked)
		for i := range acked {
			ids[i] = batch[i].id
		}
		if _, err := r.pool.Exec(context.WithoutCancel(ctx), `UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1)`, ids); err != nil {
			return acked, fmt.Errorf("marking %d events published: %w", acked, err)
		}
		now := time.Now()
		r.published.Add(ctx, int64(acked), r.attrs)
		for i := range acked {
			r.lag.Record(ctx, now.Sub(batch[i].created).Seconds(), r.attrs)
		}
	}
	if pubErr != nil {
		return acked, pubErr
	}
	return len(batch), nil
}

func (r *Relay) cleanup(ctx context.Context) error {
	_, err := r.pool.Exec(ctx, `DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`, r.cfg.Retention.Seconds())
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
