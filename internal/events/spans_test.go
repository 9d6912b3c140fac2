package events_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
)

// spansNamed returns the ended spans whose name starts with prefix.
func spansNamed(rec *tracetest.SpanRecorder, prefix string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if strings.HasPrefix(s.Name(), prefix) {
			out = append(out, s)
		}
	}
	return out
}

// The relay's work shows in traces: its read and its mark of a batch as
// spans linked to the change's trace, and the publish span in the change's
// trace, ended once JetStream acknowledged, before the mark.
func TestRelaySpans(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, change := tp.Tracer("test").Start(context.Background(), "POST /api/v1/municipalities")
	commit(t, e.producer, event(t, ctx, "Velsen"))
	change.End()

	r, err := events.NewRelay(events.RelayConfig{Service: "councils"}, e.producer, e.js, e.log, tp, metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	testkit.Start(t, r.Run)
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		if len(spansNamed(rec, "outbox mark")) == 0 {
			return fmt.Errorf("no outbox mark span yet")
		}
		return nil
	})
	publish := spansNamed(rec, "publish ")
	if len(publish) != 1 {
		t.Fatalf("%d publish spans, want 1", len(publish))
	}
	if publish[0].SpanContext().TraceID() != change.SpanContext().TraceID() || publish[0].Status().Code == codes.Error {
		t.Errorf("publish span in trace %s with status %v, want the change's trace %s and no error",
			publish[0].SpanContext().TraceID(), publish[0].Status(), change.SpanContext().TraceID())
	}
	for _, name := range []string{"outbox read", "outbox mark"} {
		spans := spansNamed(rec, name)
		if len(spans) != 1 {
			t.Errorf("%d %q spans, want 1", len(spans), name)
			continue
		}
		links := spans[0].Links()
		if len(links) != 1 || links[0].SpanContext.TraceID() != change.SpanContext().TraceID() {
			t.Errorf("%q links to %v, want the change's trace", name, links)
		}
	}
	if mark := spansNamed(rec, "outbox mark")[0]; mark.StartTime().Before(publish[0].EndTime()) {
		t.Errorf("mark started %s, before the publish span ended %s: that one must last until the acknowledgement",
			mark.StartTime(), publish[0].EndTime())
	}
}

// A publish JetStream does not acknowledge shows as an error on its span.
func TestRelayPublishSpanShowsMissingAcknowledgement(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.js.DeleteStream(context.Background(), events.StreamName("councils")); err != nil {
		t.Fatal(err)
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, change := tp.Tracer("test").Start(context.Background(), "POST /api/v1/municipalities")
	commit(t, e.producer, event(t, ctx, "Velsen"))
	change.End()

	r, err := events.NewRelay(events.RelayConfig{Service: "councils", AckTimeout: 500 * time.Millisecond,
		Retry: backoff.Backoff{Min: time.Hour}}, e.producer, e.js, e.log, tp, metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	testkit.Start(t, r.Run)
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		publish := spansNamed(rec, "publish ")
		if len(publish) != 1 {
			return fmt.Errorf("%d publish spans ended, want 1", len(publish))
		}
		if publish[0].Status().Code != codes.Error {
			return fmt.Errorf("publish span status %v, want an error", publish[0].Status())
		}
		return nil
	})
	if n := len(spansNamed(rec, "outbox mark")); n != 0 {
		t.Errorf("%d mark spans, want none: nothing was acknowledged", n)
	}
}
