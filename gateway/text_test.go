package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/textcheck"
)

const (
	reasonNUL  = textcheck.ReasonNUL
	reasonUTF8 = textcheck.ReasonUTF8
)

func TestJSONTextProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []invalidParam
	}{
		{name: "clean text", doc: `{"name": "Zoë \u00eb \ud83d\udeb2 🚲 \\ \" \/ \n", "list": ["a", 1, true, null, {"b": "c"}]}`},
		{name: "an escaped replacement character is a character", doc: `{"a": "\ufffd", "b": "` + "\uFFFD" + `"}`},
		{name: "a surrogate pair in upper case", doc: `{"a": "\uD83D\uDEB2"}`},
		{name: "a string at the root", doc: `"\u0000"`, want: []invalidParam{{Name: "", Reason: reasonNUL}}},

		// The probe's: \u0000 in a string field.
		{name: "NUL in a member", doc: `{"name": "Velsen\u0000"}`, want: []invalidParam{{Name: "/name", Reason: reasonNUL}}},
		{name: "NUL in a nested member", doc: `{"title": {"nl": "x", "en": "\u0000"}}`, want: []invalidParam{{Name: "/title/en", Reason: reasonNUL}}},
		{name: "NUL in an array", doc: `{"participants": ["GM0453", "\u0000"]}`, want: []invalidParam{{Name: "/participants/1", Reason: reasonNUL}}},
		{name: "NUL in an object in an array", doc: `{"invitees": [{}, {"municipalityCode": "GM\u00000453"}]}`, want: []invalidParam{{Name: "/invitees/1/municipalityCode", Reason: reasonNUL}}},
		{name: "NUL after a nested object", doc: `{"a": {"b": [1, {"c": 2}]}, "d": "\u0000"}`, want: []invalidParam{{Name: "/d", Reason: reasonNUL}}},
		{name: "NUL in a member name", doc: `{"na\u0000me": "Velsen"}`, want: []invalidParam{{Name: "/na\x00me", Reason: reasonNUL}}},
		{name: "NUL in a nested member name", doc: `{"title": {"\u0000": "x"}}`, want: []invalidParam{{Name: "/title/\x00", Reason: reasonNUL}}},
		{name: "a pointer that needs escaping", doc: `{"a/b~c": "\u0000"}`, want: []invalidParam{{Name: "/a~1b~0c", Reason: reasonNUL}}},

		// Raw bytes that are not UTF-8.
		{name: "invalid UTF-8 in a member", doc: "{\"name\": \"Velsen\xff\"}", want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a truncated sequence", doc: "{\"name\": \"caf\xc3\"}", want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "an overlong NUL", doc: "{\"name\": \"\xc0\x80\"}", want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a UTF-8 encoded surrogate", doc: "{\"name\": \"\xed\xa0\x80\"}", want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "invalid UTF-8 in a member name, made printable", doc: "{\"n\xffme\": 1}", want: []invalidParam{{Name: "/n\uFFFDme", Reason: reasonUTF8}}},

		// Escapes of half a surrogate pair stand for no character.
		{name: "a lone high surrogate", doc: `{"name": "\ud800"}`, want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a lone low surrogate", doc: `{"name": "\udc00x"}`, want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a pair in the wrong order", doc: `{"name": "\udc00\ud800"}`, want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a high surrogate before a plain escape", doc: `{"name": "\ud800\u0041"}`, want: []invalidParam{{Name: "/name", Reason: reasonUTF8}}},
		{name: "a lone surrogate in a member name", doc: `{"\ud800": 1}`, want: []invalidParam{{Name: "/\uFFFD", Reason: reasonUTF8}}},

		{name: "invalid UTF-8 wins over NUL in one string", doc: "{\"a\": \"\\u0000\xff\"}", want: []invalidParam{{Name: "/a", Reason: reasonUTF8}}},
		{name: "every bad string, in order", doc: "{\"a\": \"\\u0000\", \"b\": \"ok\", \"c\": [\"\xff\"], \"\\u0000\": \"\\u0000\"}", want: []invalidParam{
			{Name: "/a", Reason: reasonNUL}, {Name: "/c/0", Reason: reasonUTF8}, {Name: "/\x00", Reason: reasonNUL}, {Name: "/\x00", Reason: reasonNUL},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !json.Valid([]byte(tt.doc)) {
				t.Fatalf("the test's document is not valid JSON: %q", tt.doc)
			}
			if diff := cmp.Diff(tt.want, jsonTextProblems([]byte(tt.doc))); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONTextProblemsAreBounded(t *testing.T) {
	t.Parallel()
	doc := "[" + strings.Repeat(`"\u0000",`, 3*maxTextProblems) + `"x"]`
	if got := len(jsonTextProblems([]byte(doc))); got != maxTextProblems {
		t.Errorf("%d problems, want %d", got, maxTextProblems)
	}
}

// TestBadTextInBodiesNeverReachesTheService sends, to every operation of the
// OpenAPI document that takes a body, a NUL in each string member the body
// has (nested ones too), a NUL in a member name, raw bytes that are not
// UTF-8 and a lone surrogate: each is refused with 400 naming the member,
// and none reaches the service.
func TestBadTextInBodiesNeverReachesTheService(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, Config{RateLimit: RateLimit{AnonymousPerMinute: -1}})
	operations := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody == nil {
				continue
			}
			operations++
			schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
			cases := []badBody{
				textBody("NUL in a member name", `{"na\u0000me": "x"}`, "/na\x00me"),
				textBody("a lone surrogate in a member name", `{"\udfff": "x"}`, "/\uFFFD"),
			}
			for _, ptr := range stringMembers(schema, "", 0) {
				cases = append(cases,
					textBody("NUL in "+ptr, nested(ptr, `"Velsen\u0000"`), ptr),
					textBody("invalid UTF-8 in "+ptr, nested(ptr, "\"Velsen\xff\""), ptr),
					textBody("a lone surrogate in "+ptr, nested(ptr, `"\ud83d"`), ptr))
			}
			url := apiPrefix + fillPathParams(path)
			t.Run(method+" "+path, func(t *testing.T) {
				for _, c := range cases {
					t.Run(c.name, func(t *testing.T) {
						sendBadBody(t, srv, method, url, c)
					})
				}
			})
		}
	}
	if operations == 0 {
		t.Fatal("no operation in the OpenAPI document takes a body")
	}
	if n := srv.calls.Load(); n != 0 {
		t.Errorf("the service was called %d times, want 0", n)
	}
	if logs := srv.logs.String(); strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "level=WARN") {
		t.Errorf("refusing bad text logged a warning or error:\n%s", logs)
	}
}

func textBody(name, body, pointer string) badBody {
	return badBody{name: name, contentType: "application/json", body: strings.NewReader(body),
		wantStatus: http.StatusBadRequest, wantParam: pointer, wantDetail: textDetail}
}

// stringMembers lists the JSON pointers of the string members of schema
// and of the objects within it; an array of strings counts by its first
// element.
func stringMembers(schema *openapi3.Schema, prefix string, depth int) []string {
	var out []string
	for _, name := range sortedProperties(schema) {
		p := schema.Properties[name].Value
		ptr := prefix + "/" + name
		switch {
		case p.Type.Is("string") && p.Format != "byte":
			out = append(out, ptr)
		case p.Type.Is("array") && p.Items != nil && p.Items.Value.Type.Is("string"):
			out = append(out, ptr+"/0")
		case p.Type.Is("object") && depth < 3:
			out = append(out, stringMembers(p, ptr, depth+1)...)
		}
	}
	return out
}

// nested wraps value into the objects and arrays pointer names:
// nested("/a/0", v) is {"a": [v]}.
func nested(pointer, value string) string {
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] == "0" {
			value = "[" + value + "]"
		} else {
			value = `{"` + segs[i] + `": ` + value + `}`
		}
	}
	return value
}

// TestBadTextInParametersNeverReachesTheService sends a NUL, invalid UTF-8
// and broken percent-escapes in query and path parameters: each is refused
// with 400 naming the parameter as the API spells it, and none reaches the
// service. Good parameters still pass.
func TestBadTextInParametersNeverReachesTheService(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		target     string
		wantStatus int
		want       []invalidParam
	}{
		// The probe's.
		{name: "theme=%00", target: "/api/v1/questions?theme=%00", wantStatus: 400, want: []invalidParam{{Name: "theme", Reason: reasonNUL, Code: "INVALID_TEXT"}}},

		{name: "a NUL in a query value", target: "/api/v1/regions?cursor=a%00b", wantStatus: 400, want: []invalidParam{{Name: "cursor", Reason: reasonNUL, Code: "INVALID_TEXT"}}},
		{name: "invalid UTF-8 in a query value", target: "/api/v1/municipalities?regionId=ijm%FFond", wantStatus: 400, want: []invalidParam{{Name: "regionId", Reason: reasonUTF8, Code: "INVALID_TEXT"}}},
		{name: "a query key in the proto's spelling", target: "/api/v1/municipalities?region_id=%00", wantStatus: 400, want: []invalidParam{{Name: "regionId", Reason: reasonNUL, Code: "INVALID_TEXT"}}},
		{name: "a NUL in a query key", target: "/api/v1/regions?li%00mit=2", wantStatus: 400, want: []invalidParam{{Name: "li\x00mit", Reason: "name " + reasonNUL, Code: "INVALID_TEXT"}}},
		{name: "a broken escape in a query value", target: "/api/v1/regions?cursor=%zz", wantStatus: 400, want: []invalidParam{{Name: "cursor", Reason: reasonEscape, Code: "INVALID_VALUE"}}},
		{name: "a broken escape in a query key", target: "/api/v1/regions?%zz=1", wantStatus: 400, want: []invalidParam{{Name: "%zz", Reason: reasonEscape, Code: "INVALID_VALUE"}}},
		{name: "a NUL in a path parameter", target: "/api/v1/regions/%00", wantStatus: 400, want: []invalidParam{{Name: "id", Reason: reasonNUL, Code: "INVALID_TEXT"}}},
		{name: "invalid UTF-8 in a path parameter", target: "/api/v1/councils/GM%C0%80/members", wantStatus: 400, want: []invalidParam{{Name: "municipalityCode", Reason: reasonUTF8, Code: "INVALID_TEXT"}}},
		{name: "path and query at once", target: "/api/v1/panels/%00/members/%FF?status=%00", wantStatus: 400, want: []invalidParam{
			{Name: "municipalityCode", Reason: reasonNUL, Code: "INVALID_TEXT"}, {Name: "id", Reason: reasonUTF8, Code: "INVALID_TEXT"}, {Name: "status", Reason: reasonNUL, Code: "INVALID_TEXT"},
		}},

		{name: "good parameters pass", target: "/api/v1/municipalities?regionId=ijmond&limit=2", wantStatus: 200},
		{name: "text outside ASCII passes", target: "/api/v1/regions/zo%C3%AB", wantStatus: 404},
		{name: "an unknown route is still 404", target: "/api/v1/nowhere?x=%00", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, Config{RateLimit: RateLimit{AnonymousPerMinute: -1}})
			resp, err := srv.Client().Get(srv.URL + tt.target)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusBadRequest {
				return
			}
			var p problem
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
				t.Fatalf("decoding the problem: %v", err)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q, want application/problem+json", ct)
			}
			if p.Detail != textDetail {
				t.Errorf("detail = %q, want %q", p.Detail, textDetail)
			}
			if diff := cmp.Diff(tt.want, p.InvalidParams); diff != "" {
				t.Errorf("invalidParams (-want +got):\n%s", diff)
			}
			if n := srv.calls.Load(); n != 0 {
				t.Errorf("the service was called %d times, want 0", n)
			}
		})
	}
}

// serve sends r to the gateway's handler directly, without a socket: the
// fuzz tests' way to be quick.
func (s *testServer) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.gateway.Handler().ServeHTTP(w, r)
	return w
}
