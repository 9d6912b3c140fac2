package advice

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// One municipality's response to an advice: the council's view of it,
// and what its policy officers do with it — acknowledge receipt, assign
// who prepares it, record the executive's decision per recommendation —
// and the council's request for a revised one.

// responsePage is the data of /adviezen/{id}/reacties/{gm}.
type responsePage struct {
	Head         adviceHead
	URL          string
	Municipality string
	StatusKey    string
	Deadline     string
	TermDays     int32
	Overdue      bool
	Received     string
	Acknowledged string
	Owner        string
	OwnerEmail   string
	Version      int32
	DecidedOn    string
	Answered     string
	OnTime       bool
	Answers      []answerRow
	Revisions    []revisionRow
	DocHTML      string
	DocPDF       string
	// What the person may do.
	CanAcknowledge, CanAssign, CanRespond, CanRevise bool
	Errors                                           *kit.FormErrors
}

// answerRow is a recommendation with the municipality's decision.
type answerRow struct {
	Number     int32
	Text       string
	VerdictKey string
	Motivation string
}

// revisionRow is the council's request for a revised response.
type revisionRow struct {
	Reason, When string
	Version      int32
}

// loaded is a response with its advice and the recommendations it
// answers.
type loaded struct {
	a    *resultsv1.Advice
	r    *resultsv1.MunicipalResponse
	recs []*resultsv1.Recommendation
}

// loadResponse reads the response of the page's {id} and {gm}.
func (wk *work) loadResponse() (*loaded, error) {
	a, err := wk.loadAdvice()
	if err != nil {
		return nil, err
	}
	r, err := wk.api.GetResponse(wk.Context(), &resultsv1.GetResponseRequest{Id: a.GetId(), MunicipalityCode: wk.R.PathValue("gm")})
	if err != nil {
		return nil, err
	}
	v, err := wk.api.GetVersion(wk.Context(), &resultsv1.GetVersionRequest{Id: a.GetId(), Number: r.GetAdviceVersion()})
	if err != nil {
		return nil, err
	}
	return &loaded{a: a, r: r, recs: v.GetContent().GetRecommendations()}, nil
}

// response serves GET /adviezen/{id}/reacties/{gm}.
func (s *Pages) response(wk *work) error {
	ld, err := wk.loadResponse()
	if err != nil {
		return err
	}
	wk.Done("advice.done.", "ontvangen", "toegewezen", "beantwoord", "herziening")
	s.showResponse(wk, ld, &kit.FormErrors{})
	return nil
}

// showResponse fills in ld's page with errs.
func (s *Pages) showResponse(wk *work, ld *loaded, errs *kit.FormErrors) {
	w := wk.Words
	a, r := ld.a, ld.r
	code := r.GetMunicipalityCode()
	st := r.GetStatus()
	p := &responsePage{
		Head: s.head(a), URL: responseURL(a.GetId(), code), Municipality: s.kit.TenantName(code),
		StatusKey: responseStatusKey(st), Deadline: w.Date(r.GetDeadline()), TermDays: r.GetTermDays(), Overdue: r.GetOverdue(),
		Received: w.Moment(r.GetReceiveTime()), Acknowledged: w.Moment(r.GetAcknowledgeTime()),
		Owner: r.GetOwnerName(), OwnerEmail: r.GetOwnerEmail(), Version: r.GetVersion(), DecidedOn: w.Date(r.GetDecidedOn()),
		Answered: w.Moment(r.GetAnswerTime()), OnTime: r.GetAnsweredOnTime(),
		DocHTML: documentURL(a.GetId(), r.GetAdviceVersion(), "html"), DocPDF: documentURL(a.GetId(), r.GetAdviceVersion(), "pdf"),
		CanAcknowledge: wk.mayRespond(code) && st == resultsv1.ResponseStatus_RESPONSE_STATUS_RECEIVED,
		CanAssign:      wk.mayRespond(code),
		CanRespond:     wk.mayRespond(code) && st != resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED,
		CanRevise:      wk.mayDecide(a) && st == resultsv1.ResponseStatus_RESPONSE_STATUS_ANSWERED,
		Errors:         errs,
	}
	answers := map[int32]*resultsv1.RecommendationAnswer{}
	for _, ans := range r.GetAnswers() {
		answers[ans.GetRecommendation()] = ans
	}
	for i, rec := range ld.recs {
		n := int32(i + 1)
		row := answerRow{Number: n, Text: rec.GetText()}
		if ans := answers[n]; ans != nil {
			row.VerdictKey, row.Motivation = verdictKey(ans.GetVerdict()), ans.GetMotivation()
		}
		p.Answers = append(p.Answers, row)
	}
	for _, rv := range slices.Backward(r.GetRevisionRequests()) {
		p.Revisions = append(p.Revisions, revisionRow{Reason: rv.GetReason(), When: w.Moment(rv.GetCreateTime()), Version: rv.GetResponseVersion()})
	}
	wk.View.Title = w.Say("advice.response.title", "municipality", p.Municipality, "title", p.Head.Title)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	wk.Page = pagePrefix + "response"
}

// acknowledge serves POST /adviezen/{id}/reacties/{gm}/ontvangst.
func (s *Pages) acknowledge(wk *work) error {
	id, code := wk.R.PathValue("id"), wk.R.PathValue("gm")
	_, err := wk.api.AcknowledgeResponse(wk.Context(), &resultsv1.AcknowledgeResponseRequest{Id: id, MunicipalityCode: code})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(responseURL(id, code), "ontvangen")
		return nil
	case !kit.IsFormError(err):
		return err
	}
	ld, lerr := wk.loadResponse()
	if lerr != nil {
		return lerr
	}
	wk.Status = kit.FormStatus(err)
	s.showResponse(wk, ld, fromStatus(wk.Words, err, decisionFields, plainFields(decisionFields)))
	return nil
}

// formPage is the data of a response's form: assigning its owner, or
// recording the decision.
type formPage struct {
	Head         adviceHead
	Municipality string
	BackURL      string
	Action       string
	Fields       []field
	// Answers are the recommendations with their decision and
	// motivation (respond only).
	Answers []answerField
	// Revision is the council's latest reason to ask for a revised
	// response, when it asked.
	Revision string
	Errors   *kit.FormErrors
}

// answerField is one recommendation's decision and motivation.
type answerField struct {
	Number     int32
	Text       string
	Verdict    field
	Motivation field
}

// Fields of the response's forms.
const (
	fOwner      = "naam"
	fOwnerEmail = "email"
	fDecidedOn  = "besluitdatum"
	fVerdict    = "besluit-"    // + the recommendation's number
	fMotivation = "motivering-" // + the recommendation's number
	fReason     = "reden"
)

// assignFields maps AssignResponse's body to the form.
var assignFields = []kit.FormField{
	{Path: "/ownerName", Name: fOwner, Anchor: fOwner, LabelKey: "advice.assign.name"},
	{Path: "/ownerEmail", Name: fOwnerEmail, Anchor: fOwnerEmail, LabelKey: "advice.assign.email"},
	{},
}

// officer reads the page's response for one of its municipality's
// policy officers; anyone else is refused before the form shows.
func (wk *work) officer() (*loaded, error) {
	ld, err := wk.loadResponse()
	if err != nil {
		return nil, err
	}
	if !wk.mayRespond(ld.r.GetMunicipalityCode()) {
		return nil, kit.ErrorPage(http.StatusForbidden, "advice.notOfficer")
	}
	return ld, nil
}

// assignForm serves GET /adviezen/{id}/reacties/{gm}/eigenaar.
func (s *Pages) assignForm(wk *work) error {
	ld, err := wk.officer()
	if err != nil {
		return err
	}
	s.showAssign(wk, ld, url.Values{fOwner: {ld.r.GetOwnerName()}, fOwnerEmail: {ld.r.GetOwnerEmail()}}, &kit.FormErrors{})
	return nil
}

func (s *Pages) showAssign(wk *work, ld *loaded, values url.Values, errs *kit.FormErrors) {
	w := wk.Words
	code := ld.r.GetMunicipalityCode()
	p := &formPage{Head: s.head(ld.a), Municipality: s.kit.TenantName(code), BackURL: responseURL(ld.a.GetId(), code),
		Action: responseURL(ld.a.GetId(), code) + "/eigenaar", Errors: errs}
	p.Fields = withErrors([]field{
		{ID: fOwner, Label: w.Text("advice.assign.name"), Hint: w.Text("advice.assign.name.hint"), Value: values.Get(fOwner), Autocomplete: "name"},
		{ID: fOwnerEmail, Type: "email", Label: w.Text("advice.assign.email"), Hint: w.Text("advice.assign.email.hint"), Value: values.Get(fOwnerEmail), Autocomplete: "email", Optional: true},
	}, errs)
	wk.View.Title = w.Say("advice.assign.title", "title", p.Head.Title)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
}

// assign serves POST /adviezen/{id}/reacties/{gm}/eigenaar.
func (s *Pages) assign(wk *work) error {
	ld, err := wk.officer()
	if err != nil {
		return err
	}
	form := wk.R.PostForm
	name, email := strings.TrimSpace(form.Get(fOwner)), strings.TrimSpace(form.Get(fOwnerEmail))
	if name == "" {
		errs := &kit.FormErrors{}
		errs.Invalid(assignFields, fOwner, "form.error.required")
		wk.Status = http.StatusUnprocessableEntity
		s.showAssign(wk, ld, form, errs)
		return nil
	}
	code := ld.r.GetMunicipalityCode()
	_, err = wk.api.AssignResponse(wk.Context(), &resultsv1.AssignResponseRequest{Id: ld.a.GetId(), MunicipalityCode: code, OwnerName: name, OwnerEmail: email})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(responseURL(ld.a.GetId(), code), "toegewezen")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		s.showAssign(wk, ld, form, fromStatus(wk.Words, err, assignFields, plainFields(assignFields)))
		return nil
	}
	return err
}

// respondFields maps RecordResponse's body to the form with n
// recommendations.
func respondFields(w kit.Words, n int) []kit.FormField {
	fs := []kit.FormField{{Path: "/answers", Name: "antwoorden", LabelKey: "advice.respond.answers"}}
	for i := 1; i <= n; i++ {
		num := strconv.Itoa(i)
		fs = append(fs,
			kit.FormField{Path: "/answers/" + num + "/verdict", Name: fVerdict + num, Anchor: fVerdict + num + "-adopted", Label: w.Say("advice.respond.verdict", "n", i)},
			kit.FormField{Path: "/answers/" + num + "/motivation", Name: fMotivation + num, Anchor: fMotivation + num, Label: w.Say("advice.respond.motivation", "n", i)},
		)
	}
	return append(fs, kit.FormField{Path: "/decidedOn", Name: fDecidedOn, Anchor: fDecidedOn, LabelKey: "advice.respond.decidedOn"}, kit.FormField{})
}

// answerPath finds an answer's index and member in a path the service
// names; "must answer recommendation N" names the list.
var answerPath = regexp.MustCompile(`^/answers/(\d+)/(verdict|motivation|recommendation)`)

// respondFieldOf finds the field of a path the service names: the
// answers were posted in the recommendations' order, so answer i is
// recommendation i+1.
func respondFieldOf(fields []kit.FormField) func(string) kit.FormField {
	find := func(name string) kit.FormField {
		for _, f := range fields {
			if f.Name == name {
				return f
			}
		}
		return kit.FormField{}
	}
	return func(path string) kit.FormField {
		if m := answerPath.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			num := strconv.Itoa(i + 1)
			if m[2] == "motivation" {
				return find(fMotivation + num)
			}
			return find(fVerdict + num)
		}
		if path == "/decidedOn" {
			return find(fDecidedOn)
		}
		return kit.FormField{}
	}
}

// respondForm serves GET /adviezen/{id}/reacties/{gm}/beantwoorden: when
// revising, the decisions given before to start from.
func (s *Pages) respondForm(wk *work) error {
	ld, err := wk.officer()
	if err != nil {
		return err
	}
	values := url.Values{fDecidedOn: {ld.r.GetDecidedOn()}}
	for _, ans := range ld.r.GetAnswers() {
		num := strconv.Itoa(int(ans.GetRecommendation()))
		values.Set(fVerdict+num, verdictValue(ans.GetVerdict()))
		values.Set(fMotivation+num, ans.GetMotivation())
	}
	s.showRespond(wk, ld, values, &kit.FormErrors{})
	return nil
}

func (s *Pages) showRespond(wk *work, ld *loaded, values url.Values, errs *kit.FormErrors) {
	w := wk.Words
	code := ld.r.GetMunicipalityCode()
	p := &formPage{Head: s.head(ld.a), Municipality: s.kit.TenantName(code), BackURL: responseURL(ld.a.GetId(), code),
		Action: responseURL(ld.a.GetId(), code) + "/beantwoorden", Errors: errs}
	if rs := ld.r.GetRevisionRequests(); len(rs) > 0 && ld.r.GetStatus() == resultsv1.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED {
		p.Revision = rs[len(rs)-1].GetReason()
	}
	for i, rec := range ld.recs {
		num := strconv.Itoa(i + 1)
		af := answerField{Number: int32(i + 1), Text: rec.GetText()}
		af.Verdict = field{ID: fVerdict + num, Kind: "radios", Label: w.Say("advice.respond.verdict", "n", i+1), Errors: errs.For(fVerdict + num)}
		for _, v := range verdicts {
			af.Verdict.Options = append(af.Verdict.Options, kit.Choice{Value: verdictValue(v), LabelKey: verdictKey(v), Selected: values.Get(fVerdict+num) == verdictValue(v)})
		}
		af.Motivation = field{ID: fMotivation + num, Kind: "textarea", Rows: 3, Label: w.Say("advice.respond.motivation", "n", i+1),
			Hint: w.Text("advice.respond.motivation.hint"), Value: values.Get(fMotivation + num), Errors: errs.For(fMotivation + num)}
		p.Answers = append(p.Answers, af)
	}
	p.Fields = withErrors([]field{{ID: fDecidedOn, Type: "date", Label: w.Text("advice.respond.decidedOn"), Hint: w.Text("advice.respond.decidedOn.hint"),
		Value: values.Get(fDecidedOn), Max: w.Today(time.Now())}}, errs)
	wk.View.Title = w.Say("advice.respond.title", "municipality", p.Municipality, "title", p.Head.Title)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
}

// respond serves POST /adviezen/{id}/reacties/{gm}/beantwoorden.
func (s *Pages) respond(wk *work) error {
	ld, err := wk.officer()
	if err != nil {
		return err
	}
	form := wk.R.PostForm
	fields := respondFields(wk.Words, len(ld.recs))
	errs := &kit.FormErrors{}
	req := &resultsv1.RecordResponseRequest{Id: ld.a.GetId(), MunicipalityCode: ld.r.GetMunicipalityCode(), DecidedOn: strings.TrimSpace(form.Get(fDecidedOn))}
	for i := range ld.recs {
		num := strconv.Itoa(i + 1)
		v := parseVerdict(form.Get(fVerdict + num))
		motivation := strings.TrimSpace(form.Get(fMotivation + num))
		switch {
		case v == resultsv1.Verdict_VERDICT_UNSPECIFIED:
			errs.Invalid(fields, fVerdict+num, "advice.error.chooseVerdict")
		case v != resultsv1.Verdict_VERDICT_ADOPTED && motivation == "":
			errs.Invalid(fields, fMotivation+num, "advice.error.motivation")
		}
		req.Answers = append(req.Answers, &resultsv1.RecommendationAnswer{Recommendation: int32(i + 1), Verdict: v, Motivation: motivation})
	}
	if req.DecidedOn == "" {
		errs.Invalid(fields, fDecidedOn, "form.error.required")
	} else if _, perr := time.Parse(time.DateOnly, req.DecidedOn); perr != nil {
		errs.Invalid(fields, fDecidedOn, "advice.error.date")
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		s.showRespond(wk, ld, form, errs)
		return nil
	}
	_, err = wk.api.RecordResponse(wk.Context(), req)
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(responseURL(ld.a.GetId(), ld.r.GetMunicipalityCode()), "beantwoord")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		s.showRespond(wk, ld, form, fromStatus(wk.Words, err, fields, respondFieldOf(fields)))
		return nil
	}
	return err
}

// reasonFields maps RequestRevision's body to the form.
var reasonFields = []kit.FormField{{Path: "/reason", Name: fReason, Anchor: fReason, LabelKey: "advice.revision.reason"}, {}}

// revisionForm serves GET /adviezen/{id}/reacties/{gm}/herziening.
func (s *Pages) revisionForm(wk *work) error {
	ld, err := wk.loadResponse()
	if err != nil {
		return err
	}
	if !wk.mayDecide(ld.a) {
		return kit.ErrorPage(http.StatusForbidden, "advice.notBoard")
	}
	s.showRevision(wk, ld, "", &kit.FormErrors{})
	return nil
}

func (s *Pages) showRevision(wk *work, ld *loaded, reason string, errs *kit.FormErrors) {
	code := ld.r.GetMunicipalityCode()
	p := s.showConfirm(wk, ld.a, "advice.revision", responseURL(ld.a.GetId(), code)+"/herziening", errs)
	p.Municipality = s.kit.TenantName(code)
	p.N = ld.r.GetTermDays()
	p.BackURL = responseURL(ld.a.GetId(), code)
	p.Reason = &field{ID: fReason, Kind: "textarea", Rows: 4, Label: wk.Words.Text("advice.revision.reason"),
		Hint: wk.Words.Text("advice.revision.reason.hint"), Value: reason, Errors: errs.For(fReason)}
	wk.View.Title = wk.Words.Say("advice.revision.title", "municipality", p.Municipality)
}

// requestRevision serves POST /adviezen/{id}/reacties/{gm}/herziening.
func (s *Pages) requestRevision(wk *work) error {
	id, code := wk.R.PathValue("id"), wk.R.PathValue("gm")
	reason := strings.TrimSpace(wk.R.PostForm.Get(fReason))
	errs := &kit.FormErrors{}
	var err error
	if reason == "" {
		errs.Invalid(reasonFields, fReason, "form.error.required")
	} else {
		_, err = wk.api.RequestRevision(wk.Context(), &resultsv1.RequestRevisionRequest{Id: id, MunicipalityCode: code, Reason: reason})
		switch {
		case err == nil:
			wk.Redirect = kit.WithDone(responseURL(id, code), "herziening")
			return nil
		case !kit.IsFormError(err):
			return err
		}
		errs = fromStatus(wk.Words, err, reasonFields, plainFields(reasonFields))
	}
	ld, lerr := wk.loadResponse()
	if lerr != nil {
		return lerr
	}
	wk.Status = http.StatusUnprocessableEntity
	if err != nil {
		wk.Status = kit.FormStatus(err)
	}
	s.showRevision(wk, ld, reason, errs)
	return nil
}
