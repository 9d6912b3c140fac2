package results

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// fakeResults is an in-memory results service with two processes whose
// advice was sent: a shared IJmond process on informal care, answered by
// Velsen on time, overdue at Beverwijk and sent back to Heemskerk for a
// revision; and a local Heemskerk process on youth with its final report.
// Its evidence hides small counts as the real service does; its figures
// hold one of each kind of hidden figure.
type fakeResults struct {
	resultsv1.UnimplementedResultsServiceServer
	webtest.Recorder

	mu        sync.Mutex
	processes []*resultsv1.ProcessResults
	figures   *resultsv1.Figures
}

// The fake's processes.
const (
	sharedID = "p-mantelzorg"
	localID  = "p-jeugd"
	adviceID = "a-mantelzorg"
	hash     = "3f2a9c1e7b5d4a60e8f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"
)

func count(n int64) *resultsv1.PublicCount { return &resultsv1.PublicCount{Value: n} }

var hidden = &resultsv1.PublicCount{Hidden: true}

func newFakeResults() *fakeResults {
	shared := &resultsv1.ProcessResults{
		ProcessId: sharedID, Tenant: "ijmond", Municipalities: []string{"GM0453", "GM0375", "GM0396"},
		Theme: "mantelzorg", Origin: councilsv1.Origin_ORIGIN_SOLICITED,
		Advice: &resultsv1.PublishedAdvice{
			Id: adviceID, Reference: "PR-ijmond-2027-001", Version: 2, SentTime: webtest.At("2027-01-20T09:30:00Z"),
			ContentHash: hash,
			Content: &resultsv1.AdviceContent{
				Title:       "Advies over respijtzorg voor mantelzorgers in de IJmond",
				Question:    "Wat hebben mantelzorgers nodig om het vol te houden?",
				Involvement: "We spraken mantelzorgers in focusgroepen en hielden een flitspeiling.",
				Findings:    "Veel mantelzorgers kennen respijtzorg niet.\n“Ik wist niet dat het bestond.”",
				Conclusions: "Respijtzorg moet bekender worden.",
				Recommendations: []*resultsv1.Recommendation{
					{Number: 1, Text: "Maak respijtzorg bekend via de huisarts."},
					{Number: 2, Text: "Zorg voor één loket voor mantelzorgers."},
					{Number: 3, Text: "Geef mantelzorgers een vast contactpersoon."},
				},
			},
			Evidence: &resultsv1.Evidence{
				Reach: []*resultsv1.FormReach{
					{Form: councilsv1.FormKind_FORM_KIND_FOCUS_GROUP, MunicipalityCode: "GM0453", Activities: 3, Residents: count(1234), FirstDay: "2026-11-02", LastDay: "2026-12-14"},
					{Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, MunicipalityCode: "GM0375", Activities: 1, Residents: hidden, FirstDay: "2026-12-01", LastDay: "2026-12-01"},
				},
				Polls: []*resultsv1.PollReach{{
					PollId: "poll-1", Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, ClosedOn: "2026-12-01", Responses: count(57),
					PerMunicipality: []*resultsv1.MunicipalityCount{
						{MunicipalityCode: "GM0453", Count: count(48)},
						{MunicipalityCode: "GM0375", Count: hidden},
						{MunicipalityCode: "GM0396", Count: hidden},
					},
				}},
				Sessions: 3, Attendees: count(21), Findings: 4, AsOfTime: webtest.At("2027-01-20T09:30:00Z"),
			},
			Corrections: []string{"Aanbeveling 2 noemde het verkeerde loket."},
		},
		Responses: []*resultsv1.MunicipalResponseSummary{
			{MunicipalityCode: "GM0453", Status: resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED, Deadline: "2027-03-03", Version: 1,
				DecidedOn: "2027-02-10", AnsweredOnTime: true, Answers: []*resultsv1.RecommendationAnswer{
					{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
					{Recommendation: 2, Verdict: resultsv1.Verdict_VERDICT_PARTLY_ADOPTED, Motivation: "Het loket komt er, maar alleen online."},
					{Recommendation: 3, Verdict: resultsv1.Verdict_VERDICT_NOT_ADOPTED, Motivation: "Daar is geen geld voor."},
				}},
			{MunicipalityCode: "GM0375", Status: resultsv1.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED, Deadline: "2027-03-03", Overdue: true},
			{MunicipalityCode: "GM0396", Status: resultsv1.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED, Deadline: "2027-04-14", Version: 1,
				DecidedOn: "2027-02-24", AnsweredOnTime: true, Answers: []*resultsv1.RecommendationAnswer{
					{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_TO_BE_INVESTIGATED, Motivation: "We zoeken het uit."},
					{Recommendation: 2, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
					{Recommendation: 3, Verdict: resultsv1.Verdict_VERDICT_ADOPTED},
				}},
		},
	}
	local := &resultsv1.ProcessResults{
		ProcessId: localID, Tenant: "GM0396", Municipalities: []string{"GM0396"}, Theme: "jeugd",
		Origin: councilsv1.Origin_ORIGIN_UNSOLICITED, Closed: true,
		Advice: &resultsv1.PublishedAdvice{
			Id: "a-jeugd", Reference: "PR-GM0396-2026-004", Version: 1, SentTime: webtest.At("2026-10-05T08:00:00Z"), ContentHash: "aa11",
			Content: &resultsv1.AdviceContent{
				Title: "Advies over jeugdhulp in Heemskerk", Question: "Hoe vinden jongeren de weg naar hulp?",
				Recommendations: []*resultsv1.Recommendation{{Number: 1, Text: "Open een inloop voor jongeren."}},
			},
			Evidence: &resultsv1.Evidence{AsOfTime: webtest.At("2026-10-05T08:00:00Z")},
		},
		Responses: []*resultsv1.MunicipalResponseSummary{
			{MunicipalityCode: "GM0396", Status: resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED, Deadline: "2026-11-16", Version: 1,
				DecidedOn: "2026-11-20", Answers: []*resultsv1.RecommendationAnswer{{Recommendation: 1, Verdict: resultsv1.Verdict_VERDICT_ADOPTED}}},
		},
		Report: &resultsv1.Report{Id: "r-jeugd", ProcessId: localID, Summary: "De inloop is er sinds januari.", ContentHash: "bb22",
			PublishTime: webtest.At("2027-01-08T10:00:00Z")},
	}
	share := func(v float64) *resultsv1.PublicFigure { return &resultsv1.PublicFigure{Value: v} }
	hiddenFigure := &resultsv1.PublicFigure{Hidden: true}
	figures := &resultsv1.Figures{
		MinCell:  5,
		AsOfTime: webtest.At("2027-03-04T11:15:00Z"),
		Municipalities: []*resultsv1.MunicipalityFigures{
			{MunicipalityCode: "GM0453", Name: "Velsen", Processes: 4, AdviceSent: 2, Responses: 6,
				Adoption: &resultsv1.Adoption{Answered: 10, Adopted: 5, PartlyAdopted: 3, NotAdopted: 2,
					AdoptedShare: share(0.5), PartlyAdoptedShare: share(0.3), NotAdoptedShare: share(0.2)},
				MedianResponseDays: share(12.5), P90ResponseDays: share(40), OnTimeShare: share(0.8333),
				ResidentsReached: count(1234), PollResponses: count(310), PollResponseRate: hiddenFigure, ToldShare: share(1)},
			{MunicipalityCode: "GM0375", Name: "Beverwijk", Processes: 1, AdviceSent: 1,
				Adoption:           &resultsv1.Adoption{AdoptedShare: hiddenFigure, PartlyAdoptedShare: hiddenFigure, NotAdoptedShare: hiddenFigure},
				MedianResponseDays: hiddenFigure, P90ResponseDays: hiddenFigure, OnTimeShare: hiddenFigure,
				ResidentsReached: hidden, PollResponses: count(0), PollResponseRate: hiddenFigure, ToldShare: hiddenFigure},
		},
		Themes: []*resultsv1.ThemeFigures{
			{Theme: "mantelzorg", Processes: 3, AdviceSent: 2, Adoption: &resultsv1.Adoption{Adopted: 5, AdoptedShare: share(0.5)}, ToldShare: share(0.5)},
			{Theme: "dementie", Processes: 1, Adoption: &resultsv1.Adoption{AdoptedShare: hiddenFigure}, ToldShare: hiddenFigure},
		},
		Forms: []*resultsv1.FormFigures{
			{Form: councilsv1.FormKind_FORM_KIND_FOCUS_GROUP, MunicipalityCode: "GM0453", Processes: 2, ResidentsReached: count(40)},
			{Form: councilsv1.FormKind_FORM_KIND_VISIT, MunicipalityCode: "GM0375", Processes: 1, ResidentsReached: hidden},
		},
	}
	return &fakeResults{processes: []*resultsv1.ProcessResults{shared, local}, figures: figures}
}

func (f *fakeResults) GetProcessResults(ctx context.Context, req *resultsv1.GetProcessResultsRequest) (*resultsv1.ProcessResults, error) {
	if err := f.Call(ctx, "GetProcessResults", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.processes {
		if p.GetProcessId() == req.GetProcessId() {
			return proto.Clone(p).(*resultsv1.ProcessResults), nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "results of process %q not found", req.GetProcessId())
}

// ListProcessResults lists the processes of a tenant (its own, or a
// shared one it takes part in), a page at a time; the cursor is the
// index of the next.
func (f *fakeResults) ListProcessResults(ctx context.Context, req *resultsv1.ListProcessResultsRequest) (*resultsv1.ListProcessResultsResponse, error) {
	if err := f.Call(ctx, "ListProcessResults", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []*resultsv1.ProcessResultsSummary
	for _, p := range f.processes {
		if t := req.GetTenant(); t != "" && p.GetTenant() != t && !slices.Contains(p.GetMunicipalities(), t) {
			continue
		}
		sum := &resultsv1.ProcessResultsSummary{ProcessId: p.GetProcessId(), Tenant: p.GetTenant(), Municipalities: p.GetMunicipalities(),
			Theme: p.GetTheme(), Title: p.GetAdvice().GetContent().GetTitle(), Reference: p.GetAdvice().GetReference(),
			SentTime: p.GetAdvice().GetSentTime(), Reported: p.GetReport() != nil}
		for _, r := range p.GetResponses() {
			if r.GetVersion() > 0 {
				sum.Responded++
			}
		}
		all = append(all, sum)
	}
	start := 0
	if c := req.GetCursor(); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(all) {
			return nil, webtest.Invalid("/cursor", "not a cursor of this list")
		}
		start = n
	}
	limit := int(req.GetLimit())
	if limit <= 0 {
		limit = 20
	}
	end := min(start+limit, len(all))
	resp := &resultsv1.ListProcessResultsResponse{Results: all[start:end]}
	if end < len(all) {
		resp.NextCursor = strconv.Itoa(end)
	}
	return resp, nil
}

func (f *fakeResults) GetFigures(ctx context.Context, req *resultsv1.GetFiguresRequest) (*resultsv1.Figures, error) {
	if err := f.Call(ctx, "GetFigures", req); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return proto.Clone(f.figures).(*resultsv1.Figures), nil
}

// addProcesses adds n local Velsen processes with sent advice, the
// newest first after the ones there are.
func (f *fakeResults) addProcesses(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		f.processes = append(f.processes, &resultsv1.ProcessResults{
			ProcessId: fmt.Sprintf("p-extra-%02d", i), Tenant: "GM0453", Municipalities: []string{"GM0453"}, Theme: "ouderen",
			Advice: &resultsv1.PublishedAdvice{Id: fmt.Sprintf("a-extra-%02d", i), Reference: fmt.Sprintf("PR-GM0453-2026-%03d", i+10),
				SentTime: webtest.At("2026-09-01T10:00:00Z"),
				Content:  &resultsv1.AdviceContent{Title: fmt.Sprintf("Extra advies %02d", i)}},
		})
	}
}

// fakeFiles draws each chart as a small SVG the way a drawing library
// might: with a prolog, namespaces, inline styles, ids and, to show that
// the page leaves them out, a script and an event handler.
type fakeFiles struct {
	resultsv1.UnimplementedFilesServiceServer
	webtest.Recorder
}

func (f *fakeFiles) RenderChart(ctx context.Context, req *resultsv1.RenderChartRequest) (*resultsv1.File, error) {
	if err := f.Call(ctx, "RenderChart", req); err != nil {
		return nil, err
	}
	svg := `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="640" height="320" viewBox="0 0 640 320" role="img" aria-labelledby="title desc" onload="alert(1)">
<title id="title">Grafiek ` + req.GetChart() + `</title>
<desc id="desc">Staafdiagram per gemeente.</desc>
<script>alert(2)</script>
<defs><linearGradient id="fill"><stop offset="0" style="stop-color:#1f4e79"/></linearGradient></defs>
<rect x="10" y="10" width="100" height="50" style="fill:url(#fill);stroke:#000000;behavior:url(x.htc)"/>
<text x="10" y="80" style="font-size:12px;font-family:sans-serif">Velsen</text>
</svg>`
	return &resultsv1.File{Data: []byte(svg), ContentType: "image/svg+xml", FileName: req.GetChart() + ".svg"}, nil
}
