package api

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/sync/singleflight"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/figures"
)

// figureCache keeps what the evaluation figures were last computed from,
// by the figures version it was read at (store.changedFigures moves it on
// every change), and the figures computed from it per filter, so that a
// public page read often neither reads every projection again nor
// recomputes while nothing changed. After a change, concurrent readers
// wait for one read of the projections instead of each making their own.
// Each replica has its own.
type figureCache struct {
	mu       sync.Mutex
	version  int64
	input    *figures.Input
	computed map[string]figures.Figures
	reads    singleflight.Group
}

// maxComputedFigures bounds the filters whose figures are kept per
// version: regions, municipalities and themes are few, but a caller can
// name any theme.
const maxComputedFigures = 256

// figureInput returns the figures' input at the store's current version.
func (b *base) figureInput(ctx context.Context) (figures.Input, error) {
	version, err := b.store.FiguresVersion(ctx)
	if err != nil {
		return figures.Input{}, err
	}
	return b.figureInputAt(ctx, version)
}

// figureInputAt returns the figures' input read at version or later.
func (b *base) figureInputAt(ctx context.Context, version int64) (figures.Input, error) {
	c := b.figures
	c.mu.Lock()
	if c.input != nil && c.version >= version {
		in := *c.input
		c.mu.Unlock()
		return in, nil
	}
	c.mu.Unlock()
	v, err, _ := c.reads.Do("input", func() (any, error) {
		// Shared by every caller waiting: not ended by the first one leaving.
		in, read, err := b.store.FiguresInput(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.input == nil || read > c.version {
			c.version, c.input, c.computed = read, &in, nil
		}
		c.mu.Unlock()
		return in, nil
	})
	if err != nil {
		return figures.Input{}, err
	}
	return v.(figures.Input), nil
}

// computedFigures returns the figures f keeps, computed once per version
// of their input.
func (b *base) computedFigures(ctx context.Context, f figures.Filter) (figures.Figures, error) {
	version, err := b.store.FiguresVersion(ctx)
	if err != nil {
		return figures.Figures{}, err
	}
	key := fmt.Sprintf("%q|%q|%t", f.Theme, f.Municipalities, f.Municipalities == nil)
	c := b.figures
	c.mu.Lock()
	if fig, ok := c.computed[key]; ok && c.version >= version {
		c.mu.Unlock()
		return fig, nil
	}
	c.mu.Unlock()
	in, err := b.figureInputAt(ctx, version)
	if err != nil {
		return figures.Figures{}, err
	}
	fig := figures.Compute(in, b.cfg.Cells, f, b.now())
	c.mu.Lock()
	if c.version >= version && len(c.computed) < maxComputedFigures {
		if c.computed == nil {
			c.computed = map[string]figures.Figures{}
		}
		c.computed[key] = fig
	}
	c.mu.Unlock()
	return fig, nil
}

// GetFigures returns the evaluation figures, small numbers hidden: for
// every municipality, those of a region, or one; of every theme or one.
// They are as of now: computed from the projections as they stand.
func (s *ResultsServer) GetFigures(ctx context.Context, req *pb.GetFiguresRequest) (*pb.Figures, error) {
	var f figures.Filter
	var err error
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
	fig, err := s.computedFigures(ctx, f)
	if err != nil {
		return nil, err
	}
	fig.AsOf = s.now()
	return figuresMsg(fig), nil
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
