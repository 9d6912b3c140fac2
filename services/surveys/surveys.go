// Package surveys is the surveys service: flash polls and questionnaires,
// invitations, residents' responses and live tallies. It exposes only
// Config and New; everything else is internal. It keeps its projection of
// the tenants (regions and municipalities) that the councils service
// announces.
package surveys

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/tenancy"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/api"
	"github.com/meedoen/meedoen/services/surveys/internal/schedule"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
	"github.com/meedoen/meedoen/services/surveys/internal/tally"
)

// Name is the service's name, schema and stream.
const Name = "surveys"

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
		Consumers:  []events.ConsumerConfig{tenancy.Consumer(), tally.Consumer()},
		Register: func(s *grpc.Server, pool *pgxpool.Pool) {
			surveysv1.RegisterSurveysServiceServer(s, api.New(store.New(pool), api.Config{MinCell: cfg.MinCell, MinCellBy: cfg.MinCellBy}))
		},
		Run: []func(context.Context, *pgxpool.Pool) error{
			func(ctx context.Context, pool *pgxpool.Pool) error {
				return schedule.New(store.New(pool), log, cfg.ScheduleInterval).Run(ctx)
			},
		},
	}, deps)
}
