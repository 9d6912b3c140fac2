package panels

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The residents' panel pages: signing up for a municipality's panel, and
// the two links its mails carry, to confirm the sign-up (double opt-in)
// and to leave. Residents have no account: the pages call the panels
// service without an identity, and the integrator puts their POSTs behind
// the per-address rate limit, since each sign-up sends a mail.
//
// A link in a mail only ever shows a button: mail scanners and link
// previews fetch the links in mails, and a GET that confirmed or
// unsubscribed would do it for them. The POST behind the button does it.

// signupConsentVersion names the consent text the sign-up page shows
// (the catalogue's signup.consent.* messages, the same in each language).
// Change it whenever those texts change in substance, so that every
// member's recorded consent points to the text they saw.
const signupConsentVersion = "meedoen-panel-2026-11"

// Where the residents' panel pages are. The mails' links lead to
// confirmPath and unsubscribePath with the token appended.
const (
	signupPath      = "/panel/aanmelden"
	signupSentPath  = "/panel/aanmelden/verstuurd"
	confirmPath     = "/panel/bevestigen/"
	confirmedPath   = "/panel/bevestigd"
	unsubscribePath = "/panel/afmelden/"
	leftPath        = "/panel/afgemeld"
)

// The sign-up form's fields.
const (
	signupMunicipalityField  = "gemeente"
	signupEmailField         = "email"
	signupPostcodeField      = "postcode"
	signupNeighbourhoodField = "wijk"
	signupAgeBandField       = "leeftijd"
	signupConsentField       = "toestemming"
	// signupVersionField carries the version of the consent text shown,
	// so that a text changed while the form was open is not recorded for
	// a resident who saw the old one.
	signupVersionField = "versie"
)

// joining is one request to a resident's panel page.
type joining struct {
	*kit.Request
	api surveysv1.PanelsServiceClient
}

// residentPage serves a resident's panel page: no login, no tenant, and a
// failed call becomes a page in a resident's words. The log never holds
// the path: the links' paths hold tokens.
func (s *Pages) residentPage(h func(j *joining) error) http.Handler {
	return s.kit.Handle(s.residents, "", func(rq *kit.Request) error {
		return h(&joining{Request: rq, api: s.api})
	})
}

// signupPage is the data of the sign-up form.
type signupPage struct {
	Action string
	// Municipality is the municipality the page is for, when its URL
	// names one; Municipalities are the choices otherwise.
	Municipality   kit.Place
	Municipalities []kit.Choice
	Email          string
	Postcode       string
	// NoNeighbourhood is the choice not to say; Neighbourhoods are the
	// closed list's, grouped by municipality when the form offers
	// several (a group without a label otherwise). Without any the form
	// does not ask.
	NoNeighbourhood kit.Choice
	Neighbourhoods  []kit.ChoiceGroup
	AgeBands        []kit.Choice
	Consent         bool
	ConsentVersion  string
	Errors          *kit.FormErrors
}

// signupInput is what the sign-up form holds.
type signupInput struct {
	municipality, email, postcode, neighbourhood, ageBand string
	consent                                               bool
	version                                               string
}

// signupFields are the sign-up form's fields in the order of the page,
// with the paths the service names them by; the form as a whole last.
func signupFields(fixed bool) []kit.FormField {
	var fs []kit.FormField
	if !fixed {
		fs = append(fs, kit.FormField{Path: "/municipalityCode", Name: signupMunicipalityField, Anchor: signupMunicipalityField, LabelKey: "signup.field.municipality"})
	}
	return append(fs,
		kit.FormField{Path: "/email", Name: signupEmailField, Anchor: signupEmailField, LabelKey: "signup.field.email"},
		kit.FormField{Path: "/postcode", Name: signupPostcodeField, Anchor: signupPostcodeField, LabelKey: "signup.field.postcode"},
		kit.FormField{Path: "/neighbourhood", Name: signupNeighbourhoodField, Anchor: signupNeighbourhoodField, LabelKey: "signup.field.neighbourhood"},
		kit.FormField{Path: "/ageBand", Name: signupAgeBandField, Anchor: signupAgeBandField, LabelKey: "signup.field.ageBand"},
		kit.FormField{Path: "/consentVersion", Name: signupConsentField, Anchor: signupConsentField, LabelKey: "signup.consent.short"},
		kit.FormField{},
	)
}

// signupMunicipality reads the municipality the URL names, if any; ok is
// false for a URL that names what is no municipality the site knows.
func (s *Pages) signupMunicipality(r *http.Request) (code string, ok bool) {
	code = r.PathValue("municipality")
	if code == "" {
		return "", true
	}
	_, known := s.kit.TenantNames(r.Context())[code]
	return code, kit.IsMunicipality(code) && known
}

// signup serves GET /panel/aanmelden and /panel/aanmelden/{municipality}.
func (s *Pages) signup(j *joining) error {
	code, ok := s.signupMunicipality(j.R)
	if !ok {
		return kit.ErrorPage(http.StatusNotFound, "error.panel.nomunicipality")
	}
	s.showSignup(j, signupInput{municipality: code, version: signupConsentVersion}, code != "", &kit.FormErrors{}, http.StatusOK)
	return nil
}

// submitSignup serves POST /panel/aanmelden(/{municipality}): it asks the
// service to mail a confirmation link and says so, whatever the service
// knew about the address; or it shows the form again with what is wrong.
func (s *Pages) submitSignup(j *joining) error {
	code, ok := s.signupMunicipality(j.R)
	if !ok {
		return kit.ErrorPage(http.StatusNotFound, "error.panel.nomunicipality")
	}
	fixed := code != ""
	f := j.R.PostForm
	in := signupInput{
		municipality:  code,
		email:         strings.TrimSpace(f.Get(signupEmailField)),
		postcode:      strings.TrimSpace(f.Get(signupPostcodeField)),
		neighbourhood: strings.TrimSpace(f.Get(signupNeighbourhoodField)),
		ageBand:       f.Get(signupAgeBandField),
		consent:       f.Get(signupConsentField) == "ja",
		version:       f.Get(signupVersionField),
	}
	if !fixed {
		in.municipality = f.Get(signupMunicipalityField)
	}
	fields := signupFields(fixed)
	local := &kit.FormErrors{}
	if !fixed && !slices.Contains(s.panelMunicipalities(), in.municipality) {
		local.Invalid(fields, signupMunicipalityField, "signup.error.municipality")
	}
	if in.email == "" {
		local.Invalid(fields, signupEmailField, "signup.error.email.missing")
	}
	if in.ageBand != "" && !slices.Contains(kit.AgeBands, in.ageBand) {
		local.Invalid(fields, signupAgeBandField, "signup.error.ageBand")
	}
	// A neighbourhood is one of the chosen municipality's. The service
	// checks again, and decides alone when no municipality was chosen or
	// the list could not be read here.
	if hoods, _ := s.kit.NeighbourhoodsOf(j.R.Context(), in.municipality); len(hoods) > 0 && in.neighbourhood != "" &&
		!slices.ContainsFunc(hoods, func(n *surveysv1.Neighbourhood) bool { return n.GetCode() == in.neighbourhood }) {
		local.Invalid(fields, signupNeighbourhoodField, "signup.error.neighbourhood")
	}
	switch {
	case !in.consent:
		local.Invalid(fields, signupConsentField, "signup.error.consent")
	case in.version != signupConsentVersion:
		// The text changed while the form was open: ask again, for the
		// text that is on the page now.
		in.consent, in.version = false, signupConsentVersion
		local.Invalid(fields, signupConsentField, "signup.error.consentChanged")
	}
	if local.Any() {
		s.showSignup(j, in, fixed, local, http.StatusUnprocessableEntity)
		return nil
	}
	_, err := j.api.SignUp(j.R.Context(), &surveysv1.SignUpRequest{
		MunicipalityCode: in.municipality,
		Email:            in.email,
		Postcode:         in.postcode,
		Neighbourhood:    in.neighbourhood,
		AgeBand:          in.ageBand,
		ConsentVersion:   in.version,
		Language:         j.View.Lang,
	})
	switch problem.Of(err) {
	case problem.OK:
		j.Redirect = signupSentPath
	case problem.Invalid:
		if fixed && namesField(err, "/municipalityCode") {
			// The URL's municipality has no panel: nothing on the form
			// can fix that.
			return kit.ErrorPage(http.StatusNotFound, "error.panel.nomunicipality")
		}
		s.showSignup(j, in, fixed, signupErrors(err, fields), http.StatusUnprocessableEntity)
	case problem.NotFound, problem.Unmet:
		// A municipality without a panel: the choice was wrong, not the
		// resident's data.
		errs := &kit.FormErrors{}
		if fixed {
			return kit.ErrorPage(http.StatusNotFound, "error.panel.nomunicipality")
		}
		errs.Invalid(fields, signupMunicipalityField, "signup.error.municipality")
		s.showSignup(j, in, fixed, errs, http.StatusUnprocessableEntity)
	default:
		return err
	}
	return nil
}

// signupErrors puts the service's objections to a sign-up in a resident's
// words: one message per field that says what to do, since the service
// explains itself in English, for developers.
func signupErrors(err error, fields []kit.FormField) *kit.FormErrors {
	from := kit.FromStatus(err, "", fields, nil)
	e := &kit.FormErrors{}
	for _, fe := range from.Summary {
		key := "signup.error.form"
		switch fe.Name {
		case signupMunicipalityField:
			key = "signup.error.municipality"
		case signupEmailField:
			key = "signup.error.email.invalid"
		case signupPostcodeField:
			key = "signup.error.postcode"
		case signupNeighbourhoodField:
			key = "signup.error.neighbourhood"
		case signupAgeBandField:
			key = "signup.error.ageBand"
		case signupConsentField:
			key = "signup.error.consent"
		}
		if slices.ContainsFunc(e.Summary, func(x kit.FieldError) bool { return x.Name == fe.Name }) {
			continue // one message per field says all a resident needs
		}
		e.Invalid(fields, fe.Name, key)
	}
	return e
}

// namesField reports whether the service's InvalidArgument names the field
// at path.
func namesField(err error, path string) bool {
	for _, v := range problem.Violations(err) {
		if !v.Condition && kit.NormalPath(v.Field, "") == path {
			return true
		}
	}
	return false
}

// showSignup shows the sign-up form with in and errs.
func (s *Pages) showSignup(j *joining, in signupInput, fixed bool, errs *kit.FormErrors, status int) {
	p := &signupPage{
		Action:          signupPath,
		Email:           in.email,
		Postcode:        in.postcode,
		NoNeighbourhood: kit.Choice{Value: "", LabelKey: "signup.neighbourhood.none", Selected: in.neighbourhood == ""},
		Consent:         in.consent,
		ConsentVersion:  in.version,
		Errors:          errs,
	}
	ctx := j.R.Context()
	// group is a municipality's neighbourhoods, with label as its name.
	group := func(code, label string) {
		hoods, _ := s.kit.NeighbourhoodsOf(ctx, code)
		if len(hoods) == 0 {
			return
		}
		g := kit.ChoiceGroup{Label: label}
		for _, n := range hoods {
			g.Options = append(g.Options, kit.Choice{Value: n.GetCode(), Label: n.GetName(), Selected: n.GetCode() == in.neighbourhood})
		}
		p.Neighbourhoods = append(p.Neighbourhoods, g)
	}
	if fixed {
		p.Action += "/" + url.PathEscape(in.municipality)
		p.Municipality = kit.Place{Code: in.municipality, Name: s.kit.TenantName(in.municipality)}
		group(in.municipality, "")
	} else {
		// The municipality is chosen on the same form, which works
		// without script: the neighbourhoods of every municipality are
		// offered, grouped under its name.
		p.Municipalities = append(p.Municipalities, kit.Choice{Value: "", LabelKey: "signup.municipality.choose", Selected: in.municipality == ""})
		for _, code := range s.panelMunicipalities() {
			p.Municipalities = append(p.Municipalities, kit.Choice{Value: code, Label: s.kit.TenantName(code), Selected: code == in.municipality})
			group(code, s.kit.TenantName(code))
		}
	}
	p.AgeBands = append(p.AgeBands, kit.Choice{Value: "", LabelKey: "signup.ageBand.none", Selected: in.ageBand == ""})
	for _, b := range kit.AgeBands {
		p.AgeBands = append(p.AgeBands, kit.Choice{Value: b, LabelKey: "panel.ageBand." + b, Selected: b == in.ageBand})
	}
	j.View.TitleKey, j.View.Subject = "signup.title", p.Municipality.Name
	j.View.HasErrors = errs.Any()
	j.View.Page = p
	j.Page = "signup"
	j.Status = status
}

// panelMunicipalities are the municipalities a resident can choose, by
// name: those the site knows by name.
func (s *Pages) panelMunicipalities() []string {
	var codes []string
	for code := range s.kit.TenantNames(context.Background()) {
		if kit.IsMunicipality(code) {
			codes = append(codes, code)
		}
	}
	slices.SortFunc(codes, func(a, b string) int { return strings.Compare(s.kit.TenantName(a), s.kit.TenantName(b)) })
	return codes
}
