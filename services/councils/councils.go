// Package councils is the councils service: regions and municipalities,
// councils and their members, the agenda and participation processes. It
// exposes only Config, New and Policy; everything else is internal.
package councils

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils/internal/api"
	"github.com/meedoen/meedoen/services/councils/internal/inputs"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// Name is the service's name, schema and stream.
const Name = "councils"

// Policy returns who may call each method of the service's API: the
// binary composes every service's rules into the one policy each service's
// guard enforces and docs/authorization.md shows.
func Policy() []auth.Rule { return api.Policy() }

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
}

// New migrates the schema, provisions the stream, registers the API and
// binds the listener; Run on the result serves until its context ends.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*platform.Service, error) {
	return platform.New(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{store.Migrations()},
		Consumers:  inputs.Consumers(deps.Telemetry.Logger.With("service", Name)),
		Register: func(s grpc.ServiceRegistrar, pool *pgxpool.Pool) {
			councilsv1.RegisterCouncilsServiceServer(s, api.New(store.New(pool)))
		},
	}, deps)
}
