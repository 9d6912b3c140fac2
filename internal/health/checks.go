package health

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
)

// Postgres returns a check that pings the database through pool.
func Postgres(pool *pgxpool.Pool) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := pool.Ping(ctx); err != nil {
			return fmt.Errorf("pinging postgres: %w", err)
		}
		return nil
	}
}

// NATS returns a check that nc is connected and that the server answers a
// round trip in time; a connection that is merely marked connected may
// still be stuck behind a dead TCP peer.
func NATS(nc *nats.Conn) func(context.Context) error {
	return func(ctx context.Context) error {
		if status := nc.Status(); status != nats.CONNECTED {
			return fmt.Errorf("nats connection is %s", status)
		}
		// FlushWithContext insists on a deadline; Check always sets one,
		// this covers callers that use the check on its own.
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, checkTimeout)
			defer cancel()
		}
		if err := nc.FlushWithContext(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return errors.New("nats server did not answer in time")
			}
			return fmt.Errorf("flushing nats connection: %w", err)
		}
		return nil
	}
}
