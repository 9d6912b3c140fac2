package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// RecordPoolStats reports pool's statistics on mp at each collection, with
// the attribute pool=name: how often a connection was acquired and how
// often and how long callers waited for one because none was idle, and
// how many connections are in use, idle, being opened, and at most
// allowed. Waits that grow while connections in use sit at the maximum
// mean the pool is too small for the load (or queries too slow).
func RecordPoolStats(pool *pgxpool.Pool, name string, mp metric.MeterProvider) error {
	meter := mp.Meter("github.com/meedoen/meedoen/internal/pg")
	acquires, err := meter.Int64ObservableCounter("meedoen.db.pool.acquires",
		metric.WithDescription("Connections acquired from the pool."), metric.WithUnit("{acquire}"))
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	waits, err := meter.Int64ObservableCounter("meedoen.db.pool.waits",
		metric.WithDescription("Acquires that waited because no connection was idle."), metric.WithUnit("{acquire}"))
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	waitTime, err := meter.Float64ObservableCounter("meedoen.db.pool.wait_time",
		metric.WithDescription("Time acquires spent waiting because no connection was idle."), metric.WithUnit("s"))
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	conns, err := meter.Int64ObservableGauge("meedoen.db.pool.connections",
		metric.WithDescription("Connections of the pool by state: in_use, idle, constructing."), metric.WithUnit("{connection}"))
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	maxConns, err := meter.Int64ObservableGauge("meedoen.db.pool.max_connections",
		metric.WithDescription("Connections the pool may hold at most."), metric.WithUnit("{connection}"))
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	attr := attribute.String("pool", name)
	all := metric.WithAttributes(attr)
	inUse := metric.WithAttributes(attr, attribute.String("state", "in_use"))
	idle := metric.WithAttributes(attr, attribute.String("state", "idle"))
	constructing := metric.WithAttributes(attr, attribute.String("state", "constructing"))
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := pool.Stat()
		o.ObserveInt64(acquires, st.AcquireCount(), all)
		o.ObserveInt64(waits, st.EmptyAcquireCount(), all)
		o.ObserveFloat64(waitTime, st.EmptyAcquireWaitTime().Seconds(), all)
		o.ObserveInt64(conns, int64(st.AcquiredConns()), inUse)
		o.ObserveInt64(conns, int64(st.IdleConns()), idle)
		o.ObserveInt64(conns, int64(st.ConstructingConns()), constructing)
		o.ObserveInt64(maxConns, int64(st.MaxConns()), all)
		return nil
	}, acquires, waits, waitTime, conns, maxConns)
	if err != nil {
		return fmt.Errorf("pool metric: %w", err)
	}
	return nil
}
