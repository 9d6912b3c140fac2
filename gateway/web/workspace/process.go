package workspace

import (
	"net/url"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// processPage is the data of /trajecten/{id}.
type processPage struct {
	ID    string
	Title string
	// The question the process answers.
	QuestionTitle       string
	QuestionDescription string
	Theme               string
	OriginKey           string
	AdviceNeededBy      string
	Scope               scopeView
	PhaseKey            string
	Closed              bool
	Started             string
	Steps               []step

	// The gate of the next phase, and the forms that move the process.
	NextPhaseKey   string
	NextPhaseValue string
	Unmet          []kit.FieldError
	EarlierPhases  []kit.Choice
	ForwardReason  string
	BackReason     string
	ForwardErrors  *kit.FormErrors
	BackErrors     *kit.FormErrors
	MoveURL        string

	// What concretising decided, and the form that changes it.
	PreciseQuestion string
	Approach        string
	TargetGroup     string
	Forms           []kit.Choice
	EditErrors      *kit.FormErrors
	EditURL         string
	// Version is the etag of the process the edit form is based on: a
	// save over someone else's later change is refused, not lost.
	Version string

	// What happened so far.
	ExecutedForms    []string // catalogue keys
	ResidentsReached int32
	Polls            []processPollView
	// Groups are the process's focus groups; GroupsUnavailable says the
	// focus groups service did not answer.
	Groups            []processGroupView
	GroupsUnavailable bool
	// GroupsShown is false when the site has no focus groups service.
	GroupsShown bool
	// NewGroupURL forms a focus group for the process.
	NewGroupURL string
	// Running are the polls taking answers: their answers count once they
	// close.
	Running         []runningForm
	AdviceSent      string
	ReportPublished string
	Activities      []activityView
	ActivityURL     string
	Timeline        []transitionView
	Declarations    []declarationView

	// CanWork offers the forms that change the process.
	CanWork bool
	// Errors is the summary at the top of whichever form was refused.
	Errors *kit.FormErrors
}

// step is a phase in the step plan's overview.
type step struct {
	PhaseKey string
	Done     bool
	Current  bool
}

// activityView is a field activity.
type activityView struct {
	Date         string
	FormKey      string
	Place        string
	Municipality string
	Residents    int32
	Notes        string
}

// transitionView is a move in the timeline.
type transitionView struct {
	When    string
	FromKey string
	ToKey   string
	// Who is the person who moved it; empty when the system did, after
	// an event of another service.
	Who    string
	Reason string
	// ReasonLang is the language of a reason the service wrote itself.
	ReasonLang string
	Back       bool
}

// declarationView is a declaration of interest.
type declarationView struct {
	Member    string
	Statement string
	When      string
}

// The fields of the process forms.
const (
	directionForward = "vooruit"
	directionBack    = "terug"
	// versionField carries the etag the edit form was based on.
	versionField = "versie"
)

// process serves GET /trajecten/{id}.
func (s *Pages) process(wk *work) error {
	wk.done()
	p, err := s.processData(wk)
	if err != nil {
		return err
	}
	wk.View.Page = p
	return nil
}

// processData loads the process page with empty forms.
func (s *Pages) processData(wk *work) (*processPage, error) {
	id := wk.R.PathValue("id")
	ctx := wk.Context()
	pr, err := wk.api.GetProcess(ctx, &councilsv1.GetProcessRequest{Id: id})
	if err != nil {
		return nil, err
	}
	wk.View.TitleKey, wk.View.Subject = "process.title", pr.GetTitle()
	if _, err := wk.loadThemes(); err != nil {
		return nil, err
	}
	a, err := wk.loadRegion(s)
	if err != nil {
		return nil, err
	}
	w := wk.Words
	base := "/trajecten/" + url.PathEscape(pr.GetId())
	p := &processPage{
		ID:               pr.GetId(),
		Title:            pr.GetTitle(),
		Theme:            wk.themeName(pr.GetTheme()),
		OriginKey:        originKey(pr.GetOrigin()),
		Scope:            wk.scopeView(a, pr.GetScope()),
		PhaseKey:         phaseKey(pr.GetPhase()),
		Closed:           pr.GetPhase() == councilsv1.Phase_PHASE_CLOSED,
		Started:          w.Moment(pr.GetCreateTime()),
		NextPhaseKey:     nextPhaseKey(pr.GetPhase()),
		Unmet:            gateChecklist(pr.GetNextGateUnmet()),
		PreciseQuestion:  pr.GetPreciseQuestion(),
		Approach:         pr.GetApproach(),
		TargetGroup:      pr.GetTargetGroup(),
		Version:          pr.GetEtag(),
		ResidentsReached: pr.GetResidentsReached(),
		AdviceSent:       w.Moment(pr.GetAdviceSentTime()),
		ReportPublished:  w.Moment(pr.GetReportPublishedTime()),
		CanWork:          wk.mayWork(pr.GetScope()),
		MoveURL:          base + "/fase",
		EditURL:          base + "/bijwerken",
		ActivityURL:      base + "/veldactiviteit",
		ForwardErrors:    &kit.FormErrors{},
		BackErrors:       &kit.FormErrors{},
		EditErrors:       &kit.FormErrors{},
		Errors:           &kit.FormErrors{},
	}
	current := slices.Index(phases, pr.GetPhase())
	for i, ph := range phases {
		p.Steps = append(p.Steps, step{PhaseKey: phaseKey(ph), Done: i < current, Current: i == current})
		if i < current {
			p.EarlierPhases = append(p.EarlierPhases, kit.Choice{Value: kit.EnumValue(ph.String(), "PHASE_"), LabelKey: phaseKey(ph)})
		}
		if i == current+1 {
			p.NextPhaseValue = kit.EnumValue(ph.String(), "PHASE_")
		}
	}
	// The newest earlier phase is the likeliest to go back to.
	slices.Reverse(p.EarlierPhases)
	for _, f := range formKinds {
		p.Forms = append(p.Forms, kit.Choice{Value: kit.EnumValue(f.String(), "FORM_KIND_"), LabelKey: formKey(f), Selected: slices.Contains(pr.GetForms(), f)})
	}
	for _, f := range pr.GetExecutedForms() {
		p.ExecutedForms = append(p.ExecutedForms, formKey(f))
	}
	p.Polls = s.processPolls(wk, a, pr)
	p.Groups, p.GroupsUnavailable = s.processGroups(wk, pr)
	p.GroupsShown = s.groups != nil
	if s.groups != nil && p.CanWork && !p.Closed {
		p.NewGroupURL = "/focusgroepen/nieuw?traject=" + url.QueryEscape(pr.GetId())
	}
	p.Running = runningForms(w, pr)

	if qid := pr.GetQuestionId(); qid != "" {
		q, err := wk.api.GetQuestion(ctx, &councilsv1.GetQuestionRequest{Id: qid})
		switch {
		case problem.Of(err) == problem.NotFound:
		case err != nil:
			return nil, err
		default:
			p.QuestionTitle = q.GetTitle()
			p.QuestionDescription = q.GetDescription()
			if q.GetOrigin() == councilsv1.Origin_ORIGIN_SOLICITED && q.GetAdviceNeededBy() != "" {
				p.AdviceNeededBy = w.Date(q.GetAdviceNeededBy())
			}
		}
	}

	acts, err := wk.api.ListFieldActivities(ctx, &councilsv1.ListFieldActivitiesRequest{Id: pr.GetId()})
	if err != nil {
		return nil, err
	}
	for _, fa := range acts.GetFieldActivities() {
		av := activityView{
			Date:      w.Date(fa.GetDate()),
			FormKey:   formKey(fa.GetForm()),
			Place:     fa.GetPlace(),
			Residents: fa.GetResidentsReached(),
			Notes:     fa.GetNotes(),
		}
		if m := fa.GetMunicipalityCode(); m != "" {
			av.Municipality = a.NameOf(m)
		}
		p.Activities = append(p.Activities, av)
	}

	members, err := memberNames(wk, pr.GetScope())
	if err != nil {
		return nil, err
	}
	trs, err := wk.api.ListTransitions(ctx, &councilsv1.ListTransitionsRequest{Id: pr.GetId()})
	if err != nil {
		return nil, err
	}
	for _, tr := range trs.GetTransitions() {
		tv := transitionView{
			When:    w.Moment(tr.GetCreateTime()),
			FromKey: phaseKey(tr.GetFromPhase()),
			ToKey:   phaseKey(tr.GetToPhase()),
			Reason:  tr.GetReason(),
			Back:    tr.GetToPhase() < tr.GetFromPhase(),
		}
		switch actor := tr.GetActor(); {
		case actor == systemActor:
			// The councils service's own moves give a fixed reason in
			// English; the known ones are said in the page's words.
			if key, ok := systemReasons[tr.GetReason()]; ok {
				tv.Reason = w.Say(key)
			} else {
				tv.ReasonLang = kit.ServiceLang
			}
		case actor == wk.ID.Subject && wk.ID.Name != "":
			tv.Who = wk.ID.Name
		case members.bySubject[actor] != "":
			tv.Who = members.bySubject[actor]
		case strings.HasPrefix(actor, systemActor+":"):
			// Meedoen itself, e.g. the demo loader (system:demo-loader).
			tv.Who = w.Say("process.timeline.meedoen")
			if key := "process.timeline.actor." + strings.TrimPrefix(actor, systemActor+":"); w.Has(key) {
				tv.Who = w.Say(key)
			}
		default:
			// Someone not on a council's roster (an officer, an
			// administrator): their login's code means nothing to readers.
			tv.Who = w.Say("process.timeline.someone")
		}
		p.Timeline = append(p.Timeline, tv)
	}
	decls, err := wk.api.ListDeclarations(ctx, &councilsv1.ListDeclarationsRequest{Id: pr.GetId()})
	if err != nil {
		return nil, err
	}
	for _, d := range decls.GetDeclarations() {
		p.Declarations = append(p.Declarations, declarationView{
			Member:    nameOr(members.byID, d.GetMemberId()),
			Statement: d.GetStatement(),
			When:      w.Moment(d.GetCreateTime()),
		})
	}
	return p, nil
}

// systemActor is the actor of moves that events caused.
const systemActor = "system"

// systemReasons are the reasons the councils service gives its own moves
// (services/councils/internal/process/gate.go), by catalogue key.
var systemReasons = map[string]string{
	"the advice was sent":            "process.timeline.reason.adviceSent",
	"the final report was published": "process.timeline.reason.reportPublished",
}

// roster maps members of the councils of a scope to their names.
type roster struct {
	byID      map[string]string
	bySubject map[string]string
}

// memberNames loads the rosters of the councils taking part in sc. A
// roster the person may not see leaves its members unnamed.
func memberNames(wk *work, sc *councilsv1.Scope) (roster, error) {
	r := roster{byID: map[string]string{}, bySubject: map[string]string{}}
	councils := sc.GetParticipatingMunicipalities()
	if len(councils) == 0 {
		councils = []string{sc.GetTenant()}
	}
	for _, code := range councils {
		resp, err := wk.api.ListMembers(wk.Context(), &councilsv1.ListMembersRequest{MunicipalityCode: code, IncludeFormer: true})
		if k := problem.Of(err); k == problem.NotFound || k == problem.Forbidden {
			continue
		}
		if err != nil {
			return r, err
		}
		for _, m := range resp.GetMembers() {
			r.byID[m.GetId()] = m.GetName()
			if m.GetSubject() != "" {
				r.bySubject[m.GetSubject()] = m.GetName()
			}
		}
	}
	return r, nil
}

// processFields maps UpdateProcess's body to the edit form.
func processFields(p *processPage) []kit.FormField {
	formsAnchor := "vorm-" + p.Forms[0].Value
	return []kit.FormField{
		{Path: "/preciseQuestion", Name: "precieze-vraag", Anchor: "precieze-vraag", LabelKey: "process.field.preciseQuestion"},
		{Path: "/approach", Name: "aanpak", Anchor: "aanpak", LabelKey: "process.field.approach"},
		{Path: "/targetGroup", Name: "doelgroep", Anchor: "doelgroep", LabelKey: "process.field.targetGroup"},
		{Path: "/forms", Name: "vormen", Anchor: formsAnchor, LabelKey: "process.field.forms"},
		{Anchor: "gegevens"},
	}
}

// updateProcess serves POST /trajecten/{id}/bijwerken.
func (s *Pages) updateProcess(wk *work) error {
	f := wk.R.PostForm
	in := &councilsv1.Process{
		PreciseQuestion: strings.TrimSpace(f.Get("precieze-vraag")),
		Approach:        strings.TrimSpace(f.Get("aanpak")),
		TargetGroup:     strings.TrimSpace(f.Get("doelgroep")),
		Etag:            f.Get(versionField),
	}
	for _, v := range f["vormen"] {
		in.Forms = append(in.Forms, parseFormKind(v))
	}
	id := wk.R.PathValue("id")
	_, err := wk.api.UpdateProcess(wk.Context(), &councilsv1.UpdateProcessRequest{Id: id, Process: in})
	if err == nil {
		wk.Redirect = kit.WithDone("/trajecten/"+url.PathEscape(id), "bijgewerkt") + "#gegevens"
		return nil
	}
	if !kit.IsFormError(err) {
		return err
	}
	// The page is read again: after a change meanwhile, the form is now
	// based on the stored version, so saving it again replaces the other
	// person's change knowingly.
	p, lerr := s.processData(wk)
	if lerr != nil {
		return lerr
	}
	p.PreciseQuestion, p.Approach, p.TargetGroup = in.PreciseQuestion, in.Approach, in.TargetGroup
	for i := range p.Forms {
		p.Forms[i].Selected = slices.Contains(f["vormen"], p.Forms[i].Value)
	}
	if kit.ChangedMeanwhile(err) {
		p.EditErrors = &kit.FormErrors{}
		p.EditErrors.Invalid(processFields(p), "", "process.error.changedMeanwhile")
	} else {
		p.EditErrors = kit.FromStatus(err, "process", processFields(p), gateKeys)
	}
	p.Errors = p.EditErrors
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}

// transition serves POST /trajecten/{id}/fase: to the next phase, or back.
func (s *Pages) transition(wk *work) error {
	f := wk.R.PostForm
	back := f.Get("richting") == directionBack
	reason := strings.TrimSpace(f.Get("reden"))
	to := parsePhase(f.Get("naar"))
	id := wk.R.PathValue("id")
	_, err := wk.api.TransitionProcess(wk.Context(), &councilsv1.TransitionProcessRequest{Id: id, ToPhase: to, Reason: reason})
	if err == nil {
		wk.Redirect = kit.WithDone("/trajecten/"+url.PathEscape(id), "fase")
		return nil
	}
	if !kit.IsFormError(err) {
		return err
	}
	p, lerr := s.processData(wk)
	if lerr != nil {
		return lerr
	}
	if back {
		p.BackReason = reason
		for i := range p.EarlierPhases {
			p.EarlierPhases[i].Selected = p.EarlierPhases[i].Value == f.Get("naar")
		}
		p.BackErrors = kit.FromStatus(err, "", []kit.FormField{
			{Path: "/toPhase", Name: "naar", Anchor: "terug-naar", LabelKey: "process.back.to"},
			{Path: "/reason", Name: "reden", Anchor: "reden-terug", LabelKey: "process.move.reason"},
			{Anchor: "terug"},
		}, gateKeys)
		p.Errors = p.BackErrors
	} else {
		p.ForwardReason = reason
		// An unmet condition links to where it is met: the edit form's
		// fields, or the field activities.
		fields := []kit.FormField{
			{Path: "/reason", Name: "reden", Anchor: "reden-vooruit", LabelKey: "process.move.reason"},
			{Anchor: "vooruit"},
		}
		for _, ef := range processFields(p) {
			if ef.Path != "" {
				fields = append(fields, kit.FormField{Path: ef.Path, Name: "voorwaarde", Anchor: ef.Anchor})
			}
		}
		fields = append(fields,
			kit.FormField{Path: "/executedForms", Name: "voorwaarde", Anchor: "veldactiviteiten"},
			kit.FormField{Path: "/adviceSentTime", Name: "voorwaarde", Anchor: "vooruit"},
			kit.FormField{Path: "/reportPublishedTime", Name: "voorwaarde", Anchor: "vooruit"},
		)
		p.ForwardErrors = kit.FromStatus(err, "", fields, gateKeys)
		p.Errors = p.ForwardErrors
	}
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}
