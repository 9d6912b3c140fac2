package health

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// RegisterMetrics reports the checks on mp at each collection, as the gauge
// meedoen.readiness: 1 for a check that passes, 0 for one that fails, with
// the attribute check naming it. An alert on it sees what /readyz sees,
// from Prometheus, without the orchestrator.
func (c *Checker) RegisterMetrics(mp metric.MeterProvider) error {
	meter := mp.Meter("github.com/meedoen/meedoen/internal/health")
	ready, err := meter.Int64ObservableGauge("meedoen.readiness",
		metric.WithDescription("Whether a readiness check passes (1) or fails (0)."))
	if err != nil {
		return fmt.Errorf("readiness metric: %w", err)
	}
	_, err = meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		for name, err := range c.Check(ctx) {
			v := int64(1)
			if err != nil {
				v = 0
			}
			o.ObserveInt64(ready, v, metric.WithAttributes(attribute.String("check", name)))
		}
		return nil
	}, ready)
	if err != nil {
		return fmt.Errorf("readiness metric: %w", err)
	}
	return nil
}
