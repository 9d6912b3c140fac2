package focusgroups

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// A session's page for staff: its details, who comes, the waitlists per
// role in their order with the seat given out of turn on a page of its
// own, and cancelling, also on a page of its own.

// sessionPage is the data of /focusgroepen/{id}/bijeenkomsten/{sid}.
type sessionPage struct {
	Group         groupHead
	URL           string
	When          string
	Address       string
	Accessibility string
	OnlineURL     string
	Agenda        string
	Capacity      int32
	StatusKey     string
	Scheduled     bool
	CancelReason  string
	Confirmed     []rsvpRow
	Waitlists     []waitlist
	Tentative     []rsvpRow
	Declined      []rsvpRow
	// Unanswered are the active members who have not answered yet.
	Unanswered []rsvpRow
}

// rsvpRow is one member's answer.
type rsvpRow struct {
	Name, Role string
	Needs      []string
	Note       string
	Position   int32
	PromoteURL string
	// AnswerURL sets the member's answer on their behalf; empty when the
	// session takes no answers.
	AnswerURL string
	// Promotion says who gave a seat out of turn, when and why.
	Promotion string
}

// waitlist is one role's waitlist, in order.
type waitlist struct {
	Role    string
	Members []rsvpRow
}

// session serves GET /focusgroepen/{id}/bijeenkomsten/{sid}.
func (s *Pages) session(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	ss, err := wk.getSession()
	if err != nil {
		return err
	}
	wk.Done("fg.done.", "gepland", "gewijzigd", "afgezegd", "plekgegeven", "aanwezigheid", "antwoord")
	rsvps, err := wk.api.ListRsvps(wk.Context(), &focusgroupsv1.ListRsvpsRequest{FocusGroupId: ld.g.GetId(), SessionId: ss.GetId()})
	if err != nil {
		return err
	}
	members, err := wk.memberNames(ld.g.GetId())
	if err != nil {
		return err
	}
	w := wk.Words
	wk.View.Title = w.Say("fg.session.title", "group", ld.head.Name, "day", day(w, ss.GetStartTime()))
	p := &sessionPage{
		Group:         ld.head,
		URL:           sessionURL(ld.g.GetId(), ss.GetId()),
		When:          when(w, ss.GetStartTime(), ss.GetEndTime()),
		Address:       ss.GetPlace().GetAddress(),
		Accessibility: ss.GetPlace().GetAccessibility(),
		OnlineURL:     safeLink(ss.GetOnlineUrl()),
		Agenda:        ss.GetAgenda(),
		Capacity:      ss.GetCapacity(),
		StatusKey:     sessionStatusKey(ss.GetStatus()),
		Scheduled:     ss.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED,
		CancelReason:  ss.GetCancelReason(),
	}
	for _, r := range rsvps.GetRsvps() {
		row := rsvpRow{
			Name:     nameOf(w, members, r.GetMemberId()),
			Role:     ld.roles.label(r.GetRole()),
			Note:     r.GetAccessNote(),
			Position: r.GetWaitlistPosition(),
		}
		for _, n := range r.GetAccessNeeds() {
			for _, an := range accessNeeds {
				if an.enum == n {
					row.Needs = append(row.Needs, w.Text("fgm.need."+an.value))
				}
			}
		}
		if p.Scheduled {
			row.AnswerURL = onBehalfURL(ld.g.GetId(), ss.GetId(), r.GetMemberId())
		}
		if r.GetPromotionReason() != "" {
			by := staffName(members, r.GetChangedBy())
			if by == wk.ID.Subject && wk.ID.Name != "" {
				by = wk.ID.Name
			}
			row.Promotion = w.Say("fg.rsvp.promoted", "by", by, "at", w.Moment(r.GetPromoteTime()), "reason", r.GetPromotionReason())
		}
		switch r.GetState() {
		case focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED:
			p.Confirmed = append(p.Confirmed, row)
		case focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED:
			if p.Scheduled {
				row.PromoteURL = p.URL + "/wachtlijst/" + url.PathEscape(r.GetMemberId())
			}
			i := slices.IndexFunc(p.Waitlists, func(wl waitlist) bool { return wl.Role == row.Role })
			if i < 0 {
				p.Waitlists = append(p.Waitlists, waitlist{Role: row.Role})
				i = len(p.Waitlists) - 1
			}
			p.Waitlists[i].Members = append(p.Waitlists[i].Members, row)
		case focusgroupsv1.RsvpState_RSVP_STATE_TENTATIVE:
			p.Tentative = append(p.Tentative, row)
		case focusgroupsv1.RsvpState_RSVP_STATE_DECLINED:
			p.Declined = append(p.Declined, row)
		}
	}
	answered := map[string]bool{}
	for _, r := range rsvps.GetRsvps() {
		answered[r.GetMemberId()] = true
	}
	for _, m := range members {
		if !answered[m.GetId()] && m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE {
			row := rsvpRow{Name: m.GetName(), Role: ld.roles.label(m.GetRole())}
			if p.Scheduled {
				row.AnswerURL = onBehalfURL(ld.g.GetId(), ss.GetId(), m.GetId())
			}
			p.Unanswered = append(p.Unanswered, row)
		}
	}
	slices.SortFunc(p.Unanswered, func(a, b rsvpRow) int { return strings.Compare(a.Name, b.Name) })
	// The service lists the waiting in waitlist order; keep it so within
	// each role even if it did not.
	for _, wl := range p.Waitlists {
		slices.SortStableFunc(wl.Members, func(a, b rsvpRow) int { return int(a.Position - b.Position) })
	}
	wk.View.Page = p
	return nil
}

// cancelPage is the data of a session's cancellation.
type cancelPage struct {
	Group   groupHead
	When    string
	Action  string
	BackURL string
	Reason  field
	Errors  *kit.FormErrors
}

// cancelFields maps CancelSession's request to the form.
var cancelFields = []kit.FormField{{Path: "/reason", Name: "reden", Anchor: "reden", LabelKey: "fg.cancel.reason"}, {}}

// cancelForm serves GET .../bijeenkomsten/{sid}/afzeggen: what cancelling
// does, and the button that does it.
func (s *Pages) cancelForm(wk *work) error {
	return s.showCancel(wk, "", &kit.FormErrors{})
}

func (s *Pages) showCancel(wk *work, reason string, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	ss, err := wk.getSession()
	if err != nil {
		return err
	}
	w := wk.Words
	wk.View.Title = w.Say("fg.cancel.title", "day", day(w, ss.GetStartTime()))
	back := sessionURL(ld.g.GetId(), ss.GetId())
	p := &cancelPage{
		Group: ld.head, When: when(w, ss.GetStartTime(), ss.GetEndTime()),
		Action: back + "/afzeggen", BackURL: back, Errors: errs,
		Reason: field{ID: "reden", Kind: "textarea", Rows: 3, Label: w.Text("fg.cancel.reason"), Hint: w.Text("fg.cancel.reason.hint"), Value: reason, Optional: true, Errors: errs.For("reden")},
	}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// cancelSession serves POST .../bijeenkomsten/{sid}/afzeggen.
func (s *Pages) cancelSession(wk *work) error {
	reason := strings.TrimSpace(wk.R.PostForm.Get("reden"))
	if utf8.RuneCountInString(reason) > 500 {
		errs := &kit.FormErrors{}
		errs.Invalid(cancelFields, "reden", "fg.error.reason")
		wk.Status = http.StatusUnprocessableEntity
		return s.showCancel(wk, reason, errs)
	}
	gid, sid := wk.R.PathValue("id"), wk.R.PathValue("sid")
	_, err := wk.api.CancelSession(wk.Context(), &focusgroupsv1.CancelSessionRequest{FocusGroupId: gid, Id: sid, Reason: reason})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(gid, sid), "afgezegd")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showCancel(wk, reason, kit.FromStatus(err, "", cancelFields, nil))
	}
	return err
}

// promotePage is the data of the page that seats a waiting member out of
// turn.
type promotePage struct {
	Group    groupHead
	When     string
	Name     string
	Role     string
	Position int32
	Action   string
	BackURL  string
	Reason   field
	Errors   *kit.FormErrors
}

// promoteFields maps PromoteFromWaitlist's request to the form.
var promoteFields = []kit.FormField{{Path: "/reason", Name: "reden", Anchor: "reden", LabelKey: "fg.promote.reason"}, {}}

// promoteForm serves GET .../bijeenkomsten/{sid}/wachtlijst/{mid}.
func (s *Pages) promoteForm(wk *work) error {
	return s.showPromote(wk, "", &kit.FormErrors{})
}

func (s *Pages) showPromote(wk *work, reason string, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	ss, err := wk.getSession()
	if err != nil {
		return err
	}
	mid := wk.R.PathValue("mid")
	r, err := wk.api.GetRsvp(wk.Context(), &focusgroupsv1.GetRsvpRequest{FocusGroupId: ld.g.GetId(), SessionId: ss.GetId(), MemberId: mid})
	if err != nil {
		return err
	}
	m, err := wk.api.GetFocusGroupMember(wk.Context(), &focusgroupsv1.GetFocusGroupMemberRequest{FocusGroupId: ld.g.GetId(), Id: mid})
	if err != nil {
		return err
	}
	w := wk.Words
	back := sessionURL(ld.g.GetId(), ss.GetId())
	wk.View.Title = w.Say("fg.promote.title", "name", m.GetName())
	wk.View.Page = &promotePage{
		Group: ld.head, When: when(w, ss.GetStartTime(), ss.GetEndTime()),
		Name: m.GetName(), Role: ld.roles.label(r.GetRole()), Position: r.GetWaitlistPosition(),
		Action: back + "/wachtlijst/" + url.PathEscape(mid), BackURL: back, Errors: errs,
		Reason: field{ID: "reden", Kind: "textarea", Rows: 3, Label: w.Text("fg.promote.reason"), Hint: w.Text("fg.promote.reason.hint"), Value: reason, Errors: errs.For("reden")},
	}
	wk.View.HasErrors = errs.Any()
	return nil
}

// promote serves POST .../bijeenkomsten/{sid}/wachtlijst/{mid}: the seat
// and its reason are recorded and shown with the answer.
func (s *Pages) promote(wk *work) error {
	reason := strings.TrimSpace(wk.R.PostForm.Get("reden"))
	errs := &kit.FormErrors{}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		errs.Invalid(promoteFields, "reden", "fg.error.promoteReason")
	case n > 500:
		errs.Invalid(promoteFields, "reden", "fg.error.reason")
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showPromote(wk, reason, errs)
	}
	gid, sid := wk.R.PathValue("id"), wk.R.PathValue("sid")
	_, err := wk.api.PromoteFromWaitlist(wk.Context(), &focusgroupsv1.PromoteFromWaitlistRequest{FocusGroupId: gid, SessionId: sid, MemberId: wk.R.PathValue("mid"), Reason: reason})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(gid, sid), "plekgegeven")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showPromote(wk, reason, kit.FromStatus(err, "", promoteFields, nil))
	}
	return err
}

// staffName is the name of the group's staff member with the login
// subject, or the subject itself for staff outside the group.
func staffName(members map[string]*focusgroupsv1.GroupMember, subject string) string {
	for _, m := range members {
		if m.GetSubject() != "" && m.GetSubject() == subject && m.GetName() != "" {
			return m.GetName()
		}
	}
	return subject
}
