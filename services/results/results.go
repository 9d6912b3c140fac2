// Package results is the results service: advice documents, municipal
// responses and their deadlines, public result pages, feedback to
// participants and evaluation figures. It exposes only Name, Config, New
// and Policy; everything else is internal. It keeps its projections of the
// tenants, of the councils' processes and field activities, of the
// surveys' closed polls and of the focus groups' sessions and findings.
package results

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/tenancy"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/api"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/projection"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// Name is the service's name, schema and stream.
const Name = "results"

// DefaultReminderInterval is how often due reminders are looked for
// unless configured otherwise.
const DefaultReminderInterval = time.Minute

// Policy returns who may call each method of the service's API: the
// binary composes every service's rules into the one policy each service's
// guard enforces and docs/authorization.md shows.
func Policy() []auth.Rule { return api.Policy() }

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
	// PublicURL is the gateway's base URL as staff and residents reach
	// it, for the links in mail and on documents.
	PublicURL string
	// MinCell is the smallest count of residents shown outside the
	// council; 0 means the default (5). MinCellBy raises it for the
	// municipalities it names.
	MinCell   int
	MinCellBy map[string]int
	// Mail sends the queued mail. Without it mail waits in the queue.
	Mail mail.Sender
	// ReminderInterval is how often due reminders are looked for; 0 means
	// DefaultReminderInterval.
	ReminderInterval time.Duration
}

// New migrates the schema, provisions the stream and the consumers
// (tenants, and the other services' events the evidence and figures are
// computed from), registers the APIs and binds the listener; Run on the
// result serves, sends reminders when due and sends the mail queue, until
// its context ends.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*platform.Service, error) {
	log := deps.Telemetry.Logger.With("service", Name)
	if cfg.ReminderInterval <= 0 {
		cfg.ReminderInterval = DefaultReminderInterval
	}
	acfg := api.Config{Cells: evidence.MinCells{Default: cfg.MinCell, By: cfg.MinCellBy}, PublicURL: cfg.PublicURL}
	return platform.New(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{tenancy.Migrations(), mailq.Migrations(), store.Migrations()},
		Consumers:  append([]events.ConsumerConfig{tenancy.Consumer()}, projection.Consumers(log.With("component", "projection"))...),
		Register: func(s grpc.ServiceRegistrar, pool *pgxpool.Pool) {
			srv := api.New(store.New(pool), acfg)
			pb.RegisterAdviceServiceServer(s, srv.Advice)
			pb.RegisterResultsServiceServer(s, srv.Results)
			pb.RegisterFilesServiceServer(s, srv.Files)
		},
		Run: []func(context.Context, *pgxpool.Pool) error{
			func(ctx context.Context, pool *pgxpool.Pool) error {
				return remind(ctx, store.New(pool), api.Reminders(acfg), cfg.ReminderInterval, log)
			},
			func(ctx context.Context, pool *pgxpool.Pool) error { return sendMail(ctx, cfg, pool, log) },
		},
	}, deps)
}

// remind queues the reminders due, now and every interval until ctx
// ends. A failed round is logged and tried again at the next; replicas
// may run it side by side (store.SendReminders claims each reminder once).
func remind(ctx context.Context, st *store.Store, effects store.ReminderEffects, interval time.Duration, log *slog.Logger) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := st.SendReminders(ctx, time.Now(), effects); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "sending response reminders", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "response reminders queued", "reminders", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// sendMail runs the mail queue's worker until ctx ends; without a sender
// the queue keeps its mail for a start that has one.
func sendMail(ctx context.Context, cfg Config, pool *pgxpool.Pool, log *slog.Logger) error {
	if cfg.Mail == nil {
		log.InfoContext(ctx, "no mail sender configured; queued mail waits")
		<-ctx.Done()
		return nil
	}
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: cfg.Mail, Log: log.With("component", "mail")})
	if err != nil {
		return err
	}
	return w.Run(ctx)
}
