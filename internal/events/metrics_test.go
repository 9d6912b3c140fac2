package events_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
)

// point is one observed value of a metric for one attribute value.
type point struct {
	value float64
	found bool
}

// observe collects reader and returns the value of metric name whose
// attribute key has value want.
func observe(t *testing.T, reader *sdkmetric.ManualReader, name, key, want string) point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	match := func(set attribute.Set) bool {
		v, ok := set.Value(attribute.Key(key))
		return ok && v.Emit() == want
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					if match(dp.Attributes) {
						return point{float64(dp.Value), true}
					}
				}
			case metricdata.Gauge[int64]:
				for _, dp := range data.DataPoints {
					if match(dp.Attributes) {
						return point{float64(dp.Value), true}
					}
				}
			case metricdata.Gauge[float64]:
				for _, dp := range data.DataPoints {
					if match(dp.Attributes) {
						return point{dp.Value, true}
					}
				}
			}
		}
	}
	return point{}
}

func meter() (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	reader := sdkmetric.NewManualReader()
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), reader
}

// The dead-letter counter is there at 0 before anything is dead-lettered,
// so that an alert on its increase sees the first one.
func TestDeadLetterCounterStartsAtZero(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mp, reader := meter()
	_, err := events.NewConsumer(events.ConsumerConfig{Service: "projection", Name: "applied", Stream: events.StreamName("councils"), Handle: recordApplied},
		e.consumer, e.js, e.log, noop.NewTracerProvider(), mp)
	if err != nil {
		t.Fatal(err)
	}
	if got := observe(t, reader, "meedoen.consumer.dead_lettered", "consumer", "projection-applied"); !got.found || got.value != 0 {
		t.Errorf("meedoen.consumer.dead_lettered = %+v, want present at 0", got)
	}
}

// A durable consumer's lag shows how many messages wait for it and how
// long the oldest has waited, and falls to nothing once it catches up.
func TestConsumerLagIsObserved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mp, reader := meter()
	c, err := events.NewConsumer(events.ConsumerConfig{Service: "projection", Name: "lagging", Stream: events.StreamName("councils"),
		Subjects: []string{"meedoen.councils.*.municipality.created"}, Handle: recordApplied}, e.consumer, e.js, e.log, noop.NewTracerProvider(), mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Velsen", "Beverwijk", "Heemskerk"} {
		if _, err := e.js.PublishMsg(ctx, event(t, ctx, name).Msg()); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := observe(t, reader, "meedoen.consumer.pending", "consumer", "projection-lagging"); got.value != 3 {
		t.Errorf("pending = %+v, want 3", got)
	}
	if got := observe(t, reader, "meedoen.consumer.oldest_pending_age", "consumer", "projection-lagging"); got.value < 0.3 || got.value > 30 {
		t.Errorf("oldest pending age = %+v, want the 0.3 s or so since the first publish", got)
	}
	testkit.Start(t, c.Run)
	waitCount(t, e.consumer, 3, `SELECT count(*) FROM applied`)
	testkit.CheckFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		pending := observe(t, reader, "meedoen.consumer.pending", "consumer", "projection-lagging")
		age := observe(t, reader, "meedoen.consumer.oldest_pending_age", "consumer", "projection-lagging")
		if pending.value != 0 || age.value != 0 || !pending.found || !age.found {
			return fmt.Errorf("after catching up: pending %+v, age %+v; want both present at 0", pending, age)
		}
		return nil
	})
}

// The outbox's backlog stays reported while PostgreSQL cannot be asked,
// the oldest event still ageing, so that an alert on it keeps firing.
func TestOutboxBacklogOutlivesTheDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mp, reader := meter()
	if _, err := events.NewRelay(events.RelayConfig{Service: "councils"}, e.producer, e.js, e.log, noop.NewTracerProvider(), mp); err != nil {
		t.Fatal(err)
	}
	commit(t, e.producer, event(t, ctx, "Velsen"), event(t, ctx, "Beverwijk"))
	if got := observe(t, reader, "meedoen.outbox.pending", "service", "councils"); got.value != 2 {
		t.Fatalf("pending = %+v, want 2", got)
	}
	before := observe(t, reader, "meedoen.outbox.oldest_pending_age", "service", "councils")
	e.producer.Close() // as good as a database gone away
	time.Sleep(100 * time.Millisecond)
	if got := observe(t, reader, "meedoen.outbox.pending", "service", "councils"); got.value != 2 {
		t.Errorf("pending with the database gone = %+v, want the last known 2", got)
	}
	if got := observe(t, reader, "meedoen.outbox.oldest_pending_age", "service", "councils"); !got.found || got.value < before.value+0.1 {
		t.Errorf("oldest pending age with the database gone = %+v, want beyond %.3f", got, before.value+0.1)
	}
}

// An ordered consumer, whose position lives in PostgreSQL, reports how
// long the first message after its position has waited, and 0 once it
// has caught up.
func TestOrderedConsumerLagIsObserved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mp, reader := meter()
	c, err := events.NewConsumer(events.ConsumerConfig{Service: "projection", Name: "ordered", Stream: events.StreamName("councils"), Ordered: true,
		Subjects: []string{"meedoen.councils.*.municipality.created"}, Handle: recordApplied}, e.consumer, e.js, e.log, noop.NewTracerProvider(), mp)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Velsen", "Beverwijk"} {
		if _, err := e.js.PublishMsg(ctx, event(t, ctx, name).Msg()); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := observe(t, reader, "meedoen.consumer.oldest_pending_age", "consumer", "projection-ordered"); got.value < 0.3 || got.value > 30 {
		t.Errorf("oldest pending age = %+v, want the 0.3 s or so since the first publish", got)
	}
	testkit.Start(t, c.Run)
	waitCount(t, e.consumer, 2, `SELECT count(*) FROM applied`)
	testkit.CheckFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		if age := observe(t, reader, "meedoen.consumer.oldest_pending_age", "consumer", "projection-ordered"); !age.found || age.value != 0 {
			return fmt.Errorf("after catching up: age %+v, want present at 0", age)
		}
		return nil
	})
}
