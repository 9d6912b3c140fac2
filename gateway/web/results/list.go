package results

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The list's query parameters.
const (
	qMunicipality = "gemeente"
	qRegion       = "regio"
	qTheme        = "thema"
	qCursor       = "vanaf"
)

// listSize is how many processes the list shows at a time.
const listSize = 20

// listPage is the data of /resultaten: the processes with public
// results, newest advice first, a page at a time.
type listPage struct {
	Filter        filterForm
	Items         []listItem
	NextURL       string
	FirstURL      string
	Downloads     []download
	EvaluationURL string
}

// filterForm is a GET form that narrows a page.
type filterForm struct {
	Action   string
	LabelKey string
	Fields   []selectField
	// Filtered offers to clear the choices.
	Filtered bool
}

// selectField is one select of a filter form.
type selectField struct {
	ID, Name, LabelKey string
	Choices            []kit.Choice
}

// listItem is one process in the list.
type listItem struct {
	Title     string
	URL       string
	Theme     string
	Places    string
	Sent      string
	Reference string
	Status    string
	// Reported marks a process whose final report is out.
	Reported bool
}

// download is a link to a file.
type download struct {
	LabelKey string
	URL      string
}

// list serves GET /resultaten.
func (p *Pages) list(v *visit) error {
	q := v.R.URL.Query()
	code := q.Get(qMunicipality)
	names := p.kit.TenantNames(v.Context())
	if code != "" && !knownMunicipality(names, code) {
		return kit.ErrorPage(http.StatusBadRequest, "results.error.filter")
	}
	cursor := q.Get(qCursor)
	resp, err := v.api.ListProcessResults(v.Context(), &resultsv1.ListProcessResultsRequest{Tenant: code, Limit: listSize, Cursor: cursor})
	if err != nil {
		return err
	}
	v.View.TitleKey = "results.list.title"
	page := &listPage{
		Filter: filterForm{Action: listPath, LabelKey: "results.list.filter", Filtered: code != "", Fields: []selectField{
			{ID: "filter-gemeente", Name: qMunicipality, LabelKey: "results.filter.municipality", Choices: municipalityChoices(names, code)},
		}},
		Downloads:     openData(v.Lang(), false),
		EvaluationURL: evaluationPath,
	}
	for _, r := range resp.GetResults() {
		page.Items = append(page.Items, listItem{
			Title:     r.GetTitle(),
			URL:       processURL(r.GetProcessId()),
			Theme:     themeName(v.Words, r.GetTheme()),
			Places:    places(v.Words, p.namesOf(r.GetMunicipalities())),
			Sent:      dayOf(v.Words, r.GetSentTime()),
			Reference: r.GetReference(),
			Status:    listStatus(v, r),
			Reported:  r.GetReported(),
		})
	}
	filter := url.Values{}
	if code != "" {
		filter.Set(qMunicipality, code)
	}
	if next := resp.GetNextCursor(); next != "" {
		more := url.Values{qCursor: {next}}
		if code != "" {
			more.Set(qMunicipality, code)
		}
		page.NextURL = listPath + "?" + more.Encode()
	}
	if cursor != "" {
		page.FirstURL = listPath
		if len(filter) > 0 {
			page.FirstURL += "?" + filter.Encode()
		}
	}
	v.View.Page = page
	return nil
}

// listStatus says where a process is: the report is out, so many
// municipalities answered, or the advice waits for an answer.
func listStatus(v *visit, r *resultsv1.ProcessResultsSummary) string {
	total := len(r.GetMunicipalities())
	switch {
	case r.GetReported():
		return v.Words.Text("results.status.reported")
	case total <= 1 && r.GetResponded() > 0:
		return v.Words.Text("results.status.answeredOne")
	case total <= 1:
		return v.Words.Text("results.status.sentOne")
	}
	return v.Words.Say("results.status.answered", "count", r.GetResponded(), "total", total)
}

// knownMunicipality reports whether code is a municipality the site
// knows; without names, any municipality code.
func knownMunicipality(names map[string]string, code string) bool {
	if len(names) == 0 {
		return kit.IsMunicipality(code)
	}
	_, ok := names[code]
	return ok && kit.IsMunicipality(code)
}

// knownRegion reports whether id is a region the site knows.
func knownRegion(names map[string]string, id string) bool {
	if len(names) == 0 {
		return slugPattern.MatchString(id)
	}
	_, ok := names[id]
	return ok && !kit.IsMunicipality(id)
}

// municipalityChoices are the municipalities for a filter, by name, after
// "all municipalities".
func municipalityChoices(names map[string]string, selected string) []kit.Choice {
	return tenantChoices(names, selected, "results.filter.allMunicipalities", kit.IsMunicipality)
}

// regionChoices are the regions for a filter, by name, after "all
// regions".
func regionChoices(names map[string]string, selected string) []kit.Choice {
	return tenantChoices(names, selected, "results.filter.allRegions", func(code string) bool { return !kit.IsMunicipality(code) })
}

func tenantChoices(names map[string]string, selected, allKey string, keep func(string) bool) []kit.Choice {
	var list []kit.Choice
	for code, name := range names {
		if keep(code) {
			list = append(list, kit.Choice{Value: code, Label: cmp.Or(name, code), Selected: code == selected})
		}
	}
	slices.SortFunc(list, func(a, b kit.Choice) int { return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.Value, b.Value)) })
	return append([]kit.Choice{{Value: "", LabelKey: allKey, Selected: selected == ""}}, list...)
}

// namesOf are the names of municipality codes, in their order.
func (p *Pages) namesOf(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, p.kit.TenantName(c))
	}
	return out
}

// openData are the links to the open data files: the public results, and
// with figures the evaluation figures and the catalogue too.
func openData(lang string, figures bool) []download {
	suffix := ""
	if lang == "en" {
		suffix = "&language=en"
	}
	var out []download
	if figures {
		out = append(out,
			download{LabelKey: "results.download.figuresCSV", URL: "/api/v1/open-data/evaluation-figures?format=csv" + suffix},
			download{LabelKey: "results.download.figuresJSON", URL: "/api/v1/open-data/evaluation-figures?format=json" + suffix})
	}
	out = append(out,
		download{LabelKey: "results.download.resultsCSV", URL: "/api/v1/open-data/process-results?format=csv" + suffix},
		download{LabelKey: "results.download.resultsJSON", URL: "/api/v1/open-data/process-results?format=json" + suffix})
	if figures {
		out = append(out, download{LabelKey: "results.download.catalog", URL: "/api/v1/open-data/catalog"})
	}
	return out
}
