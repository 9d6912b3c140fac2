// Package platform bundles the shared infrastructure a component runs on and
// the start-up steps every service takes: migrate its schema, provision its
// stream, serve gRPC, run its outbox relay and consumers, and stop them all
// in order when the context ends.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/fullstorydev/grpchan/inprocgrpc"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
)

// Deps is what the binary hands every component.
type Deps struct {
	// DatabaseURL points at the PostgreSQL database all schemas live in.
	DatabaseURL string
	// NATS is the connection to the NATS server or cluster.
	NATS *nats.Conn
	// JetStream is the JetStream context on NATS.
	JetStream jetstream.JetStream
	// Telemetry provides logs, traces and metrics.
	Telemetry *telemetry.Telemetry
	// Health collects readiness checks.
	Health *health.Checker
	// Streams sets how streams are provisioned.
	Streams events.StreamConfig
	// Outbox tunes the outbox relay.
	Outbox events.RelayConfig
	// Guard authenticates and authorises every gRPC call to the service.
	Guard *auth.Guard
}

// ServiceConfig describes one service to Start.
type ServiceConfig struct {
	// Name is the service name; it is also its schema and stream name.
	Name string
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
	// Migrations are the service's own migrations, applied after the
	// platform's outbox/inbox set.
	Migrations []pg.MigrationSet
	// Prepare, when set, runs once after the migrations and before the
	// consumers and the API start, for what must hold before anything
	// reads the schema, such as reference data loaded from a file.
	Prepare func(ctx context.Context, pool *pgxpool.Pool) error
	// Consumers are the event consumers the service runs.
	Consumers []events.ConsumerConfig
	// Register registers the service's gRPC API, built on its pool, once,
	// on both its gRPC server and its in-process channel.
	Register func(s grpc.ServiceRegistrar, pool *pgxpool.Pool)
	// Run are the service's own background loops, such as a scheduler,
	// built on its pool. Service.Run runs each until its context ends; one
	// that fails stops the service.
	Run []func(ctx context.Context, pool *pgxpool.Pool) error
}

// Service is a started service's shared plumbing.
type Service struct {
	// Name is the service's name.
	Name string
	// Pool works in the service's schema.
	Pool *pgxpool.Pool
	// GRPC is the service's gRPC server.
	GRPC *grpc.Server
	// Local reaches the same API within the process, without a socket
	// (see rpc.NewChannel); callers add their client interceptors.
	Local *inprocgrpc.Channel
	// Deps is the shared infrastructure it runs on.
	Deps Deps
	// Log carries the service's name.
	Log      *slog.Logger
	listener net.Listener

	consumers []*events.Consumer
	relay     *events.Relay
	loops     []func(ctx context.Context, pool *pgxpool.Pool) error
}

// New migrates the service's schema, connects its pool, provisions its
// stream and consumers, registers its API and binds its gRPC listener, so its
// address is known before Run.
func New(ctx context.Context, cfg ServiceConfig, deps Deps) (*Service, error) {
	s, err := start(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	if cfg.Prepare != nil {
		if err := cfg.Prepare(ctx, s.Pool); err != nil {
			s.close()
			return nil, fmt.Errorf("%s: %w", cfg.Name, err)
		}
	}
	for _, cc := range cfg.Consumers {
		if err := s.consume(ctx, cc); err != nil {
			s.close()
			return nil, err
		}
	}
	if cfg.Register != nil {
		cfg.Register(rpc.Registrars{s.GRPC, s.Local}, s.Pool)
	}
	s.loops = cfg.Run
	return s, nil
}

func start(ctx context.Context, cfg ServiceConfig, deps Deps) (*Service, error) {
	if deps.Guard == nil {
		return nil, fmt.Errorf("%s: no guard: a service must verify every caller itself", cfg.Name)
	}
	log := deps.Telemetry.Logger.With("service", cfg.Name)
	sets := append([]pg.MigrationSet{events.Migrations()}, cfg.Migrations...)
	if err := pg.Migrate(ctx, deps.DatabaseURL, cfg.Name, sets...); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	pool, err := pg.Connect(ctx, deps.DatabaseURL, cfg.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	if err := events.ProvisionStreams(ctx, deps.JetStream, cfg.Name, deps.Streams); err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	lis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s: listening for gRPC on %s: %w", cfg.Name, cfg.GRPCAddr, err)
	}
	rcfg := deps.Outbox
	rcfg.Service, rcfg.Schema = cfg.Name, cfg.Name
	tel := deps.Telemetry
	relay, err := events.NewRelay(rcfg, pool, deps.JetStream, log, tel.TracerProvider, tel.MeterProvider)
	if err != nil {
		pool.Close()
		lis.Close()
		return nil, err
	}
	if err := pg.RecordPoolStats(pool, cfg.Name, tel.MeterProvider); err != nil {
		pool.Close()
		lis.Close()
		return nil, err
	}
	deps.Health.Add("postgres-"+cfg.Name, health.Postgres(pool))
	return &Service{
		Name: cfg.Name,
		Pool: pool,
		GRPC: rpc.NewServer(tel, log,
			grpc.ChainUnaryInterceptor(deps.Guard.UnaryInterceptor()),
			grpc.ChainStreamInterceptor(deps.Guard.StreamInterceptor())),
		Local:    rpc.NewChannel(tel, log, deps.Guard.UnaryInterceptor(), deps.Guard.StreamInterceptor()),
		Deps:     deps,
		Log:      log,
		listener: lis,
		relay:    relay,
	}, nil
}

// Addr is the bound gRPC address.
func (s *Service) Addr() string { return s.listener.Addr().String() }

// close releases what start took, for a service that will not run.
func (s *Service) close() {
	s.listener.Close()
	s.Pool.Close()
}

// consume adds a consumer that Run runs. Its durable consumer is
// provisioned now, so events published from here on are not missed.
func (s *Service) consume(ctx context.Context, cfg events.ConsumerConfig) error {
	cfg.Service = s.Name
	// The source stream may belong to a service that has not started yet
	// (or runs elsewhere); provisioning is idempotent, so make sure it exists.
	source := strings.ToLower(strings.TrimPrefix(cfg.Stream, "MEEDOEN_"))
	if err := events.ProvisionStreams(ctx, s.Deps.JetStream, source, s.Deps.Streams); err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	tel := s.Deps.Telemetry
	c, err := events.NewConsumer(cfg, s.Pool, s.Deps.JetStream, s.Log, tel.TracerProvider, tel.MeterProvider)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	if err := c.Provision(ctx); err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	s.consumers = append(s.consumers, c)
	return nil
}

// Run serves gRPC and runs the relay, the consumers and the service's own
// loops until ctx ends, then stops them: gRPC drains in-flight calls
// (bounded), the relay, consumers and loops end with ctx, and the pool
// closes last.
func (s *Service) Run(ctx context.Context) error {
	stopHealth := health.Register(s.GRPC, s.Deps.Health, "meedoen."+s.Name)
	defer stopHealth()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 2+len(s.consumers)+len(s.loops))
	run := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				errc <- fmt.Errorf("%s %s: %w", s.Name, name, err)
				cancel()
			}
		}()
	}
	run("grpc", func(ctx context.Context) error {
		served := make(chan error, 1)
		go func() { served <- s.GRPC.Serve(s.listener) }()
		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
		stopped := make(chan struct{})
		go func() { s.GRPC.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			s.GRPC.Stop()
			<-stopped
		}
		if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			return err
		}
		return nil
	})
	run("outbox relay", s.relay.Run)
	for _, c := range s.consumers {
		run("consumer", c.Run)
	}
	for _, loop := range s.loops {
		run("loop", func(ctx context.Context) error { return loop(ctx, s.Pool) })
	}
	<-ctx.Done()
	wg.Wait()
	s.Pool.Close()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
