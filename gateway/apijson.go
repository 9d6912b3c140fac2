package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/meedoen/meedoen/gateway/apienum"
)

// apiJSON is the API's JSON: protojson, as grpc-gateway's JSONPb writes
// and reads it, except where protojson spells things for gRPC's sake
// rather than for people (docs/api.md, "JSON"):
//
//   - an enum value is its lower-case name without its type's prefix
//     ("solicited", not "ORIGIN_SOLICITED"; package apienum), both ways,
//     and a value that is not set (the *_UNSPECIFIED zero) is null;
//   - a 64-bit integer is a JSON number, not a string: protojson quotes
//     them because JavaScript loses precision above 2^53, which no count
//     in this API comes near.
//
// Every member is written, unset ones included (EmitUnpopulated): an
// object, a time or an enum without a value as null, other members as
// their zero value. The rewriting walks the JSON together with the
// message's descriptor, so it needs no list of fields and covers new
// messages by itself.
type apiJSON struct {
	runtime.JSONPb
}

func newAPIJSON() *apiJSON {
	return &apiJSON{runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{UseProtoNames: false, EmitUnpopulated: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
}

// Marshal writes v, a message, in the API's JSON.
func (m *apiJSON) Marshal(v any) ([]byte, error) {
	msg, ok := v.(proto.Message)
	if !ok {
		return m.JSONPb.Marshal(v)
	}
	b, err := m.MarshalOptions.Marshal(msg)
	if err != nil {
		return nil, err
	}
	return transcode(b, msg.ProtoReflect().Descriptor(), toAPI)
}

// NewEncoder returns an encoder that writes messages in the API's JSON.
func (m *apiJSON) NewEncoder(w io.Writer) runtime.Encoder {
	return runtime.EncoderFunc(func(v any) error {
		b, err := m.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		_, err = w.Write(m.Delimiter())
		return err
	})
}

// Unmarshal reads data, in the API's JSON, into v.
func (m *apiJSON) Unmarshal(data []byte, v any) error {
	md, ok := descriptorOf(v)
	if !ok {
		return m.JSONPb.Unmarshal(data, v)
	}
	proto, err := transcode(data, md, fromAPI)
	if err != nil {
		return err
	}
	if err := m.JSONPb.Unmarshal(proto, v); err != nil {
		return located(err, proto)
	}
	return nil
}

// NewDecoder returns a decoder that reads the API's JSON.
func (m *apiJSON) NewDecoder(r io.Reader) runtime.Decoder {
	dec := json.NewDecoder(r)
	return runtime.DecoderFunc(func(v any) error {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		return m.Unmarshal(raw, v)
	})
}

// descriptorOf returns the descriptor of the message v is, or points to
// (grpc-gateway decodes a body field into **Poll).
func descriptorOf(v any) (protoreflect.MessageDescriptor, bool) {
	if msg, ok := v.(proto.Message); ok {
		return msg.ProtoReflect().Descriptor(), true
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return nil, false
	}
	if msg, ok := reflect.Zero(t.Elem()).Interface().(proto.Message); ok {
		return msg.ProtoReflect().Descriptor(), true
	}
	return nil, false
}

// bodyError is a request body refused at one member, named by JSON
// pointer. grpc-gateway hands decoding errors on as the message of an
// InvalidArgument status, so it travels as text that decodeProblem reads
// back (bodyErrorPattern).
type bodyError struct {
	pointer, reason string
}

func (e *bodyError) Error() string {
	return "request body member " + strconv.Quote(e.pointer) + ": " + e.reason
}

var bodyErrorPattern = regexp.MustCompile(`^request body member ("(?:[^"\\]|\\.)*"): (.*)$`)

// protojsonPosition matches protojson's errors that say where they
// happened. Their prefix holds a space or, to discourage such matching, a
// no-break space.
var protojsonPosition = regexp.MustCompile(`^proto:[ \x{00a0}](?:syntax error )?\(line (\d+):(\d+)\): (.*)$`)

// located turns a protojson error about doc, which says where it happened
// by line and column, into a bodyError naming the member by JSON pointer.
// doc is the rewritten body, whose lines and columns the client never
// saw; the pointer is the same in both.
func located(err error, doc []byte) error {
	m := protojsonPosition.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	return &bodyError{pointer: pointerAt(doc, offsetAt(doc, line, col)), reason: m[3]}
}

// direction says which way transcode rewrites.
type direction bool

const (
	toAPI   direction = true  // from protojson to the API's JSON
	fromAPI direction = false // from the API's JSON to protojson
)

// transcode rewrites doc, a JSON document of a message md, from protojson
// to the API's JSON or back. It keeps the members' order and everything
// it does not rewrite; members md does not know are copied, for protojson
// to refuse. Going from the API, an enum value the API does not spell is
// a bodyError.
func transcode(doc []byte, md protoreflect.MessageDescriptor, dir direction) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	t := &transcoder{dec: dec, dir: dir, out: make([]byte, 0, len(doc)+len(doc)/8)}
	if err := t.value(shape{msg: md}, ""); err != nil {
		return nil, err
	}
	return t.out, nil
}

type transcoder struct {
	dec *json.Decoder
	dir direction
	out []byte
}

// shape is what a JSON value stands for: a message (an object of its
// fields), a map (an object of values of one shape), an enum value, a
// 64-bit integer, or anything else (copied).
type shape struct {
	msg      protoreflect.MessageDescriptor
	mapValue *shape
	enum     protoreflect.EnumDescriptor
	int64    bool
}

// fieldShape returns the shape of field fd's value, or of each of its
// elements when it is a list.
func fieldShape(fd protoreflect.FieldDescriptor) shape {
	if fd.IsMap() {
		v := fieldShape(fd.MapValue())
		return shape{mapValue: &v}
	}
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if fd.Enum().FullName() == "google.protobuf.NullValue" {
			return shape{}
		}
		return shape{enum: fd.Enum()}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if strings.HasPrefix(string(fd.Message().FullName()), "google.protobuf.") {
			// Well-known types have JSON forms of their own (a
			// Timestamp is a string); nothing in them is rewritten.
			return shape{}
		}
		return shape{msg: fd.Message()}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return shape{int64: true}
	}
	return shape{}
}

// value rewrites one JSON value of shape s at pointer ptr.
func (t *transcoder) value(s shape, ptr string) error {
	tok, err := t.dec.Token()
	if err != nil {
		return err
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return t.array(s, ptr)
		}
		return t.object(s, ptr)
	case string:
		switch {
		case s.enum != nil:
			return t.enumValue(s.enum, tok, ptr)
		case s.int64 && t.dir == toAPI:
			if _, err := strconv.ParseInt(tok, 10, 64); err == nil {
				t.out = append(t.out, tok...)
				return nil
			}
			if _, err := strconv.ParseUint(tok, 10, 64); err == nil {
				t.out = append(t.out, tok...)
				return nil
			}
		}
		t.out = appendString(t.out, tok)
	case json.Number:
		if s.enum != nil && t.dir == fromAPI {
			return &bodyError{pointer: ptr, reason: "must be " + enumChoices(s.enum)}
		}
		t.out = append(t.out, tok...)
	case bool:
		t.out = strconv.AppendBool(t.out, tok)
	case nil:
		t.out = append(t.out, "null"...)
	}
	return nil
}

// array rewrites the elements of an array, each of shape s (a repeated
// field's elements have the field's shape).
func (t *transcoder) array(s shape, ptr string) error {
	t.out = append(t.out, '[')
	for i := 0; t.dec.More(); i++ {
		if i > 0 {
			t.out = append(t.out, ',')
		}
		if err := t.value(s, ptr+"/"+strconv.Itoa(i)); err != nil {
			return err
		}
	}
	if _, err := t.dec.Token(); err != nil { // ]
		return err
	}
	t.out = append(t.out, ']')
	return nil
}

// object rewrites an object: a message's fields, a map's values, or
// whatever it holds.
func (t *transcoder) object(s shape, ptr string) error {
	t.out = append(t.out, '{')
	for i := 0; t.dec.More(); i++ {
		tok, err := t.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if i > 0 {
			t.out = append(t.out, ',')
		}
		t.out = appendString(t.out, key)
		t.out = append(t.out, ':')
		var member shape // anything else's: copied
		switch {
		case s.mapValue != nil:
			member = *s.mapValue
		case s.msg != nil:
			fields := s.msg.Fields()
			// protojson reads a field by its JSON name and by its proto
			// name.
			fd := fields.ByJSONName(key)
			if fd == nil {
				fd = fields.ByTextName(key)
			}
			if fd != nil {
				member = fieldShape(fd)
			}
		}
		if err := t.value(member, ptr+"/"+escapePointer(key)); err != nil {
			return err
		}
	}
	if _, err := t.dec.Token(); err != nil { // }
		return err
	}
	t.out = append(t.out, '}')
	return nil
}

// enumValue rewrites one value of enum e.
func (t *transcoder) enumValue(e protoreflect.EnumDescriptor, v, ptr string) error {
	sp := spellingOf(e)
	if t.dir == toAPI {
		name, ok := sp.api[protoreflect.Name(v)]
		switch {
		case !ok:
			// A number protojson wrote for a value this build does
			// not know; left as it is.
			t.out = appendString(t.out, v)
		case name == "":
			t.out = append(t.out, "null"...)
		default:
			t.out = appendString(t.out, name)
		}
		return nil
	}
	name, ok := sp.proto[v]
	if !ok {
		return &bodyError{pointer: ptr, reason: "must be " + sp.choices}
	}
	t.out = appendString(t.out, string(name))
	return nil
}

// spelling is how the API spells an enum's values.
type spelling struct {
	// api is the API's name of each value by its proto name; "" for the
	// zero value, which is null.
	api map[protoreflect.Name]string
	// proto is the proto name of each value the API spells.
	proto map[string]protoreflect.Name
	// choices lists the API's values for error messages.
	choices string
}

var spellings sync.Map // protoreflect.FullName → *spelling

func spellingOf(e protoreflect.EnumDescriptor) *spelling {
	if sp, ok := spellings.Load(e.FullName()); ok {
		return sp.(*spelling)
	}
	sp := &spelling{api: map[protoreflect.Name]string{}, proto: map[string]protoreflect.Name{}}
	var names []string
	for i := range e.Values().Len() {
		v := e.Values().Get(i)
		if v.Number() == 0 {
			sp.api[v.Name()] = ""
			continue
		}
		name, err := apienum.Name(string(e.Name()), string(v.Name()))
		if err != nil {
			// apienum's tests keep every enum of the protos spellable;
			// one that is not falls back to its lower-case full name.
			name = strings.ToLower(string(v.Name()))
		}
		sp.api[v.Name()] = name
		sp.proto[name] = v.Name()
		names = append(names, name)
	}
	sp.choices = choiceList(names)
	actual, _ := spellings.LoadOrStore(e.FullName(), sp)
	return actual.(*spelling)
}

func enumChoices(e protoreflect.EnumDescriptor) string { return spellingOf(e).choices }

// choiceList says "one of a, b or c" for names.
func choiceList(names []string) string {
	switch len(names) {
	case 0:
		return "left out"
	case 1:
		return names[0]
	}
	return "one of " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// appendString appends s as a JSON string, escaping only what JSON
// requires (protojson leaves <, > and & as they are, and so does this).
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, fmt.Sprintf(`\u%04x`, c)...)
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
