package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// request is what the gateway learns about an API request before
// grpc-gateway takes over, for the error handler and response options that
// only get a context.
type request struct {
	method string
	path   string
	// bodyTooLarge is set when reading the body hit MaxBodyBytes; the
	// generated handlers turn that into a plain InvalidArgument.
	bodyTooLarge bool
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	r, _ := ctx.Value(requestKey{}).(*request)
	return r
}

// serveAPI checks what grpc-gateway would not (route shape, method, media
// type, body size) and hands the request over.
func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request) {
	allowed, found := g.routes.allowed(strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix))
	switch {
	case !found:
		// Includes trailing slashes: /regions/ would otherwise reach
		// GetRegion with an empty id.
		g.writeProblem(w, r, notFound())
		return
	case r.Method == http.MethodOptions:
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusNoContent)
		return
	case !methodIn(r.Method, allowed):
		g.writeProblem(w, r, methodNotAllowed(allowed))
		return
	}

	if r.Method == http.MethodHead {
		// net/http drops the body of a HEAD response by itself; the
		// generated handlers only know GET.
		get := *r
		get.Method = http.MethodGet
		r = &get
	}

	state := &request{method: r.Method, path: r.URL.EscapedPath()}
	if hasBody(r) {
		if !isJSON(r.Header.Get("Content-Type")) {
			g.writeProblem(w, r, &problem{Status: http.StatusUnsupportedMediaType, Detail: "request body must be application/json"})
			return
		}
		if r.ContentLength > g.maxBody {
			g.writeProblem(w, r, g.tooLarge())
			return
		}
		r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, g.maxBody), state: state}
	}
	g.api.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, state)))
}

func methodIn(method, allowed string) bool {
	for m := range strings.SplitSeq(allowed, ", ") {
		if m == method {
			return true
		}
	}
	return false
}

// hasBody reports whether r carries a body the API will read.
func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return r.ContentLength != 0
	}
	return false
}

// isJSON accepts application/json and structured +json types such as
// application/merge-patch+json; a charset parameter is allowed.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func (g *Gateway) tooLarge() *problem {
	return &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("request body exceeds %d bytes", g.maxBody)}
}

// limitedBody notes in the request state that the body limit was hit.
type limitedBody struct {
	io.ReadCloser
	state *request
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		b.state.bodyTooLarge = true
	}
	return n, err
}

// markCreated answers a successful Create call made with POST with 201
// and the new resource's URL. By convention field 1 of a resource message
// is its identifier (Region.id, Municipality.code), and the resource lives
// under the collection it was posted to.
func (g *Gateway) markCreated(ctx context.Context, w http.ResponseWriter, msg proto.Message) error {
	req := requestFrom(ctx)
	method, _ := runtime.RPCMethod(ctx)
	if req == nil || req.method != http.MethodPost || !strings.HasPrefix(method[strings.LastIndex(method, "/")+1:], "Create") {
		return nil
	}
	m := msg.ProtoReflect()
	if f := m.Descriptor().Fields().ByNumber(1); f != nil && f.Kind() == protoreflect.StringKind && !f.IsList() {
		if id := m.Get(f).String(); id != "" {
			w.Header().Set("Location", req.path+"/"+url.PathEscape(id))
		}
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}
