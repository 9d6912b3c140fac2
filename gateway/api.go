package gateway

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
)

// request is what the gateway learns about an API request before
// grpc-gateway takes over, for the error handler and response options that
// only get a context.
type request struct {
	method string
	// path is the escaped request path and query its raw query string.
	path, query string
	// body is the request body as the service decodes it, kept so that
	// decode errors can name the offending field.
	body []byte
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	r, _ := ctx.Value(requestKey{}).(*request)
	return r
}

// serveAPI checks what grpc-gateway would not (rate, route shape, method,
// text in parameters, media type, body size, syntax and text) and hands
// the request over.
func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request) {
	// Before routing, so that probing for routes costs too.
	if v, ok := g.limit(w, r, API); !ok {
		g.refuseLimited(w, r, v)
		return
	}
	rt, found := g.routes.find(strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix))
	switch {
	case !found:
		// Includes trailing slashes: /regions/ would otherwise reach
		// GetRegion with an empty id.
		g.writeProblem(w, r, notFound())
		return
	case r.Method == http.MethodOptions:
		w.Header().Set("Allow", rt.allow)
		w.WriteHeader(http.StatusNoContent)
		return
	case !rt.allows(r.Method):
		g.writeProblem(w, r, methodNotAllowed(rt.allow))
		return
	}

	if r.Method == http.MethodHead {
		// net/http drops the body of a HEAD response by itself; the
		// generated handlers only know GET.
		get := r.WithContext(context.WithValue(r.Context(), headRequest{}, true))
		get.Method = http.MethodGet
		r = get
	}

	if p := paramProblem(r, rt); p != nil {
		g.writeProblem(w, r, p)
		return
	}
	state := &request{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery}
	if required, takesBody := rt.bodies[r.Method]; takesBody {
		body, p := g.readBody(w, r, required)
		if p != nil {
			g.writeProblem(w, r, p)
			return
		}
		if r.Method == http.MethodPatch {
			g.servePatch(w, r, body)
			return
		}
		state.body = body
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	g.api.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, state)))
}

// maskParameter is the query key of an update request's field mask
// (update_mask in JSON), which the gateway sets from a merge patch
// (patch.go) and clients may not.
const maskParameter = "updateMask"

// headRequest marks, in a request's context, a HEAD request that the API
// serves as a GET: handlers that make their body at a cost (a download)
// can stop after the headers.
type headRequest struct{}

// isHead reports whether r came as a HEAD request.
func isHead(r *http.Request) bool {
	head, _ := r.Context().Value(headRequest{}).(bool)
	return head || r.Method == http.MethodHead
}
