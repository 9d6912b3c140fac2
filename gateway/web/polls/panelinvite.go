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
	pollReachPath        = "/panel-bereik"
	maxInviteFilterItems = 50
)

// pollPanelView is the panel part of a poll's page.
type pollPanelView struct {
	// InviteURL and RemindURL are where the forms post; empty when the
	// poll's status allows neither. ReachURL is where the invitation form
	// posts to count its reach first.
	InviteURL, RemindURL, ReachURL string
	// Municipalities are the choices of a shared poll; empty for a local
	// poll.
	Municipalities []kit.Choice
	AgeBands       []kit.Choice
	// Neighbourhoods are the boxes of a local poll's neighbourhoods, or
	// NeighbourhoodGroups those of a shared poll's, per municipality:
	// the operator's table that the sign-up offers, within the poll's
	// audience.
	Neighbourhoods      []kit.Choice
	NeighbourhoodGroups []kit.ChoiceGroup
	Postcodes           string
	// Reach is whom the form as shown would invite, counted by the
	// service's dry run.
	Reach  *reachView
	Errors *kit.FormErrors
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
	neighbourhoods []string
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
	v := &pollPanelView{InviteURL: base + pollInvitePath, ReachURL: base + pollReachPath, Errors: &kit.FormErrors{}}
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
	// Only what the poll's audience allows is offered: the service
	// narrows an invitation to the audience anyway.
	aud := pl.GetAudience()
	for _, b := range kit.AgeBands {
		if len(aud.GetAgeBands()) == 0 || slices.Contains(aud.GetAgeBands(), b) {
			v.AgeBands = append(v.AgeBands, kit.Choice{Value: b, LabelKey: kit.AgeBandKey(b)})
		}
	}
	in := choices
	if len(in) == 0 {
		in = []string{pl.GetTenant()}
	}
	for _, m := range in {
		list, _ := s.kit.NeighbourhoodsOf(pw.R.Context(), m)
		g := kit.ChoiceGroup{Label: s.kit.TenantName(m)}
		for _, n := range list {
			if len(aud.GetNeighbourhoods()) == 0 || slices.Contains(aud.GetNeighbourhoods(), n.GetCode()) {
				g.Options = append(g.Options, kit.Choice{Value: n.GetCode(), Label: n.GetName()})
			}
		}
		switch {
		case len(g.Options) == 0:
		case len(in) == 1:
			v.Neighbourhoods = g.Options
		default:
			v.NeighbourhoodGroups = append(v.NeighbourhoodGroups, g)
		}
	}
	if pw.R.Method == http.MethodGet {
		// After a post, the form as posted is shown: its reach is
		// counted by "Bereik bekijken", not the whole audience's.
		v.Reach = s.reach(pw, &surveysv1.InvitePanelRequest{PollId: pl.GetId()})
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
	in, req, local := readInvite(pw, id)
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

// readInvite reads the invitation form into the request to send, and
// what is wrong with it before the service is asked.
func readInvite(pw *pollWork, id string) (inviteInput, *surveysv1.InvitePanelRequest, *kit.FormErrors) {
	f := pw.R.PostForm
	in := inviteInput{
		municipality:   f.Get(inviteMunicipalityField),
		ageBands:       f[inviteAgeBandField],
		neighbourhoods: f[inviteNeighbourhoodField],
		postcodes:      strings.TrimSpace(f.Get(invitePostcodeField)),
	}
	req := &surveysv1.InvitePanelRequest{
		PollId:           id,
		MunicipalityCode: in.municipality,
		AgeBands:         in.ageBands,
		Neighbourhoods:   in.neighbourhoods,
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
	return in, req, local
}

// reviewReach serves POST /peilingen/{id}/panel-bereik: the poll's page
// with the invitation form as posted and whom it would reach, inviting
// nobody.
func (s *Pages) reviewReach(pw *pollWork) error {
	if s.cfg.Panels == nil {
		return problem.Error(problem.Unavailable, "no panels service configured")
	}
	id := pollID(pw.R)
	in, req, local := readInvite(pw, id)
	if local.Any() {
		pw.Status = http.StatusUnprocessableEntity
		return s.showPollPanel(pw, id, in, local)
	}
	req.DryRun = true
	resp, err := s.cfg.Panels.InvitePanel(pw.R.Context(), req)
	if err != nil {
		return s.panelRefused(pw, id, in, err)
	}
	if err := s.showPollPanel(pw, id, in, &kit.FormErrors{}); err != nil {
		return err
	}
	if p := pw.View.Page.(*pollDetailPage); p.Panel != nil {
		p.Panel.Reach = s.reachOf(resp)
	}
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
		p.Panel.Postcodes = in.postcodes
		for i := range p.Panel.Neighbourhoods {
			p.Panel.Neighbourhoods[i].Selected = slices.Contains(in.neighbourhoods, p.Panel.Neighbourhoods[i].Value)
		}
		for _, g := range p.Panel.NeighbourhoodGroups {
			for i := range g.Options {
				g.Options[i].Selected = slices.Contains(in.neighbourhoods, g.Options[i].Value)
			}
		}
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

// reachAnchor is where the reach of a panel audience is shown.
const reachAnchor = "bereik"

// reachView is whom an invitation of a poll's panel reaches: the members
// it would invite, per municipality for a shared poll, and the matching
// members invited before.
type reachView struct {
	// Known is false when the service could not count; the page says so.
	Known   bool
	Invited int
	Already int
	// Municipalities is the count per municipality, for more than one.
	Municipalities []reachRow
}

type reachRow struct {
	Name  string
	Count int
}

// reach asks the panels service for a dry run of req; nil when there is
// no panels service or the caller may not invite the panel (the service
// says so when they try). Another failure shows as a reach not known:
// the page works without it.
func (s *Pages) reach(pw *pollWork, req *surveysv1.InvitePanelRequest) *reachView {
	if s.cfg.Panels == nil {
		return nil
	}
	req.DryRun = true
	resp, err := s.cfg.Panels.InvitePanel(pw.R.Context(), req)
	switch {
	case problem.Of(err) == problem.Forbidden:
		return nil
	case err != nil:
		return &reachView{}
	}
	return s.reachOf(resp)
}

// reachOf is the reach a dry run answered.
func (s *Pages) reachOf(resp *surveysv1.InvitePanelResponse) *reachView {
	v := &reachView{Known: true, Invited: int(resp.GetInvited()), Already: int(resp.GetAlreadyInvited())}
	if ms := resp.GetMunicipalities(); len(ms) > 1 {
		for _, m := range ms {
			v.Municipalities = append(v.Municipalities, reachRow{Name: s.kit.TenantName(m.GetMunicipalityCode()), Count: int(m.GetInvited())})
		}
	}
	return v
}
