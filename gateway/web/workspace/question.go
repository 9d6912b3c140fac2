package workspace

import (
	"slices"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
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
}

// questionBody names the body of RaiseQuestion, which field paths may
// start with.
const questionBody = "question"

// newQuestion serves GET /agenda/nieuw with a form that fits the person's
// roles: a policy officer asks for solicited advice, a council raises
// unsolicited questions.
func (s *Pages) newQuestion(wk *work) error {
	origin := ""
	officer := wk.ID.Has(wk.Tenant, auth.PolicyOfficer)
	council := wk.ID.Has(wk.Tenant, auth.CouncilRoles...)
	switch {
	case officer && !council:
		origin = solicitedValue
	case council && !officer:
		origin = unsolicitedValue
	}
	p, err := s.questionForm(wk, questionInput{origin: origin, participants: []string{wk.Tenant}})
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
	p.Themes = append([]kit.Choice{{Value: "", LabelKey: "question.theme.choose"}}, themes...)
	for i := range p.Themes {
		p.Themes[i].Selected = p.Themes[i].Value == in.theme
	}
	for _, o := range []struct{ value, key string }{
		{solicitedValue, "origin.solicited"},
		{unsolicitedValue, "origin.unsolicited"},
	} {
		p.Origins = append(p.Origins, kit.Choice{Value: o.value, LabelKey: o.key, Selected: o.value == in.origin})
	}
	for _, m := range a.Municipalities {
		p.Municipalities = append(p.Municipalities, kit.Choice{Value: m.Code, Label: m.Name, Selected: slices.Contains(in.participants, m.Code)})
	}
	return p, nil
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
		{Path: "/origin", Name: "herkomst", Anchor: "herkomst-" + solicitedValue, LabelKey: "question.field.origin"},
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
	p.Errors = kit.FromStatus(err, questionBody, questionFields(p), gateKeys)
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}
