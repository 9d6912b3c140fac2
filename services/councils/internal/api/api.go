// Package api is the councils service's gRPC application layer: it turns
// requests into domain calls and domain values into messages. The guard
// (internal/auth) lets a caller reach a method by the policy's roles; the
// methods then decide, per tenant, what the caller may see and change
// (access.go).
package api

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/region"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// Server implements councilsv1.CouncilsServiceServer.
type Server struct {
	councilsv1.UnimplementedCouncilsServiceServer
	store *store.Store
	now   func() time.Time
}

// New returns a server on st.
func New(st *store.Store) *Server { return &Server{store: st, now: time.Now} }

// CreateRegion creates a region and announces it.
func (s *Server) CreateRegion(ctx context.Context, req *councilsv1.CreateRegionRequest) (*councilsv1.Region, error) {
	in := req.GetRegion()
	r, err := region.NewRegion(in.GetId(), in.GetName(), s.now())
	if err != nil {
		return nil, err
	}
	ev, err := events.New(ctx, r.ID(), r.ID(), &eventsv1.RegionCreated{RegionId: r.ID(), Name: r.Name()})
	if err != nil {
		return nil, fmt.Errorf("creating region: %w", err)
	}
	if err := s.store.CreateRegion(ctx, r, ev); err != nil {
		return nil, err
	}
	return regionMsg(r), nil
}

// GetRegion returns one region.
func (s *Server) GetRegion(ctx context.Context, req *councilsv1.GetRegionRequest) (*councilsv1.Region, error) {
	r, err := s.store.Region(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return regionMsg(r), nil
}

// ListRegions returns a page of regions.
func (s *Server) ListRegions(ctx context.Context, req *councilsv1.ListRegionsRequest) (*councilsv1.ListRegionsResponse, error) {
	page, err := pageOf(req.GetLimit(), req.GetCursor())
	if err != nil {
		return nil, err
	}
	list, next, err := s.store.Regions(ctx, page)
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListRegionsResponse{NextCursor: next}
	for _, r := range list {
		resp.Regions = append(resp.Regions, regionMsg(r))
	}
	return resp, nil
}

// CreateMunicipality creates a municipality in an existing region and
// announces it, so the other services learn of the new tenant.
func (s *Server) CreateMunicipality(ctx context.Context, req *councilsv1.CreateMunicipalityRequest) (*councilsv1.Municipality, error) {
	in := req.GetMunicipality()
	m, err := region.NewMunicipality(in.GetCode(), in.GetName(), in.GetRegionId(), s.now())
	if err != nil {
		return nil, err
	}
	ev, err := events.New(ctx, m.Code(), m.Code(), &eventsv1.MunicipalityCreated{Code: m.Code(), Name: m.Name(), RegionId: m.RegionID()})
	if err != nil {
		return nil, fmt.Errorf("creating municipality: %w", err)
	}
	if err := s.store.CreateMunicipality(ctx, m, ev); err != nil {
		return nil, err
	}
	return municipalityMsg(m), nil
}

// GetMunicipality returns one municipality.
func (s *Server) GetMunicipality(ctx context.Context, req *councilsv1.GetMunicipalityRequest) (*councilsv1.Municipality, error) {
	m, err := s.store.Municipality(ctx, req.GetCode())
	if err != nil {
		return nil, err
	}
	return municipalityMsg(m), nil
}

// ListMunicipalities returns a page of municipalities, of one region if asked.
func (s *Server) ListMunicipalities(ctx context.Context, req *councilsv1.ListMunicipalitiesRequest) (*councilsv1.ListMunicipalitiesResponse, error) {
	page, err := pageOf(req.GetLimit(), req.GetCursor())
	if err != nil {
		return nil, err
	}
	list, next, err := s.store.Municipalities(ctx, req.GetRegionId(), page)
	if err != nil {
		return nil, err
	}
	resp := &councilsv1.ListMunicipalitiesResponse{NextCursor: next}
	for _, m := range list {
		resp.Municipalities = append(resp.Municipalities, municipalityMsg(m))
	}
	return resp, nil
}

func pageOf(limit int32, after string) (store.Page, error) {
	var v errs.Violations
	page := pageIn(&v, limit, after)
	return page, v.Err()
}

// pageIn is pageOf for a list with more parameters: it adds a bad limit to
// v, so that it is reported with the others.
func pageIn(v *errs.Violations, limit int32, after string) store.Page {
	n, ok := cursor.Limit(limit)
	if !ok {
		v.Add("limit", cursor.LimitReason)
	}
	return store.Page{Limit: n, Cursor: after}
}

func regionMsg(r region.Region) *councilsv1.Region {
	return &councilsv1.Region{Id: r.ID(), Name: r.Name(), CreateTime: timestamppb.New(r.CreatedAt())}
}

func municipalityMsg(m region.Municipality) *councilsv1.Municipality {
	return &councilsv1.Municipality{Code: m.Code(), Name: m.Name(), RegionId: m.RegionID(), CreateTime: timestamppb.New(m.CreatedAt())}
}
