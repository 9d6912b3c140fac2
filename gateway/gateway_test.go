package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/meedoen/meedoen/gateway/openapi"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestAPI(t *testing.T) {
	t.Parallel()
	const problemJSON = "application/problem+json"
	velsen := `{"code": "GM0453", "name": "Velsen", "regionId": "ijmond", "createTime": "2026-01-02T03:04:05Z"}`
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        io.Reader
		wantStatus  int
		wantHeader  map[string]string
		// wantBody is a JSON object; the response must have these members
		// with these values (and may have more).
		wantBody string
		// check, if set, looks at the raw body.
		check func(t *testing.T, body []byte)
	}{
		{
			name:   "create answers 201 with the new resource's location",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": "Zaanstreek"}`),
			wantStatus: http.StatusCreated,
			wantHeader: map[string]string{"Location": "/api/v1/regions/zaanstreek", "Content-Type": "application/json"},
			wantBody:   `{"id": "zaanstreek", "name": "Zaanstreek", "createTime": "2026-01-02T03:04:05Z"}`,
		},
		{
			name:   "a charset parameter on application/json is fine",
			method: "POST", path: "/api/v1/regions", contentType: "application/json; charset=utf-8",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": "Zaanstreek"}`),
			wantStatus: http.StatusCreated,
		},
		{
			name:   "get answers the resource in lowerCamelCase",
			method: "GET", path: "/api/v1/municipalities/GM0453",
			wantStatus: http.StatusOK,
			wantBody:   velsen,
		},
		{
			name:   "list pages with limit and answers empty fields too",
			method: "GET", path: "/api/v1/regions?limit=1",
			wantStatus: http.StatusOK,
			wantBody:   `{"regions": [{"id": "ijmond", "name": "IJmond", "createTime": "2026-01-02T03:04:05Z"}], "nextCursor": "ijmond"}`,
		},
		{
			name:   "a page that is not the last links to the next one",
			method: "GET", path: "/api/v1/regions?limit=1",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Link": `</api/v1/regions?limit=1&cursor=ijmond>; rel="next"`},
		},
		{
			name:   "the next link replaces the cursor and keeps the other keys",
			method: "GET", path: "/api/v1/regions?cursor=a&limit=1",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Link": `</api/v1/regions?limit=1&cursor=ijmond>; rel="next"`},
			wantBody:   `{"nextCursor": "ijmond"}`,
		},
		{
			name:   "the last page has no next link",
			method: "GET", path: "/api/v1/regions?limit=5",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Link": ""},
			wantBody:   `{"nextCursor": ""}`,
		},
		{
			name:   "list filters by a lowerCamelCase query key",
			method: "GET", path: "/api/v1/municipalities?regionId=zuid-kennemerland",
			wantStatus: http.StatusOK,
			wantBody:   `{"municipalities": [{"code": "GM0392", "name": "Haarlem", "regionId": "zuid-kennemerland", "createTime": "2026-01-02T03:04:05Z"}], "nextCursor": ""}`,
		},
		{
			name:   "HEAD is answered like GET",
			method: "HEAD", path: "/api/v1/municipalities/GM0453",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:   "OPTIONS lists the methods",
			method: "OPTIONS", path: "/api/v1/regions",
			wantStatus: http.StatusNoContent,
			wantHeader: map[string]string{"Allow": "GET, HEAD, OPTIONS, POST"},
		},
		{
			name:   "invalid input is 400 naming every offending field",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "IJ mond", "name": ""}`),
			wantStatus: http.StatusBadRequest,
			wantHeader: map[string]string{"Content-Type": problemJSON},
			wantBody: `{"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "invalid input", "instance": "/api/v1/regions",
				"invalidParams": [{"name": "/id", "reason": "must be a lower-case slug", "code": "INVALID_VALUE"}, {"name": "/name", "reason": "must not be empty", "code": "REQUIRED"}]}`,
		},
		{
			name:   "an unmet precondition is 409 naming the condition",
			method: "POST", path: "/api/v1/municipalities", contentType: "application/json",
			body:       strings.NewReader(`{"code": "GM0396", "name": "Heemskerk", "regionId": "nowhere"}`),
			wantStatus: http.StatusConflict,
			wantBody: `{"title": "Conflict", "status": 409, "detail": "region does not exist",
				"invalidParams": [{"name": "/regionId", "reason": "must name an existing region", "code": "UNMET_CONDITION"}]}`,
		},
		{
			name:   "creating what exists is 409",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "ijmond", "name": "IJmond"}`),
			wantStatus: http.StatusConflict,
			wantBody:   `{"title": "Conflict", "status": 409, "detail": "region \"ijmond\" already exists"}`,
		},
		{
			name:   "an unknown resource is 404",
			method: "GET", path: "/api/v1/regions/nowhere",
			wantStatus: http.StatusNotFound,
			wantBody:   `{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "region \"nowhere\" not found", "instance": "/api/v1/regions/nowhere"}`,
		},
		{
			name:   "malformed JSON is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": `),
			wantStatus: http.StatusBadRequest,
			wantHeader: map[string]string{"Content-Type": problemJSON},
			wantBody:   `{"title": "Bad Request", "status": 400, "detail": "request body is not valid JSON: it ends early"}`,
		},
		{
			name:   "a JSON syntax error is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": zaanstreek}`),
			wantStatus: http.StatusBadRequest,
			check: func(t *testing.T, body []byte) {
				if !strings.Contains(string(body), "request body is not valid JSON") {
					t.Errorf("problem does not blame the body: %s", body)
				}
			},
		},
		{
			name:   "data after the JSON value is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": "Zaanstreek"} {}`),
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "request body is not valid JSON: invalid character '{' after top-level value"}`,
		},
		{
			name:   "a JSON syntax error inside a member names the member",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": Zaanstreek}`),
			wantStatus: http.StatusBadRequest,
			wantBody: `{"detail": "request body is not valid JSON: invalid character 'Z' looking for beginning of value",
				"invalidParams": [{"name": "/name", "reason": "invalid character 'Z' looking for beginning of value", "code": "INVALID_VALUE"}]}`,
		},
		{
			name:   "a value of the wrong type is 400 naming the field",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek",` + "\n" + ` "name": 42}`),
			wantStatus: http.StatusBadRequest,
			wantBody: `{"detail": "request body has a value of the wrong type or format",
				"invalidParams": [{"name": "/name", "reason": "not a valid string: 42", "code": "INVALID_VALUE"}]}`,
		},
		{
			name:   "a body that is not an object is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`["zaanstreek"]`),
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "request body has the wrong type: unexpected value ["}`,
		},
		{
			name:   "an empty body is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"title": "Bad Request", "status": 400, "detail": "request body is required: send the resource as a JSON object"}`,
		},
		{
			name:   "a body of white space is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       chunked{strings.NewReader(" \r\n ")},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "request body is required: send the resource as a JSON object"}`,
		},
		{
			name:   "an unknown field is 400",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": "Zaanstreek", "colour": "red"}`),
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "request body has an unknown field", "invalidParams": [{"name": "/colour", "reason": "unknown field", "code": "UNKNOWN_FIELD"}]}`,
		},
		{
			name:   "a malformed query parameter is 400",
			method: "GET", path: "/api/v1/regions?limit=many",
			wantStatus: http.StatusBadRequest,
			wantBody: `{"title": "Bad Request", "status": 400, "detail": "invalid query parameter",
				"invalidParams": [{"name": "limit", "reason": "must be between 1 and 100", "code": "OUT_OF_RANGE"}]}`,
		},
		{
			name:   "a limit of 0 is 400, not the default",
			method: "GET", path: "/api/v1/regions?limit=0",
			wantStatus: http.StatusBadRequest,
			wantBody: `{"title": "Bad Request", "status": 400, "detail": "invalid query parameter",
				"invalidParams": [{"name": "limit", "reason": "must be between 1 and 100", "code": "OUT_OF_RANGE"}]}`,
		},
		{
			name:   "a negative limit is 400",
			method: "GET", path: "/api/v1/regions?limit=-1",
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "invalid query parameter", "invalidParams": [{"name": "limit", "reason": "must be between 1 and 100", "code": "OUT_OF_RANGE"}]}`,
		},
		{
			name:   "a limit above 100 is 400",
			method: "GET", path: "/api/v1/municipalities?limit=101",
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail": "invalid query parameter", "invalidParams": [{"name": "limit", "reason": "must be between 1 and 100", "code": "OUT_OF_RANGE"}]}`,
		},
		{
			name:   "an unknown route is 404",
			method: "GET", path: "/api/v1/unicorns",
			wantStatus: http.StatusNotFound,
			wantHeader: map[string]string{"Content-Type": problemJSON},
			wantBody:   `{"title": "Not Found", "status": 404, "instance": "/api/v1/unicorns"}`,
		},
		{
			name:   "an unknown route outside the API is 404",
			method: "GET", path: "/nowhere",
			wantStatus: http.StatusNotFound,
			wantHeader: map[string]string{"Content-Type": problemJSON},
		},
		{
			name:   "a trailing slash on a collection is 404",
			method: "GET", path: "/api/v1/regions/",
			wantStatus: http.StatusNotFound,
		},
		{
			name:   "a trailing slash on a resource is 404",
			method: "GET", path: "/api/v1/regions/ijmond/",
			wantStatus: http.StatusNotFound,
		},
		{
			name:   "a known collection with the wrong method is 405 with Allow",
			method: "DELETE", path: "/api/v1/regions",
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD, OPTIONS, POST", "Content-Type": problemJSON},
			wantBody:   `{"title": "Method Not Allowed", "status": 405}`,
		},
		{
			name:   "a known resource with the wrong method is 405 with Allow",
			method: "POST", path: "/api/v1/regions/ijmond", contentType: "application/json",
			body:       strings.NewReader(`{}`),
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD, OPTIONS"},
		},
		{
			name:   "a body that is not JSON is 415",
			method: "POST", path: "/api/v1/regions", contentType: "text/plain",
			body:       strings.NewReader(`id=zaanstreek`),
			wantStatus: http.StatusUnsupportedMediaType,
			wantBody:   `{"title": "Unsupported Media Type", "status": 415}`,
		},
		{
			name:   "a form post is 415, not a GET",
			method: "POST", path: "/api/v1/regions", contentType: "application/x-www-form-urlencoded",
			body:       strings.NewReader(`limit=1`),
			wantStatus: http.StatusUnsupportedMediaType,
		},
		{
			name:   "a body over the limit is 413",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       strings.NewReader(`{"id": "zaanstreek", "name": "` + strings.Repeat("x", 300) + `"}`),
			wantStatus: http.StatusRequestEntityTooLarge,
			wantBody:   `{"title": "Request Entity Too Large", "status": 413, "detail": "request body exceeds 256 bytes"}`,
		},
		{
			name:   "a streamed body over the limit is 413",
			method: "POST", path: "/api/v1/regions", contentType: "application/json",
			body:       chunked{strings.NewReader(`{"id": "zaanstreek", "name": "` + strings.Repeat("x", 300) + `"}`)},
			wantStatus: http.StatusRequestEntityTooLarge,
			wantBody:   `{"status": 413, "detail": "request body exceeds 256 bytes"}`,
		},
		{
			name:   "an internal error shows only the service's correlation id",
			method: "GET", path: "/api/v1/regions/" + brokenRegion,
			wantStatus: http.StatusInternalServerError,
			wantBody: `{"title": "Internal Server Error", "status": 500,
				"detail": "internal error; correlation id ` + brokenCorrelation + `", "correlationId": "` + brokenCorrelation + `"}`,
		},
		{
			name:   "an unexpected error hides its cause behind a new correlation id",
			method: "GET", path: "/api/v1/regions/" + leakyRegion,
			wantStatus: http.StatusInternalServerError,
			check: func(t *testing.T, body []byte) {
				var p problem
				if err := json.Unmarshal(body, &p); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(body), "password") || p.CorrelationID == "" || !strings.Contains(p.Detail, p.CorrelationID) {
					t.Errorf("want the cause hidden and a correlation id, got %s", body)
				}
			},
		},
		{
			name:   "an unavailable service is 503 without the cause",
			method: "GET", path: "/api/v1/regions/" + unavailableRegion,
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   `{"title": "Service Unavailable", "status": 503, "detail": "service unavailable"}`,
		},
		{
			name:   "a call without a valid identity is 401 with a challenge",
			method: "GET", path: "/api/v1/regions/" + lockedRegion,
			wantStatus: http.StatusUnauthorized,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="meedoen"`, "Content-Type": problemJSON},
			wantBody:   `{"title": "Unauthorized", "status": 401, "detail": "no valid identity"}`,
		},
		{
			name:   "a call the caller may not make is 403",
			method: "GET", path: "/api/v1/regions/" + forbiddenRegion,
			wantStatus: http.StatusForbidden,
			wantHeader: map[string]string{"WWW-Authenticate": ""},
			wantBody:   `{"title": "Forbidden", "status": 403, "detail": "only the region's coordinators may read it"}`,
		},
		{
			name:   "the OpenAPI document is served to any origin",
			method: "GET", path: "/api/v1/openapi.json",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"},
			wantBody:   `{"openapi": "3.0.3", "servers": [{"url": "/api/v1", "description": "This API, on the host that serves this document."}]}`,
		},
		{
			name:   "the OpenAPI document answers CORS preflights",
			method: "OPTIONS", path: "/api/v1/openapi.json",
			wantStatus: http.StatusNoContent,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS"},
		},
		{
			name:   "paths outside the API are not the gateway's",
			method: "GET", path: "/",
			wantStatus: http.StatusNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, Config{MaxBodyBytes: 256})
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d; body: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("API-Version"); got != openapi.Version() {
				t.Errorf("API-Version = %q, want the document's %s", got, openapi.Version())
			}
			for k, want := range tt.wantHeader {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if tt.wantBody != "" {
				assertJSONSubset(t, tt.wantBody, body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, Config{})
	api := map[string]string{
		"Cache-Control":             "no-store",
		"X-Content-Type-Options":    "nosniff",
		"X-Frame-Options":           "DENY",
		"Content-Security-Policy":   "frame-ancestors 'none'",
		"Strict-Transport-Security": "max-age=31536000",
		"API-Version":               openapi.Version(),
	}
	for _, path := range []string{
		"/api/v1/regions",         // success
		"/api/v1/regions/nowhere", // service error
		"/api/v1/nowhere",         // routing error
		"/api/v1/openapi.json",
	} {
		t.Run(path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := make(map[string]string)
			for k := range api {
				got[k] = resp.Header.Get(k)
			}
			if diff := cmp.Diff(api, got); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
