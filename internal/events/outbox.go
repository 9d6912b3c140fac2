package events

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Enqueue writes events to the outbox of the schema tx works in. Call it in
// the transaction that makes the change the events describe.
func Enqueue(ctx context.Context, tx pgx.Tx, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	const q = `INSERT INTO outbox (event_id, subject, ce_subject, ce_time, data, traceparent, tracestate)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
	if len(evs) == 1 {
		e := evs[0]
		if _, err := tx.Exec(ctx, q, e.ID, e.NATSSubject(), e.Subject, e.Time, e.Data, e.TraceParent, e.TraceState); err != nil {
			return fmt.Errorf("enqueueing %s: %w", e.Type, err)
		}
		return nil
	}
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = []any{e.ID, e.NATSSubject(), e.Subject, e.Time, e.Data, e.TraceParent, e.TraceState}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"outbox"},
		[]string{"event_id", "subject", "ce_subject", "ce_time", "data", "traceparent", "tracestate"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("enqueueing %d events: %w", len(evs), err)
	}
	return nil
}
