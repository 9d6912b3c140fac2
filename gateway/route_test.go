package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// Every API call is logged (and traced and measured) under the route
// pattern that served it, not under "/api/", whether the service answered,
// refused, or the gateway served a download of its own.
func TestAPICallsAreLabelledByRoutePattern(t *testing.T) {
	ts := newTestServer(t, Config{})
	var logs bytes.Buffer
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(t.Context()) })
	h := tel.HTTPMiddleware(ts.gateway.Handler(), "meedoen")
	for _, tt := range []struct {
		path, want string
		status     int
	}{
		{"/api/v1/regions/ijmond", "/api/v1/regions/{id}", http.StatusOK},
		{"/api/v1/regions/nowhere", "/api/v1/regions/{id}", http.StatusNotFound},
		{"/api/v1/regions", "/api/v1/regions", http.StatusOK},
		{"/api/v1/open-data/catalog", "/api/v1/open-data/catalog", 0},
		{"/api/v1/polls/p1/responses", "/api/v1/polls/{poll_id}/responses", 0},
	} {
		t.Run(tt.path, func(t *testing.T) {
			logs.Reset()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			var line struct {
				Msg    string
				Route  string
				Status int
			}
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				t.Fatalf("access log %q: %v", logs.String(), err)
			}
			if line.Msg != "request" || line.Route != tt.want {
				t.Errorf("access log msg %q route %q, want request %q", line.Msg, line.Route, tt.want)
			}
			if tt.status != 0 && (line.Status != tt.status || rec.Code != tt.status) {
				t.Errorf("status logged %d, answered %d; want %d", line.Status, rec.Code, tt.status)
			}
		})
	}
}
