package events

import (
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Binary-mode CloudEvents attributes as NATS headers (CloudEvents NATS
// protocol binding: the attribute name with a "ce-" prefix).
const (
	hdrSpecVersion = "ce-specversion"
	hdrID          = "ce-id"
	hdrType        = "ce-type"
	hdrSource      = "ce-source"
	hdrSubject     = "ce-subject"
	hdrTime        = "ce-time"
	hdrContentType = "content-type"
	hdrTraceParent = "traceparent"
	hdrTraceState  = "tracestate"
	hdrMsgID       = "Nats-Msg-Id"
)

// SubjectPrefix starts every event subject.
const SubjectPrefix = "meedoen"

// Msg encodes e as a NATS message in CloudEvents binary content mode.
func (e Event) Msg() *nats.Msg {
	m := &nats.Msg{Subject: e.NATSSubject(), Data: e.Data, Header: make(nats.Header, 10)}
	// Header keys are set directly, not through Header.Set, which would
	// canonicalise them MIME-style; CloudEvents names are lower case.
	m.Header[hdrSpecVersion] = []string{"1.0"}
	m.Header[hdrID] = []string{e.ID}
	m.Header[hdrType] = []string{e.Type}
	m.Header[hdrSource] = []string{e.Source}
	if e.Subject != "" {
		m.Header[hdrSubject] = []string{e.Subject}
	}
	m.Header[hdrTime] = []string{e.Time.UTC().Format(time.RFC3339Nano)}
	m.Header[hdrContentType] = []string{ContentType}
	if e.TraceParent != "" {
		m.Header[hdrTraceParent] = []string{e.TraceParent}
		if e.TraceState != "" {
			m.Header[hdrTraceState] = []string{e.TraceState}
		}
	}
	m.Header[hdrMsgID] = []string{e.ID}
	return m
}

// header looks a key up case-insensitively: NATS headers are case-sensitive
// maps and other publishers (and the nats.go Header.Set helper) may use
// another case, e.g. "Traceparent" (see nats.go issue 1968).
func header(h nats.Header, key string) string {
	if v, ok := h[key]; ok && len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, key) {
			return v[0]
		}
	}
	return ""
}

// FromMsg decodes an event from a NATS message in binary content mode.
func FromMsg(subject string, h nats.Header, data []byte) (Event, error) {
	e := Event{
		ID:          header(h, hdrID),
		Type:        header(h, hdrType),
		Source:      header(h, hdrSource),
		Subject:     header(h, hdrSubject),
		Data:        data,
		TraceParent: header(h, hdrTraceParent),
		TraceState:  header(h, hdrTraceState),
	}
	if v := header(h, hdrSpecVersion); v != "1.0" {
		return Event{}, fmt.Errorf("message on %s: unsupported ce-specversion %q", subject, v)
	}
	if ct := header(h, hdrContentType); ct != "" && ct != ContentType {
		return Event{}, fmt.Errorf("message on %s: unsupported content type %q", subject, ct)
	}
	t, err := time.Parse(time.RFC3339Nano, header(h, hdrTime))
	if err != nil {
		return Event{}, fmt.Errorf("message on %s: ce-time: %w", subject, err)
	}
	e.Time = t
	parts := strings.SplitN(subject, ".", 4)
	if len(parts) != 4 || parts[0] != SubjectPrefix {
		return Event{}, fmt.Errorf("message on %s: not an event subject", subject)
	}
	e.Service, e.Tenant, e.Name = parts[1], parts[2], parts[3]
	if err := e.validate(); err != nil {
		return Event{}, fmt.Errorf("message on %s: %w", subject, err)
	}
	return e, nil
}
