package polls

import (
	"net/http"
	"net/url"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// A new poll: the form that makes a draft for a participation process.

// newPollPage is the data of /peilingen/nieuw.
type newPollPage struct {
	Action string
	Errors *kit.FormErrors
	Fields []bField
	// NoProcesses says there is no process to make a poll for.
	NoProcesses bool
}

// Fields of the new poll's form.
const (
	npProcess = "traject"
	npKind    = "soort"
	kindFlash = "flitspeiling"
	kindList  = "vragenlijst"
)

// newPoll serves GET /peilingen/nieuw.
func (s *Pages) newPoll(pw *pollWork) error {
	return s.showNewPoll(pw, url.Values{npKind: {kindFlash}, npProcess: {pw.R.URL.Query().Get(npProcess)}}, nil)
}

// showNewPoll fills in the new poll's form with values and errs.
func (s *Pages) showNewPoll(pw *pollWork, values url.Values, errs func([]kit.FormField) *kit.FormErrors) error {
	pw.View.TitleKey = "builder.new.title"
	ph := phrasing{pw.Words}
	procs, err := s.pollProcesses(pw)
	if err != nil {
		return err
	}
	e := &editorView{ph: ph, names: s.kit.TenantName, form: values}
	process := bField{ID: npProcess, Kind: "select", Label: ph.Say("builder.new.process"), Hint: ph.Say("builder.new.process.hint")}
	process.Options = append(process.Options, kit.Choice{Value: "", Label: ph.Say("builder.new.chooseProcess")})
	for _, pr := range procs {
		label := pr.GetTitle()
		if sc := pr.GetScope(); len(sc.GetParticipatingMunicipalities()) > 0 {
			label = ph.Say("builder.new.regional", "title", pr.GetTitle(), "region", s.kit.TenantName(sc.GetTenant()))
		}
		process.Options = append(process.Options, kit.Choice{Value: pr.GetId(), Label: label, Selected: pr.GetId() == values.Get(npProcess)})
	}
	e.register("/processId", npProcess, npProcess, process.Label)
	e.register("/tenant", npProcess, npProcess, process.Label)
	e.register("/participants", npProcess, npProcess, process.Label)
	kind := bField{ID: npKind, Kind: "radios", Label: ph.Say("builder.new.kind")}
	for _, k := range []string{kindFlash, kindList} {
		kind.Options = append(kind.Options, kit.Choice{Value: k, Label: ph.Say("builder.new.kind." + k), Selected: values.Get(npKind) == k})
	}
	e.register("/kind", npKind, npKind+"-"+kindFlash, kind.Label)
	kind.Hint = ph.Say("builder.new.kind.hint")
	fields := []bField{process, kind}
	fields = append(fields, e.texts(&surveysv1.Poll{})...)
	p := &newPollPage{Action: "/peilingen/nieuw", Fields: fields, NoProcesses: len(procs) == 0}
	p.Errors = &kit.FormErrors{}
	if errs != nil {
		p.Errors = errs(e.fields)
	}
	for i := range p.Fields {
		p.Fields[i].Errors = p.Errors.For(p.Fields[i].ID)
	}
	pw.View.HasErrors = p.Errors.Any()
	pw.View.Page = p
	return nil
}

// pollProcesses lists the tenant's processes that are not closed: the
// ones a poll can serve. Without the councils service there are none.
func (s *Pages) pollProcesses(pw *pollWork) ([]*councilsv1.Process, error) {
	// As many per call as the process board asks for.
	const pageSize = 100
	if s.cfg.Councils == nil {
		return nil, nil
	}
	var out []*councilsv1.Process
	cursor := ""
	for range kit.MaxPages {
		resp, err := s.cfg.Councils.ListProcesses(pw.R.Context(), &councilsv1.ListProcessesRequest{Tenant: pw.Tenant, Limit: pageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, pr := range resp.GetProcesses() {
			if pr.GetPhase() != councilsv1.Phase_PHASE_CLOSED {
				out = append(out, pr)
			}
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	return out, nil
}

// createPoll serves POST /peilingen/nieuw: a draft for the chosen
// process, whose scope decides the poll's: a regional process makes a
// shared poll of its participating municipalities.
func (s *Pages) createPoll(pw *pollWork) error {
	form := pw.R.PostForm
	ph := phrasing{pw.Words}
	again := func(st int, errs func([]kit.FormField) *kit.FormErrors) error {
		pw.Status = st
		return s.showNewPoll(pw, form, errs)
	}
	processID := form.Get(npProcess)
	if processID == "" || s.cfg.Councils == nil {
		return again(http.StatusUnprocessableEntity, func(fields []kit.FormField) *kit.FormErrors {
			errs := &kit.FormErrors{}
			errs.Invalid(fields, npProcess, "builder.new.processRequired")
			return errs
		})
	}
	pr, err := s.cfg.Councils.GetProcess(pw.R.Context(), &councilsv1.GetProcessRequest{Id: processID})
	switch {
	case problem.Of(err) == problem.NotFound:
		return again(http.StatusUnprocessableEntity, func(fields []kit.FormField) *kit.FormErrors {
			errs := &kit.FormErrors{}
			errs.Invalid(fields, npProcess, "builder.new.processUnknown")
			return errs
		})
	case err != nil:
		return err
	}
	kind := surveysv1.PollKind_POLL_KIND_FLASH_POLL
	if form.Get(npKind) == kindList {
		kind = surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE
	}
	d := &draftReader{form: form}
	p := &surveysv1.Poll{
		ProcessId:    pr.GetId(),
		Tenant:       pr.GetScope().GetTenant(),
		Participants: pr.GetScope().GetParticipatingMunicipalities(),
		Kind:         kind,
		Title:        d.text(bfTitleNL, bfTitleEN),
		Intro:        d.text(bfIntroNL, bfIntroEN),
	}
	created, err := pw.api.CreatePoll(pw.R.Context(), &surveysv1.CreatePollRequest{Poll: p})
	switch {
	case err == nil:
		pw.Redirect = kit.WithDone(pollBase(created.GetId())+"/bewerken", "aangemaakt")
		return nil
	case problem.Of(err) == problem.Forbidden:
		return again(http.StatusForbidden, func(fields []kit.FormField) *kit.FormErrors {
			errs := &kit.FormErrors{}
			errs.Invalid(fields, npProcess, "builder.new.forbidden")
			return errs
		})
	case kit.IsFormError(err):
		return again(kit.FormStatus(err), func(fields []kit.FormField) *kit.FormErrors { return builderErrors(err, fields, ph) })
	default:
		return err
	}
}
