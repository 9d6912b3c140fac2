// Package councils is the councils service: regions and municipalities,
// councils and their members, the agenda and participation processes. It
// exposes only Config, New and Run; everything else is internal.
package councils

import (
	"context"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils/internal/api"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// Name is the service's name, schema and stream.
const Name = "councils"

// Config configures the service.
type Config struct {
	// GRPCAddr is where it serves gRPC; port 0 picks a free one.
	GRPCAddr string
}

// Service is a started councils service.
type Service struct {
	svc *platform.Service
}

// New migrates the schema, provisions the stream and binds the listener.
func New(ctx context.Context, cfg Config, deps platform.Deps) (*Service, error) {
	svc, err := platform.Start(ctx, platform.ServiceConfig{
		Name:       Name,
		GRPCAddr:   cfg.GRPCAddr,
		Migrations: []pg.MigrationSet{store.Migrations()},
	}, deps)
	if err != nil {
		return nil, err
	}
	councilsv1.RegisterCouncilsServiceServer(svc.GRPC, api.New(store.New(svc.Pool)))
	return &Service{svc: svc}, nil
}

// Addr is the gRPC address the service listens on.
func (s *Service) Addr() string { return s.svc.Addr() }

// Run serves until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.svc.Serve(ctx) }
