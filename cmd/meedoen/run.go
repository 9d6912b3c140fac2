package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fullstorydev/grpchan"
	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/broker"
	"github.com/meedoen/meedoen/internal/config"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// databaseName is the database the private cluster holds all schemas in.
const databaseName = "meedoen"

// runner is a started component.
type runner interface {
	Run(ctx context.Context) error
}

// services maps each service target to its constructor, which takes the
// binary's configuration and the gRPC address to listen at.
var services = map[string]func(ctx context.Context, cfg Config, grpcAddr string, deps platform.Deps) (*platform.Service, error){
	councils.Name: func(ctx context.Context, _ Config, addr string, deps platform.Deps) (*platform.Service, error) {
		return councils.New(ctx, councils.Config{GRPCAddr: addr}, deps)
	},
	focusgroups.Name: func(ctx context.Context, _ Config, addr string, deps platform.Deps) (*platform.Service, error) {
		return focusgroups.New(ctx, focusgroups.Config{GRPCAddr: addr}, deps)
	},
	surveys.Name: func(ctx context.Context, cfg Config, addr string, deps platform.Deps) (*platform.Service, error) {
		minCellBy, err := parseMinCellBy(cfg.MinCellBy)
		if err != nil {
			return nil, err
		}
		// Without a public URL the gateway is reached at its listen address
		// (see run), which is what mails in development link to.
		publicURL := cfg.PublicURL
		if publicURL == "" {
			publicURL = "http://" + cfg.HTTPAddr
		}
		return surveys.New(ctx, surveys.Config{GRPCAddr: addr, MinCell: cfg.MinCell, MinCellBy: minCellBy, PublicURL: publicURL, Mail: cfg.mailer, ReportURL: cfg.ReportURL,
			Neighbourhoods: cfg.tables.neighbourhoods}, deps)
	},
	results.Name: func(ctx context.Context, _ Config, addr string, deps platform.Deps) (*platform.Service, error) {
		return results.New(ctx, results.Config{GRPCAddr: addr}, deps)
	},
}

func realMain(ctx context.Context, args []string) error {
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run starts what cfg asks for, prints where it is reachable on stdout, and
// stops everything in reverse order when ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runWith(ctx, args, stdout, stderr, hooks{})
}

// hooks let a test watch the process from inside; the binary sets none.
type hooks struct {
	// spans receives every span the process ends.
	spans sdktrace.SpanProcessor
}

// runWith is run with hooks.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, h hooks) (err error) {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	targets, _ := cfg.targets()
	if cfg.NewInternalKey {
		return printNewInternalKey(stdout)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	tcfg := telemetry.Config{ServiceName: "meedoen", ServiceVersion: version, Instance: cfg.Target, LogLevel: level}
	if h.spans != nil {
		tcfg.SpanProcessors = append(tcfg.SpanProcessors, h.spans)
	}
	tel, err := telemetry.Setup(ctx, tcfg, stderr)
	if err != nil {
		return err
	}
	tel.SetGlobal()
	log := tel.Logger
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if serr := tel.Shutdown(sctx); serr != nil {
			log.Warn("telemetry shutdown", "error", serr)
		}
	}()
	config.Print(stderr, "meedoen "+version+" configuration:", cfg)
	if cfg.tables, err = loadTables(cfg, targets, log); err != nil {
		return err
	}

	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()

	// PostgreSQL.
	databaseURL := cfg.DatabaseURL
	if databaseURL == "" {
		if !cfg.embedded() {
			return errors.New("-target=" + cfg.Target + " needs DATABASE_URL (only -target=all starts its own PostgreSQL)")
		}
		cluster, err := pg.StartCluster(ctx, pg.ClusterConfig{Dir: filepath.Join(cfg.DataDir, "pg"), Logger: log})
		if err != nil {
			return err
		}
		cleanups = append(cleanups, func() {
			if err := cluster.Stop(context.Background()); err != nil {
				log.Error("stopping PostgreSQL", "error", err)
			}
		})
		if err := ensureDatabase(ctx, cluster.URL("postgres"), databaseName); err != nil {
			return err
		}
		databaseURL = cluster.URL(databaseName)
	}

	// NATS.
	natsURL := cfg.NATSURL
	if natsURL == "" {
		if !cfg.embedded() {
			return errors.New("-target=" + cfg.Target + " needs NATS_URL (only -target=all starts its own NATS server)")
		}
		srv, err := broker.StartEmbedded(filepath.Join(cfg.DataDir, "nats"), log)
		if err != nil {
			return err
		}
		cleanups = append(cleanups, func() { shutdownNATS(srv) })
		natsURL = srv.ClientURL()
	}
	nc, js, err := broker.Connect(natsURL, "meedoen-"+cfg.Target, log)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		if err := nc.Drain(); err != nil {
			nc.Close()
		}
	})

	signer, verifier, err := internalKeys(cfg, targets)
	if err != nil {
		return err
	}

	checks := health.New()
	checks.Add("nats", health.NATS(nc))
	deps := platform.Deps{
		DatabaseURL: databaseURL,
		NATS:        nc,
		JetStream:   js,
		Telemetry:   tel,
		Health:      checks,
		Streams:     events.StreamConfig{Replicas: cfg.StreamReplicas},
		Outbox:      events.RelayConfig{Retention: cfg.OutboxRetention},
		Guard:       auth.NewGuard(verifier, authPolicy(), log),
	}

	// Services. In one process each still gets its own gRPC listener (for
	// the demo loader, health checks and whoever dials it); the gateway
	// beside them calls them through their in-process channels.
	grpcAddr := cfg.GRPCAddr
	if cfg.embedded() || len(targets) > 1 {
		grpcAddr = "127.0.0.1:0"
	}
	var runners []runner
	mailer, mailbox, err := setupMail(cfg, targets, log)
	if err != nil {
		return err
	}
	cfg.mailer = mailer
	if mailbox != nil {
		cleanups = append(cleanups, func() { _ = mailbox.Close() })
		runners = append(runners, mailbox)
	}
	// The gateway reaches a service it runs beside at its listener, and
	// any other at the configured address.
	councilsAddr, surveysAddr := cfg.CouncilsAddr, cfg.SurveysAddr
	local := map[string]*platform.Service{}
	for _, t := range targets {
		newService, ok := services[t]
		if !ok {
			continue // the gateway
		}
		s, err := newService(ctx, cfg, grpcAddr, deps)
		if err != nil {
			return err
		}
		switch t {
		case councils.Name:
			councilsAddr = s.Addr()
		case surveys.Name:
			surveysAddr = s.Addr()
		}
		local[t] = s
		log.Info("service listening", "service", t, "grpc", s.Addr())
		runners = append(runners, s)
	}

	// HTTP: operations endpoints always, web and API when the gateway runs.
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", checks.LiveHandler())
	mux.Handle("GET /readyz", checks.ReadyHandler())
	mux.Handle("GET /metrics", tel.MetricsHandler())
	if cfg.Dev {
		// Profiles for the load tool and whoever measures (docs/benchmarks.md);
		// development only, since a profile shows internals.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	}
	lis, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.HTTPAddr, err)
	}
	defer lis.Close()
	base := strings.TrimSuffix(cfg.PublicURL, "/")
	if base == "" {
		base = "http://" + lis.Addr().String()
	}
	if contains(targets, "gateway") {
		// A service in this process is called through its in-process
		// channel (rpc.NewChannel), any other over gRPC at its address;
		// both carry the internal token the service verifies.
		dial := func(service, addr string) (grpc.ClientConnInterface, error) {
			if s := local[service]; s != nil {
				return grpchan.InterceptClientConn(s.Local, auth.ClientInterceptor(signer), auth.StreamClientInterceptor(signer)), nil
			}
			conn, err := rpc.Dial(addr, tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)),
				grpc.WithChainStreamInterceptor(auth.StreamClientInterceptor(signer)))
			if err != nil {
				return nil, err
			}
			cleanups = append(cleanups, func() { conn.Close() })
			return conn, nil
		}
		var conns gateway.Conns
		if conns.Councils, err = dial(councils.Name, councilsAddr); err != nil {
			return err
		}
		if conns.Surveys, err = dial(surveys.Name, surveysAddr); err != nil {
			return err
		}
		gwRunners, closeGateway, err := mountGateway(ctx, cfg, mux, base, conns, deps, log)
		if err != nil {
			return err
		}
		// Closed after the runners stopped: cleanups run once run returns.
		cleanups = append(cleanups, closeGateway)
		runners = append(runners, gwRunners...)
		if mailbox != nil {
			mux.Handle("GET "+devMailPath, mailbox.Handler())
		}
	}
	httpSrv := &http.Server{
		// The head limits come before the telemetry, so that no span or
		// log line carries a 70 KB URL around.
		Handler:           gateway.LimitHead(tel.HTTPMiddleware(mux, "meedoen")),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// Only the outer bound: LimitHead answers the limits clients meet.
		MaxHeaderBytes: gateway.MaxHeadBytes,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	var wg sync.WaitGroup
	errc := make(chan error, len(runners)+1)
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(runCtx); err != nil {
				errc <- err
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		// net/http's own answers (a head beyond MaxHeaderBytes, a request
		// it cannot parse) go out as problems too.
		if err := httpSrv.Serve(gateway.CannedProblems(lis)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serving HTTP: %w", err)
		}
	}()

	switch {
	case !cfg.Dev || !contains(targets, councils.Name):
	case signer == nil:
		log.Warn("demo data not loaded: it is loaded through the API as an administrator, which needs MEEDOEN_INTERNAL_SIGNING_KEY in this process")
	default:
		demoSurveys := ""
		if contains(targets, surveys.Name) {
			demoSurveys = surveysAddr
		}
		if err := loadDemoData(ctx, councilsAddr, demoSurveys, signer, tel, log); err != nil {
			log.Error("loading demo data", "error", err)
		}
	}

	printEntryPoints(stdout, base, contains(targets, "gateway"))
	if mailbox != nil && contains(targets, "gateway") {
		fmt.Fprintf(stdout, "  mail:     %s%s\n", base, devMailPath)
	}
	log.Info("meedoen started", "url", base, "targets", strings.Join(targets, ","))

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("stopping")
	case runErr = <-errc:
		log.Error("component failed; stopping", "error", runErr)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		log.Warn("HTTP shutdown", "error", err)
	}
	cancelRun()
	wg.Wait()
	close(errc)
	for err := range errc {
		runErr = errors.Join(runErr, err)
	}
	log.Info("stopped")
	return runErr
}

// apiVersion is the REST API's full semantic version (API-Version header).
const apiVersion = "1.0.0"

func printEntryPoints(w io.Writer, base string, withGateway bool) {
	fmt.Fprintf(w, "Meedoen is running at %s\n", base)
	if withGateway {
		fmt.Fprintf(w, "  web:      %s/\n", base)
		fmt.Fprintf(w, "  API:      %s/api/v1\n", base)
		fmt.Fprintf(w, "  OpenAPI:  %s/api/v1/openapi.json\n", base)
	}
	fmt.Fprintf(w, "  metrics:  %s/metrics\n", base)
	fmt.Fprintf(w, "  health:   %s/healthz  %s/readyz\n", base, base)
}

// ensureDatabase creates the database on first run.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("checking database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("creating database %s: %w", name, err)
	}
	return nil
}

// shutdownNATS stops the embedded server so its store is flushed and closed.
func shutdownNATS(srv *server.Server) {
	srv.Shutdown()
	srv.WaitForShutdown()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
