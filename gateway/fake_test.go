package gateway

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// fakeCouncils is an in-memory councils service that fails the way
// internal/rpc does: status errors with BadRequest or PreconditionFailure
// details, and internal errors that only carry a correlation id.
type fakeCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer

	mu             sync.Mutex
	regions        map[string]*councilsv1.Region
	municipalities map[string]*councilsv1.Municipality
	councils       map[string]*fakeCouncil
	// updates are the UpdateCouncil requests received, in order.
	updates []*councilsv1.UpdateCouncilRequest
}

// fakeCouncil is a council with the version a service keeps: each change
// counts up, and its etag is "v" and the count.
type fakeCouncil struct {
	council *councilsv1.Council
	version int
	// races is how many more updates find that someone else changed the
	// council since it was read, as if a change slipped in between.
	races int
}

func (c *fakeCouncil) etag() string { return "v" + strconv.Itoa(c.version) }

// Region ids that make GetRegion fail in a particular way.
const (
	brokenRegion      = "broken"      // internal/rpc's Internal status with a correlation id
	leakyRegion       = "leaky"       // a plain error whose text must not reach the client
	unavailableRegion = "unavailable" // a dependency is down
	lockedRegion      = "locked"      // the caller has no valid identity
	forbiddenRegion   = "forbidden"   // the caller may not read it
	brokenCorrelation = "0193a3f5-7c1e-7b4e-9a1e-5f0c2d3b4a59"
)

func newFakeCouncils() *fakeCouncils {
	return &fakeCouncils{
		regions:        map[string]*councilsv1.Region{},
		municipalities: map[string]*councilsv1.Municipality{},
		councils:       map[string]*fakeCouncil{},
	}
}

// GetCouncil answers a council with its etag.
func (f *fakeCouncils) GetCouncil(_ context.Context, req *councilsv1.GetCouncilRequest) (*councilsv1.Council, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.councils[req.GetMunicipalityCode()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "council %q not found", req.GetMunicipalityCode())
	}
	out := proto.CloneOf(c.council)
	out.Etag = c.etag()
	return out, nil
}

// UpdateCouncil changes the fields the mask names, as the councils service
// does: the etag sent must be the current one, and a name is required.
func (f *fakeCouncils) UpdateCouncil(_ context.Context, req *councilsv1.UpdateCouncilRequest) (*councilsv1.Council, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, proto.CloneOf(req))
	c, ok := f.councils[req.GetMunicipalityCode()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "council %q not found", req.GetMunicipalityCode())
	}
	if c.races > 0 {
		c.races--
		c.version++
	}
	in := req.GetCouncil()
	if tag := in.GetEtag(); tag != "" && tag != c.etag() {
		st, err := status.New(codes.Aborted, "the council changed since it was read").WithDetails(&errdetails.PreconditionFailure{
			Violations: []*errdetails.PreconditionFailure_Violation{{Type: "STALE", Subject: "/etag", Description: "names a version that is no longer current"}}})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	next := proto.CloneOf(c.council)
	changed := false
	for _, path := range req.GetUpdateMask().GetPaths() {
		switch path {
		case "":
			continue
		case "name":
			next.Name = in.GetName()
		case "contactEmail":
			next.ContactEmail = in.GetContactEmail()
		case "seats":
			next.Seats = in.GetSeats()
		default:
			return nil, invalid(&errdetails.BadRequest_FieldViolation{Field: "/" + path, Description: "cannot be changed"})
		}
		changed = true
	}
	if next.GetName() == "" {
		return nil, invalid(&errdetails.BadRequest_FieldViolation{Field: "/name", Description: "is required"})
	}
	if changed {
		c.council = next
		c.version++
	}
	out := proto.CloneOf(c.council)
	out.Etag = c.etag()
	return out, nil
}

func invalid(violations ...*errdetails.BadRequest_FieldViolation) error {
	st, err := status.New(codes.InvalidArgument, "invalid input").WithDetails(&errdetails.BadRequest{FieldViolations: violations})
	if err != nil {
		return err
	}
	return st.Err()
}

func (f *fakeCouncils) CreateRegion(_ context.Context, req *councilsv1.CreateRegionRequest) (*councilsv1.Region, error) {
	r := req.GetRegion()
	var vs []*errdetails.BadRequest_FieldViolation
	if !regexp.MustCompile(`^[a-z0-9-]{2,63}$`).MatchString(r.GetId()) {
		vs = append(vs, &errdetails.BadRequest_FieldViolation{Field: "/id", Description: "must be a lower-case slug"})
	}
	if strings.TrimSpace(r.GetName()) == "" {
		vs = append(vs, &errdetails.BadRequest_FieldViolation{Field: "/name", Description: "must not be empty"})
	}
	if len(vs) > 0 {
		return nil, invalid(vs...)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.regions[r.GetId()]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "region %q already exists", r.GetId())
	}
	created := &councilsv1.Region{Id: r.GetId(), Name: r.GetName(), CreateTime: timestamppb.New(fixedTime)}
	f.regions[created.Id] = created
	return created, nil
}

func (f *fakeCouncils) GetRegion(_ context.Context, req *councilsv1.GetRegionRequest) (*councilsv1.Region, error) {
	switch req.GetId() {
	case brokenRegion:
		return nil, status.Error(codes.Internal, "internal error; correlation id "+brokenCorrelation)
	case leakyRegion:
		return nil, errors.New("pq: password authentication failed for user meedoen")
	case unavailableRegion:
		return nil, status.Error(codes.Unavailable, "dial tcp 10.0.0.7:5432: connect: connection refused")
	case lockedRegion:
		return nil, status.Error(codes.Unauthenticated, "no valid identity")
	case forbiddenRegion:
		return nil, status.Error(codes.PermissionDenied, "only the region's coordinators may read it")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.regions[req.GetId()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "region %q not found", req.GetId())
	}
	return r, nil
}

func (f *fakeCouncils) ListRegions(_ context.Context, req *councilsv1.ListRegionsRequest) (*councilsv1.ListRegionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := slices.Sorted(maps.Keys(f.regions))
	resp := &councilsv1.ListRegionsResponse{}
	for _, id := range ids {
		if id > req.GetCursor() {
			resp.Regions = append(resp.Regions, f.regions[id])
		}
	}
	if limit := int(req.GetLimit()); limit > 0 && len(resp.Regions) > limit {
		resp.Regions = resp.Regions[:limit]
		resp.NextCursor = resp.Regions[limit-1].Id
	}
	return resp, nil
}

func (f *fakeCouncils) CreateMunicipality(_ context.Context, req *councilsv1.CreateMunicipalityRequest) (*councilsv1.Municipality, error) {
	m := req.GetMunicipality()
	if !regexp.MustCompile(`^GM\d{4}$`).MatchString(m.GetCode()) {
		return nil, invalid(&errdetails.BadRequest_FieldViolation{Field: "/code", Description: `must be "GM" followed by four digits`})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.regions[m.GetRegionId()]; !ok {
		st, err := status.New(codes.FailedPrecondition, "region does not exist").WithDetails(&errdetails.PreconditionFailure{
			Violations: []*errdetails.PreconditionFailure_Violation{{Type: "region", Subject: "/regionId", Description: "must name an existing region"}},
		})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	created := &councilsv1.Municipality{Code: m.GetCode(), Name: m.GetName(), RegionId: m.GetRegionId(), CreateTime: timestamppb.New(fixedTime)}
	f.municipalities[created.Code] = created
	return created, nil
}

func (f *fakeCouncils) GetMunicipality(_ context.Context, req *councilsv1.GetMunicipalityRequest) (*councilsv1.Municipality, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.municipalities[req.GetCode()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "municipality %q not found", req.GetCode())
	}
	return m, nil
}

func (f *fakeCouncils) ListMunicipalities(_ context.Context, req *councilsv1.ListMunicipalitiesRequest) (*councilsv1.ListMunicipalitiesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &councilsv1.ListMunicipalitiesResponse{}
	for _, code := range slices.Sorted(maps.Keys(f.municipalities)) {
		if m := f.municipalities[code]; req.GetRegionId() == "" || m.RegionId == req.GetRegionId() {
			resp.Municipalities = append(resp.Municipalities, m)
		}
	}
	return resp, nil
}
