package main

import (
	"context"

	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
)

// Each service's init translates the binary's configuration into the
// service's own and hands the result to addService.

func (a *app) initCouncils(ctx context.Context) (component, error) {
	return a.addService(councils.New(ctx, councils.Config{GRPCAddr: a.grpcAddr()}, a.deps))
}

func (a *app) initFocusgroups(ctx context.Context) (component, error) {
	return a.addService(focusgroups.New(ctx, focusgroups.Config{GRPCAddr: a.grpcAddr(), PublicURL: a.publicURL(),
		From: a.cfg.SMTPFrom, Mail: a.mailer, Roles: a.groupRoles}, a.deps))
}

func (a *app) initSurveys(ctx context.Context) (component, error) {
	minCellBy, err := parseMinCellBy(a.cfg.MinCellBy)
	if err != nil {
		return component{}, err
	}
	return a.addService(surveys.New(ctx, surveys.Config{GRPCAddr: a.grpcAddr(), MinCell: a.cfg.MinCell, MinCellBy: minCellBy,
		PublicURL: a.publicURL(), Mail: a.mailer, ReportURL: a.cfg.ReportURL, Neighbourhoods: a.neighbourhoods}, a.deps))
}

// publicURL is where residents reach the gateway, for the links in mails.
// Without one configured it is the listen address, which is what mails in
// development link to.
func (a *app) publicURL() string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
	return "http://" + a.cfg.HTTPAddr
}

func (a *app) initResults(ctx context.Context) (component, error) {
	minCellBy, err := parseMinCellBy(a.cfg.MinCellBy)
	if err != nil {
		return component{}, err
	}
	return a.addService(results.New(ctx, results.Config{GRPCAddr: a.grpcAddr(), PublicURL: a.publicURL(),
		MinCell: a.cfg.MinCell, MinCellBy: minCellBy, Mail: a.mailer}, a.deps))
}

// addService keeps a started service for the gateway and the demo data
// in this process, and runs it.
func (a *app) addService(s *platform.Service, err error) (component, error) {
	if err != nil {
		return component{}, err
	}
	a.local[s.Name] = s
	a.log.Info("service listening", "service", s.Name, "grpc", s.Addr())
	return component{run: s.Run}, nil
}

// grpcAddr is where a service listens for gRPC. In one process each
// still gets its own listener (for the demo loader, health checks and
// whoever dials it), on a free port; the gateway beside them calls them
// through their in-process channels.
func (a *app) grpcAddr() string {
	if a.cfg.embedded() || len(a.targets) > 1 {
		return "127.0.0.1:0"
	}
	return a.cfg.GRPCAddr
}
