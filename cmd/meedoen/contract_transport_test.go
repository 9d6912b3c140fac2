package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/gateway/openapi"
)

// The contract check itself: what the document does not describe fails
// the request, what it does passes.
func TestContractTransportRefusesWhatTheDocumentDoesNotSay(t *testing.T) {
	t.Parallel()
	const region = `"id": "ijmond", "name": "IJmond", "createTime": "2026-01-02T03:04:05Z"`
	version := openapi.Version()
	headers := http.Header{"Content-Type": {"application/json"}, "Api-Version": {version}}
	problem := http.Header{"Content-Type": {"application/problem+json"}, "Api-Version": {version}}
	tests := []struct {
		name    string
		method  string
		path    string
		status  int
		header  http.Header
		body    string
		wantErr string // "" for none
	}{
		{name: "a region as documented", method: "GET", path: "/api/v1/regions/ijmond", status: 200, header: headers,
			body: `{` + region + `}`},
		{name: "a region without a time", method: "GET", path: "/api/v1/regions/ijmond", status: 200, header: headers,
			body: `{"id": "ijmond", "name": "IJmond", "createTime": null}`},
		{name: "an unknown member", method: "GET", path: "/api/v1/regions/ijmond", status: 200, header: headers,
			body: `{` + region + `, "colour": "blue"}`, wantErr: `property "colour" is unsupported`},
		{name: "another version than the document's", method: "GET", path: "/api/v1/regions/ijmond", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "Api-Version": {"1.0.0"}},
			body:   `{` + region + `}`, wantErr: `API-Version is "1.0.0"`},
		{name: "a member missing", method: "GET", path: "/api/v1/regions/ijmond", status: 200, header: headers,
			body: `{"id": "ijmond", "name": "IJmond"}`, wantErr: `property "createTime" is missing`},
		{name: "null where the document allows none", method: "GET", path: "/api/v1/regions/ijmond", status: 200, header: headers,
			body: `{"id": null, "name": "IJmond", "createTime": null}`, wantErr: "Value is not nullable"},
		{name: "an enum in protobuf's spelling", method: "GET", path: "/api/v1/questions", status: 200, header: headers,
			body: `{"questions": [{"id": "q", "title": "T", "description": "", "theme": "t", "origin": "ORIGIN_SOLICITED",
				"scope": {"tenant": "GM0453", "participatingMunicipalities": []}, "adviceNeededBy": "", "status": "open",
				"decisionReason": "", "processId": "", "createTime": null}], "nextCursor": ""}`,
			wantErr: "value is not one of the allowed values"},
		{name: "a count as a string", method: "GET", path: "/api/v1/polls/p/public-tally", status: 200, header: headers,
			body:    `{"pollId": "p", "minCell": 5, "responses": {"value": "3", "hidden": false}, "municipalities": [], "questions": [], "breakdowns": []}`,
			wantErr: `value must be an integer`},
		{name: "a status the operation does not declare", method: "GET", path: "/api/v1/regions/ijmond", status: http.StatusTeapot, header: problem,
			body: `{"type": "about:blank", "title": "I'm a teapot", "status": 418, "detail": "no"}`, wantErr: "status is not supported"},
		{name: "405 with Allow", method: "PUT", path: "/api/v1/regions/ijmond", status: 405,
			header: http.Header{"Content-Type": {"application/problem+json"}, "Api-Version": {version}, "Allow": {"GET, HEAD, OPTIONS"}},
			body:   `{"type": "about:blank", "title": "Method Not Allowed", "status": 405, "detail": "method not allowed"}`},
		{name: "405 without Allow", method: "PUT", path: "/api/v1/regions/ijmond", status: 405, header: problem,
			body: `{"type": "about:blank", "title": "Method Not Allowed", "status": 405, "detail": "method not allowed"}`, wantErr: "without an Allow header"},
		{name: "a page that is not a problem", method: "GET", path: "/api/v1/unicorns", status: 404, header: headers,
			body: `{}`, wantErr: "is not the NotFound response's"},
		{name: "not the API", method: "GET", path: "/dev/oidc/jwks", status: 200, header: headers, body: `{"colour": "blue"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := newContractTransport(roundTripFunc(func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: tt.status, Status: http.StatusText(tt.status), Header: tt.header,
					Body: io.NopCloser(strings.NewReader(tt.body))}, nil
			}))
			req, err := http.NewRequest(tt.method, "http://127.0.0.1:1"+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("RoundTrip: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("RoundTrip error = %v, want one containing %q", err, tt.wantErr)
			case err == nil:
				b, _ := io.ReadAll(resp.Body)
				if string(b) != tt.body {
					t.Errorf("body %q, want it passed on unchanged: %q", b, tt.body)
				}
			}
		})
	}
}
