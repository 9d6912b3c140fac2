package results

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"sync"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// evaluationPage is the data of /resultaten/evaluatie: the evaluation
// figures per municipality, form and theme, with a chart before each of
// the tables that hold its data.
type evaluationPage struct {
	Filter  filterForm
	MinCell string
	AsOf    string

	Overview []overviewRow
	Adoption []adoptionRow
	Speed    []speedRow
	Forms    []formRow
	ByTheme  []themeRow
	// Charts are the service's charts by name; a missing one is left
	// out and its table says the same.
	Charts map[string]chart
	// ChartsFiltered says that charts are left out because they cannot
	// show a municipality or a theme alone.
	ChartsFiltered bool
	Downloads      []download
	ListURL        string
}

// chart is an inlined SVG chart.
type chart struct {
	SVG template.HTML
}

type overviewRow struct {
	Place        string
	Processes    string
	Reached      cell
	PollAnswers  cell
	ResponseRate cell
	Told         cell
}

type adoptionRow struct {
	Place       string
	AdviceSent  string
	Answered    string
	Adopted     share
	Partly      share
	NotAdopted  share
	ToBeStudied string
}

// share is a count with its share of the whole.
type share struct {
	Count string
	Share cell
}

type speedRow struct {
	Place     string
	Responses string
	Median    cell
	P90       cell
	OnTime    cell
}

type formRow struct {
	Form      string
	Place     string
	Processes string
	Reached   cell
}

type themeRow struct {
	Theme      string
	Processes  string
	AdviceSent string
	Adopted    share
	Told       cell
}

// charts are the charts the files service draws, in the page's order.
var charts = []string{"adoption", "response-days", "reach"}

// evaluation serves GET /resultaten/evaluatie.
func (p *Pages) evaluation(v *visit) error {
	q := v.R.URL.Query()
	region, municipality, theme := q.Get(qRegion), q.Get(qMunicipality), q.Get(qTheme)
	names := p.kit.TenantNames(v.Context())
	if (region != "" && !knownRegion(names, region)) || (municipality != "" && !knownMunicipality(names, municipality)) ||
		(theme != "" && !slugPattern.MatchString(theme)) {
		return kit.ErrorPage(http.StatusBadRequest, "results.error.filter")
	}
	f, err := v.api.GetFigures(v.Context(), &resultsv1.GetFiguresRequest{RegionId: region, MunicipalityCode: municipality, Theme: theme})
	if err != nil {
		return err
	}
	v.View.TitleKey = "results.eval.title"
	w, n := v.Words, v.fmt
	page := &evaluationPage{
		Filter: filterForm{Action: evaluationPath, LabelKey: "results.eval.filter", Filtered: region != "" || municipality != "" || theme != "",
			Fields: []selectField{
				{ID: "filter-regio", Name: qRegion, LabelKey: "results.filter.region", Choices: regionChoices(names, region)},
				{ID: "filter-gemeente", Name: qMunicipality, LabelKey: "results.filter.municipality", Choices: municipalityChoices(names, municipality)},
				{ID: "filter-thema", Name: qTheme, LabelKey: "results.filter.theme", Choices: themeChoices(w, f, theme)},
			}},
		MinCell:   n.Count(int64(f.GetMinCell())),
		AsOf:      w.Moment(f.GetAsOfTime()),
		Downloads: openData(v.Lang(), true),
		ListURL:   listPath,
	}
	min := f.GetMinCell()
	if min > 1 {
		page.MinCell = n.Count(int64(min))
	}
	for _, m := range f.GetMunicipalities() {
		place := cmp.Or(m.GetName(), p.kit.TenantName(m.GetMunicipalityCode()))
		page.Overview = append(page.Overview, overviewRow{
			Place:        place,
			Processes:    n.Count(int64(m.GetProcesses())),
			Reached:      n.people(m.GetResidentsReached(), min),
			PollAnswers:  n.people(m.GetPollResponses(), min),
			ResponseRate: n.share(m.GetPollResponseRate()),
			Told:         n.share(m.GetToldShare()),
		})
		a := m.GetAdoption()
		page.Adoption = append(page.Adoption, adoptionRow{
			Place:       place,
			AdviceSent:  n.Count(int64(m.GetAdviceSent())),
			Answered:    n.Count(int64(a.GetAnswered())),
			Adopted:     share{Count: n.Count(int64(a.GetAdopted())), Share: n.share(a.GetAdoptedShare())},
			Partly:      share{Count: n.Count(int64(a.GetPartlyAdopted())), Share: n.share(a.GetPartlyAdoptedShare())},
			NotAdopted:  share{Count: n.Count(int64(a.GetNotAdopted())), Share: n.share(a.GetNotAdoptedShare())},
			ToBeStudied: n.Count(int64(a.GetToBeInvestigated())),
		})
		page.Speed = append(page.Speed, speedRow{
			Place:     place,
			Responses: n.Count(int64(m.GetResponses())),
			Median:    n.days(m.GetMedianResponseDays()),
			P90:       n.days(m.GetP90ResponseDays()),
			OnTime:    n.share(m.GetOnTimeShare()),
		})
	}
	for _, fm := range f.GetForms() {
		page.Forms = append(page.Forms, formRow{
			Form:      formName(w, fm.GetForm()),
			Place:     p.placeName(w, fm.GetMunicipalityCode()),
			Processes: n.Count(int64(fm.GetProcesses())),
			Reached:   n.people(fm.GetResidentsReached(), min),
		})
	}
	for _, t := range f.GetThemes() {
		page.ByTheme = append(page.ByTheme, themeRow{
			Theme:      themeName(w, t.GetTheme()),
			Processes:  n.Count(int64(t.GetProcesses())),
			AdviceSent: n.Count(int64(t.GetAdviceSent())),
			Adopted:    share{Count: n.Count(int64(t.GetAdoption().GetAdopted())), Share: n.share(t.GetAdoption().GetAdoptedShare())},
			Told:       n.share(t.GetToldShare()),
		})
	}
	// The service draws its charts for a region or for all; with a
	// municipality or a theme chosen they would show other figures than
	// the tables, so the tables stand alone.
	if municipality != "" || theme != "" {
		page.ChartsFiltered = true
	} else {
		page.Charts = p.drawCharts(v.Context(), region, v.Lang())
	}
	v.View.Page = page
	return nil
}

// drawCharts asks the files service for every chart at once, and keeps
// those that arrive and can be inlined safely.
func (p *Pages) drawCharts(ctx context.Context, region, lang string) map[string]chart {
	if p.cfg.Files == nil {
		return nil
	}
	out := map[string]chart{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range charts {
		wg.Go(func() {
			f, err := p.cfg.Files.RenderChart(ctx, &resultsv1.RenderChartRequest{Chart: name, RegionId: region, Language: lang})
			if err != nil {
				p.kit.Log().WarnContext(ctx, "drawing a chart; its table stands alone", "chart", name, "err", err)
				return
			}
			svg, err := inlineSVG(f.GetData(), "grafiek-"+name+"-")
			if err != nil {
				p.kit.Log().ErrorContext(ctx, "inlining a chart; its table stands alone", "chart", name, "err", err)
				return
			}
			mu.Lock()
			out[name] = chart{SVG: svg}
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// themeChoices are the themes for the filter: those the catalogue names
// and those the figures hold, by name, after "all themes".
func themeChoices(w kit.Words, f *resultsv1.Figures, selected string) []kit.Choice {
	keys := slices.Clone(themeKeys)
	for _, t := range f.GetThemes() {
		if !slices.Contains(keys, t.GetTheme()) {
			keys = append(keys, t.GetTheme())
		}
	}
	if selected != "" && !slices.Contains(keys, selected) {
		keys = append(keys, selected)
	}
	var list []kit.Choice
	for _, k := range keys {
		list = append(list, kit.Choice{Value: k, Label: themeName(w, k), Selected: k == selected})
	}
	slices.SortFunc(list, func(a, b kit.Choice) int { return cmp.Compare(a.Label, b.Label) })
	return append([]kit.Choice{{Value: "", LabelKey: "results.filter.allThemes", Selected: selected == ""}}, list...)
}
