package gateway

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// markCreated answers a successful POST that creates a resource (see
// CreatesResource) with 201 and the new resource's URL. By convention field
// 1 of a resource message is its identifier (Region.id, Municipality.code),
// and the resource lives under the collection it was posted to.
func (g *Gateway) markCreated(ctx context.Context, w http.ResponseWriter, msg proto.Message) error {
	req := requestFrom(ctx)
	m := msg.ProtoReflect()
	if req == nil || req.method != http.MethodPost || !CreatesResource(req.path, string(m.Descriptor().Name())) {
		return nil
	}
	if f := m.Descriptor().Fields().ByNumber(1); f != nil && f.Kind() == protoreflect.StringKind && !f.IsList() {
		if id := m.Get(f).String(); id != "" {
			w.Header().Set("Location", req.path+"/"+url.PathEscape(id))
		}
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// setETag sends a resource's version, its etag field (AIP-154), as a
// strong entity tag in the ETag header (RFC 9110), for If-Match.
func (g *Gateway) setETag(_ context.Context, w http.ResponseWriter, msg proto.Message) error {
	m := msg.ProtoReflect()
	f := m.Descriptor().Fields().ByName(etagMember)
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return nil
	}
	if tag := m.Get(f).String(); tag != "" {
		w.Header().Set("ETag", `"`+tag+`"`)
	}
	return nil
}

// linkNext points to the next page of a list (RFC 8288): every page is a
// message with a next_cursor field, empty on the last page. The link is the
// same request with the cursor replaced; the other query keys keep their
// order.
func (g *Gateway) linkNext(ctx context.Context, w http.ResponseWriter, msg proto.Message) error {
	req := requestFrom(ctx)
	if req == nil {
		return nil
	}
	m := msg.ProtoReflect()
	f := m.Descriptor().Fields().ByName("next_cursor")
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return nil
	}
	cursor := m.Get(f).String()
	if cursor == "" {
		return nil
	}
	// Re-escaping each pair keeps characters such as ">" out of the link.
	var query []string
	for pair := range strings.SplitSeq(req.query, "&") {
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, errKey := url.QueryUnescape(rawKey)
		value, errValue := url.QueryUnescape(rawValue)
		if key == "" || key == "cursor" || errKey != nil || errValue != nil {
			continue
		}
		query = append(query, url.QueryEscape(key)+"="+url.QueryEscape(value))
	}
	query = append(query, "cursor="+url.QueryEscape(cursor))
	w.Header().Add("Link", "<"+req.path+"?"+strings.Join(query, "&")+`>; rel="next"`)
	return nil
}
