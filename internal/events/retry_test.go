package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
)

// While PostgreSQL is away the relay retries ever more slowly, up to a
// cap, instead of logging a warning every second for as long as the
// outage lasts; each warning says which relay and how many failures in a
// row.
func TestRelayBacksOffWhileTheDatabaseIsAway(t *testing.T) {
	t.Parallel()
	_, _, js := testkit.NewJetStream(t)
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var logs testkit.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	r, err := events.NewRelay(events.RelayConfig{Service: "councils", Retry: backoff.Backoff{Min: 10 * time.Millisecond, Max: 160 * time.Millisecond}},
		pool, js, log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, raw := range bytes.Split(bytes.TrimSpace([]byte(logs.String())), []byte("\n")) {
		var line struct {
			Time           time.Time
			Msg, Outbox    string
			FailuresInARow int `json:"failures_in_a_row"`
		}
		if err := json.Unmarshal(raw, &line); err != nil {
			t.Fatal(err)
		}
		if line.Msg != "outbox relay interrupted; retrying" {
			continue
		}
		if line.Outbox != "councils" || line.FailuresInARow != len(times)+1 {
			t.Errorf("warning names outbox %q, failure %d; want councils, %d", line.Outbox, line.FailuresInARow, len(times)+1)
		}
		times = append(times, line.Time)
	}
	// 10, 20, 40, 80, 160, 160, … ms: about 10 warnings in 1.2 s, where
	// a fixed 10 ms would make over 100.
	if len(times) < 5 || len(times) > 15 {
		t.Fatalf("%d warnings in 1.2 s, want about 10", len(times))
	}
	first, last := times[1].Sub(times[0]), times[len(times)-1].Sub(times[len(times)-2])
	if last < 4*first || last > 300*time.Millisecond {
		t.Errorf("gap between warnings went from %s to %s, want it to grow to the 160 ms cap", first, last)
	}
}
