package workspace

import (
	"net/url"
	"slices"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// The agenda's query parameters; Dutch, like the paths.
const (
	themeParam  = "thema"
	originParam = "herkomst"
	cursorParam = "na"
)

// agendaPageSize is how many questions one page of the agenda lists.
const agendaPageSize = 50

// agendaPage is the data of /agenda.
type agendaPage struct {
	// Themes and Origins are the filter's choices, the current one
	// selected.
	Themes  []kit.Choice
	Origins []kit.Choice
	// Filtered reports whether a filter is set.
	Filtered  bool
	Questions []questionView
	// NextURL leads to the next page of questions; FirstURL back to the
	// first. Empty when there is none.
	NextURL  string
	FirstURL string
	// CanRaise offers the link to raise a question.
	CanRaise bool
	// Errors are the problems with a decision or a start that was just
	// refused, for the summary at the top.
	Errors *kit.FormErrors
}

// questionView is one question on the agenda.
type questionView struct {
	ID          string
	Title       string
	Description string
	Theme       string
	OriginKey   string
	StatusKey   string
	// StatusBadge is the status badge's modifier class.
	StatusBadge string
	// AdviceNeededBy is the day a solicited question needs its advice by.
	AdviceNeededBy string
	Scope          scopeView
	DecisionReason string
	ProcessID      string
	Raised         string
	// DecideURL and StartURL are the actions of the question's forms,
	// carrying the agenda's filters so that it comes back the same.
	DecideURL string
	StartURL  string
	CanDecide bool
	CanStart  bool
	// Reason is the reason entered with a refused decision.
	Reason string
	Errors *kit.FormErrors
}

// agenda serves GET /agenda.
func (s *Pages) agenda(wk *work) error {
	wk.done()
	p, err := s.agendaData(wk)
	if err != nil {
		return err
	}
	wk.View.Page = p
	return nil
}

// agendaData loads the agenda as the request's query filters it.
func (s *Pages) agendaData(wk *work) (*agendaPage, error) {
	wk.View.TitleKey, wk.View.Subject = "agenda.title", wk.View.Tenant.Name
	themes, err := wk.loadThemes()
	if err != nil {
		return nil, err
	}
	a, err := wk.loadRegion(s)
	if err != nil {
		return nil, err
	}
	query := wk.R.URL.Query()
	req := &councilsv1.ListQuestionsRequest{
		Tenant: wk.Tenant,
		Limit:  agendaPageSize,
		Cursor: query.Get(cursorParam),
	}
	p := &agendaPage{}
	if wk.ID.Has(wk.Tenant, auth.StaffRoles...) {
		// Offered only when the service would take a question from the
		// person here (question.go).
		opts, err := s.loadRaiseOptions(wk)
		if err != nil {
			return nil, err
		}
		p.CanRaise = len(opts.Origins) > 0
	}
	// Only filters the page offers pass: a hand-edited URL gets the whole
	// agenda rather than an error.
	if th := query.Get(themeParam); wk.themes[th] != "" {
		req.Theme = th
	}
	req.Origin = parseOrigin(query.Get(originParam))
	origin := ""
	if req.Origin != councilsv1.Origin_ORIGIN_UNSPECIFIED {
		origin = query.Get(originParam)
	}
	p.Filtered = req.Theme != "" || req.Origin != councilsv1.Origin_ORIGIN_UNSPECIFIED

	p.Themes = append([]kit.Choice{{Value: "", LabelKey: "agenda.filter.allThemes"}}, themes...)
	for i := range p.Themes {
		p.Themes[i].Selected = p.Themes[i].Value == req.Theme
	}
	for _, o := range []struct{ value, key string }{
		{"", "agenda.filter.allOrigins"},
		{solicitedValue, "origin.solicited"},
		{unsolicitedValue, "origin.unsolicited"},
	} {
		p.Origins = append(p.Origins, kit.Choice{Value: o.value, LabelKey: o.key, Selected: o.value == origin})
	}

	resp, err := wk.api.ListQuestions(wk.Context(), req)
	if err != nil {
		return nil, err
	}
	filters := url.Values{}
	if req.Theme != "" {
		filters.Set(themeParam, req.Theme)
	}
	if origin != "" {
		filters.Set(originParam, origin)
	}
	// The forms post back with the page's query, cursor included, so the
	// same page of the agenda comes back.
	pageQuery := withQuery("", filters)
	if req.Cursor != "" {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set(cursorParam, req.Cursor)
		pageQuery = withQuery("", q)
		p.FirstURL = withQuery("/agenda", filters)
	}
	if next := resp.GetNextCursor(); next != "" {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set(cursorParam, next)
		p.NextURL = withQuery("/agenda", q)
	}
	for _, q := range resp.GetQuestions() {
		p.Questions = append(p.Questions, viewQuestion(wk, a, q, pageQuery))
	}
	return p, nil
}

// withQuery appends q to path, if there is any.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// viewQuestion puts a question into words, with the forms the person's
// roles offer for it.
func viewQuestion(wk *work, a *kit.Region, q *councilsv1.Question, pageQuery string) questionView {
	qv := questionView{
		ID:             q.GetId(),
		Title:          q.GetTitle(),
		Description:    q.GetDescription(),
		Theme:          wk.themeName(q.GetTheme()),
		OriginKey:      originKey(q.GetOrigin()),
		StatusKey:      statusKey(q.GetStatus()),
		Scope:          wk.scopeView(a, q.GetScope()),
		DecisionReason: q.GetDecisionReason(),
		ProcessID:      q.GetProcessId(),
		Raised:         wk.Words.Moment(q.GetCreateTime()),
		DecideURL:      "/agenda/besluit" + pageQuery,
		StartURL:       "/agenda/traject" + pageQuery,
	}
	if q.GetOrigin() == councilsv1.Origin_ORIGIN_SOLICITED && q.GetAdviceNeededBy() != "" {
		qv.AdviceNeededBy = wk.Words.Date(q.GetAdviceNeededBy())
	}
	switch q.GetStatus() {
	case councilsv1.QuestionStatus_QUESTION_STATUS_OPEN:
		qv.StatusBadge = "utrecht-status-badge--neutral"
		qv.CanDecide = wk.mayDecide(q.GetScope())
	case councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED:
		qv.StatusBadge = "utrecht-status-badge--success"
		qv.CanStart = qv.ProcessID == "" && wk.mayWork(q.GetScope())
	case councilsv1.QuestionStatus_QUESTION_STATUS_REJECTED:
		qv.StatusBadge = "utrecht-status-badge--inactive"
	default:
		qv.StatusBadge = "utrecht-status-badge--inactive"
	}
	return qv
}

// The decision form's values.
const (
	acceptValue = "aannemen"
	rejectValue = "afwijzen"
)

// decide serves POST /agenda/besluit: the council takes a question up or
// not.
func (s *Pages) decide(wk *work) error {
	id := wk.R.PostFormValue("vraag")
	reason := wk.R.PostFormValue("reden")
	accept := wk.R.PostFormValue("besluit") == acceptValue
	_, err := wk.api.DecideQuestion(wk.Context(), &councilsv1.DecideQuestionRequest{Id: id, Accept: accept, Reason: reason})
	if err == nil {
		done := "afgewezen"
		if accept {
			done = "aangenomen"
		}
		wk.Redirect = kit.WithDone(kit.PageOf(wk.R)+"#vraag-"+id, done)
		return nil
	}
	return s.agendaWithError(wk, id, reason, err, []kit.FormField{
		{Path: "/reason", Name: "reden", Anchor: "reden-" + id, LabelKey: "agenda.decide.reason"},
	})
}

// startProcess serves POST /agenda/traject: a process for an accepted
// question; the person lands on its page.
func (s *Pages) startProcess(wk *work) error {
	id := wk.R.PostFormValue("vraag")
	p, err := wk.api.StartProcess(wk.Context(), &councilsv1.StartProcessRequest{QuestionId: id})
	if err == nil {
		wk.Redirect = kit.WithDone("/trajecten/"+url.PathEscape(p.GetId()), "traject")
		return nil
	}
	return s.agendaWithError(wk, id, "", err, nil)
}

// agendaWithError shows the agenda again with the service's objection to a
// question's form next to that question. An error that is no objection to
// the input gets its error page.
func (s *Pages) agendaWithError(wk *work, id, reason string, err error, fields []kit.FormField) error {
	if !kit.IsFormError(err) {
		return err
	}
	p, lerr := s.agendaData(wk)
	if lerr != nil {
		return lerr
	}
	i := slices.IndexFunc(p.Questions, func(q questionView) bool { return q.ID == id })
	if i < 0 {
		// The question left this page of the agenda (decided by someone
		// else, say): the objection can only go to the top.
		fields = nil
	}
	// What concerns the question as a whole links to the question.
	fields = append(fields, kit.FormField{Anchor: "vraag-" + id})
	if i >= 0 {
		fields[len(fields)-1].Label = p.Questions[i].Title
	}
	errs := kit.FromStatus(err, "", fields, gateKeys)
	if i >= 0 {
		p.Questions[i].Errors = errs
		p.Questions[i].Reason = reason
	}
	p.Errors = errs
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}
