// Package results is the results service: advice documents, municipal responses and their deadlines, public result pages, feedback to participants and evaluation figures.
// It exposes only Config, New and Run; everything else is internal. For now it
// keeps its projection of the tenants (regions and municipalities) that the
// councils service announces.
package results

import (
	"context"
	"fmt"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/tenancy"
)

// Name is the service's name, schema and stream.
const Name = "results"

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
}

// Service is a started results service.
type Service struct {
	svc *platform.Service
}

// New migrates the schema, provisions the stream and its consumers, and
// binds the listener.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*Service, error) {
	svc, err := platform.Start(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{tenancy.Migrations()},
	}, deps)
	if err != nil {
		return nil, err
	}
	if err := svc.Consume(ctx, tenancy.Consumer()); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &Service{svc: svc}, nil
}

// Addr is the gRPC address the service listens on.
func (s *Service) Addr() string { return s.svc.Addr() }

// Run serves until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.svc.Serve(ctx) }
