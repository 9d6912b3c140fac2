package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otlpWanted reports whether the environment names an OTLP endpoint for a
// signal ("TRACES" or "METRICS"). Without one there is nobody to send to,
// and an exporter would only log connection errors.
func otlpWanted(signal string) bool {
	for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT"} {
		if os.Getenv(name) != "" {
			return true
		}
	}
	return false
}

// newTracerProvider returns an SDK provider even when nothing is exported,
// so that spans have real ids for logs and for propagation to other
// services. Leaving out WithSampler lets the SDK honour OTEL_TRACES_SAMPLER;
// its default is parent-based always-on. extra processors see every span
// too.
func newTracerProvider(ctx context.Context, res *resource.Resource, extra []sdktrace.SpanProcessor) (*sdktrace.TracerProvider, error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	for _, sp := range extra {
		opts = append(opts, sdktrace.WithSpanProcessor(sp))
	}
	if otlpWanted("TRACES") {
		// The exporter reads endpoint, headers, TLS and timeout from the
		// standard OTEL_EXPORTER_OTLP_* variables; it connects lazily.
		exp, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating otlp trace exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

// newMeterProvider returns a provider read by a Prometheus exporter on reg
// and, when configured, pushed over OTLP as well. reg is private to this
// Telemetry so that several instances in one test binary do not collide.
func newMeterProvider(ctx context.Context, res *resource.Resource, reg *prometheus.Registry) (*sdkmetric.MeterProvider, error) {
	err := errors.Join(
		reg.Register(collectors.NewGoCollector()),
		reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})),
	)
	if err != nil {
		return nil, fmt.Errorf("registering runtime collectors: %w", err)
	}
	promExp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("creating prometheus exporter: %w", err)
	}
	opts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(promExp)}
	if otlpWanted("METRICS") {
		otlpExp, err := otlpmetricgrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating otlp metric exporter: %w", err)
		}
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(otlpExp)))
	}
	return sdkmetric.NewMeterProvider(opts...), nil
}
