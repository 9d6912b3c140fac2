package events

import (
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueEnqueue queues on b one statement that writes evs to the outbox of
// the schema b is sent in, so that the events travel in the round trip that
// sends b's other statements. Send b in the transaction that makes the
// change the events describe; its result is the statement's command tag.
// It queues nothing for no events.
func QueueEnqueue(b *pgx.Batch, evs ...Event) {
	if len(evs) == 0 {
		return
	}
	var (
		ids, subjects, ceSubjects, parents, states = make([]string, len(evs)), make([]string, len(evs)),
			make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
		times = make([]time.Time, len(evs))
		data  = make([][]byte, len(evs))
	)
	for i, e := range evs {
		ids[i], subjects[i], ceSubjects[i], times[i], data[i] = e.ID, e.NATSSubject(), e.Subject, e.Time, e.Data
		parents[i], states[i] = e.TraceParent, e.TraceState
	}
	// One statement whatever the number of events: the outbox trigger
	// notifies the relay once, and PostgreSQL parses one plan.
	b.Queue(`INSERT INTO outbox (event_id, subject, ce_subject, ce_time, data, traceparent, tracestate)
SELECT * FROM unnest($1::text[]::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::bytea[], $6::text[], $7::text[])`,
		ids, subjects, ceSubjects, times, data, parents, states)
}
