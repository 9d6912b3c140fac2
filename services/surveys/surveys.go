// Package surveys is the surveys service: flash polls and questionnaires,
// invitations, residents' responses and live tallies. It exposes only
// Config, New and Policy; everything else is internal. It owns the closed
// list of neighbourhoods panel members choose from, which the binary reads
// from the operator's file (internal/neighbourhood). It keeps its
// projection of the tenants (regions and municipalities) that the councils
// service announces.
package surveys

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
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/tenancy"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/api"
	"github.com/meedoen/meedoen/services/surveys/internal/feedback"
	"github.com/meedoen/meedoen/services/surveys/internal/process"
	"github.com/meedoen/meedoen/services/surveys/internal/schedule"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
	"github.com/meedoen/meedoen/services/surveys/internal/tally"
)

// Name is the service's name, schema and stream.
const Name = "surveys"

// Policy returns who may call each method of the service's API: the
// binary composes every service's rules into the one policy each service's
// guard enforces and docs/authorization.md shows.
func Policy() []auth.Rule { return api.Policy() }

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
	// MinCell is the smallest count a public tally shows; 0 means 5.
	MinCell int
	// MinCellBy raises MinCell for the municipalities it names.
	MinCellBy map[string]int
	// ScheduleInterval is how often polls due to open or close are looked
	// for; 0 means every 2 seconds.
	ScheduleInterval time.Duration
	// PublicURL is the gateway's base URL as residents reach it, for the
	// links in panel mails (invitations, confirmations, unsubscribing).
	PublicURL string
	// Mail sends the queued mail (invitations, confirmations, feedback on
	// reports). Without it mail waits in the queue, and respondents are
	// not offered feedback.
	Mail mail.Sender
	// ReportURL is the address of a published report, with "{id}" for the
	// report's id, for the feedback mails; empty leaves the link out.
	ReportURL string
	// Neighbourhoods is the closed list of neighbourhoods panel members,
	// poll audiences and breakdowns name; nil knows none. The service
	// copies it into its schema at start and clears what is stored that
	// is not on it (docs/surveys.md).
	Neighbourhoods *neighbourhood.Table
}

// New migrates the schema, provisions the stream and the consumers
// (tenants, tallies), registers the API and binds the listener; Run on the
// result serves, and opens and closes polls on time, until its context
// ends.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*platform.Service, error) {
	log := deps.Telemetry.Logger.With("service", Name)
	return platform.New(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{tenancy.Migrations(), store.Migrations()},
		Prepare: func(ctx context.Context, pool *pgxpool.Pool) error {
			return syncNeighbourhoods(ctx, store.New(pool), cfg.Neighbourhoods, log)
		},
		Consumers: []events.ConsumerConfig{tenancy.Consumer(), process.Consumer(), tally.Consumer(cfg.Neighbourhoods),
			feedback.Consumer(feedback.Config{ReportURL: cfg.ReportURL})},
		Register: func(s grpc.ServiceRegistrar, pool *pgxpool.Pool) {
			surveysv1.RegisterSurveysServiceServer(s, api.New(store.New(pool), api.Config{MinCell: cfg.MinCell, MinCellBy: cfg.MinCellBy,
				Feedback: feedbackRequests(cfg, pool), Neighbourhoods: cfg.Neighbourhoods}))
			surveysv1.RegisterPanelsServiceServer(s, api.NewPanels(store.New(pool), api.PanelsConfig{PublicURL: cfg.PublicURL, Neighbourhoods: cfg.Neighbourhoods}))
			surveysv1.RegisterExportServiceServer(s, api.NewExporter(store.New(pool), api.Config{MinCell: cfg.MinCell, MinCellBy: cfg.MinCellBy}))
		},
		Run: []func(context.Context, *pgxpool.Pool) error{
			func(ctx context.Context, pool *pgxpool.Pool) error {
				return schedule.New(store.New(pool), log, cfg.ScheduleInterval).Run(ctx)
			},
			func(ctx context.Context, pool *pgxpool.Pool) error { return sendMail(ctx, cfg, pool, log) },
			func(ctx context.Context, pool *pgxpool.Pool) error { return sweep(ctx, store.New(pool), log) },
		},
	}, deps)
}

// syncNeighbourhoods stores the closed list of neighbourhoods and clears
// stored values that are not on it, logging how many of each; never the
// values, which may be what a resident typed before the list existed.
func syncNeighbourhoods(ctx context.Context, st *store.Store, hoods *neighbourhood.Table, log *slog.Logger) error {
	got, err := st.SyncNeighbourhoods(ctx, hoods.All())
	if err != nil {
		return err
	}
	attrs := []any{"listed", got.Listed, "removed", got.Removed}
	if !got.Changed() {
		log.InfoContext(ctx, "neighbourhood list stored", attrs...)
		return nil
	}
	log.WarnContext(ctx, "neighbourhood list stored; values not on it were cleared", append(attrs,
		"members_named", got.MembersNamed, "members_cleared", got.MembersCleared,
		"invitations_named", got.InvitationsNamed, "invitations_cleared", got.InvitationsCleared,
		"breakdown_rows_named", got.BreakdownsNamed, "breakdown_rows_deleted", got.BreakdownsDeleted)...)
	return nil
}

// feedbackRequests is where respondents' feedback addresses are kept, or
// nil when the service cannot mail them.
func feedbackRequests(cfg Config, pool *pgxpool.Pool) api.FeedbackRequests {
	if cfg.Mail == nil {
		return nil
	}
	return feedback.NewStore(pool)
}

// sendMail runs the mail queue's worker until ctx ends; without a sender
// the queue keeps its mail for a start that has one.
func sendMail(ctx context.Context, cfg Config, pool *pgxpool.Pool, log *slog.Logger) error {
	if cfg.Mail == nil {
		log.InfoContext(ctx, "no mail sender configured; queued mail waits")
		<-ctx.Done()
		return nil
	}
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{
		Sender:  cfg.Mail,
		Log:     log.With("component", "mail"),
		Settled: map[string]mailq.SettleFunc{feedback.Kind: feedback.Delivered},
	})
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// Housekeeping: what the service stops needing, it deletes.
const (
	sweepEvery = 10 * time.Minute
	// keepIdempotencyKeys is how long a retried submit still gets its
	// first result back; clients retry for seconds, not days.
	keepIdempotencyKeys = 24 * time.Hour
	// keepUnconfirmed is how long a sign-up waits for its confirmation,
	// as long as the confirmation link works.
	keepUnconfirmed = 7 * 24 * time.Hour
)

// sweep deletes, now and every sweepEvery until ctx ends, the idempotency
// keys no client retries with any more and the sign-ups nobody confirmed.
// A failed round is logged and tried again at the next.
func sweep(ctx context.Context, st *store.Store, log *slog.Logger) error {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		now := time.Now()
		if n, err := st.PurgeIdempotencyKeys(ctx, now.Add(-keepIdempotencyKeys)); err != nil {
			log.WarnContext(ctx, "sweeping idempotency keys", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "swept idempotency keys", "deleted", n)
		}
		if n, err := st.PurgeUnconfirmed(ctx, now.Add(-keepUnconfirmed)); err != nil {
			log.WarnContext(ctx, "sweeping unconfirmed sign-ups", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "swept unconfirmed sign-ups", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
