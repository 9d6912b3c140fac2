package health

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Each check is a readiness series, 1 while it passes and 0 while it
// fails, so that an alert can watch what /readyz answers.
func TestReadinessMetric(t *testing.T) {
	t.Parallel()
	c := New()
	c.Add("postgres", func(context.Context) error { return errors.New("refused") })
	c.Add("nats", pass)
	reader := sdkmetric.NewManualReader()
	if err := c.RegisterMetrics(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok && m.Name == "meedoen.readiness" {
				for _, dp := range g.DataPoints {
					v, _ := dp.Attributes.Value("check")
					got[v.AsString()] = dp.Value
				}
			}
		}
	}
	if diff := cmp.Diff(map[string]int64{"postgres": 0, "nats": 1}, got); diff != "" {
		t.Errorf("meedoen.readiness (-want +got):\n%s", diff)
	}
}
