package advice

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The editor of an advice: its first version, for a process, and each
// later one. Recommendations are added, removed and moved by buttons that
// send the form and show it again with everything typed kept; the
// preview shows the document as it will read, without saving.

// Fields of the editor.
const (
	fProcess     = "traject"
	fTitle       = "titel"
	fQuestion    = "vraag"
	fInvolvement = "betrokkenheid"
	fFindings    = "bevindingen"
	fConclusions = "conclusies"
	fRec         = "aanbeveling"
	fRecs        = "aanbevelingen"
	fNote        = "wijziging"
	fBasedOn     = "basis"
	fAction      = "actie"
)

// The editor's buttons (the actie field); moving and removing carry the
// recommendation's number: "omhoog-2".
const (
	actSave    = "opslaan"
	actPreview = "voorbeeld"
	actAdd     = "toevoegen"
	actUp      = "omhoog-"
	actDown    = "omlaag-"
	actRemove  = "verwijderen-"
)

// maxRecommendations is the most an advice holds (the service's limit).
const maxRecommendations = 100

// editorPage is the data of the editor.
type editorPage struct {
	// Head is the advice a new version is for; nil for a new advice.
	Head    *adviceHead
	Process *processView
	Action  string
	BackURL string
	Fields  []field
	Recs    []recField
	// RecsErrors are the problems of the list of recommendations.
	RecsErrors []kit.FieldError
	// Fixed keeps the number and order of the recommendations: a
	// correction of a sent advice, whose responses stay theirs.
	Fixed   bool
	CanAdd  bool
	Note    *field
	BasedOn int32
	Errors  *kit.FormErrors
	// Preview is the document as it will read; nil unless asked for.
	Preview *docView
	// PreviewTitle is the title the preview shows.
	PreviewTitle string
	// NoEvidence says the preview of a new advice lacks the figures,
	// which the service derives once it is saved.
	NoEvidence bool
}

// recField is one recommendation of the editor with its buttons' values.
type recField struct {
	Field            field
	Number           int
	Up, Down, Remove string
}

// processView is the process an advice is for.
type processView struct {
	ID, Title, URL, OriginKey, Addressees string
}

// editorFields maps CreateAdvice's and CreateVersion's body to the form,
// with n recommendations.
func editorFields(w kit.Words, n int) []kit.FormField {
	fs := []kit.FormField{
		// The process is chosen before the form and is no field of it:
		// its refusal links nowhere.
		{Path: "/processId", Name: fProcess, LabelKey: "advice.field.process"},
		{Path: "/content/title", Name: fTitle, Anchor: fTitle, LabelKey: "advice.field.title"},
		{Path: "/content/question", Name: fQuestion, Anchor: fQuestion, LabelKey: "advice.field.question"},
		{Path: "/content/involvement", Name: fInvolvement, Anchor: fInvolvement, LabelKey: "advice.field.involvement"},
		{Path: "/content/findings", Name: fFindings, Anchor: fFindings, LabelKey: "advice.field.findings"},
		{Path: "/content/conclusions", Name: fConclusions, Anchor: fConclusions, LabelKey: "advice.field.conclusions"},
		{Path: "/content/recommendations", Name: fRecs, Anchor: fRecs, LabelKey: "advice.field.recommendations"},
	}
	for i := 1; i <= n; i++ {
		id := recID(i)
		fs = append(fs, kit.FormField{Path: "/content/recommendations/" + strconv.Itoa(i-1), Name: id, Anchor: id,
			Label: w.Say("advice.field.recommendation", "n", i)})
	}
	return append(fs,
		kit.FormField{Path: "/changeNote", Name: fNote, Anchor: fNote, LabelKey: "advice.field.note"},
		kit.FormField{},
	)
}

func recID(n int) string { return fRec + "-" + strconv.Itoa(n) }

// recPath finds a recommendation's index in a path the service names.
var recPath = regexp.MustCompile(`^/content/recommendations/(\d+)`)

// editorFieldOf finds the field of a path the service names: each
// recommendation by its index, the rest as editorFields map them.
func editorFieldOf(fields []kit.FormField) func(string) kit.FormField {
	return func(path string) kit.FormField {
		if m := recPath.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			for _, f := range fields {
				if f.Name == recID(i+1) {
					return f
				}
			}
		}
		if path == "/basedOn" || path == "/version" {
			return kit.FormField{}
		}
		return kit.FieldFor(fields, "", path)
	}
}

// draft is what the editor holds: the text as typed.
type draft struct {
	content *resultsv1.AdviceContent
	note    string
	basedOn int32
}

// readDraft reads the posted text; recommendations keep their order and
// empty ones stay, so that a person sees what they typed.
func readDraft(form url.Values) draft {
	c := &resultsv1.AdviceContent{
		Title:       strings.TrimSpace(form.Get(fTitle)),
		Question:    strings.TrimSpace(form.Get(fQuestion)),
		Involvement: strings.TrimSpace(form.Get(fInvolvement)),
		Findings:    strings.TrimSpace(form.Get(fFindings)),
		Conclusions: strings.TrimSpace(form.Get(fConclusions)),
	}
	recs := form[fRec]
	if len(recs) > maxRecommendations+1 {
		recs = recs[:maxRecommendations+1]
	}
	for _, r := range recs {
		c.Recommendations = append(c.Recommendations, &resultsv1.Recommendation{Text: strings.TrimSpace(r)})
	}
	n, _ := strconv.Atoi(form.Get(fBasedOn))
	return draft{content: c, note: strings.TrimSpace(form.Get(fNote)), basedOn: int32(n)}
}

// apply does what a button other than saving and preview asks of d's
// recommendations; false for a button it does not know.
func (d *draft) apply(action string, fixed bool) bool {
	recs := d.content.Recommendations
	num := func(prefix string) (int, bool) {
		s, ok := strings.CutPrefix(action, prefix)
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n - 1, err == nil && n >= 1 && n <= len(recs)
	}
	if fixed {
		return false
	}
	if action == actAdd {
		if len(recs) < maxRecommendations {
			d.content.Recommendations = append(recs, &resultsv1.Recommendation{})
		}
		return true
	}
	if i, ok := num(actUp); ok && i > 0 {
		recs[i-1], recs[i] = recs[i], recs[i-1]
		return true
	}
	if i, ok := num(actDown); ok && i < len(recs)-1 {
		recs[i], recs[i+1] = recs[i+1], recs[i]
		return true
	}
	if i, ok := num(actRemove); ok {
		d.content.Recommendations = append(recs[:i], recs[i+1:]...)
		return true
	}
	return false
}

// check finds what the editor can tell is missing before the service is
// asked: a title, a question, recommendations without text, and a change
// note from version 2.
func (d draft) check(w kit.Words, needNote bool) *kit.FormErrors {
	fields := editorFields(w, len(d.content.GetRecommendations()))
	errs := &kit.FormErrors{}
	if d.content.GetTitle() == "" {
		errs.Invalid(fields, fTitle, "form.error.required")
	}
	if d.content.GetQuestion() == "" {
		errs.Invalid(fields, fQuestion, "form.error.required")
	}
	if len(d.content.GetRecommendations()) == 0 {
		errs.Invalid(fields, fRecs, "advice.error.noRecommendation")
	}
	if len(d.content.GetRecommendations()) > maxRecommendations {
		errs.Add(fields, fields[6], kit.FieldError{Text: w.Say("advice.error.tooManyRecommendations", "max", maxRecommendations)})
	}
	for i, r := range d.content.GetRecommendations() {
		if r.GetText() == "" {
			errs.Invalid(fields, recID(i+1), "form.error.required")
		}
	}
	if needNote && d.note == "" {
		errs.Invalid(fields, fNote, "advice.error.note")
	}
	return errs
}

// newAdvice serves GET /adviezen/nieuw: the processes to choose from, or
// the editor of the chosen one's advice.
func (s *Pages) newAdvice(wk *work) error {
	id := wk.R.URL.Query().Get(fProcess)
	if id == "" {
		return s.chooseProcess(wk)
	}
	pv, err := s.process(wk, id)
	if err != nil {
		return err
	}
	d := draft{content: &resultsv1.AdviceContent{Title: pv.Title, Recommendations: []*resultsv1.Recommendation{{}}}}
	return s.showEditor(wk, nil, pv, d, &kit.FormErrors{}, false)
}

// choosePage is the data of the process chooser.
type choosePage struct {
	Processes []processView
}

// chooseProcess shows the tenant's open processes to write an advice for.
func (s *Pages) chooseProcess(wk *work) error {
	wk.View.TitleKey = "advice.new.title"
	wk.Page = pagePrefix + "choose"
	p := &choosePage{}
	if s.cfg.Councils != nil {
		cursor := ""
		for range kit.MaxPages {
			resp, err := s.cfg.Councils.ListProcesses(wk.Context(), &councilsv1.ListProcessesRequest{Tenant: wk.Tenant, Limit: 100, Cursor: cursor})
			if err != nil {
				return err
			}
			for _, pr := range resp.GetProcesses() {
				if pr.GetPhase() != councilsv1.Phase_PHASE_CLOSED {
					p.Processes = append(p.Processes, s.processOf(pr))
				}
			}
			if cursor = resp.GetNextCursor(); cursor == "" {
				break
			}
		}
	}
	wk.View.Page = p
	return nil
}

// process reads the process an advice is for from the councils service;
// without it, the process is known by its id alone.
func (s *Pages) process(wk *work, id string) (*processView, error) {
	if s.cfg.Councils == nil {
		return &processView{ID: id, Title: id, URL: "/trajecten/" + url.PathEscape(id), OriginKey: "origin.unspecified"}, nil
	}
	pr, err := s.cfg.Councils.GetProcess(wk.Context(), &councilsv1.GetProcessRequest{Id: id})
	if err != nil {
		return nil, err
	}
	pv := s.processOf(pr)
	return &pv, nil
}

// processOf is pr as the editor shows it: the municipalities its advice
// goes to follow from its scope.
func (s *Pages) processOf(pr *councilsv1.Process) processView {
	to := pr.GetScope().GetParticipatingMunicipalities()
	if len(to) == 0 {
		to = []string{pr.GetScope().GetTenant()}
	}
	return processView{ID: pr.GetId(), Title: pr.GetTitle(), URL: "/trajecten/" + url.PathEscape(pr.GetId()),
		OriginKey: originKey(pr.GetOrigin()), Addressees: s.names(to)}
}

// createAdvice serves POST /adviezen/nieuw.
func (s *Pages) createAdvice(wk *work) error {
	form := wk.R.PostForm
	pv, err := s.process(wk, form.Get(fProcess))
	if err != nil {
		if problem.Of(err) == problem.NotFound || problem.Of(err) == problem.Invalid {
			return kit.ErrorPage(http.StatusNotFound, "advice.noProcess")
		}
		return err
	}
	d := readDraft(form)
	action := form.Get(fAction)
	if action != actSave {
		if action != actPreview {
			d.apply(action, false)
		}
		return s.showEditor(wk, nil, pv, d, &kit.FormErrors{}, action == actPreview)
	}
	if errs := d.check(wk.Words, false); errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showEditor(wk, nil, pv, d, errs, false)
	}
	a, err := wk.api.CreateAdvice(wk.Context(), &resultsv1.CreateAdviceRequest{Advice: &resultsv1.Advice{ProcessId: pv.ID, Content: d.content}})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(adviceURL(a.GetId()), "aangemaakt")
		return nil
	case problem.Of(err) == problem.Exists:
		// One advice per process: a second click, or a colleague who
		// was first, leads to the one there is.
		if existing := s.adviceOf(wk, pv.ID); existing != "" {
			wk.Redirect = kit.WithDone(adviceURL(existing), "bestaat")
			return nil
		}
		fallthrough
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		fields := editorFields(wk.Words, len(d.content.GetRecommendations()))
		return s.showEditor(wk, nil, pv, d, fromStatus(wk.Words, err, fields, editorFieldOf(fields)), false)
	}
	return err
}

// adviceOf is the id of the advice of process id, "" if none is found.
func (s *Pages) adviceOf(wk *work, id string) string {
	resp, err := wk.api.ListAdvices(wk.Context(), &resultsv1.ListAdvicesRequest{ProcessId: id, Limit: 1})
	if err != nil || len(resp.GetAdvices()) == 0 {
		return ""
	}
	return resp.GetAdvices()[0].GetId()
}

// newVersion serves GET /adviezen/{id}/versies/nieuw: the latest
// version's text to edit.
func (s *Pages) newVersion(wk *work) error {
	a, err := wk.loadAdvice()
	if err != nil {
		return err
	}
	if !wk.mayWrite(a) {
		return kit.ErrorPage(http.StatusForbidden, "error.forbidden")
	}
	return s.showEditor(wk, a, nil, draft{content: a.GetContent(), basedOn: a.GetLatestVersion()}, &kit.FormErrors{}, false)
}

// createVersion serves POST /adviezen/{id}/versies/nieuw.
func (s *Pages) createVersion(wk *work) error {
	a, err := wk.loadAdvice()
	if err != nil {
		return err
	}
	d := readDraft(wk.R.PostForm)
	fixed := a.GetSentVersion() > 0
	action := wk.R.PostForm.Get(fAction)
	if action != actSave {
		if action != actPreview {
			d.apply(action, fixed)
		}
		return s.showEditor(wk, a, nil, d, &kit.FormErrors{}, action == actPreview)
	}
	if errs := d.check(wk.Words, true); errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showEditor(wk, a, nil, d, errs, false)
	}
	_, err = wk.api.CreateVersion(wk.Context(), &resultsv1.CreateVersionRequest{Id: a.GetId(),
		Version: &resultsv1.Version{BasedOn: d.basedOn, ChangeNote: d.note, Content: d.content}})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(adviceURL(a.GetId()), "versie")
		return nil
	case kit.ChangedMeanwhile(err) && s.savedAlready(wk, a, d):
		// A second click on the same form: the first one saved it.
		wk.Redirect = kit.WithDone(adviceURL(a.GetId()), "versie")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		fields := editorFields(wk.Words, len(d.content.GetRecommendations()))
		errs := fromStatus(wk.Words, err, fields, editorFieldOf(fields))
		return s.showEditor(wk, a, nil, d, errs, false)
	}
	return err
}

// savedAlready reports whether the version after d's base is d, saved by
// this person: what a double click's second request finds.
func (s *Pages) savedAlready(wk *work, a *resultsv1.Advice, d draft) bool {
	v, err := wk.api.GetVersion(wk.Context(), &resultsv1.GetVersionRequest{Id: a.GetId(), Number: d.basedOn + 1})
	if err != nil || v.GetCreatedBy() != wk.ID.Subject || v.GetChangeNote() != d.note {
		return false
	}
	return sameText(v.GetContent(), d.content)
}

// sameText reports whether a and b are the same text.
func sameText(a, b *resultsv1.AdviceContent) bool {
	if a.GetTitle() != b.GetTitle() || a.GetQuestion() != b.GetQuestion() || a.GetInvolvement() != b.GetInvolvement() ||
		a.GetFindings() != b.GetFindings() || a.GetConclusions() != b.GetConclusions() ||
		len(a.GetRecommendations()) != len(b.GetRecommendations()) {
		return false
	}
	for i, r := range a.GetRecommendations() {
		if r.GetText() != b.GetRecommendations()[i].GetText() {
			return false
		}
	}
	return true
}

// showEditor shows the editor of a new version of a, or of a new advice
// for pv (a nil), holding d, with errs; preview adds the document as d
// will read.
func (s *Pages) showEditor(wk *work, a *resultsv1.Advice, pv *processView, d draft, errs *kit.FormErrors, preview bool) error {
	w := wk.Words
	p := &editorPage{Errors: errs, BasedOn: d.basedOn, Process: pv}
	if a == nil {
		wk.View.TitleKey = "advice.new.title"
		p.Action, p.BackURL = "/adviezen/nieuw", "/adviezen"
	} else {
		h := s.head(a)
		p.Head = &h
		wk.View.Title = w.Say("advice.edit.title", "title", h.Title)
		p.Action, p.BackURL = h.URL+"/versies/nieuw", h.URL
		p.Fixed = a.GetSentVersion() > 0
		hint := "advice.field.note.hint"
		if p.Fixed {
			hint = "advice.field.note.correction"
		}
		p.Note = &field{ID: fNote, Kind: "textarea", Rows: 3, Label: w.Text("advice.field.note"), Hint: w.Text(hint), Value: d.note, Errors: errs.For(fNote)}
	}
	c := d.content
	p.Fields = withErrors([]field{
		{ID: fTitle, Label: w.Text("advice.field.title"), Hint: w.Text("advice.field.title.hint"), Value: c.GetTitle()},
		{ID: fQuestion, Kind: "textarea", Rows: 3, Label: w.Text("advice.field.question"), Value: c.GetQuestion()},
		{ID: fInvolvement, Kind: "textarea", Rows: 4, Label: w.Text("advice.field.involvement"), Hint: w.Text("advice.field.involvement.hint"), Value: c.GetInvolvement(), Optional: true},
		{ID: fFindings, Kind: "textarea", Rows: 6, Label: w.Text("advice.field.findings"), Hint: w.Text("advice.field.findings.hint"), Value: c.GetFindings(), Optional: true},
		{ID: fConclusions, Kind: "textarea", Rows: 6, Label: w.Text("advice.field.conclusions"), Value: c.GetConclusions(), Optional: true},
	}, errs)
	n := len(c.GetRecommendations())
	for i, r := range c.GetRecommendations() {
		num := i + 1
		rf := recField{Field: field{ID: recID(num), Name: fRec, Kind: "textarea", Rows: 3, Label: w.Say("advice.field.recommendation", "n", num), Value: r.GetText(), Errors: errs.For(recID(num))}, Number: num}
		if !p.Fixed {
			rf.Remove = actRemove + strconv.Itoa(num)
			if num > 1 {
				rf.Up = actUp + strconv.Itoa(num)
			}
			if num < n {
				rf.Down = actDown + strconv.Itoa(num)
			}
		}
		p.Recs = append(p.Recs, rf)
	}
	p.RecsErrors = errs.For(fRecs)
	p.CanAdd = !p.Fixed && n < maxRecommendations
	if preview {
		p.PreviewTitle = c.GetTitle()
		v := &resultsv1.Version{}
		if a != nil {
			latest, err := wk.api.GetVersion(wk.Context(), &resultsv1.GetVersionRequest{Id: a.GetId(), Number: a.GetLatestVersion()})
			if err != nil {
				return err
			}
			// The figures are the latest version's: the current ones,
			// or those frozen when it was sent.
			v = &resultsv1.Version{Evidence: latest.GetEvidence(), Correction: p.Fixed, ChangeNote: d.note}
		} else {
			p.NoEvidence = true
		}
		doc := s.document(w, v, c)
		p.Preview = &doc
	}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	wk.Page = pagePrefix + "editor"
	return nil
}
