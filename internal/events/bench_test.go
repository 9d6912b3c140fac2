package events_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// benchEvents makes n events with a body of about 300 bytes, the size the
// machine's JetStream ceiling was measured with.
func benchEvents(b *testing.B, n int) []events.Event {
	b.Helper()
	evs := make([]events.Event, n)
	for i := range evs {
		ev, err := events.New(context.Background(), "GM0453", "GM0453", &eventsv1.MunicipalityCreated{
			Code: "GM0453", RegionId: "ijmond", Name: fmt.Sprintf("%07d-%s", i, strings.Repeat("x", 200)),
		})
		if err != nil {
			b.Fatal(err)
		}
		evs[i] = ev
	}
	return evs
}

// publishRaw publishes straight to JetStream, async in windows of 1,000
// with Nats-Msg-Id dedup: the ceiling the relay is compared with.
func publishRaw(b *testing.B, js jetstream.JetStream, evs []events.Event) {
	b.Helper()
	const window = 1000
	for i := 0; i < len(evs); i += window {
		end := min(i+window, len(evs))
		futures := make([]jetstream.PubAckFuture, 0, end-i)
		for _, ev := range evs[i:end] {
			f, err := js.PublishMsgAsync(ev.Msg())
			if err != nil {
				b.Fatal(err)
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRawAsyncPublish measures the JetStream ceiling on this machine.
// One op is one event.
func BenchmarkRawAsyncPublish(b *testing.B) {
	e := newEnv(b)
	evs := benchEvents(b, b.N)
	b.ResetTimer()
	publishRaw(b, e.js, evs)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRelayThroughput measures committed → acknowledged and marked:
// b.N events wait committed in the outbox, and a running relay publishes
// them all. One op is one event.
func BenchmarkRelayThroughput(b *testing.B) {
	e := newEnv(b)
	evs := benchEvents(b, b.N)
	for i := 0; i < len(evs); i += 5000 {
		commit(b, e.producer, evs[i:min(i+5000, len(evs))]...)
	}
	r := e.relay(b, events.RelayConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	b.ResetTimer()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitPublished(b, e)
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRelayLag measures commit → acknowledgement lag while writers
// commit at a sustained rate (10 events per transaction, 4 writers) and the
// running relay publishes. One op is one event; the rate is 10,000 events/s.
func BenchmarkRelayLag(b *testing.B) {
	const rate, perTx, writers = 10000, 10, 4
	e := newEnv(b)
	evs := benchEvents(b, b.N)
	ctx, cancel := context.WithCancel(context.Background())
	r := e.relay(b, events.RelayConfig{})
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	b.ResetTimer()
	txs := make(chan []events.Event)
	errc := make(chan error, writers)
	for range writers {
		go func() {
			for batch := range txs {
				if err := pg.InTx(ctx, e.producer, func(tx pgx.Tx) error { return events.Enqueue(ctx, tx, batch...) }); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	interval := time.Second * perTx / rate
	next := time.Now()
	for i := 0; i < len(evs); i += perTx {
		time.Sleep(time.Until(next))
		next = next.Add(interval)
		txs <- evs[i:min(i+perTx, len(evs))]
	}
	close(txs)
	for range writers {
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	waitPublished(b, e)
	b.StopTimer()
	var p50, p99, worst float64
	err := e.producer.QueryRow(context.Background(), `SELECT
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at)),
  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at)),
  max(extract(epoch FROM published_at - created_at))
FROM outbox`).Scan(&p50, &p99, &worst)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(p50*1000, "lag-p50-ms")
	b.ReportMetric(p99*1000, "lag-p99-ms")
	b.ReportMetric(worst*1000, "lag-max-ms")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// waitPublished polls cheaply (through the partial index) until the outbox
// holds no unpublished row.
func waitPublished(b *testing.B, e *env) {
	b.Helper()
	testkit.CheckFor(b, 5*time.Minute, 5*time.Millisecond, func() error {
		var pending bool
		if err := e.producer.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)`).Scan(&pending); err != nil {
			return err
		}
		if pending {
			return fmt.Errorf("events still unpublished")
		}
		return nil
	})
}
