package gateway

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/meedoen/meedoen/internal/cursor"
)

// useQueryParser makes grpc-gateway read every query with queryParser.
// Its parser is one package variable for the whole process, which the
// SetQueryParameterParser option of a mux sets; setting it with every
// gateway (tests make many) would race with the muxes already serving, so
// it is set once, before the first gateway's mux exists.
var useQueryParser = sync.OnceFunc(func() {
	runtime.NewServeMux(runtime.SetQueryParameterParser(&queryParser{}))
})

// queryParser reads query parameters as grpc-gateway's default parser
// does, in the API's spelling (apijson.go): an enum's values as the API
// spells them ("status=draft"), not as protobuf names them. It is also
// where every list's limit is checked, once for all lists: a list request
// is a message with an int32 limit and a string cursor, and over REST a
// limit that is given must be 1 to cursor.MaxLimit. (Over gRPC, proto3
// cannot tell 0 from no limit, so the services take 0 as the default.)
type queryParser struct{ runtime.DefaultQueryParser }

// Parse populates msg from values. Its errors read like grpc-gateway's
// (`parsing field "limit": …`), which decodeProblem turns into a problem
// naming the parameter.
func (p *queryParser) Parse(msg proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	md := msg.ProtoReflect().Descriptor()
	spelled := make(url.Values, len(values))
	for key, vs := range values {
		fd := queryField(md, key)
		switch {
		case fd == nil:
		case fd.Kind() == protoreflect.EnumKind:
			sp := spellingOf(fd.Enum())
			names := make([]string, 0, len(vs))
			for _, v := range vs {
				name, ok := sp.proto[v]
				if !ok {
					return fmt.Errorf("parsing field %q: must be %s", key, sp.choices)
				}
				names = append(names, string(name))
			}
			vs = names
		case isLimit(md, fd):
			for _, v := range vs {
				if n, err := strconv.ParseInt(v, 10, 32); err != nil || !cursor.ValidLimit(int32(n)) {
					return fmt.Errorf("parsing field %q: %s", key, cursor.LimitReason)
				}
			}
		}
		spelled[key] = vs
	}
	return p.DefaultQueryParser.Parse(msg, spelled, filter)
}

// queryField returns the field a query key names, by JSON or proto name,
// dotted for fields of nested messages as grpc-gateway reads them; nil if
// none does.
func queryField(md protoreflect.MessageDescriptor, key string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for i, name := range strings.Split(key, ".") {
		if i > 0 {
			if fd.Message() == nil || fd.IsList() || fd.IsMap() {
				return nil
			}
			md = fd.Message()
		}
		fd = md.Fields().ByTextName(name)
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return nil
		}
	}
	return fd
}

// isLimit reports whether fd is the page size of a list request md.
func isLimit(md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor) bool {
	c := md.Fields().ByName("cursor")
	return fd.Name() == "limit" && fd.Kind() == protoreflect.Int32Kind && !fd.IsList() &&
		c != nil && c.Kind() == protoreflect.StringKind && fd.ContainingMessage() == md
}
