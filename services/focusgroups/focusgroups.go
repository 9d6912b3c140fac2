// Package focusgroups is the focus groups service: focus groups of
// participation processes, their members with seats per role, sessions
// with calendar invitations, RSVPs with per-role waitlists, reminders,
// attendance and findings with their speakers' consent. It exposes only
// Name, Config, New, Policy, the table of extra roles per tenant
// (OpenRoles) and the clients the gateway's pages use;
// everything else is internal. It keeps its projections of the tenants and
// of the participation processes that the councils service announces, and
// mails the groups' members the final report the results service
// publishes.
package focusgroups

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
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/api"
	"github.com/meedoen/meedoen/services/focusgroups/internal/feedback"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/roletable"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Name is the service's name, schema and stream.
const Name = "focusgroups"

// DefaultReminderInterval is how often due reminders are looked for
// unless configured otherwise.
const DefaultReminderInterval = time.Minute

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
	// PublicURL is the gateway's base URL as residents reach it, for the
	// links in mails (invitations, member pages, calendar feeds).
	PublicURL string
	// From is the address the mails come from: the organiser in their
	// calendar invitations.
	From string
	// Mail sends the queued mail. Without it mail waits in the queue.
	Mail mail.Sender
	// ReminderInterval is how often due reminders are looked for; 0 means
	// DefaultReminderInterval.
	ReminderInterval time.Duration
	// Roles are the extra member roles per tenant (OpenRoles); nil leaves
	// every tenant the built-in roles alone.
	Roles *Roles
}

// Roles is the operator's table of extra focus-group member roles per
// tenant, besides the built-in ones every tenant has. A group's tenant
// decides which it takes: a municipality's roles apply to its groups, a
// region's to the region's shared groups.
type Roles struct {
	catalog *group.Catalog
}

// OpenRoles reads the table of extra roles from the CSV file at path, with
// the columns tenant, key, label_nl, label_en and resident. A file with a
// problem is refused whole; the error names the file and every problem's
// line and column.
func OpenRoles(path string) (*Roles, error) {
	c, err := roletable.Open(path)
	if err != nil {
		return nil, err
	}
	return &Roles{catalog: c}, nil
}

// Len is how many extra roles the table holds, over all tenants.
func (r *Roles) Len() int {
	if r == nil {
		return 0
	}
	return r.catalog.Len()
}

// catalogOf returns r's catalog; nil for none.
func (r *Roles) catalogOf() *group.Catalog {
	if r == nil {
		return nil
	}
	return r.catalog
}

// New migrates the schema, provisions the stream and the consumers
// (tenants, processes, published reports), registers the APIs and binds the listener; Run on
// the result serves, sends reminders when due and sends the mail queue,
// until its context ends.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*platform.Service, error) {
	log := deps.Telemetry.Logger.With("service", Name)
	if cfg.ReminderInterval <= 0 {
		cfg.ReminderInterval = DefaultReminderInterval
	}
	scfg := store.Config{PublicURL: cfg.PublicURL, From: cfg.From, Roles: cfg.Roles.catalogOf()}
	return platform.New(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{tenancy.Migrations(), mailq.Migrations(), store.Migrations()},
		Consumers: []events.ConsumerConfig{tenancy.Consumer(), process.Consumer(store.ProcessEnded(scfg)),
			feedback.Consumer(feedback.Config{PublicURL: cfg.PublicURL})},
		Register: func(s grpc.ServiceRegistrar, pool *pgxpool.Pool) {
			// One store for both APIs: the answers staff and members give
			// to a session queue for it together.
			st := store.New(pool, scfg)
			pb.RegisterFocusGroupsServiceServer(s, api.New(st))
			pb.RegisterMemberLinksServiceServer(s, api.NewLinks(st, cfg.From))
		},
		Run: []func(context.Context, *pgxpool.Pool) error{
			func(ctx context.Context, pool *pgxpool.Pool) error {
				return remind(ctx, store.New(pool, scfg), cfg.ReminderInterval, log)
			},
			func(ctx context.Context, pool *pgxpool.Pool) error { return sendMail(ctx, cfg, pool, log) },
		},
	}, deps)
}

// Policy returns who may call each method of the service's APIs: the
// binary composes every service's rules into the one policy each service's
// guard enforces and docs/authorization.md shows.
func Policy() []auth.Rule { return api.Policy() }

// Clients are the service's APIs as the gateway's pages call them: the
// staff API, and the residents' API behind the links mailed to them.
type Clients struct {
	Staff pb.FocusGroupsServiceClient
	Links pb.MemberLinksServiceClient
}

// NewClients returns the service's clients on cc, the gateway's
// connection to it.
func NewClients(cc grpc.ClientConnInterface) Clients {
	return Clients{Staff: pb.NewFocusGroupsServiceClient(cc), Links: pb.NewMemberLinksServiceClient(cc)}
}

// remind queues due reminders, and forgets idempotency keys no client
// repeats any more, now and every interval until ctx ends. A
// failed round is logged and tried again at the next; replicas may run it
// side by side (store.SendReminders claims each reminder once).
func remind(ctx context.Context, st *store.Store, interval time.Duration, log *slog.Logger) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := st.SendReminders(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "sending focus-group reminders", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "focus-group reminders queued", "mails", n)
		}
		if _, err := st.PurgeIdempotencyKeys(ctx, st.Now().Add(-store.KeepIdempotencyKeys)); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "purging focus-group idempotency keys", "err", err)
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
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: cfg.Mail, Log: log.With("component", "mail"),
		Settled: map[string]mailq.SettleFunc{feedback.Kind: feedback.Delivered}})
	if err != nil {
		return err
	}
	return w.Run(ctx)
}
