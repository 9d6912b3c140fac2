package api

import (
	"context"
	"slices"
	"sync"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/figures"
)

// figureCache keeps what the evaluation figures were last computed from,
// by the figures version it was read at (store.changedFigures moves it on
// every change), so that a public page read often does not read every
// projection again while nothing changed. Each replica has its own.
type figureCache struct {
	mu      sync.Mutex
	version int64
	input   *figures.Input
}

// figureInput returns the figures' input at the store's current version.
func (b *base) figureInput(ctx context.Context) (figures.Input, error) {
	version, err := b.store.FiguresVersion(ctx)
	if err != nil {
		return figures.Input{}, err
	}
	c := b.figures
	c.mu.Lock()
	if c.input != nil && c.version == version {
		in := *c.input
		c.mu.Unlock()
		return in, nil
	}
	c.mu.Unlock()
	in, read, err := b.store.FiguresInput(ctx)
	if err != nil {
		return figures.Input{}, err
	}
	c.mu.Lock()
	if c.input == nil || read >= c.version {
		c.version, c.input = read, &in
	}
	c.mu.Unlock()
	return in, nil
}

// GetFigures returns the evaluation figures, small numbers hidden: for
// every municipality, those of a region, or one; of every theme or one.
func (s *ResultsServer) GetFigures(ctx context.Context, req *pb.GetFiguresRequest) (*pb.Figures, error) {
	in, err := s.figureInput(ctx)
	if err != nil {
		return nil, err
	}
	var f figures.Filter
	f.Theme = req.GetTheme()
	if r := req.GetRegionId(); r != "" {
		if f.Municipalities, err = s.store.RegionMunicipalities(ctx, r); err != nil {
			return nil, err
		}
		if f.Municipalities == nil {
			f.Municipalities = []string{}
		}
	}
	if m := req.GetMunicipalityCode(); m != "" {
		if f.Municipalities == nil || slices.Contains(f.Municipalities, m) {
			f.Municipalities = []string{m}
		} else {
			f.Municipalities = []string{}
		}
	}
	return figuresMsg(figures.Compute(in, s.cfg.Cells, f, s.now())), nil
}

func figureMsg(f figures.Figure) *pb.PublicFigure {
	return &pb.PublicFigure{Value: f.Value, Hidden: f.Hidden}
}

func adoptionMsg(a figures.Adoption) *pb.Adoption {
	return &pb.Adoption{Answered: int32(a.Answered), Adopted: int32(a.Adopted), PartlyAdopted: int32(a.PartlyAdopted),
		NotAdopted: int32(a.NotAdopted), ToBeInvestigated: int32(a.ToBeInvestigated), AdoptedShare: figureMsg(a.AdoptedShare),
		PartlyAdoptedShare: figureMsg(a.PartlyAdoptedShare), NotAdoptedShare: figureMsg(a.NotAdoptedShare)}
}

func figuresMsg(f figures.Figures) *pb.Figures {
	out := &pb.Figures{MinCell: int32(f.MinCell), AsOfTime: ts(f.AsOf)}
	for _, m := range f.Municipalities {
		out.Municipalities = append(out.Municipalities, &pb.MunicipalityFigures{MunicipalityCode: m.Code, Name: m.Name,
			Processes: int32(m.Processes), AdviceSent: int32(m.AdviceSent), Adoption: adoptionMsg(m.Adoption), Responses: int32(m.Responses),
			MedianResponseDays: figureMsg(m.MedianDays), P90ResponseDays: figureMsg(m.P90Days), OnTimeShare: figureMsg(m.OnTime),
			ResidentsReached: countMsg(m.ResidentsReached), PollResponses: countMsg(m.PollAnswers),
			// No projection holds the panels' invitations yet: hidden.
			PollResponseRate: &pb.PublicFigure{Hidden: true}, ToldShare: figureMsg(m.ToldShare)})
	}
	for _, t := range f.Themes {
		out.Themes = append(out.Themes, &pb.ThemeFigures{Theme: t.Theme, Processes: int32(t.Processes), AdviceSent: int32(t.AdviceSent),
			Adoption: adoptionMsg(t.Adoption), ToldShare: figureMsg(t.ToldShare)})
	}
	for _, fm := range f.Forms {
		out.Forms = append(out.Forms, &pb.FormFigures{Form: formMsg(fm.Form), MunicipalityCode: fm.Municipality,
			Processes: int32(fm.Processes), ResidentsReached: countMsg(fm.ResidentsReached)})
	}
	return out
}
