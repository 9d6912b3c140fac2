// Package eventsv1 holds the generated event payload messages that services
// publish on NATS JetStream, one .proto file per emitting service. The
// conventions they follow are in the comment at the top of councils.proto.
package eventsv1
