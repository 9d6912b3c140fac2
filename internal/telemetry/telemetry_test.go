package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/meedoen/meedoen/internal/telemetry"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// setup returns a Telemetry that logs into the returned buffer and is shut
// down when the test ends.
func setup(t *testing.T, cfg telemetry.Config) (*telemetry.Telemetry, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	tel, err := telemetry.Setup(t.Context(), cfg, &logs)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return tel, &logs
}

// logLine decodes the single JSON log line in logs.
func logLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("decoding log line %q: %v", logs.String(), err)
	}
	return line
}

func TestLoggerAddsTraceIDsOfTheCurrentSpan(t *testing.T) {
	tel, logs := setup(t, telemetry.Config{ServiceName: "test"})

	ctx, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "work")
	tel.Logger.InfoContext(ctx, "inside")
	span.End()

	line := logLine(t, logs)
	want := map[string]any{
		"trace_id": span.SpanContext().TraceID().String(),
		"span_id":  span.SpanContext().SpanID().String(),
	}
	got := map[string]any{"trace_id": line["trace_id"], "span_id": line["span_id"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids in log line (-want +got):\n%s", diff)
	}
}

func TestLoggerOmitsTraceIDsWithoutSpan(t *testing.T) {
	tel, logs := setup(t, telemetry.Config{})

	tel.Logger.InfoContext(t.Context(), "outside")

	line := logLine(t, logs)
	for _, key := range []string{"trace_id", "span_id"} {
		if v, ok := line[key]; ok {
			t.Errorf("log line has %s=%v, want none", key, v)
		}
	}
}

func TestLogFormats(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		want    *regexp.Regexp
		wantErr bool
	}{
		{name: "default is json", format: "", want: regexp.MustCompile(`^\{.*"msg":"hello".*\}\n$`)},
		{name: "json", format: "json", want: regexp.MustCompile(`^\{.*"msg":"hello".*\}\n$`)},
		{name: "text", format: "text", want: regexp.MustCompile(`^time=.* level=INFO msg=hello\n$`)},
		{name: "unknown is refused", format: "xml", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			tel, err := telemetry.Setup(t.Context(), telemetry.Config{LogFormat: tt.format}, &logs)
			if tt.wantErr {
				if err == nil {
					_ = tel.Shutdown(t.Context())
					t.Fatal("Setup succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Setup: %v", err)
			}
			defer tel.Shutdown(context.Background())
			tel.Logger.Info("hello")
			if !tt.want.Match(logs.Bytes()) {
				t.Errorf("log output %q does not match %s", logs.String(), tt.want)
			}
		})
	}
}

func TestLogLevelFiltersRecords(t *testing.T) {
	tel, logs := setup(t, telemetry.Config{LogLevel: slog.LevelWarn})

	tel.Logger.Info("dropped")
	tel.Logger.Warn("kept")

	if got := logLine(t, logs)["msg"]; got != "kept" {
		t.Errorf("logged msg = %v, want only %q", got, "kept")
	}
}

func TestLogHandlerWrapsAnyHandler(t *testing.T) {
	tel, _ := setup(t, telemetry.Config{})
	var out bytes.Buffer
	logger := slog.New(telemetry.LogHandler(slog.NewTextHandler(&out, nil))).With("component", "x")

	ctx, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "work")
	logger.InfoContext(ctx, "hello")
	span.End()

	want := "component=x trace_id=" + span.SpanContext().TraceID().String()
	if !strings.Contains(out.String(), want) {
		t.Errorf("log output %q lacks %q", out.String(), want)
	}
}

func TestMetricsHandlerServesCounters(t *testing.T) {
	// Two instances in one process must not collide on a shared registry.
	first, _ := setup(t, telemetry.Config{ServiceName: "first"})
	second, _ := setup(t, telemetry.Config{ServiceName: "second"})

	for _, tt := range []struct {
		name string
		tel  *telemetry.Telemetry
		add  int64
	}{
		{name: "first", tel: first, add: 3},
		{name: "second", tel: second, add: 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			counter, err := tt.tel.MeterProvider.Meter("test").Int64Counter("widgets_made")
			if err != nil {
				t.Fatalf("Int64Counter: %v", err)
			}
			counter.Add(t.Context(), tt.add)

			body := scrape(t, tt.tel.MetricsHandler())

			want := regexp.MustCompile(`(?m)^widgets_made_total\{.*\} ` + strconv.FormatInt(tt.add, 10) + `$`)
			if !want.MatchString(body) {
				t.Errorf("/metrics lacks a line matching %s:\n%s", want, body)
			}
			if !strings.Contains(body, "go_goroutines ") {
				t.Errorf("/metrics lacks the Go runtime collector's go_goroutines")
			}
		})
	}
}

// scrape GETs /metrics from h and returns the body.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading /metrics: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d, want 200:\n%s", resp.StatusCode, body)
	}
	return string(body)
}

func TestHTTPMiddlewareContinuesTheCallersTrace(t *testing.T) {
	tel, logs := setup(t, telemetry.Config{})
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	h := tel.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tel.Logger.InfoContext(r.Context(), "handled")
	}), "test")

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), req)

	if got := logLines(t, logs)[0]["trace_id"]; got != traceID {
		t.Errorf("trace_id in handler's log = %v, want the caller's %s", got, traceID)
	}
}

func TestSetupWithOTLPEndpointExportsSpans(t *testing.T) {
	// Nothing listens here; exporters connect lazily, so Setup must still
	// succeed and spans must still be recorded and sampled.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "100")
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{}, io.Discard)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	_, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "work")
	sampled := span.SpanContext().IsSampled()
	span.End()
	if !sampled {
		t.Error("span is not sampled, want the default parent-based always-on sampler")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// The final export fails: there is no collector. Only a bounded return
	// matters here.
	_ = tel.Shutdown(ctx)
}

func TestSamplerFollowsEnvironment(t *testing.T) {
	t.Setenv("OTEL_TRACES_SAMPLER", "always_off")
	tel, _ := setup(t, telemetry.Config{})

	_, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "work")
	defer span.End()

	if span.SpanContext().IsSampled() {
		t.Error("span is sampled, want OTEL_TRACES_SAMPLER=always_off to drop it")
	}
	if !span.SpanContext().IsValid() {
		t.Error("span context is invalid, want ids even for unsampled spans")
	}
}

func TestShutdownTwice(t *testing.T) {
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{}, io.Discard)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	for i := range 2 {
		if err := tel.Shutdown(t.Context()); err != nil {
			t.Errorf("Shutdown #%d: %v", i+1, err)
		}
	}
}

// A span processor in the configuration sees every span, as a test that
// checks what spans carry needs.
func TestSpanProcessorsSeeEverySpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tel, _ := setup(t, telemetry.Config{ServiceName: "test", SpanProcessors: []sdktrace.SpanProcessor{rec}})
	_, span := tel.TracerProvider.Tracer("test").Start(context.Background(), "work")
	span.End()
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
	}
	if diff := cmp.Diff([]string{"work"}, names); diff != "" {
		t.Errorf("recorded spans (-want +got):\n%s", diff)
	}
}

// logLines decodes every JSON log line in logs.
func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		var line map[string]any
		if err := json.Unmarshal(raw, &line); err != nil {
			t.Fatalf("decoding log line %q: %v", raw, err)
		}
		lines = append(lines, line)
	}
	return lines
}

// serveTraced sends req through HTTPMiddleware around h and returns the
// spans recorded, the log lines and the /metrics text.
func serveTraced(t *testing.T, h http.Handler, req *http.Request) ([]sdktrace.ReadOnlySpan, []map[string]any, string) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tel, logs := setup(t, telemetry.Config{SpanProcessors: []sdktrace.SpanProcessor{rec}})
	tel.HTTPMiddleware(h, "meedoen").ServeHTTP(httptest.NewRecorder(), req)
	return rec.Ended(), logLines(t, logs), scrape(t, tel.MetricsHandler())
}

func spanAttrs(s sdktrace.ReadOnlySpan) map[string]string {
	attrs := map[string]string{}
	for _, kv := range s.Attributes() {
		attrs[string(kv.Key)] = kv.Value.Emit()
	}
	return attrs
}

// An API call is named and measured by the route pattern a router inside
// reports, so that one endpoint can be told from another.
func TestHTTPMiddlewareLabelsByRoute(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		telemetry.SetRoute(r.Context(), "/api/v1/polls/{poll_id}")
		telemetry.SetRoute(r.Context(), "/api/") // an outer router, later: ignored
		w.WriteHeader(http.StatusTeapot)
	})
	req := httptest.NewRequest(http.MethodGet, "/api/v1/polls/42?q=secret", nil)
	spans, lines, metrics := serveTraced(t, h, req)
	if len(spans) != 1 {
		t.Fatalf("recorded %d spans, want 1", len(spans))
	}
	if got, want := spans[0].Name(), "GET /api/v1/polls/{poll_id}"; got != want {
		t.Errorf("span name = %q, want %q", got, want)
	}
	if got := spanAttrs(spans[0])["http.route"]; got != "/api/v1/polls/{poll_id}" {
		t.Errorf("span http.route = %q, want the pattern", got)
	}
	want := regexp.MustCompile(`(?m)^http_server_request_duration_seconds_count\{.*http_route="/api/v1/polls/\{poll_id\}".*\} 1$`)
	if !want.MatchString(metrics) {
		t.Errorf("/metrics lacks a line matching %s:\n%s", want, metrics)
	}
	if len(lines) != 1 {
		t.Fatalf("logged %d lines, want one access log line: %v", len(lines), lines)
	}
	line := lines[0]
	got := map[string]any{"msg": line["msg"], "method": line["method"], "route": line["route"], "status": line["status"], "trace_id": line["trace_id"]}
	wantLine := map[string]any{"msg": "request", "method": "GET", "route": "/api/v1/polls/{poll_id}", "status": float64(http.StatusTeapot),
		"trace_id": spans[0].SpanContext().TraceID().String()}
	if diff := cmp.Diff(wantLine, got); diff != "" {
		t.Errorf("access log line (-want +got):\n%s", diff)
	}
	if _, ok := line["duration_ms"].(float64); !ok {
		t.Errorf("access log line lacks duration_ms: %v", line)
	}
	for _, leak := range []string{"42", "secret"} {
		for k, v := range line {
			if s, ok := v.(string); ok && strings.Contains(s, leak) && k != "trace_id" && k != "span_id" && k != "time" {
				t.Errorf("access log line's %s = %q holds the request's %q", k, s, leak)
			}
		}
	}
}

// A web page is named by the pattern its http.ServeMux matched.
func TestHTTPMiddlewareLabelsByMuxPattern(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p/{slug}", func(http.ResponseWriter, *http.Request) {})
	spans, lines, _ := serveTraced(t, telemetry.RouteOfMux(mux), httptest.NewRequest(http.MethodGet, "/p/buurt", nil))
	if len(spans) != 1 || spans[0].Name() != "GET /p/{slug}" {
		t.Fatalf("spans = %v, want one named GET /p/{slug}", spans)
	}
	if got := lines[0]["route"]; got != "/p/{slug}" {
		t.Errorf("access log route = %v, want /p/{slug}", got)
	}
	if got := lines[0]["status"]; got != float64(http.StatusOK) {
		t.Errorf("access log status = %v, want 200", got)
	}
}

// Spans carry no personal data: neither the client's address nor its
// user agent, while the handler still sees both (the rate limit needs the
// address).
func TestHTTPMiddlewareKeepsClientOutOfSpans(t *testing.T) {
	var sawAddr, sawAgent, sawForwarded, sawURL string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAddr, sawAgent, sawForwarded, sawURL = r.RemoteAddr, r.UserAgent(), r.Header.Get("X-Forwarded-For"), r.URL.String()
		telemetry.SetRoute(r.Context(), "/i/{token}")
	})
	req := httptest.NewRequest(http.MethodPost, "/i/geheim-token?x=1", nil)
	req.RemoteAddr = "203.0.113.7:50000"
	req.Header.Set("User-Agent", "Resident/1.0")
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	spans, lines, _ := serveTraced(t, h, req)
	if sawAddr != "203.0.113.7:50000" || sawAgent != "Resident/1.0" || sawForwarded != "198.51.100.9" || sawURL != "/i/geheim-token?x=1" {
		t.Errorf("handler saw address %q, agent %q, forwarded %q, URL %q; want the request's", sawAddr, sawAgent, sawForwarded, sawURL)
	}
	if len(spans) != 1 {
		t.Fatalf("recorded %d spans, want 1", len(spans))
	}
	for k, v := range spanAttrs(spans[0]) {
		if k == "client.address" || k == "network.peer.address" || k == "user_agent.original" || k == "url.path" ||
			strings.Contains(v, "203.0.113") || strings.Contains(v, "198.51.100") || strings.Contains(v, "Resident") || strings.Contains(v, "geheim") {
			t.Errorf("span attribute %s=%q carries the client", k, v)
		}
	}
	for k, v := range lines[0] {
		if s, ok := v.(string); ok && (strings.Contains(s, "203.0.113") || strings.Contains(s, "198.51.100") || strings.Contains(s, "Resident") || strings.Contains(s, "geheim")) {
			t.Errorf("access log %s=%q carries the client", k, s)
		}
	}
}

// Probes and scrapes make no trace, metric or log line.
func TestHTTPMiddlewareLeavesOperationsEndpointsQuiet(t *testing.T) {
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		t.Run(path, func(t *testing.T) {
			served := false
			h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served = true })
			spans, lines, metrics := serveTraced(t, h, httptest.NewRequest(http.MethodGet, path, nil))
			if !served {
				t.Error("handler not called")
			}
			if len(spans) != 0 || len(lines) != 0 {
				t.Errorf("got %d spans and log lines %v, want none", len(spans), lines)
			}
			if strings.Contains(metrics, "http_server_request_duration_seconds_count") {
				t.Errorf("/metrics counts the probe:\n%s", metrics)
			}
		})
	}
}

// Replicas are told apart by pod name and process id.
func TestInstanceIDIsPodAndProcess(t *testing.T) {
	t.Setenv("HOSTNAME", "meedoen-surveys-7d9f-abcde")
	want := "meedoen-surveys-7d9f-abcde-" + strconv.Itoa(os.Getpid())
	if got := telemetry.InstanceID(); got != want {
		t.Errorf("InstanceID() = %q, want %q", got, want)
	}
}

// The resource names the service and instance the binary says.
func TestResourceNamesServiceAndInstance(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tel, _ := setup(t, telemetry.Config{ServiceName: "meedoen-surveys", Instance: "pod-1-42", SpanProcessors: []sdktrace.SpanProcessor{rec}})
	_, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "work")
	span.End()
	got := map[string]string{}
	for _, kv := range rec.Ended()[0].Resource().Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	if got["service.name"] != "meedoen-surveys" || got["service.instance.id"] != "pod-1-42" {
		t.Errorf("resource service.name %q, service.instance.id %q; want meedoen-surveys, pod-1-42", got["service.name"], got["service.instance.id"])
	}
}
