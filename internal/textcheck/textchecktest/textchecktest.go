// Package textchecktest judges, for tests, what reached a fake service:
// whether every string of a request is text the system can hold. It walks
// messages on its own, apart from the interceptor of internal/rpc, so that
// tests of that interceptor, and of the edges in front of it, have a
// judge that does not share their code.
package textchecktest

import (
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// OnlyText reports whether every string in req, a protobuf message (map
// keys included), is valid UTF-8 without NUL; anything else passes.
func OnlyText(req any) bool {
	m, ok := req.(proto.Message)
	return !ok || onlyText(m.ProtoReflect())
}

func onlyText(m protoreflect.Message) bool {
	ok := true
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			for i := range v.List().Len() {
				ok = ok && value(fd, v.List().Get(i))
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				ok = ok && value(fd.MapKey(), k.Value()) && value(fd.MapValue(), mv)
				return ok
			})
		default:
			ok = ok && value(fd, v)
		}
		return ok
	})
	return ok
}

func value(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
	switch fd.Kind() {
	case protoreflect.StringKind:
		s := v.String()
		return utf8.ValidString(s) && !strings.Contains(s, "\x00")
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return onlyText(v.Message())
	}
	return true
}
