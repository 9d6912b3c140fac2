package web

import (
	"context"
	"log/slog"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

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

// neighbourhoodsOf returns municipality's neighbourhoods, by name; ok is
// false when the list could not be read.
func (s *Site) neighbourhoodsOf(ctx context.Context, municipality string) (list []*surveysv1.Neighbourhood, ok bool) {
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

// neighbourhoodName is the name of the neighbourhood with code, or the
// code itself when the site does not know it.
func (s *Site) neighbourhoodName(code string) string {
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
