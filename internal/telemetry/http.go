package telemetry

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/felixge/httpsnoop"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// quietPaths are the operations endpoints an orchestrator and Prometheus
// call every few seconds: they get no span, no request metric and no
// access log line, which would only be noise.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// HTTPMiddleware wraps h so that each request becomes a server span,
// continuing a trace the caller sent, is measured, and leaves one access
// log line. Span and metrics are labelled by the route pattern that served
// the request (http.route), which the handlers inside report with
// SetRoute or, for an http.ServeMux, by its matched pattern (RouteOfMux).
// operation names the instrumentation; a span no route claimed is named
// by its method alone.
//
// Requests carry no personal data into telemetry: the client's address
// (client.address, network.peer.address), its user agent and the path with
// its values (url.path; a resident's token, say) are kept from the span,
// and the access log line holds method, route, status, duration and trace
// id, never the path's values, the query string or the address. The
// handlers inside still see the whole request.
//
// The operations endpoints (/healthz, /readyz, /metrics) pass untraced.
func (t *Telemetry) HTTPMiddleware(h http.Handler, operation string) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// Give the handlers back what was hidden from the span.
		orig, _ := r.Context().Value(hiddenKey{}).(*hidden)
		holder := &routeHolder{}
		ctx := context.WithValue(r.Context(), routeKey{}, holder)
		r2 := r.WithContext(ctx)
		if orig != nil {
			r2.RemoteAddr, r2.Header, r2.URL = orig.remoteAddr, orig.header, orig.url
		}
		m := httpsnoop.CaptureMetrics(h, w, r2)
		route := holder.get()
		if route == "" {
			route = pathOf(r2.Pattern) // an http.ServeMux's match
		}
		if route != "" {
			// otelhttp names the span and labels the metrics after
			// r.Pattern once the handler returns.
			r.Pattern = route
			trace.SpanFromContext(ctx).SetAttributes(semconv.HTTPRoute(route))
		}
		t.Logger.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", m.Code),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
	})
	traced := otelhttp.NewHandler(inner, operation,
		otelhttp.WithTracerProvider(t.TracerProvider),
		otelhttp.WithMeterProvider(t.MeterProvider),
		otelhttp.WithPropagators(t.Propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if r.Pattern != "" {
				return r.Method + " " + pathOf(r.Pattern)
			}
			return r.Method
		}),
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if quietPaths[r.URL.Path] {
			h.ServeHTTP(w, r)
			return
		}
		// otelhttp records the client's address, its user agent and the
		// path (url.path, which may hold a resident's token) at the span's
		// start; it sees a copy without them. The route names the span.
		orig := &hidden{remoteAddr: r.RemoteAddr, header: r.Header, url: r.URL}
		header := r.Header.Clone()
		for _, name := range []string{"User-Agent", "X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
			header.Del(name)
		}
		bare := &url.URL{Scheme: r.URL.Scheme, Host: r.URL.Host}
		r2 := r.WithContext(context.WithValue(r.Context(), hiddenKey{}, orig))
		r2.RemoteAddr, r2.Header, r2.URL = "", header, bare
		traced.ServeHTTP(w, r2)
	})
}

// hidden is what HTTPMiddleware keeps from the span and gives back to the
// handler.
type hidden struct {
	remoteAddr string
	header     http.Header
	url        *url.URL
}

type hiddenKey struct{}

type routeKey struct{}

// routeHolder receives the route of the request it travels with.
type routeHolder struct {
	mu    sync.Mutex
	route string
}

func (h *routeHolder) get() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.route
}

// SetRoute records the route pattern that serves the request ctx belongs
// to, such as "/api/v1/polls/{poll_id}", for HTTPMiddleware's span, metrics
// and access log. A leading method ("GET /p/{slug}", as http.ServeMux
// patterns have) is dropped. The first route set wins, so the innermost
// router should set it, or set it first. Without HTTPMiddleware around,
// it does nothing.
func SetRoute(ctx context.Context, pattern string) {
	h, ok := ctx.Value(routeKey{}).(*routeHolder)
	if !ok || pattern == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.route == "" {
		h.route = pathOf(pattern)
	}
}

// RouteOfMux wraps an http.ServeMux (or anything that sets r.Pattern) so
// that the pattern it matched becomes the request's route (SetRoute).
func RouteOfMux(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		SetRoute(r.Context(), r.Pattern)
	})
}

// pathOf returns the path of an http.ServeMux pattern, without its method
// and host: "GET example.org/p/{slug}" → "/p/{slug}".
func pathOf(pattern string) string {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	return pattern
}
