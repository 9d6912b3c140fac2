package focusgroups

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// The members' pages, reached through the links mailed to them: the
// invitation, their page with the group's sessions, leaving the group and
// the calendar feed's link. A session's page with the answer is in
// membersession.go.

// invitationPage is the data of /focusgroep/uitnodiging/{token}.
type invitationPage struct {
	Group, Purpose, Role, Name string
	Action                     string
}

// invitation serves GET /focusgroep/uitnodiging/{token}: what the group
// is, and the button that accepts.
func (s *Pages) invitation(v *visit) error {
	inv, err := v.api.GetInvitation(v.Context(), &focusgroupsv1.GetInvitationRequest{Token: v.token})
	if err != nil {
		return err
	}
	if v.speak(inv.GetLanguage()) {
		return nil
	}
	v.View.Title = v.Words.Say("fgm.invitation.title", "group", inv.GetFocusGroupName())
	v.View.Page = invitationPage{
		Group:   inv.GetFocusGroupName(),
		Purpose: inv.GetPurpose(),
		Role:    roleLabel(inv.GetRole(), v.Lang()),
		Name:    inv.GetName(),
		Action:  kit.LinkTo(v.R.URL.Path),
	}
	v.Page = "invitation"
	return nil
}

// acceptInvitation serves POST /focusgroep/uitnodiging/{token}: the
// resident becomes a member and goes to their own page, whose link the
// welcome mail carries too. The invitation is single use, so a double
// click's second request finds it used: its notice says that a click a
// moment ago did make them a member, since that is the page the browser
// shows.
func (s *Pages) acceptInvitation(v *visit) error {
	link, err := v.api.AcceptInvitation(v.Context(), &focusgroupsv1.AcceptInvitationRequest{Token: v.token})
	if problem.Of(err) == problem.NotFound {
		v.View.TitleKey = "fgm.used.title"
		v.View.Page = noticePage{Key: "fgm.used"}
		v.Page = "membernotice"
		v.Status = http.StatusNotFound
		return nil
	}
	if err != nil {
		return err
	}
	v.Redirect = kit.WithDone(memberURL(link.GetToken()), "welkom")
	return nil
}

// memberPage is the data of /focusgroep/{token}.
type memberPage struct {
	Name, Group, Purpose, Role string
	StatusKey                  string
	// Open says the group still meets: it is forming or active.
	Open     bool
	Sessions []memberSessionRow
	FeedURL  string
	LeaveURL string
}

// memberSessionRow is one session on the member's page.
type memberSessionRow struct {
	URL       string
	When      string
	Place     string
	Online    bool
	StatusKey string
	Cancelled bool
	// Answer says what the member answered and what came of it.
	Answer string
}

// memberPage serves GET /focusgroep/{token}.
func (s *Pages) memberPage(v *visit) error {
	mv, err := v.view()
	if err != nil {
		return err
	}
	if v.speak(mv.GetLanguage()) {
		return nil
	}
	v.Done("fgm.done.", "welkom")
	v.View.Title = mv.GetFocusGroupName()
	p := memberPage{
		Name:      mv.GetName(),
		Group:     mv.GetFocusGroupName(),
		Purpose:   mv.GetPurpose(),
		Role:      roleLabel(mv.GetRole(), v.Lang()),
		StatusKey: groupStatusKey(mv.GetStatus()),
		Open:      groupOpen(mv.GetStatus()),
		FeedURL:   memberURL(v.token) + "/agenda",
		LeaveURL:  memberURL(v.token) + "/verlaten",
	}
	for _, ms := range mv.GetSessions() {
		p.Sessions = append(p.Sessions, memberSessionRow{
			URL:       memberSessionURL(v.token, ms.GetId()),
			When:      when(v.Words, ms.GetStartTime(), ms.GetEndTime()),
			Place:     ms.GetPlace().GetAddress(),
			Online:    ms.GetOnlineUrl() != "",
			StatusKey: sessionStatusKey(ms.GetStatus()),
			Cancelled: ms.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_CANCELLED,
			Answer:    answerText(v.Words, ms.GetRsvp(), roleLabel(mv.GetRole(), v.Lang())),
		})
	}
	v.View.Page = p
	v.Page = "member"
	return nil
}

// speak sends a visitor who has not chosen a language to the page in
// lang, the language of the member's mails, when that is not the page's:
// the links in older mails carry none (mails now add ?lang=en for English
// members). It reports whether it did.
func (v *visit) speak(lang string) bool {
	if v.R.Method != http.MethodGet || lang == "" || lang == v.Lang() || !slices.Contains(kit.Langs, lang) {
		return false
	}
	if v.R.URL.Query().Has("lang") {
		return false
	}
	if _, err := v.R.Cookie(kit.LangCookie); err == nil {
		return false
	}
	q := v.R.URL.Query()
	q.Set("lang", lang)
	v.Redirect = kit.LinkTo(v.R.URL.Path) + "?" + q.Encode()
	return true
}

// view reads the member's page from the service.
func (v *visit) view() (*focusgroupsv1.MemberView, error) {
	return v.api.GetMemberView(v.Context(), &focusgroupsv1.GetMemberViewRequest{Token: v.token})
}

// groupOpen reports whether a group in status st still meets.
func groupOpen(st focusgroupsv1.FocusGroupStatus) bool {
	return st == focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_FORMING || st == focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_ACTIVE
}

// answerText says what a member's answer came to, in their words: with
// their place on the waitlist of their role. "" before they answered.
func answerText(w kit.Words, r *focusgroupsv1.Rsvp, role string) string {
	switch r.GetState() {
	case focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED:
		return w.Text("fgm.answer.confirmed")
	case focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED:
		return w.Say("fgm.answer.waitlisted", "position", r.GetWaitlistPosition(), "role", role)
	case focusgroupsv1.RsvpState_RSVP_STATE_DECLINED:
		return w.Text("fgm.answer.declined")
	case focusgroupsv1.RsvpState_RSVP_STATE_TENTATIVE:
		return w.Text("fgm.answer.tentative")
	}
	return ""
}

// memberAction serves the pages one level below a member link:
// /focusgroep/{token}/verlaten (the confirmation, and leaving) and
// /focusgroep/{token}/agenda (a new calendar feed link).
func (s *Pages) memberAction(v *visit) error {
	switch action, post := v.R.PathValue("action"), v.R.Method == http.MethodPost; {
	case action == "verlaten" && !post:
		return s.leaveForm(v)
	case action == "verlaten":
		return s.leave(v)
	case action == "agenda" && post:
		return s.renewFeed(v)
	case action == "agenda":
		v.Redirect = memberURL(v.token) + "#agenda"
		return nil
	}
	return problem.Error(problem.NotFound, "no such page")
}

// leavePage is the data of /focusgroep/{token}/verlaten.
type leavePage struct {
	Group   string
	Action  string
	BackURL string
}

// leaveForm asks the member to confirm that they leave.
func (s *Pages) leaveForm(v *visit) error {
	mv, err := v.view()
	if err != nil {
		return err
	}
	v.View.Title = v.Words.Say("fgm.leave.title", "group", mv.GetFocusGroupName())
	v.View.Page = leavePage{Group: mv.GetFocusGroupName(), Action: memberURL(v.token) + "/verlaten", BackURL: memberURL(v.token)}
	v.Page = "memberleave"
	return nil
}

// leave takes the member out of the group. Their links stop working, so
// the answer is a page of its own rather than a redirect to one.
func (s *Pages) leave(v *visit) error {
	resp, err := v.api.LeaveFocusGroup(v.Context(), &focusgroupsv1.LeaveFocusGroupRequest{Token: v.token})
	if problem.Of(err) == problem.NotFound {
		// A double click's second request: the first ended the link.
		v.View.TitleKey = "fgm.gone.title"
		v.View.Page = noticePage{Key: "fgm.gone"}
		v.Page = "membernotice"
		v.Status = http.StatusNotFound
		return nil
	}
	if err != nil {
		return err
	}
	v.View.TitleKey = "fgm.left.title"
	v.View.Page = noticePage{Key: "fgm.left", Group: resp.GetFocusGroupName()}
	v.Page = "membernotice"
	return nil
}

// feedPage is the data of the page with a new calendar feed link.
type feedPage struct {
	// Webcal is the link calendar apps open: html/template would refuse
	// its scheme, so it is marked safe, being made here of the site's own
	// host and a token in URL-safe characters.
	Webcal  template.URL
	HTTPS   string
	BackURL string
}

// renewFeed makes the member a new calendar feed link and shows it. The
// service keeps only its hash, so this page is the one place it is shown.
func (s *Pages) renewFeed(v *visit) error {
	feed, err := v.api.RenewCalendarFeed(v.Context(), &focusgroupsv1.RenewCalendarFeedRequest{Token: v.token})
	if err != nil {
		return err
	}
	path := "/focusgroep/agenda/" + url.PathEscape(feed.GetToken()) + ".ics"
	scheme := "http"
	if s.kit.Secure(v.R) {
		scheme = "https"
	}
	v.View.TitleKey = "fgm.feed.title"
	v.View.Page = feedPage{Webcal: template.URL("webcal://" + url.PathEscape(v.R.Host) + path), HTTPS: scheme + "://" + v.R.Host + path, BackURL: memberURL(v.token)}
	v.Page = "memberfeed"
	return nil
}

// calendarFeed serves GET /focusgroep/agenda/{token}.ics, the feed a
// calendar app subscribes to.
func (s *Pages) calendarFeed(v *visit) error {
	f, err := v.api.GetCalendarFeed(v.Context(), &focusgroupsv1.GetCalendarFeedRequest{Token: v.token})
	if err != nil {
		return err
	}
	writeCalendar(v.Request, f, false)
	return nil
}

// sessionCalendar serves a session's iCalendar file to download.
func (s *Pages) sessionCalendar(v *visit) error {
	f, err := v.api.GetSessionCalendar(v.Context(), &focusgroupsv1.GetSessionCalendarRequest{Token: v.token, SessionId: v.R.PathValue("sid")})
	if err != nil {
		return err
	}
	writeCalendar(v.Request, f, true)
	return nil
}

// writeCalendar answers with an iCalendar file: as a download, or as a
// feed that calendar apps read.
func writeCalendar(rq *kit.Request, f *focusgroupsv1.CalendarFile, download bool) {
	h := rq.W.Header()
	ct := f.GetContentType()
	if !strings.HasPrefix(ct, "text/calendar") {
		ct = "text/calendar; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	// It holds the member's sessions: no shared cache may keep it.
	h.Set("Cache-Control", "private, no-store")
	if download {
		name := f.GetFileName()
		if !fileName.MatchString(name) {
			name = "bijeenkomst.ics"
		}
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	rq.W.WriteHeader(http.StatusOK)
	if rq.R.Method != http.MethodHead {
		_, _ = rq.W.Write(f.GetData())
	}
	rq.Written = true
}

// fileName is a download's name that needs no quoting or encoding.
var fileName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
