package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meedoen/meedoen/gateway/openapi"
)

// badBody is one malformed request to an operation that takes a body.
type badBody struct {
	name        string
	contentType string
	body        io.Reader
	wantStatus  int
	// wantParam, if set, is the JSON pointer invalidParams must name.
	wantParam string
	// wantDetail, if set, is the problem's detail.
	wantDetail string
}

// TestBadInputNeverReachesTheService sends broken bodies to every operation
// of the OpenAPI document that takes one: each must be answered with a 4xx
// problem, and none may reach the service, so nothing is stored.
func TestBadInputNeverReachesTheService(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	const maxBody = 512
	operations := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody == nil {
				continue
			}
			operations++
			media := op.RequestBody.Value.Content.Get("application/json")
			if media == nil || media.Schema == nil {
				t.Fatalf("%s %s: request body is not described as application/json", method, path)
			}
			cases := badBodies(media.Schema.Value, maxBody)
			if op.RequestBody.Value.Required {
				cases = append(cases, badBody{
					name: "empty body", contentType: "application/json", body: http.NoBody,
					wantStatus: http.StatusBadRequest, wantDetail: "request body is required: send the resource as a JSON object",
				})
			}
			url := apiPrefix + fillPathParams(path)
			t.Run(method+" "+path, func(t *testing.T) {
				t.Parallel()
				srv := newTestServer(t, Config{MaxBodyBytes: maxBody, RateLimit: RateLimit{AnonymousPerMinute: -1}})
				for _, c := range cases {
					t.Run(c.name, func(t *testing.T) {
						sendBadBody(t, srv, method, url, c)
					})
				}
				if n := srv.calls.Load(); n != 0 {
					t.Errorf("the service was called %d times, want 0", n)
				}
			})
		}
	}
	if operations == 0 {
		t.Fatal("no operation in the OpenAPI document takes a body")
	}
}

func sendBadBody(t *testing.T, srv *testServer, method, url string, c badBody) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+url, c.body)
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != c.wantStatus {
		t.Errorf("status = %d, want %d", resp.StatusCode, c.wantStatus)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatalf("decoding the problem: %v", err)
	}
	if p.Status != resp.StatusCode || p.Title == "" || p.Detail == "" {
		t.Errorf("problem has status %d (response %d), title %q, detail %q; want the response's status and a title and detail", p.Status, resp.StatusCode, p.Title, p.Detail)
	}
	if c.wantDetail != "" && p.Detail != c.wantDetail {
		t.Errorf("detail = %q, want %q", p.Detail, c.wantDetail)
	}
	if c.wantParam != "" && !slices.ContainsFunc(p.InvalidParams, func(ip invalidParam) bool { return ip.Name == c.wantParam }) {
		t.Errorf("invalidParams %+v do not name %s", p.InvalidParams, c.wantParam)
	}
}

// badBodies builds the broken requests for a body of the given schema.
func badBodies(schema *openapi3.Schema, maxBody int) []badBody {
	prop := "name"
	if names := sortedProperties(schema); len(names) > 0 {
		prop = names[0]
	}
	json := func(s string) badBody {
		return badBody{contentType: "application/json", body: strings.NewReader(s), wantStatus: http.StatusBadRequest}
	}
	oversized := `{"` + prop + `": "` + strings.Repeat("x", maxBody) + `"}`
	cases := []badBody{
		{name: "oversized", contentType: "application/json", body: strings.NewReader(oversized), wantStatus: http.StatusRequestEntityTooLarge},
		{name: "oversized and streamed", contentType: "application/json", body: chunked{strings.NewReader(oversized)}, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "wrong content type", contentType: "text/plain", body: strings.NewReader(`{}`), wantStatus: http.StatusUnsupportedMediaType},
		{name: "no content type", body: strings.NewReader(`{}`), wantStatus: http.StatusUnsupportedMediaType},
	}
	for _, c := range []struct {
		badBody
		name, body string
	}{
		{name: "malformed JSON", body: `{"` + prop + `": }`, badBody: badBody{wantParam: "/" + prop}},
		{name: "truncated JSON", body: `{"` + prop + `": "abc`, badBody: badBody{wantDetail: "request body is not valid JSON: it ends early"}},
		{name: "single quotes", body: `{'` + prop + `': 'abc'}`},
		{name: "trailing data", body: `{} {}`},
		{name: "array instead of object", body: `[]`},
		{name: "null instead of object", body: `null`},
		{name: "string instead of object", body: `"text"`},
		{name: "unknown field", body: `{"unknownFieldOfTheTest": 1}`, badBody: badBody{wantParam: "/unknownFieldOfTheTest"}},
	} {
		b := json(c.body)
		b.name, b.wantParam, b.wantDetail = c.name, c.wantParam, c.wantDetail
		cases = append(cases, b)
	}
	for _, w := range wrongValues(schema, "", 0) {
		b := json(w.body)
		b.name, b.wantParam = w.name, w.pointer
		cases = append(cases, b)
	}
	return cases
}

// wrongValue is a body with one member of the wrong type.
type wrongValue struct{ name, pointer, body string }

// wrongValues gives every property of schema, and of the objects within it,
// values of the wrong type: numbers for strings, strings for numbers,
// scalars for objects and arrays, objects for scalars.
func wrongValues(schema *openapi3.Schema, prefix string, depth int) []wrongValue {
	var out []wrongValue
	for _, name := range sortedProperties(schema) {
		p := schema.Properties[name].Value
		if len(p.AllOf) == 1 && p.Type == nil {
			// An output-only message or enum: allOf holds its $ref.
			p = p.AllOf[0].Value
		}
		pointer := prefix + "/" + name
		var values []string
		switch {
		case p.Type.Is("string") && (p.Format == "int64" || p.Format == "uint64"):
			values = []string{`"not a number"`, `{}`}
		case p.Type.Is("string") && len(p.Enum) > 0:
			// protojson takes numbers for enums.
			values = []string{`"NOT_A_VALUE_OF_THE_TEST"`, `{}`}
		case p.Type.Is("string"):
			values = []string{`42`, `{}`}
		case p.Type.Is("integer") || p.Type.Is("number"):
			values = []string{`"not a number"`, `{}`}
		case p.Type.Is("boolean"):
			values = []string{`"yes"`, `1`}
		case p.Type.Is("array"):
			values = []string{`"not an array"`, `{}`}
		case p.Type.Is("object"):
			values = []string{`"not an object"`, `42`}
			if depth < 3 {
				for _, inner := range wrongValues(p, pointer, depth+1) {
					inner.body = `{"` + name + `": ` + inner.body + `}`
					out = append(out, inner)
				}
			}
		}
		for _, v := range values {
			out = append(out, wrongValue{name: strings.TrimPrefix(pointer, "/") + " is " + v, pointer: pointer, body: `{"` + name + `": ` + v + `}`})
		}
	}
	return out
}

func sortedProperties(s *openapi3.Schema) []string {
	var names []string
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// fillPathParams puts a value into every parameter of a path template.
func fillPathParams(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "test-id"
		}
	}
	return strings.Join(segs, "/")
}
