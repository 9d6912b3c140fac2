package kit

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// A page is logged, traced and measured under the pattern of its route,
// never its path (which may hold a resident's token).
func TestPagesAreLabelledByRoutePattern(t *testing.T) {
	site, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(t.Context()) })
	h := tel.HTTPMiddleware(site.Handler(func(mux *http.ServeMux) {
		mux.HandleFunc("GET /i/{token}", func(http.ResponseWriter, *http.Request) {})
	}), "meedoen")
	for path, want := range map[string]string{"/i/geheim-token": "/i/{token}", "/nergens": "/"} {
		logs.Reset()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		var line struct{ Msg, Route string }
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("access log of %s %q: %v", path, logs.String(), err)
		}
		if line.Msg != "request" || line.Route != want {
			t.Errorf("%s: access log %q route %q, want request %q", path, line.Msg, line.Route, want)
		}
	}
}
