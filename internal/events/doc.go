// Package events carries domain events between services over NATS JetStream.
//
// A service never publishes directly. It writes events to its outbox table in
// the same PostgreSQL transaction as the state change (Enqueue); a Relay
// publishes the outbox in commit order and marks rows published once
// JetStream has acknowledged them. Consumers apply each event at most once:
// the event id (or, for ordered projections, the stream sequence) is recorded
// in the same transaction as the effect, and the message is acknowledged only
// after that transaction commits. Messages that keep failing go to a
// dead-letter subject.
//
// On the wire an event is a CloudEvent in binary content mode: attributes as
// ce- headers, the protojson payload as the message body, W3C trace context in
// traceparent/tracestate, and Nats-Msg-Id set to the event id so JetStream
// drops duplicates within its window.
package events
