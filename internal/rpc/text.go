package rpc

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/textcheck"
)

// Every request a service receives, and every request a client made by
// Dial sends, is refused with InvalidArgument when one of its strings is
// text the system cannot hold (package textcheck): before the guard and
// the handler run, so nothing is read or written, and whoever calls,
// through the gateway or not. The gateway refuses such input at HTTP
// already; this is the line for callers that skip it (other gRPC clients,
// the web pages' calls) and the one place a new service cannot forget.
//
// A client refuses too because protobuf cannot marshal a string that is
// not UTF-8: the call would fail as an Internal error before it left the
// process. A server can only see NUL this way over the network, since
// protobuf refuses invalid UTF-8 while decoding (grpc-go answers that
// Internal before any interceptor runs); through the in-process channel,
// which copies messages without encoding them, it sees both.

// maxTextViolations bounds how many bad strings one refusal names: enough
// to fix a form in one go, few enough that a hostile request cannot make
// the status larger than a trailer may be.
const maxTextViolations = 20

// textViolations returns a violation for every string in m (nested
// messages, lists, oneofs, map keys and values) that cannot be stored as
// text, sorted by path; at most maxTextViolations. A path is a JSON pointer
// over the request message with the JSON names protojson writes, so a
// gRPC caller finds the field where it put it: "/poll/title/nl",
// "/answers/q1/text", "/invitees/0/municipalityCode". A map key that is
// bad itself is named by its member, made printable.
func textViolations(m protoreflect.Message) errs.Violations {
	w := textWalker{}
	w.path = w.stack[:0]
	w.message(m)
	slices.SortFunc(w.found, func(a, b errs.Field) int { return strings.Compare(a.Path, b.Path) })
	return w.found
}

// textWalker walks a message. It keeps the path as a stack of tokens and
// spells it out only for a violation, so that a clean request, the
// common case on the busiest call, costs next to no allocations.
type textWalker struct {
	path  []string
	stack [16]string // path's first backing array
	found errs.Violations
}

// full reports whether the walk found as many violations as it reports.
func (w *textWalker) full() bool { return len(w.found) >= maxTextViolations }

func (w *textWalker) check(s string) {
	if reason := textcheck.Problem(s); reason != "" && !w.full() {
		w.found.Add(w.pointer(), reason)
	}
}

// pointer spells the current path as a JSON pointer (RFC 6901).
func (w *textWalker) pointer() string {
	var b strings.Builder
	for _, tok := range w.path {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// message walks the populated fields of m. It goes by the descriptor
// rather than m.Range, whose callback would cost an allocation per
// message; extensions, which no request of ours has, are not walked.
func (w *textWalker) message(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !m.Has(fd) || w.full() {
			continue
		}
		switch fd.Kind() {
		case protoreflect.StringKind, protoreflect.MessageKind, protoreflect.GroupKind:
		default:
			if !fd.IsMap() {
				continue // nothing to check, not worth a Get
			}
		}
		w.path = append(w.path, fd.JSONName())
		v := m.Get(fd)
		switch {
		case fd.IsMap():
			w.mapEntries(fd, v.Map())
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				w.path = append(w.path, strconv.Itoa(i))
				w.value(fd, l.Get(i))
				w.path = w.path[:len(w.path)-1]
			}
		default:
			w.value(fd, v)
		}
		w.path = w.path[:len(w.path)-1]
	}
}

func (w *textWalker) mapEntries(fd protoreflect.FieldDescriptor, m protoreflect.Map) {
	stringKeys := fd.MapKey().Kind() == protoreflect.StringKind
	vd := fd.MapValue()
	switch vd.Kind() {
	case protoreflect.StringKind, protoreflect.MessageKind, protoreflect.GroupKind:
	default:
		if !stringKeys {
			return
		}
	}
	m.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		key := k.String()
		w.path = append(w.path, textcheck.Printable(key))
		if stringKeys {
			w.check(key)
		}
		w.value(vd, v)
		w.path = w.path[:len(w.path)-1]
		return !w.full()
	})
}

// value checks one value of field fd; bytes are not text and pass.
func (w *textWalker) value(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		w.check(v.String())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		w.message(v.Message())
	}
}

// checkText returns an errs.Invalid error naming every string of req that
// cannot be stored, or nil; req that is no protobuf message passes.
func checkText(req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	return textViolations(m.ProtoReflect()).Err()
}

// textUnary refuses a unary request holding bad text; the mapper outside
// it turns the refusal into InvalidArgument with its field violations.
func textUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := checkText(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// textStream refuses each streamed request message holding bad text.
func textStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &checkedServerStream{ServerStream: ss})
}

type checkedServerStream struct{ grpc.ServerStream }

func (s *checkedServerStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return checkText(m)
}

// textClientUnary refuses to send a request holding bad text.
func textClientUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if err := checkText(req); err != nil {
		return clientStatus(err)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// textClientStream refuses to send a stream message holding bad text. The
// stream is opened before the first message is known, so a refusal
// cancels it: nothing else would end a stream that never got its request.
func textClientStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, cancel := context.WithCancel(ctx)
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &checkedClientStream{ClientStream: cs, cancel: cancel}, nil
}

type checkedClientStream struct {
	grpc.ClientStream
	cancel context.CancelFunc
}

func (s *checkedClientStream) SendMsg(m any) error {
	if err := checkText(m); err != nil {
		s.cancel()
		return clientStatus(err)
	}
	return s.ClientStream.SendMsg(m)
}

// RecvMsg releases the stream's context once the stream has ended.
func (s *checkedClientStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		s.cancel()
	}
	return err
}

// clientStatus gives a client's own refusal the status a server would
// have answered with.
func clientStatus(err error) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	return domainStatus(codes.InvalidArgument, e)
}
