package events

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	cloudevents "github.com/cloudevents/sdk-go/v2/event"
	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// ContentType is the datacontenttype of every event: protojson.
const ContentType = "application/json"

// Event is one domain event with its CloudEvents attributes.
type Event struct {
	// ID is a UUID (v7, so ids sort by creation time); it is also the
	// JetStream Nats-Msg-Id.
	ID string
	// Service is the emitting service, e.g. "councils".
	Service string
	// Tenant is the municipality code or region id the event belongs to.
	Tenant string
	// Name is the event's name within its service, e.g. "municipality.created".
	Name string
	// Type is the CloudEvents type, e.g. "nl.meedoen.councils.municipality-created".
	Type string
	// Source is the CloudEvents source, a URN naming the emitting service.
	Source string
	// Subject is the CloudEvents subject: the id of the thing the event is
	// about (never personal data).
	Subject string
	// Time is when the change happened.
	Time time.Time
	// Data is the protojson encoding of the payload.
	Data []byte
	// TraceParent and TraceState carry the W3C trace context of the change.
	TraceParent string
	TraceState  string

	// StreamSeq is the JetStream stream sequence of a consumed event.
	StreamSeq uint64
	// Deliveries counts how often JetStream has delivered a consumed event.
	Deliveries uint64
}

// NATSSubject is the subject the event is published on:
// meedoen.<service>.<tenant>.<name>.
func (e Event) NATSSubject() string {
	return SubjectPrefix + "." + e.Service + "." + e.Tenant + "." + e.Name
}

// Decode unmarshals the payload into msg, which must be the payload type the
// event's Type names.
func (e Event) Decode(msg proto.Message) error {
	kind, err := KindOf(msg)
	if err != nil {
		return err
	}
	if kind.Type != e.Type {
		return fmt.Errorf("decoding event %s: payload %s is for type %s, not %s", e.ID, msg.ProtoReflect().Descriptor().FullName(), kind.Type, e.Type)
	}
	if err := protojson.Unmarshal(e.Data, msg); err != nil {
		return fmt.Errorf("decoding event %s of type %s: %w", e.ID, e.Type, err)
	}
	return nil
}

// Context returns ctx carrying the event's trace context as the remote parent.
func (e Event) Context(ctx context.Context) context.Context {
	carrier := propagation.MapCarrier{"traceparent": e.TraceParent, "tracestate": e.TraceState}
	return propagation.TraceContext{}.Extract(ctx, carrier)
}

// Kind describes the event a payload message stands for.
type Kind struct {
	Service string // emitting service, from the .proto file name
	Name    string // e.g. "process.phase_changed"
	Type    string // CloudEvents type
}

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// KindOf derives the event kind of a payload message from its descriptor: the
// service is the declaring file's name (meedoen/events/v1/<service>.proto),
// the name is the message's event_name option, or, without it,
// "<first word>.<remaining words in snake case>" of the message name.
func KindOf(msg proto.Message) (Kind, error) {
	desc := msg.ProtoReflect().Descriptor()
	file := desc.ParentFile()
	if file.Package() != "meedoen.events.v1" {
		return Kind{}, fmt.Errorf("message %s is not an event payload (package %s)", desc.FullName(), file.Package())
	}
	service := strings.TrimSuffix(path.Base(file.Path()), ".proto")
	name := ""
	if opts := desc.Options(); opts != nil {
		name, _ = proto.GetExtension(opts, eventsv1.E_EventName).(string)
	}
	if name == "" {
		name = deriveName(desc.Name())
	}
	if !tokenPattern.MatchString(service) || !namePattern.MatchString(name) {
		return Kind{}, fmt.Errorf("message %s: invalid event service %q or name %q", desc.FullName(), service, name)
	}
	return Kind{Service: service, Name: name, Type: TypeOf(service, name)}, nil
}

// TypeOf is the CloudEvents type of the event name in service: reverse DNS,
// e.g. "nl.meedoen.councils.municipality-created".
func TypeOf(service, name string) string {
	return "nl.meedoen." + service + "." + typeReplacer.Replace(name)
}

var typeReplacer = strings.NewReplacer(".", "-", "_", "-")

func deriveName(msgName protoreflect.Name) string {
	var words []string
	var cur []rune
	for _, r := range string(msgName) {
		if unicode.IsUpper(r) && len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
		cur = append(cur, unicode.ToLower(r))
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return words[0] + "." + strings.Join(words[1:], "_")
}

// SourceURN is the CloudEvents source of a service's events. The NL GOV
// profile recommends a URN; without an OIN of our own we use the nld
// namespace with the system name.
func SourceURN(service string) string { return "urn:nld:meedoen:systeem:" + service }

// New builds an event for payload msg about subject (an id) in tenant, with
// the trace context of ctx. It validates the result against the CloudEvents
// specification.
func New(ctx context.Context, tenant, subject string, msg proto.Message) (Event, error) {
	kind, err := KindOf(msg)
	if err != nil {
		return Event{}, err
	}
	if !tokenPattern.MatchString(tenant) {
		return Event{}, fmt.Errorf("event %s: tenant %q is not a valid subject token", kind.Type, tenant)
	}
	data, err := protojson.Marshal(msg)
	if err != nil {
		return Event{}, fmt.Errorf("encoding %s: %w", kind.Type, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Event{}, fmt.Errorf("event id: %w", err)
	}
	ev := Event{
		ID:      id.String(),
		Service: kind.Service,
		Tenant:  tenant,
		Name:    kind.Name,
		Type:    kind.Type,
		Source:  SourceURN(kind.Service),
		Subject: subject,
		Time:    time.Now().UTC(),
		Data:    data,
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		carrier := propagation.MapCarrier{}
		propagation.TraceContext{}.Inject(ctx, carrier)
		ev.TraceParent = carrier.Get("traceparent")
		ev.TraceState = carrier.Get("tracestate")
	}
	if err := ev.validate(); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// validate checks the attributes with the CloudEvents SDK's rules.
func (e Event) validate() error {
	ce := cloudevents.New(cloudevents.CloudEventsVersionV1)
	ce.SetID(e.ID)
	ce.SetType(e.Type)
	ce.SetSource(e.Source)
	ce.SetSubject(e.Subject)
	ce.SetTime(e.Time)
	ce.SetDataContentType(ContentType)
	ce.DataEncoded = e.Data
	if err := ce.Validate(); err != nil {
		return fmt.Errorf("event %s: %w", e.Type, err)
	}
	return nil
}
