package focusgroups

import (
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// Members come in two ways: residents invited by mail, who accept through
// their link, and members the organiser adds with the consent they gave
// recorded (when, how; the service records by whom).

// inviteFormPage is the data of /focusgroepen/{id}/uitnodigen and of
// /focusgroepen/{id}/leden/nieuw.
type inviteFormPage struct {
	Group   groupHead
	Action  string
	BackURL string
	Fields  []field
	Errors  *kit.FormErrors
	// Key is the invitations' idempotency key; empty for a new member.
	Key string
}

// Fields of the invitation's and the new member's forms.
const (
	fRole          = "rol"
	fLang          = "taal"
	fInvitees      = "adressen"
	fKind          = "soort"
	fEmail         = "email"
	fSubject       = "login"
	fConsentMethod = "toestemming"
	fConsentDay    = "toestemmingsdatum"
	maxInvitees    = 200
)

// inviteFields maps InviteResidents' request to the form.
var inviteFields = []kit.FormField{
	{Path: "/invitees", Name: fInvitees, Anchor: fInvitees, LabelKey: "fg.invite.invitees"},
	{Path: "/invitees/role", Name: fRole, Anchor: fRole, LabelKey: "fg.invite.role"},
	{Path: "/invitees/language", Name: fLang, Anchor: fLang + "-nl", LabelKey: "fg.invite.lang"},
	{},
}

// languages are the languages of the mails.
func languages(selected string) []kit.Choice {
	if selected == "" {
		selected = "nl"
	}
	return []kit.Choice{
		{Value: "nl", LabelKey: "fg.lang.nl", Selected: selected == "nl"},
		{Value: "en", LabelKey: "fg.lang.en", Selected: selected == "en"},
	}
}

// inviteForm serves GET /focusgroepen/{id}/uitnodigen.
func (s *Pages) inviteForm(wk *work) error {
	return s.showInvite(wk, url.Values{}, &kit.FormErrors{})
}

func (s *Pages) showInvite(wk *work, values url.Values, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	w := wk.Words
	wk.View.Title = w.Say("fg.invite.title", "group", ld.head.Name)
	p := &inviteFormPage{Group: ld.head, Action: ld.head.URL + "/uitnodigen", BackURL: ld.head.URL, Errors: errs, Key: formKey(values)}
	p.Fields = withErrors([]field{
		{ID: fInvitees, Kind: "textarea", Rows: 6, Label: w.Text("fg.invite.invitees"), Hint: w.Text("fg.invite.invitees.hint"), Value: values.Get(fInvitees)},
		{ID: fRole, Kind: "select", Label: w.Text("fg.invite.role"), Options: ld.roles.residentChoices(values.Get(fRole))},
		{ID: fLang, Kind: "radios", Label: w.Text("fg.invite.lang"), Options: languages(values.Get(fLang))},
	}, errs)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// residentChoices are the roles residents usually have, for a select.
func (rs roleSet) residentChoices(selected string) []kit.Choice {
	out := []kit.Choice{{Value: "", LabelKey: "fg.role.choose"}}
	for _, r := range rs.list {
		if r.GetResident() {
			out = append(out, kit.Choice{Value: r.GetKey(), Label: roleLabel(r, rs.lang), Selected: r.GetKey() == selected})
		}
	}
	return out
}

// invite serves POST /focusgroepen/{id}/uitnodigen.
func (s *Pages) invite(wk *work) error {
	form := wk.R.PostForm
	gid := wk.R.PathValue("id")
	errs := &kit.FormErrors{}
	role, lang := form.Get(fRole), form.Get(fLang)
	if role == "" {
		errs.Invalid(inviteFields, fRole, "fg.error.role")
	}
	if lang != "nl" && lang != "en" {
		lang = "nl"
	}
	var invitees []*focusgroupsv1.GroupInvitee
	for i, line := range strings.Split(form.Get(fInvitees), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, addr, ok := parseInvitee(line)
		if !ok {
			errs.Add(inviteFields, inviteFields[0], kit.FieldError{Text: wk.Words.Say("fg.error.inviteeLine", "line", strconv.Itoa(i+1), "text", line)})
			continue
		}
		invitees = append(invitees, &focusgroupsv1.GroupInvitee{Email: addr, Name: name, Role: role, Language: lang})
	}
	switch {
	case len(invitees) == 0 && !errs.Has(fInvitees):
		errs.Invalid(inviteFields, fInvitees, "fg.error.invitees")
	case len(invitees) > maxInvitees:
		errs.Invalid(inviteFields, fInvitees, "fg.error.tooMany")
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showInvite(wk, form, errs)
	}
	_, err := wk.api.InviteResidents(wk.Context(), &focusgroupsv1.InviteResidentsRequest{FocusGroupId: gid, Invitees: invitees, IdempotencyKey: formKey(form)})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(gid), "uitgenodigd")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showInvite(wk, form, kit.FromStatus(err, "", inviteFields, nil))
	}
	return err
}

// parseInvitee reads a line "Name, address" or "Name <address>".
func parseInvitee(line string) (name, addr string, ok bool) {
	if a, err := mail.ParseAddress(line); err == nil && a.Name != "" {
		return a.Name, a.Address, true
	}
	i := strings.LastIndex(line, ",")
	if i < 0 {
		return "", "", false
	}
	name, addr = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	a, err := mail.ParseAddress(addr)
	if name == "" || err != nil || a.Address != addr {
		return "", "", false
	}
	return name, addr, true
}

// memberFields maps AddFocusGroupMember's body to the form.
var memberFields = []kit.FormField{
	{Path: "/kind", Name: fKind, Anchor: fKind + "-inwoner", LabelKey: "fg.add.kind"},
	{Path: "/role", Name: fRole, Anchor: fRole, LabelKey: "fg.add.role"},
	{Path: "/name", Name: fName, Anchor: fName, LabelKey: "fg.add.name"},
	{Path: "/email", Name: fEmail, Anchor: fEmail, LabelKey: "fg.add.email"},
	{Path: "/subject", Name: fSubject, Anchor: fSubject, LabelKey: "fg.add.subject"},
	{Path: "/language", Name: fLang, Anchor: fLang + "-nl", LabelKey: "fg.add.lang"},
	{Path: "/consent/method", Name: fConsentMethod, Anchor: fConsentMethod, LabelKey: "fg.add.consent"},
	{Path: "/consent", Name: fConsentDay, Anchor: fConsentDay, LabelKey: "fg.add.consentDay"},
	{},
}

// consentMethods are the ways staff record a resident's consent.
var consentMethods = []struct {
	value string
	enum  focusgroupsv1.ConsentMethod
}{
	{"persoonlijk", focusgroupsv1.ConsentMethod_CONSENT_METHOD_IN_PERSON},
	{"telefoon", focusgroupsv1.ConsentMethod_CONSENT_METHOD_PHONE},
	{"formulier", focusgroupsv1.ConsentMethod_CONSENT_METHOD_PAPER_FORM},
	{"email", focusgroupsv1.ConsentMethod_CONSENT_METHOD_EMAIL},
}

// memberForm serves GET /focusgroepen/{id}/leden/nieuw.
func (s *Pages) memberForm(wk *work) error {
	return s.showMemberForm(wk, url.Values{fKind: {"inwoner"}, fConsentDay: {wk.Words.Today(time.Now())}}, &kit.FormErrors{})
}

func (s *Pages) showMemberForm(wk *work, values url.Values, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	w := wk.Words
	wk.View.Title = w.Say("fg.add.title", "group", ld.head.Name)
	kind := field{ID: fKind, Kind: "radios", Label: w.Text("fg.add.kind"), Options: []kit.Choice{
		{Value: "inwoner", LabelKey: "fg.add.kind.resident", Selected: values.Get(fKind) == "inwoner"},
		{Value: "medewerker", LabelKey: "fg.add.kind.staff", Selected: values.Get(fKind) == "medewerker"},
	}}
	method := field{ID: fConsentMethod, Kind: "select", Label: w.Text("fg.add.consent"), Hint: w.Text("fg.add.consent.hint")}
	method.Options = append(method.Options, kit.Choice{Value: "", LabelKey: "fg.add.consent.choose"})
	for _, c := range consentMethods {
		method.Options = append(method.Options, kit.Choice{Value: c.value, LabelKey: "fg.consentMethod." + c.value, Selected: values.Get(fConsentMethod) == c.value})
	}
	p := &inviteFormPage{Group: ld.head, Action: ld.head.URL + "/leden/nieuw", BackURL: ld.head.URL, Errors: errs}
	p.Fields = withErrors([]field{
		kind,
		{ID: fRole, Kind: "select", Label: w.Text("fg.add.role"), Options: ld.roles.choices(values.Get(fRole), "fg.role.choose")},
		{ID: fName, Label: w.Text("fg.add.name"), Value: values.Get(fName), Autocomplete: "off"},
		{ID: fEmail, Type: "email", Label: w.Text("fg.add.email"), Hint: w.Text("fg.add.email.hint"), Value: values.Get(fEmail), Autocomplete: "off"},
		{ID: fSubject, Label: w.Text("fg.add.subject"), Hint: w.Text("fg.add.subject.hint"), Value: values.Get(fSubject), Autocomplete: "off"},
		{ID: fLang, Kind: "radios", Label: w.Text("fg.add.lang"), Options: languages(values.Get(fLang))},
		method,
		{ID: fConsentDay, Type: "date", Label: w.Text("fg.add.consentDay"), Value: values.Get(fConsentDay), Max: w.Today(time.Now())},
	}, errs)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// addMember serves POST /focusgroepen/{id}/leden/nieuw.
func (s *Pages) addMember(wk *work) error {
	form := wk.R.PostForm
	gid := wk.R.PathValue("id")
	errs := &kit.FormErrors{}
	m := &focusgroupsv1.GroupMember{
		Role:     form.Get(fRole),
		Name:     strings.TrimSpace(form.Get(fName)),
		Email:    strings.TrimSpace(form.Get(fEmail)),
		Language: form.Get(fLang),
	}
	if m.Language != "en" {
		m.Language = "nl"
	}
	if m.Role == "" {
		errs.Invalid(memberFields, fRole, "fg.error.role")
	}
	if m.Name == "" {
		errs.Invalid(memberFields, fName, "form.error.required")
	}
	if m.Email != "" {
		if a, err := mail.ParseAddress(m.Email); err != nil || a.Address != m.Email {
			errs.Invalid(memberFields, fEmail, "fg.error.email")
		}
	}
	switch form.Get(fKind) {
	case "inwoner":
		m.Kind = focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT
		if m.Email == "" {
			errs.Invalid(memberFields, fEmail, "fg.error.residentEmail")
		}
		consent := &focusgroupsv1.Consent{}
		for _, c := range consentMethods {
			if form.Get(fConsentMethod) == c.value {
				consent.Method = c.enum
			}
		}
		if consent.Method == focusgroupsv1.ConsentMethod_CONSENT_METHOD_UNSPECIFIED {
			errs.Invalid(memberFields, fConsentMethod, "fg.error.consentMethod")
		}
		day, err := time.ParseInLocation(time.DateOnly, form.Get(fConsentDay), amsterdam)
		switch {
		case err != nil:
			errs.Invalid(memberFields, fConsentDay, "fg.error.day")
		case day.After(time.Now()):
			errs.Invalid(memberFields, fConsentDay, "fg.error.consentFuture")
		default:
			// The day is what people remember; noon keeps it that day
			// in any zone the service may show it in.
			consent.Time = timestamppb.New(day.Add(12 * time.Hour))
			if consent.Time.AsTime().After(time.Now()) {
				consent.Time = timestamppb.Now()
			}
		}
		m.Consent = consent
	case "medewerker":
		m.Kind = focusgroupsv1.MemberKind_MEMBER_KIND_STAFF
		m.Subject = strings.TrimSpace(form.Get(fSubject))
		if m.Subject == "" {
			errs.Invalid(memberFields, fSubject, "fg.error.subject")
		}
	default:
		errs.Invalid(memberFields, fKind, "fg.error.kind")
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showMemberForm(wk, form, errs)
	}
	_, err := wk.api.AddFocusGroupMember(wk.Context(), &focusgroupsv1.AddFocusGroupMemberRequest{FocusGroupId: gid, Member: m})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(gid), "toegevoegd")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showMemberForm(wk, form, kit.FromStatus(err, "member", memberFields, nil))
	}
	return err
}
