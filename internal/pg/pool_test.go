package pg_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestConnectScopesSessionsToSchema(t *testing.T) {
	t.Parallel()
	db := testkit.NewDatabase(t, testkit.Schema{Name: "surveys", Sets: []pg.MigrationSet{serviceSet}})
	pool := testkit.NewPool(t, db, "surveys")

	type session struct{ Schema, Application string }
	var got session
	if err := pool.QueryRow(t.Context(), "SELECT current_schema(), current_setting('application_name')").Scan(&got.Schema, &got.Application); err != nil {
		t.Fatal(err)
	}
	want := session{Schema: "surveys", Application: "meedoen-surveys"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("session settings (-want +got):\n%s", diff)
	}
	// Unqualified names resolve in the schema.
	if _, err := pool.Exec(t.Context(), "SELECT count(*) FROM polls"); err != nil {
		t.Errorf("unqualified query: %v", err)
	}
}

func TestConnectFailsForUnreachableServer(t *testing.T) {
	t.Parallel()
	if pool, err := pg.Connect(t.Context(), "postgres://meedoen@127.0.0.1:1/none?connect_timeout=1", "surveys"); err == nil {
		pool.Close()
		t.Fatal("Connect() = nil error, want one")
	}
}

// The pool's use shows in the metrics: acquires, connections in use and
// the maximum, per pool.
func TestRecordPoolStats(t *testing.T) {
	t.Parallel()
	db := testkit.NewDatabase(t, testkit.Schema{Name: "surveys", Sets: []pg.MigrationSet{serviceSet}})
	pool := testkit.NewPool(t, db, "surveys")
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	if err := pg.RecordPoolStats(pool, "surveys", mp); err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			var points []metricdata.DataPoint[int64]
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				points = data.DataPoints
			case metricdata.Gauge[int64]:
				points = data.DataPoints
			}
			for _, dp := range points {
				if p, _ := dp.Attributes.Value("pool"); p.AsString() != "surveys" {
					continue
				}
				key := m.Name
				if s, ok := dp.Attributes.Value("state"); ok {
					key += "/" + s.AsString()
				}
				got[key] = dp.Value
			}
		}
	}
	if got["meedoen.db.pool.acquires"] < 1 || got["meedoen.db.pool.connections/in_use"] != 1 || got["meedoen.db.pool.max_connections"] != int64(pool.Config().MaxConns) {
		t.Errorf("pool metrics = %v, want at least 1 acquire, 1 in use and the configured maximum", got)
	}
	if _, ok := got["meedoen.db.pool.waits"]; !ok {
		t.Errorf("pool metrics = %v, want the waits counted", got)
	}
}
