package kit

import (
	"context"
	"log/slog"
	"slices"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// What the pages know of the attributes of panel members: the closed
// list of neighbourhoods and the age bands.

// neighbourhoods keeps the closed list of neighbourhoods the surveys
// service holds (ListNeighbourhoods), read anonymously: the sign-up page
// offers them, and staff pages show a neighbourhood's name where the
// service stores its code. The list changes only when the service starts
// with another file.
type neighbourhoods = cache[[]*surveysv1.Neighbourhood]

func newNeighbourhoods(api surveysv1.PanelsServiceClient, log *slog.Logger) *neighbourhoods {
	return newCache("the neighbourhoods from the surveys service", func(ctx context.Context) ([]*surveysv1.Neighbourhood, error) {
		resp, err := api.ListNeighbourhoods(ctx, &surveysv1.ListNeighbourhoodsRequest{})
		return resp.GetNeighbourhoods(), err
	}, log)
}

// NeighbourhoodsOf returns municipality's neighbourhoods, by name; ok is
// false when the list could not be read.
func (s *Site) NeighbourhoodsOf(ctx context.Context, municipality string) (list []*surveysv1.Neighbourhood, ok bool) {
	if s.hoods == nil {
		return nil, false
	}
	all, ok := s.hoods.current(ctx)
	for _, n := range all {
		if n.GetMunicipalityCode() == municipality {
			list = append(list, n)
		}
	}
	return list, ok
}

// NeighbourhoodName is the name of the neighbourhood with code, or the
// code itself when the site does not know it.
func (s *Site) NeighbourhoodName(code string) string {
	if s.hoods == nil || code == "" {
		return code
	}
	all, _ := s.hoods.current(context.Background())
	for _, n := range all {
		if n.GetCode() == code {
			return n.GetName()
		}
	}
	return code
}

// AgeBands are the panels' age bands, youngest first, as the service
// stores them; "panel.ageBand.<band>" names each in the catalogue.
var AgeBands = []string{"0-17", "18-26", "27-40", "41-65", "66-75", "76+"}

// AgeBandKey is the catalogue key of an age band's name; that of "not
// given" for an empty or unknown one.
func AgeBandKey(band string) string {
	if slices.Contains(AgeBands, band) {
		return "panel.ageBand." + band
	}
	return "panel.ageBand.none"
}
