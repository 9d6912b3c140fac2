package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// Who may do what with a panel, beyond the policy's per-method roles. A
// panel holds residents' addresses, so its members' data is for the
// municipality's secretaries and policy officers (and admins), who keep
// the consent records; every staff role of the municipality may read its
// size. Inviting a panel to a poll is for whoever may change the poll: it
// shows them no address. A panel the caller has no role in answers not
// found.

// The paths of the links in panel mails, under the public URL; the
// gateway's web pages serve them.
const (
	invitationPath  = "/i/"
	confirmPath     = "/panel/bevestigen/"
	unsubscribePath = "/panel/afmelden/"
)

// PanelsConfig configures the panels server.
type PanelsConfig struct {
	// PublicURL is the gateway's base URL as residents reach it, for the
	// links in mails, e.g. https://meedoen.velsen.nl.
	PublicURL string
	// Neighbourhoods is the closed list members name their neighbourhood
	// from; nil knows none, and every neighbourhood is refused.
	Neighbourhoods *neighbourhood.Table
}

// Panels implements surveysv1.PanelsServiceServer.
type Panels struct {
	surveysv1.UnimplementedPanelsServiceServer
	store     *store.Store
	publicURL string
	hoods     *neighbourhood.Table
	now       func() time.Time
}

// NewPanels returns a panels server on st.
func NewPanels(st *store.Store, cfg PanelsConfig) *Panels {
	return &Panels{store: st, publicURL: strings.TrimSuffix(cfg.PublicURL, "/"), hoods: cfg.Neighbourhoods, now: time.Now}
}

// panelNotVisible is what a caller gets for a panel they have no role in.
func panelNotVisible(municipality string) error {
	return errs.New(errs.NotFound, "panel of %q not found", municipality)
}

// invalidField is an Invalid error about one field.
func invalidField(path, reason string) error {
	return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.Field{{Path: path, Reason: reason}}}
}

// keeper checks that the caller keeps municipality's panel.
func keeper(ctx context.Context, municipality string) error {
	id, _ := caller(ctx)
	switch {
	case municipality == "":
		return invalidField("/municipalityCode", "is required")
	case id.Has(municipality, auth.PanelKeepers...):
		return nil
	case id.Has(municipality, auth.StaffRoles...):
		return forbidden("see or change the panel's members")
	}
	return panelNotVisible(municipality)
}

// ImportPanelMembers implements surveysv1.PanelsServiceServer.
func (s *Panels) ImportPanelMembers(ctx context.Context, req *surveysv1.ImportPanelMembersRequest) (*surveysv1.PanelImport, error) {
	m := req.GetMunicipalityCode()
	if err := keeper(ctx, m); err != nil {
		return nil, err
	}
	version, err := panel.CheckConsentVersion(req.GetConsentVersion())
	if err != nil {
		return nil, invalidField("/consentVersion", err.Error())
	}
	parsed, err := panel.ParseCSV(req.GetCsv(), s.now(), s.hoods.Of(m))
	if err != nil {
		return nil, err
	}
	res, err := s.store.ImportPanel(ctx, m, version, parsed.Rows, req.GetDryRun(), s.now())
	if err != nil {
		return nil, fmt.Errorf("importing the panel of %s: %w", m, err)
	}
	problems := append(parsed.Problems, res.Refused...)
	slices.SortStableFunc(problems, func(a, b panel.Problem) int { return a.Line - b.Line })
	out := &surveysv1.PanelImport{
		Rows:       int32(parsed.Total),
		Imported:   int32(res.Imported),
		Updated:    int32(res.Updated),
		Duplicates: int32(res.Unchanged + parsed.Repeats),
		DryRun:     req.GetDryRun(),
	}
	for _, p := range problems {
		out.Rejected = append(out.Rejected, &surveysv1.RejectedRow{
			Line: int32(p.Line), Column: p.Column, Reason: &surveysv1.Text{Nl: p.Reason.NL, En: p.Reason.EN}})
	}
	return out, nil
}

// ListPanelMembers implements surveysv1.PanelsServiceServer.
func (s *Panels) ListPanelMembers(ctx context.Context, req *surveysv1.ListPanelMembersRequest) (*surveysv1.ListPanelMembersResponse, error) {
	m := req.GetMunicipalityCode()
	if err := keeper(ctx, m); err != nil {
		return nil, err
	}
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	f := store.MemberFilter{Status: memberStatusOf(req.GetStatus())}
	if hood := req.GetNeighbourhood(); hood != "" {
		if n, ok := s.hoods.Of(m).Resolve(hood); ok {
			f.Neighbourhood = n.Code
		} else {
			v.Add("neighbourhood", notANeighbourhood)
		}
	}
	if p := req.GetPostcodePrefix(); !postcodePrefix(p) {
		v.Add("postcodePrefix", "must be the start of a postcode, such as 1971 or 1971 A")
	} else {
		f.PostcodePrefix = p
	}
	if band, err := panel.NormalizeAgeBand(req.GetAgeBand()); err != nil {
		v.Add("ageBand", err.Error())
	} else {
		f.AgeBand = band
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	members, next, err := s.store.PanelMembers(ctx, m, f, page)
	if err != nil {
		return nil, err
	}
	out := &surveysv1.ListPanelMembersResponse{NextCursor: next}
	for _, mem := range members {
		out.Members = append(out.Members, memberMsg(mem))
	}
	return out, nil
}

// GetPanelMember implements surveysv1.PanelsServiceServer.
func (s *Panels) GetPanelMember(ctx context.Context, req *surveysv1.GetPanelMemberRequest) (*surveysv1.PanelMember, error) {
	if err := keeper(ctx, req.GetMunicipalityCode()); err != nil {
		return nil, err
	}
	m, err := s.store.PanelMember(ctx, req.GetMunicipalityCode(), req.GetId())
	if err != nil {
		return nil, err
	}
	return memberMsg(m), nil
}

// ExportPanelMember implements surveysv1.PanelsServiceServer.
func (s *Panels) ExportPanelMember(ctx context.Context, req *surveysv1.ExportPanelMemberRequest) (*surveysv1.PanelMemberExport, error) {
	if err := keeper(ctx, req.GetMunicipalityCode()); err != nil {
		return nil, err
	}
	rec, err := s.store.PanelMemberRecord(ctx, req.GetMunicipalityCode(), req.GetId())
	if err != nil {
		return nil, err
	}
	out := &surveysv1.PanelMemberExport{Member: memberMsg(rec.Member), ExportTime: timestamppb.New(s.now())}
	for _, c := range rec.Consents {
		out.Consents = append(out.Consents, &surveysv1.ConsentEvent{
			Kind: consentKinds[c.Kind], ConsentVersion: c.Version, Source: c.Source, Time: timestamppb.New(c.At)})
	}
	titles := map[string]*surveysv1.Text{}
	for _, inv := range rec.Invitations {
		title, ok := titles[inv.PollID]
		if !ok {
			// Polls are never deleted; a missing one would be a bug, and the
			// export still lists the invitation.
			if p, err := s.store.Poll(ctx, inv.PollID); err == nil {
				title = textMsg(p.Title())
			}
			titles[inv.PollID] = title
		}
		out.Invitations = append(out.Invitations, &surveysv1.PanelInvitation{
			PollId: inv.PollID, PollTitle: title, InviteTime: timestamppb.New(inv.InvitedAt),
			RemindTime: timeMsg(inv.RemindedAt), Used: inv.Used})
	}
	return out, nil
}

// ErasePanelMember implements surveysv1.PanelsServiceServer.
func (s *Panels) ErasePanelMember(ctx context.Context, req *surveysv1.ErasePanelMemberRequest) (*surveysv1.ErasePanelMemberResponse, error) {
	if err := keeper(ctx, req.GetMunicipalityCode()); err != nil {
		return nil, err
	}
	n, err := s.store.ErasePanelMember(ctx, req.GetMunicipalityCode(), req.GetId())
	if err != nil {
		return nil, err
	}
	return &surveysv1.ErasePanelMemberResponse{InvitationsUnlinked: int32(n)}, nil
}

// GetPanelSummary implements surveysv1.PanelsServiceServer.
func (s *Panels) GetPanelSummary(ctx context.Context, req *surveysv1.GetPanelSummaryRequest) (*surveysv1.PanelSummary, error) {
	m := req.GetMunicipalityCode()
	if id, _ := caller(ctx); !id.Has(m, auth.StaffRoles...) {
		// The region's coordinator plans shared polls with the panels of
		// its municipalities, and sees their numbers (never members).
		region, err := s.store.MunicipalityRegion(ctx, m)
		if err != nil || !id.Has(region, auth.RegionalCoordinator) {
			return nil, panelNotVisible(m)
		}
	}
	size, err := s.store.PanelSize(ctx, m)
	if err != nil {
		return nil, err
	}
	out := &surveysv1.PanelSummary{MunicipalityCode: m, Active: int32(size.Active), Pending: int32(size.Pending),
		Unsubscribed: int32(size.Unsubscribed)}
	for _, c := range size.ByAgeBand {
		out.AgeBands = append(out.AgeBands, &surveysv1.PanelCount{Value: c.Value, Members: int32(c.Members)})
	}
	for _, c := range size.ByNeighbourhood {
		out.Neighbourhoods = append(out.Neighbourhoods, &surveysv1.PanelCount{Value: c.Value, Members: int32(c.Members)})
	}
	return out, nil
}

// panelPoll reads the poll with id for inviting its panel: the caller
// must be allowed to change it, and its audience must be a panel.
func (s *Panels) panelPoll(ctx context.Context, id string) (poll.Poll, error) {
	p, err := s.store.Poll(ctx, id)
	if err != nil {
		return poll.Poll{}, err
	}
	who, _ := caller(ctx)
	switch {
	case !who.CanSee(scopeOf(p)):
		return poll.Poll{}, notVisible(id)
	case !who.CanWork(scopeOf(p)):
		return poll.Poll{}, forbidden("invite residents to this poll")
	case p.Audience().Kind != poll.Panel:
		return poll.Poll{}, errs.New(errs.FailedPrecondition, "poll %s is not for a panel: its audience is an open link", id)
	}
	return p, nil
}

// InvitePanel implements surveysv1.PanelsServiceServer.
func (s *Panels) InvitePanel(ctx context.Context, req *surveysv1.InvitePanelRequest) (*surveysv1.InvitePanelResponse, error) {
	p, err := s.panelPoll(ctx, req.GetPollId())
	if err != nil {
		return nil, err
	}
	dry := req.GetDryRun()
	if st := p.Status(); st != poll.Scheduled && st != poll.Open && (!dry || st != poll.Draft) {
		return nil, errs.New(errs.FailedPrecondition, "poll %s is %s: a panel is invited to a scheduled or open poll", p.ID(), st)
	}
	aud := p.Audience()
	var v errs.Violations
	f := store.PanelFilter{Municipalities: aud.Municipalities}
	if len(f.Municipalities) == 0 {
		f.Municipalities = p.Municipalities()
	}
	if m := req.GetMunicipalityCode(); m != "" {
		if !slices.Contains(f.Municipalities, m) {
			v.Add("/municipalityCode", fmt.Sprintf("%q is not one of the poll's panels (%s)", m, strings.Join(f.Municipalities, ", ")))
		}
		f.Municipalities = []string{m}
	}
	bands := make([]string, 0, len(req.GetAgeBands()))
	for i, b := range req.GetAgeBands() {
		band, err := panel.NormalizeAgeBand(b)
		if err != nil || band == "" {
			v.Add(fmt.Sprintf("/ageBands/%d", i), fmt.Sprintf("must be one of %s", strings.Join(panel.AgeBands(), ", ")))
		}
		bands = append(bands, band)
	}
	for i, pc := range req.GetPostcodePrefixes() {
		if pc == "" || !postcodePrefix(pc) {
			v.Add(fmt.Sprintf("/postcodePrefixes/%d", i), "must be the start of a postcode, such as 1971 or 1971 A")
		}
	}
	hoods := s.hoods.Of(f.Municipalities...)
	codes := make([]string, 0, len(req.GetNeighbourhoods()))
	for i, h := range req.GetNeighbourhoods() {
		n, ok := hoods.Resolve(h)
		if !ok {
			v.Add(fmt.Sprintf("/neighbourhoods/%d", i), notANeighbourhood)
		}
		codes = append(codes, n.Code)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The request narrows the poll's audience further, never widens it.
	var empty, emptyHoods bool
	f.AgeBands, empty = narrow(aud.AgeBands, bands, strings.EqualFold)
	f.Neighbourhoods, emptyHoods = narrow(listed(hoods, aud.Neighbourhoods), codes, strings.EqualFold)
	if empty || emptyHoods {
		resp := &surveysv1.InvitePanelResponse{DryRun: dry}
		if dry {
			for _, m := range f.Municipalities {
				resp.Municipalities = append(resp.Municipalities, &surveysv1.PanelReach{MunicipalityCode: m})
			}
		}
		return resp, nil
	}
	f.PostcodePrefixes = req.GetPostcodePrefixes()
	if dry {
		reach, err := s.store.ReachPanel(ctx, p.ID(), f)
		if err != nil {
			return nil, fmt.Errorf("counting the reach of poll %s's panel: %w", p.ID(), err)
		}
		resp := &surveysv1.InvitePanelResponse{DryRun: true}
		for _, r := range reach {
			resp.Invited += int32(r.New)
			resp.AlreadyInvited += int32(r.Already)
			resp.Municipalities = append(resp.Municipalities, &surveysv1.PanelReach{MunicipalityCode: r.Municipality, Invited: int32(r.New), AlreadyInvited: int32(r.Already)})
		}
		return resp, nil
	}
	compose, err := s.composer(ctx, f.Municipalities, p)
	if err != nil {
		return nil, err
	}
	invited, skipped, err := s.store.InvitePanel(ctx, p.ID(), f, compose, s.now())
	if err != nil {
		return nil, fmt.Errorf("inviting the panel to poll %s: %w", p.ID(), err)
	}
	return &surveysv1.InvitePanelResponse{Invited: int32(invited), AlreadyInvited: int32(skipped)}, nil
}

// notANeighbourhood is why a neighbourhood is refused. It never repeats
// the value, which may be personal data a resident typed.
const notANeighbourhood = "is not a neighbourhood of the municipality; name one by its code or name (see ListNeighbourhoods)"

// listed returns the codes of the neighbourhoods of hoods that an
// audience's filter names. Polls saved before neighbourhoods came from a
// closed list may name them as typed: a name on the list counts as its
// neighbourhood, and what is not on the list matches no member, as
// before. A filter that named only such values keeps a value that matches
// nobody, so that it does not widen to everyone.
func listed(hoods neighbourhood.List, filter []string) []string {
	if len(filter) == 0 {
		return nil
	}
	out := make([]string, 0, len(filter))
	for _, f := range filter {
		if n, ok := hoods.Resolve(f); ok {
			out = append(out, n.Code)
		}
	}
	if len(out) == 0 {
		return []string{"-"}
	}
	return out
}

// narrow combines the poll's filter with the request's: both, when both
// are set. empty reports that no value passes both.
func narrow(poll, req []string, eq func(a, b string) bool) (out []string, empty bool) {
	switch {
	case len(req) == 0:
		return poll, false
	case len(poll) == 0:
		return req, false
	}
	for _, r := range req {
		if slices.ContainsFunc(poll, func(p string) bool { return eq(p, r) }) {
			out = append(out, r)
		}
	}
	return out, len(out) == 0
}

// RemindPanel implements surveysv1.PanelsServiceServer.
func (s *Panels) RemindPanel(ctx context.Context, req *surveysv1.RemindPanelRequest) (*surveysv1.RemindPanelResponse, error) {
	p, err := s.panelPoll(ctx, req.GetPollId())
	if err != nil {
		return nil, err
	}
	if p.Status() != poll.Open {
		return nil, errs.New(errs.FailedPrecondition, "poll %s is %s: reminders go out while a poll is open", p.ID(), p.Status())
	}
	compose, err := s.composer(ctx, p.Municipalities(), p)
	if err != nil {
		return nil, err
	}
	n, err := s.store.RemindPanel(ctx, p.ID(), compose, s.now())
	if err != nil {
		return nil, fmt.Errorf("reminding the panel of poll %s: %w", p.ID(), err)
	}
	return &surveysv1.RemindPanelResponse{Reminded: int32(n)}, nil
}

// SignUp implements surveysv1.PanelsServiceServer.
func (s *Panels) SignUp(ctx context.Context, req *surveysv1.SignUpRequest) (*surveysv1.SignUpResponse, error) {
	a, err := panel.Application{
		Municipality: req.GetMunicipalityCode(), Email: req.GetEmail(),
		Attributes:     panel.Attributes{Postcode: req.GetPostcode(), Neighbourhood: req.GetNeighbourhood(), AgeBand: req.GetAgeBand()},
		ConsentVersion: req.GetConsentVersion(), Language: req.GetLanguage(),
	}.Normalize(s.hoods.Of(req.GetMunicipalityCode()))
	var v errs.Violations
	if e := (*errs.Error)(nil); errors.As(err, &e) {
		v = e.Fields
	} else if err != nil {
		return nil, err
	}
	if a.Municipality != "" {
		if _, err := s.store.MunicipalityName(ctx, a.Municipality); errs.CodeOf(err) == errs.NotFound {
			v.Add("/municipalityCode", "is not a municipality with a panel")
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	compose, err := s.composer(ctx, []string{a.Municipality}, poll.Poll{})
	if err != nil {
		return nil, err
	}
	if err := s.store.SignUp(ctx, a, compose, s.now()); err != nil {
		return nil, fmt.Errorf("signing up for the panel of %s: %w", a.Municipality, err)
	}
	return &surveysv1.SignUpResponse{}, nil
}

// ConfirmSignUp implements surveysv1.PanelsServiceServer.
func (s *Panels) ConfirmSignUp(ctx context.Context, req *surveysv1.ConfirmSignUpRequest) (*surveysv1.ConfirmSignUpResponse, error) {
	m, err := s.store.ConfirmSignUp(ctx, req.GetToken(), s.now())
	if err != nil {
		return nil, err
	}
	return &surveysv1.ConfirmSignUpResponse{MunicipalityCode: m}, nil
}

// Unsubscribe implements surveysv1.PanelsServiceServer.
func (s *Panels) Unsubscribe(ctx context.Context, req *surveysv1.UnsubscribeRequest) (*surveysv1.UnsubscribeResponse, error) {
	m, err := s.store.Unsubscribe(ctx, req.GetToken(), s.now())
	if err != nil {
		return nil, err
	}
	return &surveysv1.UnsubscribeResponse{MunicipalityCode: m}, nil
}

// ListNeighbourhoods implements surveysv1.PanelsServiceServer.
func (s *Panels) ListNeighbourhoods(_ context.Context, req *surveysv1.ListNeighbourhoodsRequest) (*surveysv1.ListNeighbourhoodsResponse, error) {
	out := &surveysv1.ListNeighbourhoodsResponse{}
	m := req.GetMunicipalityCode()
	for _, n := range s.hoods.All() {
		if m == "" || n.Municipality == m {
			out.Neighbourhoods = append(out.Neighbourhoods, &surveysv1.Neighbourhood{Code: n.Code, MunicipalityCode: n.Municipality, Name: n.Name})
		}
	}
	return out, nil
}

// composer returns what writes the panel mails of municipalities (about
// p, for invitations): their names are looked up once, before the
// store's transaction, which composes the mails.
func (s *Panels) composer(ctx context.Context, municipalities []string, p poll.Poll) (store.Compose, error) {
	names := make(map[string]string, len(municipalities))
	for _, m := range municipalities {
		name, err := s.store.MunicipalityName(ctx, m)
		switch {
		case errs.CodeOf(err) == errs.NotFound:
			name = m // not announced yet; the code still tells the reader where
		case err != nil:
			return nil, err
		}
		names[m] = name
	}
	about := panel.Poll{TitleNL: p.Title().NL, TitleEN: p.Title().EN, ClosesAt: p.ClosesAt()}
	return func(l store.Letter) mailq.Mail {
		name := names[l.Municipality]
		if name == "" {
			name = l.Municipality
		}
		links := panel.Links{Unsubscribe: s.publicURL + unsubscribePath + l.UnsubscribeToken}
		var letter panel.Letter
		switch l.Kind {
		case "panel_confirm":
			links.Action = s.publicURL + confirmPath + l.ActionToken
			letter = panel.ConfirmationLetter(name, links)
		case "panel_already_member":
			letter = panel.AlreadyMemberLetter(name, links)
		default: // "invitation", "reminder"
			links.Action = s.publicURL + invitationPath + l.ActionToken
			letter = panel.InvitationLetter(name, about, links, l.Kind == "reminder")
		}
		return mailq.Mail{To: l.To, Subject: letter.Subject, Text: letter.Text, UnsubscribeURL: links.Unsubscribe,
			Kind: l.Kind, Batch: l.PollID, Language: "nl"}
	}, nil
}

// postcodePrefix reports whether s can start a Dutch postcode: up to four
// digits, then up to two letters, spaces ignored; "" passes.
func postcodePrefix(s string) bool {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) > 6 {
		return false
	}
	for i, r := range s {
		if i < 4 && (r < '0' || r > '9') || i >= 4 && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

var panelStatuses = map[surveysv1.PanelMemberStatus]panel.Status{
	surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_PENDING:      panel.Pending,
	surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE:       panel.Active,
	surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED: panel.Unsubscribed,
}

func memberStatusOf(s surveysv1.PanelMemberStatus) panel.Status { return panelStatuses[s] }

func memberStatusMsg(s panel.Status) surveysv1.PanelMemberStatus {
	for k, v := range panelStatuses {
		if v == s {
			return k
		}
	}
	return surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSPECIFIED
}

var consentKinds = map[string]surveysv1.ConsentEventKind{
	"given":     surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_GIVEN,
	"confirmed": surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_CONFIRMED,
	"withdrawn": surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_WITHDRAWN,
}

func memberMsg(m panel.Member) *surveysv1.PanelMember {
	source := surveysv1.PanelMemberSource_PANEL_MEMBER_SOURCE_IMPORT
	if m.Source == panel.SignUp {
		source = surveysv1.PanelMemberSource_PANEL_MEMBER_SOURCE_SIGN_UP
	}
	return &surveysv1.PanelMember{
		Id: m.ID, MunicipalityCode: m.Municipality, Email: m.Email,
		Postcode: m.Postcode, Neighbourhood: m.Neighbourhood, AgeBand: m.AgeBand,
		Status: memberStatusMsg(m.Status), Source: source,
		ConsentTime: timestamppb.New(m.ConsentAt), ConsentVersion: m.ConsentVersion, Language: m.Language,
		CreateTime: timestamppb.New(m.CreatedAt), UpdateTime: timestamppb.New(m.UpdatedAt),
		UnsubscribeTime: timeMsg(m.UnsubscribedAt),
	}
}
