package polls

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The panel on a poll's page: for a poll whose audience is a panel, a form
// that invites the panel (all of it, one municipality's, or a part by age
// band, neighbourhood or postcode) and, while the poll is open, a button
// that reminds those who have not answered. The service mails the links;
// the page says how many went out.

// The invitation form's fields, and the parameters that carry its outcome
// across the redirect.
const (
	inviteMunicipalityField  = "gemeente"
	inviteAgeBandField       = "leeftijd"
	inviteNeighbourhoodField = "wijken"
	invitePostcodeField      = "postcodes"

	invitedParam         = "uitgenodigd"
	alreadyInvitedParam  = "eerder"
	remindedParam        = "herinnerd"
	pollInvitePath       = "/panel-uitnodigen"
	pollRemindPath       = "/herinneren"
	maxInviteFilterItems = 50
)

// pollPanelView is the panel part of a poll's page.
type pollPanelView struct {
	// InviteURL and RemindURL are where the forms post; empty when the
	// poll's status allows neither.
	InviteURL, RemindURL string
	// Municipalities are the choices of a shared poll; empty for a local
	// poll.
	Municipalities []kit.Choice
	AgeBands       []kit.Choice
	Neighbourhoods string
	Postcodes      string
	Errors         *kit.FormErrors
	// The outcome of the last invitation or reminder, from the redirect;
	// negative for none.
	Invited, AlreadyInvited, Reminded int
}

// inviteFields are the invitation form's fields, with the paths the
// service names them by.
var inviteFields = []kit.FormField{
	{Path: "/municipalityCode", Name: inviteMunicipalityField, Anchor: inviteMunicipalityField, LabelKey: "invite.field.municipality"},
	{Path: "/ageBands", Name: inviteAgeBandField, Anchor: inviteAgeBandField + "-" + kit.AgeBands[0], LabelKey: "invite.field.ageBands"},
	{Path: "/neighbourhoods", Name: inviteNeighbourhoodField, Anchor: inviteNeighbourhoodField, LabelKey: "invite.field.neighbourhoods"},
	{Path: "/postcodePrefixes", Name: invitePostcodeField, Anchor: invitePostcodeField, LabelKey: "invite.field.postcodes"},
	{},
}

// inviteInput is what the invitation form holds.
type inviteInput struct {
	municipality   string
	ageBands       []string
	neighbourhoods string
	postcodes      string
}

// pollPanel is the panel part of pl's page; nil when pl is not for a
// panel, takes no invitations now, or there is no panels service.
func (s *Pages) pollPanel(pw *pollWork, pl *surveysv1.Poll) *pollPanelView {
	if s.cfg.Panels == nil || pl.GetAudience().GetKind() != surveysv1.AudienceKind_AUDIENCE_KIND_PANEL {
		return nil
	}
	st := pl.GetStatus()
	open := st == surveysv1.PollStatus_POLL_STATUS_OPEN
	if !open && st != surveysv1.PollStatus_POLL_STATUS_SCHEDULED {
		return nil
	}
	base := "/peilingen/" + url.PathEscape(pl.GetId())
	v := &pollPanelView{InviteURL: base + pollInvitePath, Errors: &kit.FormErrors{}}
	if open {
		v.RemindURL = base + pollRemindPath
	}
	choices := pl.GetAudience().GetMunicipalities()
	if len(choices) == 0 {
		choices = pl.GetParticipants()
	}
	if len(choices) > 0 {
		v.Municipalities = append(v.Municipalities, kit.Choice{Value: "", LabelKey: "invite.municipality.all", Selected: true})
		for _, code := range choices {
			v.Municipalities = append(v.Municipalities, kit.Choice{Value: code, Label: s.kit.TenantName(code)})
		}
	}
	for _, b := range kit.AgeBands {
		v.AgeBands = append(v.AgeBands, kit.Choice{Value: b, LabelKey: kit.AgeBandKey(b)})
	}
	q := pw.R.URL.Query()
	count := func(param string) int {
		n, err := strconv.Atoi(q.Get(param))
		if err != nil || n < 0 {
			return -1
		}
		return n
	}
	v.Invited, v.AlreadyInvited, v.Reminded = count(invitedParam), count(alreadyInvitedParam), count(remindedParam)
	if v.Invited >= 0 && v.AlreadyInvited < 0 {
		v.AlreadyInvited = 0
	}
	return v
}

// invitePanel serves POST /peilingen/{id}/panel-uitnodigen.
func (s *Pages) invitePanel(pw *pollWork) error {
	if s.cfg.Panels == nil {
		return problem.Error(problem.Unavailable, "no panels service configured")
	}
	id := pollID(pw.R)
	f := pw.R.PostForm
	in := inviteInput{
		municipality:   f.Get(inviteMunicipalityField),
		ageBands:       f[inviteAgeBandField],
		neighbourhoods: strings.TrimSpace(f.Get(inviteNeighbourhoodField)),
		postcodes:      strings.TrimSpace(f.Get(invitePostcodeField)),
	}
	req := &surveysv1.InvitePanelRequest{
		PollId:           id,
		MunicipalityCode: in.municipality,
		AgeBands:         in.ageBands,
		Neighbourhoods:   splitList(in.neighbourhoods, ""),
		PostcodePrefixes: splitList(in.postcodes, " "),
	}
	local := &kit.FormErrors{}
	if len(req.Neighbourhoods) > maxInviteFilterItems {
		local.Invalid(inviteFields, inviteNeighbourhoodField, "invite.error.tooMany")
	}
	if len(req.PostcodePrefixes) > maxInviteFilterItems {
		local.Invalid(inviteFields, invitePostcodeField, "invite.error.tooMany")
	}
	for _, p := range req.PostcodePrefixes {
		if !postcodePrefixPattern.MatchString(p) {
			local.Invalid(inviteFields, invitePostcodeField, "invite.error.postcode")
			break
		}
	}
	if local.Any() {
		pw.Status = http.StatusUnprocessableEntity
		return s.showPollPanel(pw, id, in, local)
	}
	resp, err := s.cfg.Panels.InvitePanel(pw.R.Context(), req)
	if err != nil {
		return s.panelRefused(pw, id, in, err)
	}
	pw.Redirect = "/peilingen/" + url.PathEscape(id) + "?" + url.Values{
		invitedParam:        {strconv.Itoa(int(resp.GetInvited()))},
		alreadyInvitedParam: {strconv.Itoa(int(resp.GetAlreadyInvited()))},
	}.Encode() + "#panel-titel"
	return nil
}

// remindPanel serves POST /peilingen/{id}/herinneren.
func (s *Pages) remindPanel(pw *pollWork) error {
	if s.cfg.Panels == nil {
		return problem.Error(problem.Unavailable, "no panels service configured")
	}
	id := pollID(pw.R)
	resp, err := s.cfg.Panels.RemindPanel(pw.R.Context(), &surveysv1.RemindPanelRequest{PollId: id})
	if err != nil {
		return s.panelRefused(pw, id, inviteInput{}, err)
	}
	pw.Redirect = "/peilingen/" + url.PathEscape(id) + "?" + url.Values{
		remindedParam: {strconv.Itoa(int(resp.GetReminded()))},
	}.Encode() + "#panel-titel"
	return nil
}

// panelRefused shows the poll's page again with what the service objected
// to an invitation or reminder, or fails for an error that is no
// objection.
func (s *Pages) panelRefused(pw *pollWork, id string, in inviteInput, err error) error {
	switch {
	case problem.Of(err) == problem.Forbidden:
		pw.Status = http.StatusForbidden
		errs := &kit.FormErrors{}
		errs.Invalid(inviteFields, "", "invite.error.forbidden")
		return s.showPollPanel(pw, id, in, errs)
	case kit.IsFormError(err):
		pw.Status = kit.FormStatus(err)
		return s.showPollPanel(pw, id, in, kit.FromStatus(err, "", inviteFields, nil))
	default:
		return err
	}
}

// showPollPanel shows the poll's page with the invitation form as posted
// and errs.
func (s *Pages) showPollPanel(pw *pollWork, id string, in inviteInput, errs *kit.FormErrors) error {
	if err := s.showPollDetail(pw, id, nil); err != nil {
		return err
	}
	if p := pw.View.Page.(*pollDetailPage); p.Panel != nil {
		p.Panel.Errors = errs
		p.Panel.Neighbourhoods, p.Panel.Postcodes = in.neighbourhoods, in.postcodes
		for i := range p.Panel.Municipalities {
			p.Panel.Municipalities[i].Selected = p.Panel.Municipalities[i].Value == in.municipality
		}
		for i := range p.Panel.AgeBands {
			p.Panel.AgeBands[i].Selected = slices.Contains(in.ageBands, p.Panel.AgeBands[i].Value)
		}
	}
	pw.View.HasErrors = errs.Any()
	return nil
}

// splitList splits a typed list at commas, semicolons, line ends and the
// other runes of seps, trimmed and without empty items.
func splitList(s, seps string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps+",;\r\n", r) }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// postcodePrefixPattern is the start of a postcode to invite: one to four
// of its digits.
var postcodePrefixPattern = regexp.MustCompile(`^[1-9][0-9]{0,3}$`)
