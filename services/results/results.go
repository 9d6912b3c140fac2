// Package results is the results service: advice documents, municipal responses and their deadlines, public result pages, feedback to participants and evaluation figures.
// It exposes only Config and New; everything else is internal. For now it
// keeps its projection of the tenants (regions and municipalities) that the
// councils service announces.
package results

import (
	"context"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/services/results/internal/api"
)

// Name is the service's name, schema and stream.
const Name = "results"

// Policy returns who may call each method of the service's API: the
// binary composes every service's rules into the one policy each service's
// guard enforces and docs/authorization.md shows.
func Policy() []auth.Rule { return api.Policy() }

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
}

// New migrates the schema, provisions the stream and the consumers, and
// binds the listener; Run on the result serves until its context ends.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*platform.Service, error) {
	return platform.New(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{tenancy.Migrations()},
		Consumers:  []events.ConsumerConfig{tenancy.Consumer()},
	}, deps)
}
