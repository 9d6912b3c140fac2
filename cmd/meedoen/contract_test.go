package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/meedoen/meedoen/gateway/openapi"
)

// The API tests of this package call the real server with
// http.DefaultClient, and TestMain gives that client contractTransport:
// every answer from the API is checked against the OpenAPI document the
// gateway serves, so that no test can receive what the document does not
// describe. A mismatch fails the request with an error naming it.
//
// Checked: the status is one the operation declares (405 and 404 for
// what has no operation), the declared headers' values, and the body
// against the schema, with members the schema does not name refused
// (unknown fields), as a strict client would.

// contractTransport validates every API response it carries.
type contractTransport struct {
	next http.RoundTripper
	doc  func() (contract, error)
}

// contract is the document as the transport checks against it.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

func newContractTransport(next http.RoundTripper) *contractTransport {
	return &contractTransport{next: next, doc: sync.OnceValues(func() (contract, error) {
		doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
		if err != nil {
			return contract{}, err
		}
		closeObjects(doc)
		// Routes match paths below the server URL; the tests' servers
		// listen on ports of their own.
		doc.Servers = nil
		router, err := legacy.NewRouter(doc)
		return contract{doc: doc, router: router}, err
	})}
}

// apiPath is where the API lives; the document describes the paths below.
const apiPath = "/api/v1"

func (c *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rel, isAPI := strings.CutPrefix(req.URL.Path, apiPath+"/")
	if !isAPI || "/"+rel == "/openapi.json" || req.Method == http.MethodOptions {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.check(req, "/"+rel, resp, body); err != nil {
		return nil, fmt.Errorf("the answer to %s %s does not match the OpenAPI document: %w\n%s %s", req.Method, req.URL.RequestURI(), err, resp.Status, body)
	}
	return resp, nil
}

// check validates one response to req, whose path below the API is rel.
func (c *contractTransport) check(req *http.Request, rel string, resp *http.Response, body []byte) error {
	ct, err := c.doc()
	if err != nil {
		return fmt.Errorf("reading the document: %w", err)
	}
	doc, router := ct.doc, ct.router
	// Every answer names the version the document describes.
	if got := resp.Header.Get("API-Version"); got != doc.Info.Version {
		return fmt.Errorf("API-Version is %q, the document's info.version %q", got, doc.Info.Version)
	}
	// Answers given before any operation is chosen, to any request.
	switch resp.StatusCode {
	case http.StatusRequestURITooLong:
		return c.checkGeneric(doc, resp, body, resp.StatusCode, "URITooLong")
	case http.StatusRequestHeaderFieldsTooLarge:
		return c.checkGeneric(doc, resp, body, resp.StatusCode, "RequestHeaderFieldsTooLarge")
	}
	routed := req.Clone(req.Context())
	routed.URL.Path, routed.URL.RawPath = rel, ""
	if routed.Method == http.MethodHead {
		routed.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(routed)
	var routeErr *routers.RouteError
	switch {
	case errors.As(err, &routeErr) && pathExists(router, routed):
		return c.checkGeneric(doc, resp, body, http.StatusMethodNotAllowed, "MethodNotAllowed")
	case errors.As(err, &routeErr):
		return c.checkGeneric(doc, resp, body, http.StatusNotFound, "NotFound")
	case err != nil:
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: routed, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			// The downloads are files, not JSON; their headers are checked.
			ExcludeResponseBody: req.Method == http.MethodHead || !isJSON(resp.Header.Get("Content-Type")),
		},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// pathExists reports whether req's path has an operation with another
// method. (The legacy router says "not found" for both.)
func pathExists(router routers.Router, req *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		other := req.Clone(req.Context())
		other.Method = m
		if _, _, err := router.FindRoute(other); err == nil {
			return true
		}
	}
	return false
}

// checkGeneric validates an answer no operation declares: the API's 404
// for a path it does not have, 405 for a method a path does not list, and
// 414 and 431 for a request too large to be read.
func (c *contractTransport) checkGeneric(doc *openapi3.T, resp *http.Response, body []byte, status int, response string) error {
	if resp.StatusCode != status {
		return fmt.Errorf("status %d for what no operation serves, want %d", resp.StatusCode, status)
	}
	if status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "" {
		return errors.New("405 without an Allow header")
	}
	r := doc.Components.Responses[response]
	if r == nil || r.Value == nil {
		return fmt.Errorf("the document has no %s response", response)
	}
	mt := r.Value.Content.Get(resp.Header.Get("Content-Type"))
	if mt == nil {
		return fmt.Errorf("content type %q is not the %s response's", resp.Header.Get("Content-Type"), response)
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return err
	}
	return mt.Schema.Value.VisitJSON(value, openapi3.VisitAsResponse(), openapi3.MultiErrors())
}

// closeObjects refuses members that an object schema does not name,
// which OpenAPI allows unless a schema says otherwise: a strict client
// would break on them, and the document should name everything sent.
func closeObjects(doc *openapi3.T) {
	closed := false
	seen := map[*openapi3.Schema]bool{}
	var visit func(s *openapi3.SchemaRef)
	visit = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = &closed
		}
		for _, p := range s.Properties {
			visit(p)
		}
		visit(s.Items)
		for _, a := range s.AllOf {
			visit(a)
		}
	}
	for _, s := range doc.Components.Schemas {
		visit(s)
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					visit(mt.Schema)
				}
			}
		}
	}
}

func isJSON(contentType string) bool {
	return strings.HasPrefix(contentType, "application/json") || strings.HasPrefix(contentType, "application/problem+json")
}

// roundTripFunc answers requests without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
