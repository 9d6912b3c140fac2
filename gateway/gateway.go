// Package gateway is the HTTP front of Meedoen: the REST API under /api/v1,
// translated by grpc-gateway into calls on the services' gRPC APIs, its
// OpenAPI document, and the web pages.
//
// The API follows the Dutch API Design Rules: errors are RFC 9457 problem
// details (application/problem+json) naming the offending fields, every
// response carries an API-Version header, unknown routes get 404 and known
// routes with the wrong method get 405 with an Allow header. Lists link to
// their next page (RFC 8288), and each client is rate limited.
//
// The gateway reads the caller's identity from the request context
// (internal/auth); authentication happens in front of its handler.
package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/telemetry"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// apiPrefix is where the REST API lives; the HTTP rules in proto/ and the
// server URL of the OpenAPI document agree with it.
const apiPrefix = "/api/v1"

// Config configures the gateway. The zero value, plus connections, works.
type Config struct {
	// MaxBodyBytes caps request bodies; a larger body gets 413. Default 1 MiB.
	MaxBodyBytes int64
	// APIVersion is the full semantic version sent in the API-Version
	// header, e.g. "1.0.0". Default: the version in the OpenAPI document.
	APIVersion string
	// RateLimit limits how often each client may call the API.
	RateLimit RateLimit
	// TrustedProxies are the networks of the reverse proxies in front of
	// the gateway. Only when the TCP peer is in one of them does the rate
	// limit believe X-Forwarded-For about the client's address.
	TrustedProxies []netip.Prefix
}

// Conns holds one gRPC connection per service the gateway exposes.
type Conns struct {
	// Councils reaches the councils service.
	Councils grpc.ClientConnInterface
	// Surveys reaches the surveys service; only its staff methods have
	// REST routes.
	Surveys grpc.ClientConnInterface
	// FocusGroups reaches the focus groups service; only its staff methods
	// have REST routes.
	FocusGroups grpc.ClientConnInterface
	// Results reaches the results service.
	Results grpc.ClientConnInterface
}

// Gateway serves the REST API and its OpenAPI document; the web pages are
// package web's.
type Gateway struct {
	log      *slog.Logger
	maxBody  int64
	version  string
	api      *runtime.ServeMux
	routes   routes
	document []byte
	limiter  *limiter
}

// service registers the REST handlers of one gRPC service on the mux.
type service struct {
	name     string
	conn     grpc.ClientConnInterface
	register func(context.Context, *runtime.ServeMux, grpc.ClientConnInterface) error
}

func services(c Conns) []service {
	return []service{
		{"councils", c.Councils, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return councilsv1.RegisterCouncilsServiceHandlerClient(ctx, mux, councilsv1.NewCouncilsServiceClient(cc))
		}},
		{"focusgroups", c.FocusGroups, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return focusgroupsv1.RegisterFocusGroupsServiceHandlerClient(ctx, mux, focusgroupsv1.NewFocusGroupsServiceClient(cc))
		}},
		{"advice", c.Results, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return resultsv1.RegisterAdviceServiceHandlerClient(ctx, mux, resultsv1.NewAdviceServiceClient(cc))
		}},
		// The results API is served by the results service too.
		{"results", c.Results, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return resultsv1.RegisterResultsServiceHandlerClient(ctx, mux, resultsv1.NewResultsServiceClient(cc))
		}},
		{"surveys", c.Surveys, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return surveysv1.RegisterSurveysServiceHandlerClient(ctx, mux, surveysv1.NewSurveysServiceClient(cc))
		}},
		// The panels API is served by the surveys service too.
		{"panels", c.Surveys, func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return surveysv1.RegisterPanelsServiceHandlerClient(ctx, mux, surveysv1.NewPanelsServiceClient(cc))
		}},
	}
}

// New returns a gateway that forwards REST calls over conns. logger may be
// nil. ctx is handed to the generated handler registration and is not kept.
func New(ctx context.Context, cfg Config, conns Conns, logger *slog.Logger) (*Gateway, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	document := openapi.Document()
	rt, docVersion, err := parseDocument(document)
	if err != nil {
		return nil, fmt.Errorf("reading the embedded openapi document: %w", err)
	}
	g := &Gateway{
		log:      logger,
		maxBody:  cfg.MaxBodyBytes,
		version:  cfg.APIVersion,
		routes:   rt,
		document: document,
	}
	switch {
	case g.maxBody == 0:
		g.maxBody = 1 << 20
	case g.maxBody < 0:
		return nil, fmt.Errorf("max body bytes is %d, want a positive number", g.maxBody)
	}
	if g.version == "" {
		g.version = docVersion
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+([-+].*)?$`).MatchString(g.version) {
		return nil, fmt.Errorf("api version %q is not a semantic version", g.version)
	}
	// A PATCH merges into what the GET of the same path returns.
	if err := rt.readable(); err != nil {
		return nil, fmt.Errorf("the embedded openapi document: %w", err)
	}
	if g.limiter, err = newLimiter(cfg.RateLimit, cfg.TrustedProxies); err != nil {
		return nil, err
	}

	useQueryParser()
	noHeaders := func(string) (string, bool) { return "", false }
	g.api = runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newAPIJSON()),
		runtime.WithErrorHandler(g.handleError),
		runtime.WithRoutingErrorHandler(g.handleRoutingError),
		runtime.WithForwardResponseOption(g.noteRoute),
		runtime.WithForwardResponseOption(g.markCreated),
		runtime.WithForwardResponseOption(g.linkNext),
		runtime.WithForwardResponseOption(g.setETag),
		// Clients must not be able to plant gRPC metadata (which will carry
		// the verified identity), nor see the services' metadata.
		runtime.WithIncomingHeaderMatcher(noHeaders),
		runtime.WithOutgoingHeaderMatcher(noHeaders),
		runtime.WithOutgoingTrailerMatcher(noHeaders),
		// Form posts and method overrides would bypass the content type
		// and method checks.
		runtime.WithDisablePathLengthFallback(),
		runtime.WithDisableHTTPMethodOverride(),
	)
	for _, s := range services(conns) {
		if s.conn == nil {
			return nil, fmt.Errorf("no connection to the %s service", s.name)
		}
		if err := s.register(ctx, g.api, checkingConn{s.conn}); err != nil {
			return nil, fmt.Errorf("registering the %s service: %w", s.name, err)
		}
	}
	// A download that grpc-gateway cannot map (see export.go).
	if err := g.handlePath(http.MethodGet, exportPath, g.serveExport(exportClient{conns.Surveys})); err != nil {
		return nil, fmt.Errorf("registering the export download: %w", err)
	}
	// The results service's documents, charts and open data (files.go).
	if err := g.registerFiles(conns.Results); err != nil {
		return nil, err
	}
	return g, nil
}

// Handler returns the gateway's HTTP handler: the API under /api/v1 and the
// OpenAPI document at /api/v1/openapi.json.
func (g *Gateway) Handler() http.Handler { return http.HandlerFunc(g.serveHTTP) }

func (g *Gateway) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("API-Version", g.version)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Strict-Transport-Security", "max-age=31536000")
	h.Set("Referrer-Policy", "no-referrer")
	switch path := r.URL.Path; {
	case strings.HasPrefix(path, apiPrefix+"/"):
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		if path == apiPrefix+documentPath {
			g.serveDocument(w, r)
			return
		}
		g.serveAPI(w, r)
	default:
		h.Set("Cache-Control", "no-store")
		g.writeProblem(w, r, notFound())
	}
}

// documentPath is where, under apiPrefix, the OpenAPI document is served.
const documentPath = "/openapi.json"

func (g *Gateway) serveDocument(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Tools in any origin may read the description; it holds no secrets.
	h.Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(g.document)
	case http.MethodOptions:
		h.Set("Allow", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	default:
		g.writeProblem(w, r, methodNotAllowed("GET, HEAD, OPTIONS"))
	}
}

// noteRoute tells the telemetry around the gateway (telemetry.SetRoute)
// which route pattern served a call, such as "/api/v1/polls/{poll_id}", so
// that spans, metrics and the access log tell endpoints apart.
// grpc-gateway knows the pattern only inside its handler's context, which
// the response options and the error handler get.
func (g *Gateway) noteRoute(ctx context.Context, _ http.ResponseWriter, _ proto.Message) error {
	if pattern, ok := runtime.HTTPPathPattern(ctx); ok {
		telemetry.SetRoute(ctx, pattern)
	}
	return nil
}

// handlePath registers h on the API's mux for a path grpc-gateway does not
// map itself, and reports the path as the route of its calls.
func (g *Gateway) handlePath(method, path string, h runtime.HandlerFunc) error {
	return g.api.HandlePath(method, path, func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		telemetry.SetRoute(r.Context(), path)
		h(w, r, params)
	})
}
