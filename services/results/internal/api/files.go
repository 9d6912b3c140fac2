package api

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/nlgov"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/chart"
	"github.com/meedoen/meedoen/services/results/internal/document"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/figures"
	"github.com/meedoen/meedoen/services/results/internal/response"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// The files' media types.
const (
	mediaPDF  = "application/pdf"
	mediaHTML = "text/html; charset=utf-8"
	mediaCSV  = "text/csv; charset=utf-8"
	mediaJSON = "application/json"
	mediaLD   = "application/ld+json"
	mediaSVG  = "image/svg+xml"
)

// languageIn reads a request's language: "nl" (also for "") or "en"; any
// other value is added to v under name.
func languageIn(v *errs.Violations, name, lang string) string {
	switch lang {
	case "", "nl":
		return "nl"
	case "en":
		return "en"
	}
	v.Add(name, "must be nl or en")
	return "nl"
}

// RenderAdvice renders a version of an advice as a tagged PDF or as HTML.
// A version that was sent is public. A version never sent (a draft, an
// adopted one) is only for who may see the advice; others are answered
// as if the advice did not exist. Without a number: the version sent
// last; before any was sent, the latest, for who may see it.
func (s *FilesServer) RenderAdvice(ctx context.Context, req *pb.RenderAdviceRequest) (*pb.File, error) {
	var v errs.Violations
	if req.GetNumber() < 0 {
		v.Add("version", "must be 1 or more")
	}
	// The document's labels are Dutch only (package document); English is
	// accepted so that a link made for English pages works.
	languageIn(&v, "language", req.GetLanguage())
	format := req.GetFormat()
	if _, ok := pb.DocumentFormat_name[int32(format)]; !ok {
		v.Add("format", "must be pdf or html")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	a, err := s.store.Advice(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	staff := caller(ctx).CanSee(scopeOf(a.Process()))
	number := int(req.GetNumber())
	if number == 0 {
		if number = a.SentVersion(); number == 0 {
			if !staff {
				return nil, notVisible("advice", req.GetId())
			}
			number = a.Latest().Number
		}
	}
	ver, err := s.store.Version(ctx, a.ID(), number)
	if errs.CodeOf(err) == errs.NotFound && !staff {
		return nil, notVisible("advice", req.GetId())
	}
	if err != nil {
		return nil, err
	}
	if ver.SentAt.IsZero() && !staff {
		return nil, notVisible("advice", req.GetId())
	}
	doc, err := s.documentOf(ctx, a, ver)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	name := "advies-" + fileSafe(a.Reference()) + "-v" + strconv.Itoa(ver.Number)
	if format == pb.DocumentFormat_DOCUMENT_FORMAT_HTML {
		if err := document.HTML(&b, doc); err != nil {
			return nil, err
		}
		return &pb.File{Data: b.Bytes(), ContentType: mediaHTML, FileName: name + ".html"}, nil
	}
	if err := document.PDF(&b, doc); err != nil {
		return nil, err
	}
	return &pb.File{Data: b.Bytes(), ContentType: mediaPDF, FileName: name + ".pdf"}, nil
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// fileSafe keeps a reference's letters, digits and hyphens.
func fileSafe(s string) string { return strings.Trim(unsafeInName.ReplaceAllString(s, "-"), "-") }

// documentOf is version v of a as the document package prints it: with
// the evidence frozen with it once sent, else the evidence as it stands.
func (s *FilesServer) documentOf(ctx context.Context, a advice.Advice, v advice.Version) (document.Doc, error) {
	p := a.Process()
	names, err := s.store.MunicipalityNames(ctx)
	if err != nil {
		return document.Doc{}, err
	}
	name := func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
	var ev evidence.Snapshot
	if v.Evidence != nil {
		ev = *v.Evidence
	} else if ev, err = s.store.Evidence(ctx, p.ID, s.cfg.Cells, s.now()); err != nil {
		return document.Doc{}, err
	}
	council, err := s.store.TenantName(ctx, p.Tenant)
	if err != nil {
		return document.Doc{}, err
	}
	if council != "" {
		if len(p.Participants) > 0 {
			council = "Participatieraden " + council
		} else {
			council = "Participatieraad " + council
		}
	}
	d := document.Doc{
		Title: v.Content.Title, Reference: a.Reference(), Version: v.Number, Correction: v.Correction,
		Council: council, Date: firstSet(v.SentAt, v.AdoptedAt, v.CreatedAt), ContentHash: v.ContentHash,
		Question: v.Content.Question, Involvement: v.Content.Involvement, Findings: v.Content.Findings,
		Conclusions: v.Content.Conclusions, Recommendations: v.Content.Recommendations,
	}
	if v.Correction {
		d.Note = v.ChangeNote
	}
	if base := strings.TrimSuffix(s.cfg.PublicURL, "/"); base != "" {
		d.Permalink = base + "/adviezen/" + a.ID()
	}
	for _, code := range a.Addressees() {
		d.Municipalities = append(d.Municipalities, name(code))
	}
	for _, r := range ev.Reach {
		d.Reach = append(d.Reach, document.Reach{Form: formName(r.Form, "nl"), Municipality: name(r.Municipality),
			Activities: r.Activities, Residents: document.Count(r.Residents), FirstDay: day(r.FirstDay), LastDay: day(r.LastDay)})
	}
	for _, pr := range ev.Polls {
		poll := document.Poll{Title: formName(pr.Form, "nl"), ClosedOn: day(pr.ClosedOn), Responses: document.Count(pr.Responses)}
		for _, m := range pr.PerMunicipality {
			poll.PerMunicipality = append(poll.PerMunicipality, document.MunicipalityCount{Municipality: name(m.Municipality),
				Count: document.Count(m.Count)})
		}
		d.Polls = append(d.Polls, poll)
	}
	return d, nil
}

// firstSet returns the first of ts that is set.
func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// day parses a YYYY-MM-DD day to noon UTC (the same day in Amsterdam);
// zero when unset or malformed.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t.Add(12 * time.Hour)
}

// ExportFigures returns the evaluation figures of every municipality,
// theme and form as open data, small numbers hidden.
func (s *FilesServer) ExportFigures(ctx context.Context, req *pb.ExportFiguresRequest) (*pb.File, error) {
	var v errs.Violations
	lang := languageIn(&v, "language", req.GetLanguage())
	json := dataFormatIn(&v, req.GetFormat())
	if err := v.Err(); err != nil {
		return nil, err
	}
	in, err := s.figureInput(ctx)
	if err != nil {
		return nil, err
	}
	t := figuresTable(figures.Compute(in, s.cfg.Cells, figures.Filter{}, s.now()), lang)
	return t.file(json, lang, words(lang, "evaluatiecijfers", "evaluation-figures"))
}

// ExportResults returns the public results as open data: for every sent
// advice, each recommendation with each addressed municipality's decision
// once given.
func (s *FilesServer) ExportResults(ctx context.Context, req *pb.ExportResultsRequest) (*pb.File, error) {
	var v errs.Violations
	lang := languageIn(&v, "language", req.GetLanguage())
	json := dataFormatIn(&v, req.GetFormat())
	if err := v.Err(); err != nil {
		return nil, err
	}
	names, err := s.store.MunicipalityNames(ctx)
	if err != nil {
		return nil, err
	}
	t := resultsTable(lang)
	page := store.Page{Limit: 200}
	for {
		list, next, err := s.store.Advices(ctx, store.AdviceFilter{Visibility: store.Visibility{All: true}, Sent: true}, page)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if err := s.addResults(ctx, &t, a, names, lang); err != nil {
				return nil, err
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	return t.file(json, lang, words(lang, "adviezen-en-antwoorden", "advice-and-responses"))
}

// addResults adds the rows of sent advice a to t: one per recommendation
// and addressed municipality, in that order.
func (s *FilesServer) addResults(ctx context.Context, t *table, a advice.Advice, names map[string]string, lang string) error {
	v, err := s.store.Version(ctx, a.ID(), a.SentVersion())
	if err != nil {
		return err
	}
	responses, err := s.store.ResponsesOf(ctx, a.ID())
	if err != nil {
		return err
	}
	byCode := map[string]response.Response{}
	for _, r := range responses {
		byCode[r.Municipality()] = r
	}
	p := a.Process()
	sent := response.DayOf(v.SentAt).String()
	for i, text := range v.Content.Recommendations {
		for _, code := range a.Addressees() {
			row := []any{a.Reference(), p.ID, v.Content.Title, p.Theme, code, names[code], v.Number, sent, i + 1, text,
				nil, nil, nil, nil, nil, nil}
			if r, ok := byCode[code]; ok {
				// The deadline is public from sending; the decision once given.
				row[13] = r.Term().Deadline.String()
				if r.Version() > 0 {
					for _, ans := range r.Answers() {
						if ans.Recommendation == i+1 {
							row[10], row[11], row[12] = string(ans.Verdict), verdictName(ans.Verdict, lang), ans.Motivation
						}
					}
					row[14] = r.DecidedOn().String()
					row[15] = r.OnTime()
				}
			}
			t.rows = append(t.rows, nilEmpty(row))
		}
	}
	return nil
}

// nilEmpty turns empty strings into nil: no value.
func nilEmpty(row []any) []any {
	for i, v := range row {
		if s, ok := v.(string); ok && s == "" {
			row[i] = nil
		}
	}
	return row
}

// resultsTable is the public results' table, without rows.
func resultsTable(lang string) table {
	return table{lang: lang, cols: []column{
		{"kenmerk", "reference"},
		{"proces_id", "process_id"},
		{"titel", "title"},
		{"thema", "theme"},
		{"gemeentecode", "municipality_code"},
		{"gemeente", "municipality"},
		{"versie", "version"},
		{"verzonden_op", "sent_on"},
		{"aanbeveling", "recommendation"},
		{"tekst_aanbeveling", "recommendation_text"},
		{"besluit", "decision"},
		{"besluit_omschrijving", "decision_label"},
		{"motivering", "motivation"},
		{"termijn_tot_en_met", "deadline"},
		{"besluit_genomen_op", "decided_on"},
		{"op_tijd", "on_time"},
	}}
}

// figuresTable is f as rows of one figure each.
func figuresTable(f figures.Figures, lang string) table {
	t := table{lang: lang, cols: []column{
		{"soort", "kind"}, {"code", "code"}, {"naam", "name"}, {"vorm", "form"},
		{"kengetal", "figure"}, {"omschrijving", "label"}, {"waarde", "value"}, {"verborgen", "hidden"},
	}}
	add := func(kind, code, name, form, key string, value any, hidden bool) {
		if hidden {
			value = nil
		}
		t.rows = append(t.rows, []any{kind, code, name, nilIfEmpty(form), key, figureName(key, lang), value, hidden})
	}
	adoption := func(kind, code, name string, a figures.Adoption) {
		add(kind, code, name, "", "recommendations_answered", a.Answered, false)
		add(kind, code, name, "", "adopted", a.Adopted, false)
		add(kind, code, name, "", "partly_adopted", a.PartlyAdopted, false)
		add(kind, code, name, "", "not_adopted", a.NotAdopted, false)
		add(kind, code, name, "", "to_be_investigated", a.ToBeInvestigated, false)
		add(kind, code, name, "", "adopted_share", a.AdoptedShare.Value, a.AdoptedShare.Hidden)
		add(kind, code, name, "", "partly_adopted_share", a.PartlyAdoptedShare.Value, a.PartlyAdoptedShare.Hidden)
		add(kind, code, name, "", "not_adopted_share", a.NotAdoptedShare.Value, a.NotAdoptedShare.Hidden)
	}
	for _, m := range f.Municipalities {
		k := "municipality"
		add(k, m.Code, m.Name, "", "processes", m.Processes, false)
		add(k, m.Code, m.Name, "", "advice_sent", m.AdviceSent, false)
		adoption(k, m.Code, m.Name, m.Adoption)
		add(k, m.Code, m.Name, "", "responses", m.Responses, false)
		add(k, m.Code, m.Name, "", "median_response_days", m.MedianDays.Value, m.MedianDays.Hidden)
		add(k, m.Code, m.Name, "", "p90_response_days", m.P90Days.Value, m.P90Days.Hidden)
		add(k, m.Code, m.Name, "", "on_time_share", m.OnTime.Value, m.OnTime.Hidden)
		add(k, m.Code, m.Name, "", "residents_reached", m.ResidentsReached.Value, m.ResidentsReached.Hidden)
		add(k, m.Code, m.Name, "", "poll_responses", m.PollAnswers.Value, m.PollAnswers.Hidden)
		// No projection holds the panels' invitations yet (see GetFigures).
		add(k, m.Code, m.Name, "", "poll_response_rate", nil, true)
		add(k, m.Code, m.Name, "", "told_share", m.ToldShare.Value, m.ToldShare.Hidden)
	}
	for _, th := range f.Themes {
		add("theme", th.Theme, th.Theme, "", "processes", th.Processes, false)
		add("theme", th.Theme, th.Theme, "", "advice_sent", th.AdviceSent, false)
		adoption("theme", th.Theme, th.Theme, th.Adoption)
		add("theme", th.Theme, th.Theme, "", "told_share", th.ToldShare.Value, th.ToldShare.Hidden)
	}
	municipalities := map[string]string{}
	for _, m := range f.Municipalities {
		municipalities[m.Code] = m.Name
	}
	for _, fm := range f.Forms {
		add("form", fm.Municipality, municipalities[fm.Municipality], fm.Form, "processes", fm.Processes, false)
		add("form", fm.Municipality, municipalities[fm.Municipality], fm.Form, "residents_reached", fm.ResidentsReached.Value, fm.ResidentsReached.Hidden)
	}
	return t
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dataFormatIn reads a data format, reporting whether it is JSON; an
// unknown one is added to v.
func dataFormatIn(v *errs.Violations, f pb.DataFormat) bool {
	switch f {
	case pb.DataFormat_DATA_FORMAT_UNSPECIFIED, pb.DataFormat_DATA_FORMAT_CSV:
		return false
	case pb.DataFormat_DATA_FORMAT_JSON:
		return true
	}
	v.Add("format", "must be csv or json")
	return false
}

// RenderChart draws one of the evaluation figures' charts as SVG, of
// every municipality or those of a region.
func (s *FilesServer) RenderChart(ctx context.Context, req *pb.RenderChartRequest) (*pb.File, error) {
	var v errs.Violations
	lang := languageIn(&v, "language", req.GetLanguage())
	which := req.GetChart()
	if !slices.Contains(chartNames, which) {
		v.Add("chart", "must be one of "+strings.Join(chartNames, ", "))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	in, err := s.figureInput(ctx)
	if err != nil {
		return nil, err
	}
	var f figures.Filter
	if r := req.GetRegionId(); r != "" {
		if f.Municipalities, err = s.store.RegionMunicipalities(ctx, r); err != nil {
			return nil, err
		}
		if f.Municipalities == nil {
			f.Municipalities = []string{}
		}
	}
	fig := figures.Compute(in, s.cfg.Cells, f, s.now())
	var b bytes.Buffer
	switch which {
	case "adoption":
		var rows []chart.AdoptionRow
		for _, m := range fig.Municipalities {
			if m.AdviceSent > 0 || m.Adoption.Answered > 0 {
				a := m.Adoption
				rows = append(rows, chart.AdoptionRow{Name: m.Name, Adopted: a.Adopted, PartlyAdopted: a.PartlyAdopted,
					NotAdopted: a.NotAdopted, Investigate: a.ToBeInvestigated})
			}
		}
		err = chart.Adoption(&b, rows, lang)
	case "response-days":
		var rows []chart.DaysRow
		var shown []string
		for _, m := range fig.Municipalities {
			if m.AdviceSent > 0 || m.Responses > 0 {
				rows = append(rows, chart.DaysRow{Name: m.Name, Median: chartValue(m.MedianDays), P90: chartValue(m.P90Days)})
				shown = append(shown, m.Code)
			}
		}
		term, terr := s.commonTerm(ctx, shown)
		if terr != nil {
			return nil, terr
		}
		err = chart.ResponseDays(&b, rows, term, s.cfg.Cells.Strictest(shown), lang)
	case "reach":
		var groups []chart.ReachGroup
		names := map[string]string{}
		for _, m := range fig.Municipalities {
			names[m.Code] = m.Name
		}
		var shown []string
		for _, fm := range fig.Forms {
			label := formName(fm.Form, lang)
			if len(groups) == 0 || groups[len(groups)-1].Form != label {
				groups = append(groups, chart.ReachGroup{Form: label})
			}
			g := &groups[len(groups)-1]
			name := names[fm.Municipality]
			if name == "" {
				name = words(lang, "gemeente onbekend", "municipality unknown")
			}
			g.Rows = append(g.Rows, chart.ReachRow{Name: name, Residents: chart.Value{N: float64(fm.ResidentsReached.Value), Hidden: fm.ResidentsReached.Hidden}})
			shown = append(shown, fm.Municipality)
		}
		err = chart.Reach(&b, groups, s.cfg.Cells.Strictest(shown), lang)
	}
	if err != nil {
		return nil, err
	}
	return &pb.File{Data: b.Bytes(), ContentType: mediaSVG, FileName: which + ".svg"}, nil
}

func chartValue(f figures.Figure) chart.Value { return chart.Value{N: f.Value, Hidden: f.Hidden} }

// chartNames are the charts RenderChart draws.
var chartNames = []string{"adoption", "response-days", "reach"}

// commonTerm is the response term the municipalities share; the default
// term when they set different ones (or none are shown).
func (s *FilesServer) commonTerm(ctx context.Context, municipalities []string) (int, error) {
	term := 0
	for _, code := range municipalities {
		st, err := s.store.ResponseSettings(ctx, code)
		if err != nil {
			return 0, err
		}
		if term != 0 && st.TermDays != term {
			return response.DefaultTermDays, nil
		}
		term = st.TermDays
	}
	if term == 0 {
		term = response.DefaultTermDays
	}
	return term, nil
}

// amsterdamDay is the day t falls on in Amsterdam, as YYYY-MM-DD.
func amsterdamDay(t time.Time) string { return t.In(nlgov.Amsterdam()).Format(time.DateOnly) }
