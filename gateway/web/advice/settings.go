package advice

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// A municipality's response settings: its term, and where mail about
// advice goes. Any of its staff may read them; its policy officers and
// its council's secretary change them.

// settingsPage is the data of /adviezen/instellingen.
type settingsPage struct {
	Municipality string
	// NotMunicipality says the tenant is a region, which has no settings
	// of its own.
	NotMunicipality bool
	CanChange       bool
	Term            string
	OfficerEmail    string
	SecretaryEmail  string
	Updated         string
	Etag            string
	Fields          []field
	Errors          *kit.FormErrors
}

// Fields of the settings' form.
const (
	fTermDays  = "termijn"
	fOfficers  = "beleidsmedewerkers"
	fSecretary = "secretaris"
	fEtag      = "etag"
)

// settingsFields maps UpdateResponseSettings' body to the form.
var settingsFields = []kit.FormField{
	{Path: "/termDays", Name: fTermDays, Anchor: fTermDays, LabelKey: "advice.settings.term"},
	{Path: "/officerEmail", Name: fOfficers, Anchor: fOfficers, LabelKey: "advice.settings.officers"},
	{Path: "/secretaryEmail", Name: fSecretary, Anchor: fSecretary, LabelKey: "advice.settings.secretary"},
	{},
}

// maxTermDays is the longest term the service takes.
const maxTermDays = 365

// settings serves GET /adviezen/instellingen.
func (s *Pages) settings(wk *work) error {
	wk.Done("advice.done.", "instellingen")
	st, err := wk.api.GetResponseSettings(wk.Context(), &resultsv1.GetResponseSettingsRequest{MunicipalityCode: wk.Tenant})
	if problem.Of(err) == problem.NotFound {
		wk.View.TitleKey = "advice.settings.title"
		wk.View.Page = &settingsPage{Municipality: s.kit.TenantName(wk.Tenant), NotMunicipality: true}
		return nil
	}
	if err != nil {
		return err
	}
	values := url.Values{fTermDays: {strconv.Itoa(int(st.GetTermDays()))}, fOfficers: {st.GetOfficerEmail()},
		fSecretary: {st.GetSecretaryEmail()}, fEtag: {st.GetEtag()}}
	s.showSettings(wk, st, values, &kit.FormErrors{})
	return nil
}

func (s *Pages) showSettings(wk *work, st *resultsv1.ResponseSettings, values url.Values, errs *kit.FormErrors) {
	w := wk.Words
	p := &settingsPage{
		Municipality:   s.kit.TenantName(wk.Tenant),
		CanChange:      wk.ID.Has(wk.Tenant, auth.PolicyOfficer, auth.Secretary),
		Term:           w.Say("advice.settings.termValue", "days", st.GetTermDays()),
		OfficerEmail:   st.GetOfficerEmail(),
		SecretaryEmail: st.GetSecretaryEmail(),
		Updated:        w.Moment(st.GetUpdateTime()),
		Etag:           values.Get(fEtag),
		Errors:         errs,
	}
	if st.GetTermDays()%7 == 0 {
		p.Term = w.Say("advice.settings.termWeeks", "days", st.GetTermDays(), "weeks", st.GetTermDays()/7)
	}
	p.Fields = withErrors([]field{
		{ID: fTermDays, Type: "number", Mode: "numeric", Min: "1", Max: strconv.Itoa(maxTermDays), Label: w.Text("advice.settings.term"), Hint: w.Text("advice.settings.term.hint"), Value: values.Get(fTermDays)},
		{ID: fOfficers, Type: "email", Autocomplete: "off", Label: w.Text("advice.settings.officers"), Hint: w.Text("advice.settings.officers.hint"), Value: values.Get(fOfficers), Optional: true},
		{ID: fSecretary, Type: "email", Autocomplete: "off", Label: w.Text("advice.settings.secretary"), Hint: w.Text("advice.settings.secretary.hint"), Value: values.Get(fSecretary), Optional: true},
	}, errs)
	wk.View.TitleKey = "advice.settings.title"
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
}

// saveSettings serves POST /adviezen/instellingen.
func (s *Pages) saveSettings(wk *work) error {
	form := wk.R.PostForm
	st, err := wk.api.GetResponseSettings(wk.Context(), &resultsv1.GetResponseSettingsRequest{MunicipalityCode: wk.Tenant})
	if err != nil {
		return err
	}
	errs := &kit.FormErrors{}
	days, derr := strconv.Atoi(strings.TrimSpace(form.Get(fTermDays)))
	if derr != nil || days < 1 || days > maxTermDays {
		errs.Add(settingsFields, settingsFields[0], kit.FieldError{Text: wk.Words.Say("advice.error.term", "max", maxTermDays)})
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		s.showSettings(wk, st, form, errs)
		return nil
	}
	in := &resultsv1.ResponseSettings{TermDays: int32(days), OfficerEmail: strings.TrimSpace(form.Get(fOfficers)),
		SecretaryEmail: strings.TrimSpace(form.Get(fSecretary)), Etag: form.Get(fEtag)}
	mask := &fieldmaskpb.FieldMask{Paths: []string{"term_days", "officer_email", "secretary_email"}}
	_, err = wk.api.UpdateResponseSettings(wk.Context(), &resultsv1.UpdateResponseSettingsRequest{MunicipalityCode: wk.Tenant, Settings: in, UpdateMask: mask})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone("/adviezen/instellingen", "instellingen")
		return nil
	case kit.ChangedMeanwhile(err):
		wk.Status = kit.FormStatus(err)
		errs.Invalid(settingsFields, "", "advice.error.changedMeanwhile")
		s.showSettings(wk, st, form, errs)
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		s.showSettings(wk, st, form, fromStatus(wk.Words, err, settingsFields, plainFields(settingsFields)))
		return nil
	}
	return err
}
