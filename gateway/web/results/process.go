package results

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// processPage is the data of /resultaten/{id}: "Wat is er met je inbreng
// gedaan?".
type processPage struct {
	Title     string
	Theme     string
	Places    string
	Status    string
	OriginKey string
	Closed    bool

	Question    string
	Involvement string
	Reach       []reachRow
	// ReachHidden and PollsHidden say that a table hides a small count,
	// so that the explanation goes with it.
	ReachHidden   bool
	Sessions      int32
	Attendees     cell
	FindingsText  string
	FindingsCount int32
	EvidenceDay   string
	Polls         []pollTable
	PollsHidden   bool
	Conclusions   string

	Advice    adviceView
	Responses []responseView
	Report    *reportView
	BackURL   string
}

// reachRow is one form's reach in one municipality.
type reachRow struct {
	Form       string
	Place      string
	Activities string
	Period     string
	Residents  cell
}

// pollTable is one closed poll's responses per municipality.
type pollTable struct {
	ID      string
	Caption string
	Rows    []pollRow
	Total   cell
}

type pollRow struct {
	Place string
	Count cell
}

// adviceView is the advice as sent.
type adviceView struct {
	Reference       string
	Sent            string
	Version         int32
	Hash            string
	Corrections     []string
	PDF, HTML       string
	Recommendations []recommendationView
}

// recommendationView is a numbered recommendation with each
// municipality's decision on it.
type recommendationView struct {
	Number  int32
	Text    string
	Answers []answerView
}

// answerView is one municipality's decision on a recommendation; Pending
// when it has not decided yet.
type answerView struct {
	Place      string
	VerdictKey string
	Motivation string
	Pending    bool
}

// responseView is where one municipality's response is.
type responseView struct {
	Place string
	// Lines say it in sentences: answered on a day, in time or late;
	// awaited until a day; late.
	Lines []string
	// Late marks a response past its term without an answer.
	Late bool
	// Earlier says that the answers shown are from a response the
	// council asked to revise.
	Earlier bool
}

// reportView is the published final report.
type reportView struct {
	Summary   string
	Published string
	Hash      string
}

// process serves GET /resultaten/{id}. A process that does not exist or
// has no sent advice is not found, as the service answers.
func (p *Pages) process(v *visit) error {
	res, err := v.api.GetProcessResults(v.Context(), &resultsv1.GetProcessResultsRequest{ProcessId: v.R.PathValue("id")})
	if err != nil {
		return err
	}
	w := v.Words
	adv := res.GetAdvice()
	content := adv.GetContent()
	page := &processPage{
		Title:        content.GetTitle(),
		Theme:        themeName(w, res.GetTheme()),
		Places:       places(w, p.namesOf(res.GetMunicipalities())),
		Closed:       res.GetClosed(),
		Question:     content.GetQuestion(),
		Involvement:  content.GetInvolvement(),
		FindingsText: content.GetFindings(),
		Conclusions:  content.GetConclusions(),
		BackURL:      listPath,
	}
	switch res.GetOrigin() {
	case councilsv1.Origin_ORIGIN_SOLICITED:
		page.OriginKey = "results.origin.solicited"
	case councilsv1.Origin_ORIGIN_UNSOLICITED:
		page.OriginKey = "results.origin.unsolicited"
	}
	if page.Title == "" {
		page.Title = w.Text("results.process.title")
	}
	v.View.Title = page.Title

	ev := adv.GetEvidence()
	min := p.smallestShown(v, res.GetTenant())
	for _, r := range ev.GetReach() {
		row := reachRow{
			Form:       formName(w, r.GetForm()),
			Place:      p.placeName(w, r.GetMunicipalityCode()),
			Activities: v.fmt.Count(int64(r.GetActivities())),
			Period:     period(w, r.GetFirstDay(), r.GetLastDay()),
			Residents:  v.fmt.people(r.GetResidents(), min),
		}
		page.ReachHidden = page.ReachHidden || row.Residents.Hidden
		page.Reach = append(page.Reach, row)
	}
	page.Sessions = ev.GetSessions()
	page.Attendees = v.fmt.people(ev.GetAttendees(), min)
	page.ReachHidden = page.ReachHidden || (page.Sessions > 0 && page.Attendees.Hidden)
	page.FindingsCount = ev.GetFindings()
	page.EvidenceDay = dayOf(w, ev.GetAsOfTime())
	for i, poll := range ev.GetPolls() {
		t := pollTable{
			ID:      "peiling-" + strconv.Itoa(i+1),
			Caption: w.Say("results.polls.caption", "form", formName(w, poll.GetForm()), "day", w.Date(poll.GetClosedOn())),
			Total:   v.fmt.hiddenCount(poll.GetResponses()),
		}
		page.PollsHidden = page.PollsHidden || t.Total.Hidden
		for _, m := range poll.GetPerMunicipality() {
			row := pollRow{Place: p.placeName(w, m.GetMunicipalityCode()), Count: v.fmt.hiddenCount(m.GetCount())}
			page.PollsHidden = page.PollsHidden || row.Count.Hidden
			t.Rows = append(t.Rows, row)
		}
		page.Polls = append(page.Polls, t)
	}

	page.Advice = adviceView{
		Reference:   adv.GetReference(),
		Sent:        dayOf(w, adv.GetSentTime()),
		Version:     adv.GetVersion(),
		Hash:        adv.GetContentHash(),
		Corrections: adv.GetCorrections(),
		PDF:         documentURL(adv.GetId(), "pdf", v.Lang()),
		HTML:        documentURL(adv.GetId(), "html", v.Lang()),
	}
	// Each addressed municipality, in the order the service names them;
	// one that answered is shown with its answers.
	byCode := map[string]*resultsv1.MunicipalResponseSummary{}
	for _, r := range res.GetResponses() {
		byCode[r.GetMunicipalityCode()] = r
	}
	codes := slices.Clone(res.GetMunicipalities())
	for _, r := range res.GetResponses() {
		if !slices.Contains(codes, r.GetMunicipalityCode()) {
			codes = append(codes, r.GetMunicipalityCode())
		}
	}
	for _, rec := range content.GetRecommendations() {
		rv := recommendationView{Number: rec.GetNumber(), Text: rec.GetText()}
		for _, code := range codes {
			a := answerView{Place: p.kit.TenantName(code), Pending: true}
			for _, ans := range byCode[code].GetAnswers() {
				if ans.GetRecommendation() == rec.GetNumber() && byCode[code].GetVersion() > 0 {
					a = answerView{Place: a.Place, VerdictKey: verdictKey(ans.GetVerdict()), Motivation: ans.GetMotivation()}
				}
			}
			rv.Answers = append(rv.Answers, a)
		}
		page.Advice.Recommendations = append(page.Advice.Recommendations, rv)
	}
	for _, code := range codes {
		page.Responses = append(page.Responses, responseOf(w, p.kit.TenantName(code), byCode[code]))
	}
	page.Status = processStatus(w, res, page.Responses)
	if rep := res.GetReport(); rep != nil {
		page.Report = &reportView{Summary: rep.GetSummary(), Published: dayOf(w, rep.GetPublishTime()), Hash: rep.GetContentHash()}
	}
	v.View.Page = page
	return nil
}

// responseOf says where a municipality's response is; r is nil for one
// the service has no response of (yet).
func responseOf(w kit.Words, place string, r *resultsv1.MunicipalResponseSummary) responseView {
	out := responseView{Place: place}
	deadline := w.Date(r.GetDeadline())
	answered := r.GetVersion() > 0
	if answered {
		if d := r.GetDecidedOn(); d != "" {
			out.Lines = append(out.Lines, w.Say("results.response.decided", "day", w.Date(d)))
		} else {
			out.Lines = append(out.Lines, w.Text("results.response.answered"))
		}
		if r.GetAnsweredOnTime() {
			out.Lines = append(out.Lines, w.Text("results.response.onTime"))
		} else if r.GetDeadline() != "" {
			out.Lines = append(out.Lines, w.Say("results.response.lateAnswer", "day", deadline))
		}
	}
	switch {
	case r.GetStatus() == resultsv1.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED:
		out.Earlier = answered
		out.Lines = append(out.Lines, w.Text("results.response.revision"))
		out.Lines = append(out.Lines, awaiting(w, r, deadline, true, &out))
	case !answered:
		if r.GetStatus() == resultsv1.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED {
			out.Lines = append(out.Lines, w.Text("results.response.acknowledged"))
		}
		out.Lines = append(out.Lines, awaiting(w, r, deadline, false, &out))
	}
	return out
}

// awaiting says until when a response is awaited, or that it is late;
// again for a revised one.
func awaiting(w kit.Words, r *resultsv1.MunicipalResponseSummary, deadline string, again bool, out *responseView) string {
	late, pending := "results.response.late", "results.response.pending"
	if again {
		late, pending = "results.response.lateRevision", "results.response.pendingRevision"
	}
	switch {
	case r.GetOverdue():
		out.Late = true
		return w.Say(late, "day", deadline)
	case r.GetDeadline() == "":
		return w.Text("results.response.none")
	}
	return w.Say(pending, "day", deadline)
}

// processStatus says in a few words where the process is.
func processStatus(w kit.Words, res *resultsv1.ProcessResults, responses []responseView) string {
	if res.GetReport() != nil {
		return w.Text("results.status.reported")
	}
	answered := 0
	for _, r := range res.GetResponses() {
		if r.GetVersion() > 0 {
			answered++
		}
	}
	total := len(responses)
	switch {
	case total <= 1 && answered > 0:
		return w.Text("results.status.answeredOne")
	case total <= 1:
		return w.Text("results.status.sentOne")
	}
	return w.Say("results.status.answered", "count", answered, "total", total)
}

// smallestShown is the smallest count of residents the results service
// shows for tenant's municipalities, from its figures, so that a hidden
// count can say "minder dan 5"; 0 when the figures cannot tell, and then
// the count shows as hidden without a bound.
func (p *Pages) smallestShown(v *visit, tenant string) int32 {
	req := &resultsv1.GetFiguresRequest{RegionId: tenant}
	if kit.IsMunicipality(tenant) {
		req = &resultsv1.GetFiguresRequest{MunicipalityCode: tenant}
	}
	f, err := v.api.GetFigures(v.Context(), req)
	if err != nil {
		p.kit.Log().WarnContext(v.Context(), "reading the smallest count shown; hidden counts show no bound", "err", err)
		return 0
	}
	return f.GetMinCell()
}

// placeName is a municipality's name; "unknown" for no code.
func (p *Pages) placeName(w kit.Words, code string) string {
	if code == "" {
		return w.Text("results.place.unknown")
	}
	return p.kit.TenantName(code)
}

// documentURL is the link to an advice's document as sent last.
func documentURL(adviceID, format, lang string) string {
	q := url.Values{"format": {format}}
	if lang == "en" {
		q.Set("language", "en")
	}
	return "/api/v1/advices/" + url.PathEscape(adviceID) + "/document?" + q.Encode()
}
