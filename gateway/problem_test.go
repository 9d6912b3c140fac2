package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func TestJSONPointer(t *testing.T) {
	t.Parallel()
	tests := []struct{ field, want string }{
		{"/code", "/code"},
		{"/region_id", "/regionId"},
		{"/regionId", "/regionId"},
		{"municipality.region_id", "/municipality/regionId"},
		{"name", "/name"},
	}
	for _, tt := range tests {
		if got := jsonPointer(tt.field); got != tt.want {
			t.Errorf("jsonPointer(%q) = %q, want %q", tt.field, got, tt.want)
		}
	}
}

func TestCorrelationID(t *testing.T) {
	t.Parallel()
	withRequestInfo, err := status.New(codes.Internal, "internal error").WithDetails(&errdetails.RequestInfo{RequestId: "req-42"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		st   *status.Status
		want string
	}{
		{"request info detail", withRequestInfo, "req-42"},
		{"labelled in the message", status.New(codes.Internal, "internal error (correlation id: abc-123)."), "abc-123"},
		{"snake case label", status.New(codes.Internal, "internal error; correlation_id=abc-123"), "abc-123"},
		{"bare uuid in the message", status.New(codes.Internal, "failed 0193a3f5-7c1e-7b4e-9a1e-5f0c2d3b4a59"), "0193a3f5-7c1e-7b4e-9a1e-5f0c2d3b4a59"},
	}
	for _, tt := range tests {
		if got := correlationID(tt.st); got != tt.want {
			t.Errorf("%s: correlationID = %q, want %q", tt.name, got, tt.want)
		}
	}
	if a, b := correlationID(status.New(codes.Unknown, "boom")), correlationID(status.New(codes.Unknown, "boom")); a == "" || a == b {
		t.Errorf("want a fresh id per error without one, got %q and %q", a, b)
	}
}

func TestRoutesFind(t *testing.T) {
	t.Parallel()
	rt := routes{
		{segments: []string{"regions"}, allow: "GET, POST"},
		{segments: []string{"regions", ""}, allow: "GET"},
		{segments: []string{"regions", "count"}, allow: "PUT"},
	}
	tests := []struct {
		path      string
		want      string
		wantFound bool
	}{
		{"/regions", "GET, POST", true},
		{"/regions/ijmond", "GET", true},
		{"/regions/count", "PUT", true}, // a literal beats a parameter
		{"/regions/", "", false},
		{"/regions/ijmond/", "", false},
		{"/regions//x", "", false},
		{"/", "", false},
		{"/councils", "", false},
	}
	for _, tt := range tests {
		got, found := rt.find(tt.path)
		if got.allow != tt.want || found != tt.wantFound {
			t.Errorf("find(%q) = %q, %v; want %q, %v", tt.path, got.allow, found, tt.want, tt.wantFound)
		}
	}
}

func TestIsJSON(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]bool{
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"Application/JSON":                  true,
		"application/merge-patch+json":      true,
		"text/plain":                        false,
		"application/x-www-form-urlencoded": false,
		"":                                  false,
		"application/json; charset":         false,
	} {
		if got := isJSON(ct); got != want {
			t.Errorf("isJSON(%q) = %v, want %v", ct, got, want)
		}
	}
}

// TestRoutingErrorFallback covers grpc-gateway's own routing errors, which
// serveAPI normally pre-empts.
func TestRoutingErrorFallback(t *testing.T) {
	t.Parallel()
	conn, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	g, err := New(t.Context(), Config{}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path       string
		status     int
		wantStatus int
		wantAllow  string
	}{
		{"/api/v1/regions", http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "GET, HEAD, OPTIONS, POST"},
		{"/api/v1/nowhere", http.StatusNotFound, http.StatusNotFound, ""},
		{"/api/v1/regions", http.StatusBadRequest, http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodDelete, tt.path, nil)
		g.handleRoutingError(t.Context(), nil, nil, rec, req, tt.status)
		got := struct {
			Status      int
			Allow, Type string
		}{rec.Code, rec.Header().Get("Allow"), rec.Header().Get("Content-Type")}
		want := struct {
			Status      int
			Allow, Type string
		}{tt.wantStatus, tt.wantAllow, "application/problem+json"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s with %d: mismatch (-want +got):\n%s", tt.path, tt.status, diff)
		}
	}
}

// TestProblemNamesEveryOffendingField: services report all invalid fields
// of a request at once, and the problem must pass every one on.
func TestProblemNamesEveryOffendingField(t *testing.T) {
	t.Parallel()
	st, err := status.New(codes.InvalidArgument, "invalid input").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "/id", Description: "must be a lower-case slug"},
			{Field: "name", Description: "must not be empty"},
			{Field: "municipality.region_id", Description: "must not be empty"},
		}},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "/phases/2/end_time", Description: "must be after the start"},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	g := &Gateway{log: slog.New(slog.DiscardHandler)}
	ctx := context.WithValue(t.Context(), requestKey{}, &request{method: http.MethodPost, body: []byte(`{}`)})
	got := g.problemFromStatus(ctx, httptest.NewRequest(http.MethodPost, "/api/v1/regions", nil), st)
	want := &problem{Status: http.StatusBadRequest, Detail: "invalid input", InvalidParams: []invalidParam{
		{Name: "/id", Reason: "must be a lower-case slug"},
		{Name: "/name", Reason: "must not be empty", Code: "REQUIRED"},
		{Name: "/municipality/regionId", Reason: "must not be empty", Code: "REQUIRED"},
		{Name: "/phases/2/endTime", Reason: "must be after the start", Code: "END_BEFORE_START"},
	}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(problem{})); diff != "" {
		t.Errorf("problem mismatch (-want +got):\n%s", diff)
	}
}

// TestProblemNamesParametersByName: without a body, the fields are query
// parameters, named as the client wrote their keys.
func TestProblemNamesParametersByName(t *testing.T) {
	t.Parallel()
	st, err := status.New(codes.InvalidArgument, "invalid input").WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: "limit", Description: "must be between 1 and 100"},
		{Field: "region_id", Description: "no such region"},
		{Field: "filter.start_time", Description: "must be a date-time"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	g := &Gateway{log: slog.New(slog.DiscardHandler)}
	ctx := context.WithValue(t.Context(), requestKey{}, &request{method: http.MethodGet})
	got := g.problemFromStatus(ctx, httptest.NewRequest(http.MethodGet, "/api/v1/regions?limit=500", nil), st).InvalidParams
	want := []invalidParam{
		{Name: "limit", Reason: "must be between 1 and 100", Code: "OUT_OF_RANGE"},
		{Name: "regionId", Reason: "no such region"},
		{Name: "filter.startTime", Reason: "must be a date-time"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invalidParams mismatch (-want +got):\n%s", diff)
	}
}

// TestInternalErrorCauseOnlyInTheLog: the caller gets a correlation id;
// the cause goes to the log under the same id.
func TestInternalErrorCauseOnlyInTheLog(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, Config{})
	resp, err := srv.Client().Get(srv.URL + "/api/v1/regions/" + leakyRegion)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	var p problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusInternalServerError || p.CorrelationID == "" {
		t.Fatalf("status %d, correlation id %q; want 500 with an id", resp.StatusCode, p.CorrelationID)
	}
	const cause = "password authentication failed"
	if strings.Contains(string(body), cause) {
		t.Errorf("the response shows the cause: %s", body)
	}
	logs := srv.logs.String()
	if !strings.Contains(logs, cause) || !strings.Contains(logs, "correlation_id="+p.CorrelationID) {
		t.Errorf("the log lacks the cause or the correlation id %s:\n%s", p.CorrelationID, logs)
	}
}

// A query parameter that does not parse is named as the API spells it, not
// as the proto file does.
func TestMalformedQueryParameterNamedInCamelCase(t *testing.T) {
	t.Parallel()
	detail, params := decodeProblem(`parsing field "expected_update_time": parsing time "garbage": cannot parse`, nil)
	if detail != "invalid query parameter" || len(params) != 1 || params[0].Name != "expectedUpdateTime" {
		t.Errorf("decodeProblem = %q, %+v; want the parameter expectedUpdateTime", detail, params)
	}
}
