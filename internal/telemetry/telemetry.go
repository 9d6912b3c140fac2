// Package telemetry sets up logs, traces and metrics for one process: a
// log/slog logger that carries trace ids, an OpenTelemetry tracer provider
// that exports over OTLP when asked to, and a meter provider read by
// Prometheus on /metrics. It sets no globals unless the binary calls
// SetGlobal, so tests may build as many instances as they like.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Config says who is reporting and how to log.
type Config struct {
	// ServiceName becomes the service.name resource attribute.
	ServiceName string
	// ServiceVersion becomes the service.version resource attribute.
	ServiceVersion string
	// Instance becomes service.instance.id, e.g. a host or pod name.
	Instance string
	// LogLevel is the least severe level that is written.
	LogLevel slog.Level
	// LogFormat is "json" (the default when empty) or "text".
	LogFormat string
	// SpanProcessors receive every span besides the OTLP exporter, if
	// any: a test's recorder, say, that checks what spans carry.
	SpanProcessors []sdktrace.SpanProcessor
}

// Telemetry holds the providers of one process. Its fields are ready to use
// after Setup and until Shutdown.
type Telemetry struct {
	// Logger writes structured logs with trace_id and span_id when the
	// context carries a valid span.
	Logger *slog.Logger
	// TracerProvider creates tracers; spans always get ids, whether or not
	// they are exported.
	TracerProvider trace.TracerProvider
	// MeterProvider creates meters whose instruments appear on /metrics.
	MeterProvider metric.MeterProvider
	// Propagator carries W3C trace context and baggage across processes.
	Propagator propagation.TextMapPropagator

	registry     *prometheus.Registry
	shutdowns    []func(context.Context) error
	shutdownOnce sync.Once
	shutdownErr  error
}

// Setup builds the logger and the providers described by cfg, writing logs
// to stderr. OTLP export is switched on by the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ and _METRICS_ variants)
// environment variables, and sampling follows OTEL_TRACES_SAMPLER, so that
// operators configure telemetry the way they do for any other OpenTelemetry
// program. Call Shutdown to flush and stop the exporters.
func Setup(ctx context.Context, cfg Config, stderr io.Writer) (*Telemetry, error) {
	handler, err := newHandler(cfg, stderr)
	if err != nil {
		return nil, err
	}
	res, err := newResource(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("describing resource: %w", err)
	}

	t := &Telemetry{
		Logger:     slog.New(LogHandler(handler)),
		Propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		registry:   prometheus.NewRegistry(),
	}
	tp, err := newTracerProvider(ctx, res, cfg.SpanProcessors)
	if err != nil {
		return nil, err
	}
	t.TracerProvider = tp
	t.shutdowns = append(t.shutdowns, tp.Shutdown)

	mp, err := newMeterProvider(ctx, res, t.registry)
	if err != nil {
		// The tracer provider may already hold an exporter connection.
		return nil, errors.Join(err, tp.Shutdown(ctx))
	}
	t.MeterProvider = mp
	t.shutdowns = append(t.shutdowns, mp.Shutdown)
	return t, nil
}

// newHandler returns the slog handler for cfg's log format.
func newHandler(cfg Config, w io.Writer) (slog.Handler, error) {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	switch cfg.LogFormat {
	case "", "json":
		return slog.NewJSONHandler(w, opts), nil
	case "text":
		return slog.NewTextHandler(w, opts), nil
	default:
		return nil, fmt.Errorf("unknown log format %q: want json or text", cfg.LogFormat)
	}
}

// newResource describes this process. Attributes from cfg win over those
// from OTEL_RESOURCE_ATTRIBUTES because the binary knows best who it is; an
// empty cfg field leaves the environment's value in place.
func newResource(ctx context.Context, cfg Config) (*resource.Resource, error) {
	var attrs []attribute.KeyValue
	if cfg.ServiceName != "" {
		attrs = append(attrs, semconv.ServiceName(cfg.ServiceName))
	}
	if cfg.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(cfg.ServiceVersion))
	}
	if cfg.Instance != "" {
		attrs = append(attrs, semconv.ServiceInstanceID(cfg.Instance))
	}
	return resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
		resource.WithAttributes(attrs...),
	)
}

// InstanceID names this process among the replicas of its service, for
// service.instance.id: the pod or host name (HOSTNAME, which Kubernetes
// sets to the pod's name, else the kernel's host name) and the process id,
// so that two processes on one host differ too.
func InstanceID() string {
	host := os.Getenv("HOSTNAME")
	if host == "" {
		host, _ = os.Hostname()
	}
	if host == "" {
		host = "unknown"
	}
	return host + "-" + strconv.Itoa(os.Getpid())
}

// MetricsHandler serves every instrument of MeterProvider, plus the Go
// runtime and process collectors, in the Prometheus text format.
func (t *Telemetry) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{})
}

// SetGlobal installs the providers, the propagator and the logger as the
// process-wide defaults of OpenTelemetry and log/slog, and routes
// OpenTelemetry's internal errors (such as failed exports) to the logger.
// Only a binary's main should call it, once; libraries and tests use the
// fields directly.
func (t *Telemetry) SetGlobal() {
	otel.SetTracerProvider(t.TracerProvider)
	otel.SetMeterProvider(t.MeterProvider)
	otel.SetTextMapPropagator(t.Propagator)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		t.Logger.Warn("opentelemetry", "error", err)
	}))
	slog.SetDefault(t.Logger)
}

// Shutdown flushes pending spans and metrics and stops the exporters. It is
// safe to call more than once; later calls return the first call's result.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		var errs []error
		for _, shutdown := range t.shutdowns {
			errs = append(errs, shutdown(ctx))
		}
		if err := errors.Join(errs...); err != nil {
			t.shutdownErr = fmt.Errorf("shutting down telemetry: %w", err)
		}
	})
	return t.shutdownErr
}
