package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/resident"
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

// ageBands are the panels' age bands, youngest first, as the service
// stores them; "panel.ageBand.<band>" names each in the catalogue.
var ageBands = []string{"0-17", "18-26", "27-40", "41-65", "66-75", "76+"}

// joining is one request to a resident's panel page.
type joining struct {
	r     *http.Request
	v     *view
	api   surveysv1.PanelsServiceClient
	words words
	cat   catalogue

	page     string
	status   int
	redirect string
}

// joinFunc fills in a resident's panel page, or fails.
type joinFunc func(j *joining) error

// resident serves a resident's panel page: no login, no tenant, and a
// failed call becomes a page in a resident's words.
func (s *Site) resident(h joinFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(w, r, r.URL.Path)
		v.Resident = true
		v.TenantRefused = false
		if r.Method == http.MethodPost {
			if err := parseForm(w, r); err != nil {
				s.renderError(w, r, v, http.StatusBadRequest, "error.panel.badform")
				return
			}
		}
		if s.cfg.Panels == nil {
			s.renderError(w, r, v, http.StatusServiceUnavailable, "error.panel.unconfigured")
			return
		}
		j := &joining{
			r: r, v: v, api: s.cfg.Panels, words: s.words(v.Lang), cat: s.cats[v.Lang],
			status: http.StatusOK,
		}
		if err := h(j); err != nil {
			s.failResident(w, r, v, err)
			return
		}
		if j.redirect != "" {
			http.Redirect(w, r, j.redirect, http.StatusSeeOther)
			return
		}
		s.render(w, r, j.page, j.status, v)
	})
}

// failResident shows the page for a call to the panels service that
// failed. The log never holds the path: the links' paths hold tokens.
func (s *Site) failResident(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		s.renderError(w, r, v, pe.status, pe.key)
		return
	}
	code := status.Code(err)
	switch {
	case code == codes.Unavailable || code == codes.DeadlineExceeded:
		s.log.WarnContext(r.Context(), "panels service unavailable", "err", err)
		s.renderError(w, r, v, http.StatusServiceUnavailable, "error.panel.unavailable")
	case code == codes.InvalidArgument:
		// Input no page shows again (the pages show their forms' own):
		// the visitor's doing, not ours.
		s.log.DebugContext(r.Context(), "the panels service refused the request", "err", err)
		s.renderError(w, r, v, http.StatusBadRequest, "error.panel.badform")
	case errors.Is(err, context.Canceled) || code == codes.Canceled:
		s.log.DebugContext(r.Context(), "request canceled")
		s.renderError(w, r, v, http.StatusInternalServerError, "error.panel.internal")
	default:
		s.log.ErrorContext(r.Context(), "calling the panels service", "code", code.String(), "err", err)
		s.renderError(w, r, v, http.StatusInternalServerError, "error.panel.internal")
	}
}

// signupPage is the data of the sign-up form.
type signupPage struct {
	Action string
	// Municipality is the municipality the page is for, when its URL
	// names one; Municipalities are the choices otherwise.
	Municipality   place
	Municipalities []option
	Email          string
	Postcode       string
	// NoNeighbourhood is the choice not to say; Neighbourhoods are the
	// closed list's, grouped by municipality when the form offers
	// several (a group without a label otherwise). Without any the form
	// does not ask.
	NoNeighbourhood option
	Neighbourhoods  []optionGroup
	AgeBands        []option
	Consent         bool
	ConsentVersion  string
	Errors          *formErrors
}

// signupInput is what the sign-up form holds.
type signupInput struct {
	municipality, email, postcode, neighbourhood, ageBand string
	consent                                               bool
	version                                               string
}

// signupFields are the sign-up form's fields in the order of the page,
// with the paths the service names them by; the form as a whole last.
func signupFields(fixed bool) []formField {
	var fs []formField
	if !fixed {
		fs = append(fs, formField{Path: "/municipalityCode", Name: signupMunicipalityField, Anchor: signupMunicipalityField, LabelKey: "signup.field.municipality"})
	}
	return append(fs,
		formField{Path: "/email", Name: signupEmailField, Anchor: signupEmailField, LabelKey: "signup.field.email"},
		formField{Path: "/postcode", Name: signupPostcodeField, Anchor: signupPostcodeField, LabelKey: "signup.field.postcode"},
		formField{Path: "/neighbourhood", Name: signupNeighbourhoodField, Anchor: signupNeighbourhoodField, LabelKey: "signup.field.neighbourhood"},
		formField{Path: "/ageBand", Name: signupAgeBandField, Anchor: signupAgeBandField, LabelKey: "signup.field.ageBand"},
		formField{Path: "/consentVersion", Name: signupConsentField, Anchor: signupConsentField, LabelKey: "signup.consent.short"},
		formField{},
	)
}

// signupMunicipality reads the municipality the URL names, if any; ok is
// false for a URL that names what is no municipality the site knows.
func (s *Site) signupMunicipality(r *http.Request) (code string, ok bool) {
	code = r.PathValue("municipality")
	if code == "" {
		return "", true
	}
	_, known := s.tenantNames(r.Context())[code]
	return code, isMunicipality(code) && known
}

// signup serves GET /panel/aanmelden and /panel/aanmelden/{municipality}.
func (s *Site) signup(j *joining) error {
	code, ok := s.signupMunicipality(j.r)
	if !ok {
		return &pageError{status: http.StatusNotFound, key: "error.panel.nomunicipality"}
	}
	j.showSignup(s, signupInput{municipality: code, version: signupConsentVersion}, code != "", &formErrors{}, http.StatusOK)
	return nil
}

// submitSignup serves POST /panel/aanmelden(/{municipality}): it asks the
// service to mail a confirmation link and says so, whatever the service
// knew about the address; or it shows the form again with what is wrong.
func (s *Site) submitSignup(j *joining) error {
	code, ok := s.signupMunicipality(j.r)
	if !ok {
		return &pageError{status: http.StatusNotFound, key: "error.panel.nomunicipality"}
	}
	fixed := code != ""
	f := j.r.PostForm
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
	local := &formErrors{}
	if !fixed && !slices.Contains(s.panelMunicipalities(), in.municipality) {
		local.invalid(fields, signupMunicipalityField, "signup.error.municipality")
	}
	if in.email == "" {
		local.invalid(fields, signupEmailField, "signup.error.email.missing")
	}
	if in.ageBand != "" && !slices.Contains(ageBands, in.ageBand) {
		local.invalid(fields, signupAgeBandField, "signup.error.ageBand")
	}
	// A neighbourhood is one of the chosen municipality's. The service
	// checks again, and decides alone when no municipality was chosen or
	// the list could not be read here.
	if hoods, _ := s.neighbourhoodsOf(j.r.Context(), in.municipality); len(hoods) > 0 && in.neighbourhood != "" &&
		!slices.ContainsFunc(hoods, func(n *surveysv1.Neighbourhood) bool { return n.GetCode() == in.neighbourhood }) {
		local.invalid(fields, signupNeighbourhoodField, "signup.error.neighbourhood")
	}
	switch {
	case !in.consent:
		local.invalid(fields, signupConsentField, "signup.error.consent")
	case in.version != signupConsentVersion:
		// The text changed while the form was open: ask again, for the
		// text that is on the page now.
		in.consent, in.version = false, signupConsentVersion
		local.invalid(fields, signupConsentField, "signup.error.consentChanged")
	}
	if local.Any() {
		j.showSignup(s, in, fixed, local, http.StatusUnprocessableEntity)
		return nil
	}
	_, err := j.api.SignUp(j.r.Context(), &surveysv1.SignUpRequest{
		MunicipalityCode: in.municipality,
		Email:            in.email,
		Postcode:         in.postcode,
		Neighbourhood:    in.neighbourhood,
		AgeBand:          in.ageBand,
		ConsentVersion:   in.version,
		Language:         j.v.Lang,
	})
	switch status.Code(err) {
	case codes.OK:
		j.redirect = signupSentPath
	case codes.InvalidArgument:
		if fixed && namesField(err, "/municipalityCode") {
			// The URL's municipality has no panel: nothing on the form
			// can fix that.
			return &pageError{status: http.StatusNotFound, key: "error.panel.nomunicipality"}
		}
		j.showSignup(s, in, fixed, signupErrors(err, fields), http.StatusUnprocessableEntity)
	case codes.NotFound, codes.FailedPrecondition:
		// A municipality without a panel: the choice was wrong, not the
		// resident's data.
		errs := &formErrors{}
		if fixed {
			return &pageError{status: http.StatusNotFound, key: "error.panel.nomunicipality"}
		}
		errs.invalid(fields, signupMunicipalityField, "signup.error.municipality")
		j.showSignup(s, in, fixed, errs, http.StatusUnprocessableEntity)
	default:
		return err
	}
	return nil
}

// signupErrors puts the service's objections to a sign-up in a resident's
// words: one message per field that says what to do, since the service
// explains itself in English, for developers.
func signupErrors(err error, fields []formField) *formErrors {
	from := fromStatus(err, "", fields)
	e := &formErrors{}
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
		if slices.ContainsFunc(e.Summary, func(x fieldError) bool { return x.Name == fe.Name }) {
			continue // one message per field says all a resident needs
		}
		e.invalid(fields, fe.Name, key)
	}
	return e
}

// namesField reports whether the service's InvalidArgument names the field
// at path.
func namesField(err error, path string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if normalPath(v.GetField(), "") == path {
					return true
				}
			}
		}
	}
	return false
}

// showSignup shows the sign-up form with in and errs.
func (j *joining) showSignup(s *Site, in signupInput, fixed bool, errs *formErrors, status int) {
	p := &signupPage{
		Action:          signupPath,
		Email:           in.email,
		Postcode:        in.postcode,
		NoNeighbourhood: option{Value: "", LabelKey: "signup.neighbourhood.none", Selected: in.neighbourhood == ""},
		Consent:         in.consent,
		ConsentVersion:  in.version,
		Errors:          errs,
	}
	ctx := j.r.Context()
	// group is a municipality's neighbourhoods, with label as its name.
	group := func(code, label string) {
		hoods, _ := s.neighbourhoodsOf(ctx, code)
		if len(hoods) == 0 {
			return
		}
		g := optionGroup{Label: label}
		for _, n := range hoods {
			g.Options = append(g.Options, option{Value: n.GetCode(), Label: n.GetName(), Selected: n.GetCode() == in.neighbourhood})
		}
		p.Neighbourhoods = append(p.Neighbourhoods, g)
	}
	if fixed {
		p.Action += "/" + url.PathEscape(in.municipality)
		p.Municipality = place{Code: in.municipality, Name: s.tenantName(in.municipality)}
		group(in.municipality, "")
	} else {
		// The municipality is chosen on the same form, which works
		// without script: the neighbourhoods of every municipality are
		// offered, grouped under its name.
		p.Municipalities = append(p.Municipalities, option{Value: "", LabelKey: "signup.municipality.choose", Selected: in.municipality == ""})
		for _, code := range s.panelMunicipalities() {
			p.Municipalities = append(p.Municipalities, option{Value: code, Label: s.tenantName(code), Selected: code == in.municipality})
			group(code, s.tenantName(code))
		}
	}
	p.AgeBands = append(p.AgeBands, option{Value: "", LabelKey: "signup.ageBand.none", Selected: in.ageBand == ""})
	for _, b := range ageBands {
		p.AgeBands = append(p.AgeBands, option{Value: b, LabelKey: "panel.ageBand." + b, Selected: b == in.ageBand})
	}
	j.v.TitleKey = "signup.title"
	j.v.HasErrors = errs.Any()
	j.v.Page = p
	j.page = "signup"
	j.status = status
}

// panelMunicipalities are the municipalities a resident can choose, by
// name: those the site knows by name.
func (s *Site) panelMunicipalities() []string {
	var codes []string
	for code := range s.tenantNames(context.Background()) {
		if isMunicipality(code) {
			codes = append(codes, code)
		}
	}
	slices.SortFunc(codes, func(a, b string) int { return strings.Compare(s.tenantName(a), s.tenantName(b)) })
	return codes
}

// signupNoticePage is the data of the pages that only say something: the
// mail was sent, the sign-up confirmed, the resident left.
type signupNoticePage struct {
	// Key is the catalogue prefix of the page's texts.
	Key string
	// Municipality names the panel's municipality; empty when unknown.
	Municipality string
	// Action and ButtonKey make the page a form with one button, for
	// the links in mails; empty for none.
	Action    string
	ButtonKey string
}

// showNotice shows the page key names.
func (j *joining) showNotice(key string, p signupNoticePage, status int) {
	p.Key = key
	j.v.TitleKey = key + ".title"
	j.v.Page = p
	j.page = "signupnotice"
	j.status = status
}

// signupSent serves GET /panel/aanmelden/verstuurd. It says the same to
// everyone, as the service does: whether the address was known already
// is not for anyone who types it to learn.
func (s *Site) signupSent(j *joining) error {
	j.showNotice("signup.sent", signupNoticePage{}, http.StatusOK)
	return nil
}

// mailLink is what a link from a panel mail leads to: the page with its
// button, the call the button makes, and where it ends.
type mailLink struct {
	key  string // catalogue prefix of the page with the button
	call func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (municipality string, err error)
	done string // where the POST ends
}

var (
	confirmLink = mailLink{
		key: "signup.confirm",
		call: func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (string, error) {
			resp, err := api.ConfirmSignUp(ctx, &surveysv1.ConfirmSignUpRequest{Token: token})
			return resp.GetMunicipalityCode(), err
		},
		done: confirmedPath,
	}
	unsubscribeLink = mailLink{
		key: "signup.unsubscribe",
		call: func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (string, error) {
			resp, err := api.Unsubscribe(ctx, &surveysv1.UnsubscribeRequest{Token: token})
			return resp.GetMunicipalityCode(), err
		},
		done: leftPath,
	}
)

// showLink serves GET /panel/bevestigen/{token} and /panel/afmelden/{token}:
// a button, and nothing changed yet. The panels' tokens have the form of
// invitation tokens; what has another is not worth a call.
func (s *Site) showLink(l mailLink) joinFunc {
	return func(j *joining) error {
		tok := j.r.PathValue("token")
		if resident.CheckInvitationToken(tok) != nil {
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
			return nil
		}
		j.showNotice(l.key, signupNoticePage{Action: j.r.URL.Path, ButtonKey: l.key + ".button"}, http.StatusOK)
		return nil
	}
}

// followLink serves the POST behind a mail link's button: it calls the
// service and ends on the page that says it is done.
func (s *Site) followLink(l mailLink) joinFunc {
	return func(j *joining) error {
		tok := j.r.PathValue("token")
		if resident.CheckInvitationToken(tok) != nil {
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
			return nil
		}
		code, err := l.call(j.r.Context(), j.api, tok)
		switch status.Code(err) {
		case codes.OK:
			target := l.done
			if code != "" {
				target += "?" + url.Values{signupMunicipalityField: {code}}.Encode()
			}
			j.redirect = target
		case codes.NotFound, codes.InvalidArgument, codes.FailedPrecondition:
			// Used, expired or never issued: the same page for all, as a
			// token should reveal nothing about others.
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
		default:
			return err
		}
		return nil
	}
}

// linkDone serves the page a mail link's POST ends on.
func (s *Site) linkDone(key string) joinFunc {
	return func(j *joining) error {
		p := signupNoticePage{}
		if code := j.r.URL.Query().Get(signupMunicipalityField); isMunicipality(code) {
			p.Municipality = s.tenantName(code)
		}
		j.showNotice(key, p, http.StatusOK)
		return nil
	}
}
