package workspace

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// The scope choices of the question form.
const (
	localValue    = "lokaal"
	regionalValue = "regionaal"
)

// questionPage is the data of /agenda/nieuw: the form, with the values
// entered so far and what the service objected to.
type questionPage struct {
	Title          string
	Description    string
	Themes         []kit.Choice
	Origins        []kit.Choice
	AdviceNeededBy string
	// Today is the earliest day the advice can be needed by.
	Today string
	// TenantName and RegionName name the two scopes.
	TenantName string
	RegionName string
	// LocalOffered and RegionalOffered tell which scopes the tenant
	// allows: a region has no local work, and a municipality without a
	// known region no regional work.
	LocalOffered    bool
	RegionalOffered bool
	Regional        bool
	Municipalities  []kit.Choice
	Errors          *kit.FormErrors
	// NoOrigin says the person may raise no question here: the form is
	// not shown, and Refusing, when set, names the councils that take
	// questions only from their municipality.
	NoOrigin bool
	Refusing string
}

// questionBody names the body of RaiseQuestion, which field paths may
// start with.
const questionBody = "question"

// newQuestion serves GET /agenda/nieuw with a form that offers only the
// origins the councils service would accept from the person (a policy
// officer asks for solicited advice, a council raises its own questions
// where its way of working allows), the only one chosen already.
func (s *Pages) newQuestion(wk *work) error {
	p, err := s.questionForm(wk, questionInput{participants: []string{wk.Tenant}})
	if err != nil {
		return err
	}
	wk.View.Page = p
	return nil
}

// questionInput is what the form holds.
type questionInput struct {
	title, description, theme, origin, adviceNeededBy, scope string
	participants                                             []string
}

func readQuestion(wk *work) questionInput {
	f := wk.R.PostForm
	return questionInput{
		title:          strings.TrimSpace(f.Get("titel")),
		description:    strings.TrimSpace(f.Get("omschrijving")),
		theme:          f.Get("thema"),
		origin:         f.Get("herkomst"),
		adviceNeededBy: f.Get("advies-nodig-voor"),
		scope:          f.Get("reikwijdte"),
		participants:   f["gemeenten"],
	}
}

// questionForm fills the form with in.
func (s *Pages) questionForm(wk *work, in questionInput) (*questionPage, error) {
	wk.View.TitleKey, wk.View.Subject = "question.title", wk.View.Tenant.Name
	themes, err := wk.loadThemes()
	if err != nil {
		return nil, err
	}
	a, err := wk.loadRegion(s)
	if err != nil {
		return nil, err
	}
	p := &questionPage{
		Title:           in.title,
		Description:     in.description,
		AdviceNeededBy:  in.adviceNeededBy,
		Today:           wk.Words.Today(time.Now()),
		TenantName:      a.NameOf(wk.Tenant),
		RegionName:      a.Name,
		LocalOffered:    kit.IsMunicipality(wk.Tenant),
		RegionalOffered: a.ID != "" && len(a.Municipalities) > 0,
		Errors:          &kit.FormErrors{},
	}
	p.Regional = in.scope == regionalValue || (!p.LocalOffered && p.RegionalOffered)
	opts, err := s.loadRaiseOptions(wk)
	if err != nil {
		return nil, err
	}
	if len(opts.Origins) == 0 {
		p.NoOrigin = true
		p.Refusing = refusingNames(wk.Words, opts.Refusing)
	}
	p.Themes = append([]kit.Choice{{Value: "", LabelKey: "question.theme.choose"}}, themes...)
	for i := range p.Themes {
		p.Themes[i].Selected = p.Themes[i].Value == in.theme
	}
	for _, o := range opts.Origins {
		chosen := o == in.origin || len(opts.Origins) == 1
		p.Origins = append(p.Origins, kit.Choice{Value: o, LabelKey: originKeys[o], Selected: chosen})
	}
	for _, m := range a.Municipalities {
		p.Municipalities = append(p.Municipalities, kit.Choice{Value: m.Code, Label: m.Name, Selected: slices.Contains(in.participants, m.Code)})
	}
	return p, nil
}

// originKeys are the catalogue keys of the origins' labels.
var originKeys = map[string]string{solicitedValue: "origin.solicited", unsolicitedValue: "origin.unsolicited"}

// originAnchor is the first origin the form offers, where a problem with
// the origin leads to.
func originAnchor(p *questionPage) string {
	if len(p.Origins) == 0 {
		return "herkomst"
	}
	return "herkomst-" + p.Origins[0].Value
}

// questionFields maps RaiseQuestion's body to the form, in the form's order.
func questionFields(p *questionPage) []kit.FormField {
	scopeAnchor := "reikwijdte-" + localValue
	if !p.LocalOffered {
		scopeAnchor = "reikwijdte-" + regionalValue
	}
	participantsAnchor := scopeAnchor
	if len(p.Municipalities) > 0 {
		participantsAnchor = "gemeente-" + p.Municipalities[0].Value
	}
	return []kit.FormField{
		{Path: "/title", Name: "titel", Anchor: "titel", LabelKey: "question.field.title"},
		{Path: "/description", Name: "omschrijving", Anchor: "omschrijving", LabelKey: "question.field.description"},
		{Path: "/theme", Name: "thema", Anchor: "thema", LabelKey: "question.field.theme"},
		{Path: "/origin", Name: "herkomst", Anchor: originAnchor(p), LabelKey: "question.field.origin"},
		{Path: "/adviceNeededBy", Name: "advies-nodig-voor", Anchor: "advies-nodig-voor", LabelKey: "question.field.adviceNeededBy"},
		{Path: "/scope", Name: "reikwijdte", Anchor: scopeAnchor, LabelKey: "question.field.scope"},
		{Path: "/scope/participatingMunicipalities", Name: "gemeenten", Anchor: participantsAnchor, LabelKey: "question.field.participants"},
	}
}

// raiseQuestion serves POST /agenda/nieuw.
func (s *Pages) raiseQuestion(wk *work) error {
	in := readQuestion(wk)
	p, err := s.questionForm(wk, in)
	if err != nil {
		return err
	}
	if p.NoOrigin {
		// Nothing the person could send here would be taken: the page says
		// why instead of a form.
		wk.View.Page = p
		wk.Status = http.StatusConflict
		return nil
	}
	q := &councilsv1.Question{
		Title:       in.title,
		Description: in.description,
		Theme:       in.theme,
		Origin:      parseOrigin(in.origin),
	}
	// The day only counts for solicited advice; a day typed in before the
	// person switched to unsolicited must not make the service refuse.
	if q.Origin == councilsv1.Origin_ORIGIN_SOLICITED {
		q.AdviceNeededBy = in.adviceNeededBy
	}
	if p.Regional {
		q.Scope = &councilsv1.Scope{Tenant: wk.region.ID, ParticipatingMunicipalities: in.participants}
	} else {
		q.Scope = &councilsv1.Scope{Tenant: wk.Tenant}
	}
	_, err = wk.api.RaiseQuestion(wk.Context(), &councilsv1.RaiseQuestionRequest{Question: q})
	if err == nil {
		wk.Redirect = kit.WithDone("/agenda", "vraag")
		return nil
	}
	if !kit.IsFormError(err) {
		return err
	}
	p.Errors = questionErrors(err, questionFields(p))
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}
