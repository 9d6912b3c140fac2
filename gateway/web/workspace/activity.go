package workspace

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// activityPage is the data of /trajecten/{id}/veldactiviteit: a form short
// enough to fill in on a phone after a visit.
type activityPage struct {
	ProcessID    string
	ProcessTitle string
	ProcessURL   string
	Forms        []kit.Choice
	Date         string
	Today        string
	Place        string
	// Municipalities are the choices of a regional process; empty for a
	// local one, which needs no choice.
	Municipalities []kit.Choice
	Residents      string
	Notes          string
	Errors         *kit.FormErrors
}

// activityInput is what the form holds.
type activityInput struct {
	form, date, place, municipality, residents, notes string
}

// newActivity serves GET /trajecten/{id}/veldactiviteit.
func (s *Pages) newActivity(wk *work) error {
	p, err := s.activityForm(wk, activityInput{date: wk.Words.Today(time.Now())})
	if err != nil {
		return err
	}
	wk.View.Page = p
	return nil
}

func (s *Pages) activityForm(wk *work, in activityInput) (*activityPage, error) {
	pr, err := wk.api.GetProcess(wk.Context(), &councilsv1.GetProcessRequest{Id: wk.R.PathValue("id")})
	if err != nil {
		return nil, err
	}
	a, err := wk.loadRegion(s)
	if err != nil {
		return nil, err
	}
	wk.View.TitleKey, wk.View.Subject = "activity.title", pr.GetTitle()
	p := &activityPage{
		ProcessID:    pr.GetId(),
		ProcessTitle: pr.GetTitle(),
		ProcessURL:   "/trajecten/" + url.PathEscape(pr.GetId()),
		Date:         in.date,
		Today:        wk.Words.Today(time.Now()),
		Place:        in.place,
		Residents:    in.residents,
		Notes:        in.notes,
		Errors:       &kit.FormErrors{},
	}
	p.Forms = append(p.Forms, kit.Choice{Value: "", LabelKey: "activity.form.choose"})
	for _, f := range formKinds {
		v := kit.EnumValue(f.String(), "FORM_KIND_")
		p.Forms = append(p.Forms, kit.Choice{Value: v, LabelKey: formKey(f), Selected: v == in.form})
	}
	if ms := pr.GetScope().GetParticipatingMunicipalities(); len(ms) > 0 {
		p.Municipalities = append(p.Municipalities, kit.Choice{Value: "", LabelKey: "activity.municipality.choose"})
		for _, m := range ms {
			p.Municipalities = append(p.Municipalities, kit.Choice{Value: m, Label: a.NameOf(m), Selected: m == in.municipality})
		}
	}
	return p, nil
}

// activityFields maps RecordFieldActivity's body to the form.
var activityFields = []kit.FormField{
	{Path: "/form", Name: "vorm", Anchor: "vorm", LabelKey: "activity.field.form"},
	{Path: "/date", Name: "datum", Anchor: "datum", LabelKey: "activity.field.date"},
	{Path: "/place", Name: "plaats", Anchor: "plaats", LabelKey: "activity.field.place"},
	{Path: "/municipalityCode", Name: "gemeente", Anchor: "gemeente", LabelKey: "activity.field.municipality"},
	{Path: "/residentsReached", Name: "bereikt", Anchor: "bereikt", LabelKey: "activity.field.residents"},
	{Path: "/notes", Name: "notities", Anchor: "notities", LabelKey: "activity.field.notes"},
}

// recordActivity serves POST /trajecten/{id}/veldactiviteit.
func (s *Pages) recordActivity(wk *work) error {
	f := wk.R.PostForm
	in := activityInput{
		form:         f.Get("vorm"),
		date:         f.Get("datum"),
		place:        strings.TrimSpace(f.Get("plaats")),
		municipality: f.Get("gemeente"),
		residents:    strings.TrimSpace(f.Get("bereikt")),
		notes:        strings.TrimSpace(f.Get("notities")),
	}
	p, err := s.activityForm(wk, in)
	if err != nil {
		return err
	}
	// The count is the one thing the site must read itself; the service
	// judges everything else, so a count it cannot read stops here.
	residents, cerr := strconv.ParseInt(in.residents, 10, 32)
	if cerr != nil {
		p.Errors.Invalid(activityFields, "bereikt", "activity.error.residents")
		wk.View.Page = p
		wk.View.HasErrors = true
		wk.Status = http.StatusUnprocessableEntity
		return nil
	}
	_, err = wk.api.RecordFieldActivity(wk.Context(), &councilsv1.RecordFieldActivityRequest{
		Id: p.ProcessID,
		FieldActivity: &councilsv1.FieldActivity{
			Form:             parseFormKind(in.form),
			Date:             in.date,
			Place:            in.place,
			MunicipalityCode: in.municipality,
			ResidentsReached: int32(residents),
			Notes:            in.notes,
		},
	})
	if err == nil {
		wk.Redirect = kit.WithDone(p.ProcessURL, "veldactiviteit") + "#veldactiviteiten"
		return nil
	}
	if !kit.IsFormError(err) {
		return err
	}
	p.Errors = kit.FromStatus(err, "fieldActivity", activityFields, gateKeys)
	wk.View.Page = p
	wk.View.HasErrors = true
	wk.Status = kit.FormStatus(err)
	return nil
}
