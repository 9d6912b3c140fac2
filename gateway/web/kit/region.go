package kit

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/internal/nlgov"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// Region is the region of a tenant with its municipalities: the choices
// for regional work and the names to show for codes.
type Region struct {
	// ID is the region's id; empty when the councils service does not
	// know the tenant (yet), or the site has no councils service.
	ID   string
	Name string
	// Municipalities are the region's municipalities, by name.
	Municipalities []Place
	// Names maps codes to names, the region's own included.
	Names map[string]string
}

// Place is a municipality or region by code and name.
type Place struct {
	Code string
	Name string
}

// NameOf is the name of the municipality or region code; the code itself
// when the region has no name for it.
func (g *Region) NameOf(code string) string {
	if n := g.Names[code]; n != "" {
		return n
	}
	return code
}

// IsMunicipality reports whether a tenant is a municipality (else it is a
// region).
func IsMunicipality(tenant string) bool { return nlgov.IsMunicipalityCode(tenant) }

// MaxPages bounds the pages of a list the site reads in full.
const MaxPages = 20

// Region finds tenant's region and its municipalities, asking the
// councils service with ctx, which carries the person's identity. A tenant
// the service does not know (yet) is no error here: the page shows codes
// where it lacks names, and the service answers for the work itself.
func (s *Site) Region(ctx context.Context, tenant string) (*Region, error) {
	g := &Region{Names: copyNames(s.TenantNames(ctx)), ID: tenant}
	api := s.cfg.Councils
	if api == nil {
		g.ID = ""
		return g, nil
	}
	if IsMunicipality(tenant) {
		m, err := api.GetMunicipality(ctx, &councilsv1.GetMunicipalityRequest{Code: tenant})
		switch {
		case problem.Of(err) == problem.NotFound:
			g.ID = ""
			return g, nil
		case err != nil:
			return nil, err
		}
		g.Names[m.GetCode()] = m.GetName()
		g.ID = m.GetRegionId()
	}
	if g.ID == "" {
		return g, nil
	}
	switch reg, err := api.GetRegion(ctx, &councilsv1.GetRegionRequest{Id: g.ID}); {
	case problem.Of(err) == problem.NotFound:
	case err != nil:
		return nil, err
	default:
		g.Names[reg.GetId()] = reg.GetName()
	}
	g.Name = g.NameOf(g.ID)
	cursor := ""
	// A region has a handful of municipalities; the bound only stops a
	// service that keeps handing out cursors.
	for range MaxPages {
		resp, err := api.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{RegionId: g.ID, Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, m := range resp.GetMunicipalities() {
			g.Names[m.GetCode()] = m.GetName()
			g.Municipalities = append(g.Municipalities, Place{Code: m.GetCode(), Name: m.GetName()})
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	slices.SortFunc(g.Municipalities, func(x, y Place) int { return strings.Compare(x.Name, y.Name) })
	return g, nil
}

// copyNames is a map the caller may change.
func copyNames(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
