package focusgroups

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// A member's answer set by staff on their behalf: for the member who
// answers by telephone or at the door rather than from the link.

// onBehalfPage is the data of .../bijeenkomsten/{sid}/antwoorden/{mid}.
type onBehalfPage struct {
	Group   groupHead
	Name    string
	When    string
	Answer  string
	Action  string
	BackURL string
	Fields  []field
	Errors  *kit.FormErrors
}

// onBehalfFields maps SetRsvp's body to the form.
var onBehalfFields = []kit.FormField{
	{Path: "/answer", Name: fAnswer, Anchor: fAnswer + "-ja", LabelKey: "fg.onbehalf.answer"},
	{Path: "/accessNeeds", Name: fNeeds, Anchor: fNeeds + "-tolk", LabelKey: "fg.onbehalf.needs"},
	{Path: "/accessNote", Name: fNote, Anchor: fNote, LabelKey: "fgm.session.note"},
	{},
}

func onBehalfURL(groupID, sessionID, memberID string) string {
	return sessionURL(groupID, sessionID) + "/antwoorden/" + url.PathEscape(memberID)
}

// onBehalfForm serves GET .../bijeenkomsten/{sid}/antwoorden/{mid}.
func (s *Pages) onBehalfForm(wk *work) error {
	return s.showOnBehalf(wk, nil, &kit.FormErrors{})
}

// showOnBehalf shows the form with the member's answer, or form when it
// was sent back with errs.
func (s *Pages) showOnBehalf(wk *work, form url.Values, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	ss, err := wk.getSession()
	if err != nil {
		return err
	}
	m, err := wk.api.GetFocusGroupMember(wk.Context(), &focusgroupsv1.GetFocusGroupMemberRequest{FocusGroupId: ld.g.GetId(), Id: wk.R.PathValue("mid")})
	if err != nil {
		return err
	}
	r, err := wk.api.GetRsvp(wk.Context(), &focusgroupsv1.GetRsvpRequest{FocusGroupId: ld.g.GetId(), SessionId: ss.GetId(), MemberId: m.GetId()})
	switch {
	case problem.Of(err) == problem.NotFound:
		r = nil // not answered yet
	case err != nil:
		return err
	}
	w := wk.Words
	if form == nil {
		form = answerForm(r)
	}
	wk.View.Title = w.Say("fg.onbehalf.title", "name", m.GetName(), "day", day(w, ss.GetStartTime()))
	wk.View.HasErrors = errs.Any()
	wk.View.Page = &onBehalfPage{
		Group: ld.head, Name: m.GetName(), When: when(w, ss.GetStartTime(), ss.GetEndTime()),
		Answer: answerText(w, r, ld.roles.label(m.GetRole())),
		Action: onBehalfURL(ld.g.GetId(), ss.GetId(), m.GetId()), BackURL: sessionURL(ld.g.GetId(), ss.GetId()),
		Fields: withErrors(answerControls(w, form, "fg.onbehalf"), errs), Errors: errs,
	}
	return nil
}

// setOnBehalf serves POST .../bijeenkomsten/{sid}/antwoorden/{mid}: the
// answer is seated as the member's own would be, and recorded as set by
// the person logged in.
func (s *Pages) setOnBehalf(wk *work) error {
	form := wk.R.PostForm
	gid, sid, mid := wk.R.PathValue("id"), wk.R.PathValue("sid"), wk.R.PathValue("mid")
	errs := &kit.FormErrors{}
	r := &focusgroupsv1.Rsvp{MemberId: mid}
	for _, a := range answers {
		if form.Get(fAnswer) == a.value {
			r.Answer = a.enum
		}
	}
	if r.Answer == focusgroupsv1.RsvpAnswer_RSVP_ANSWER_UNSPECIFIED {
		errs.Invalid(onBehalfFields, fAnswer, "fg.error.answer")
	}
	for _, got := range form[fNeeds] {
		i := slices.IndexFunc(accessNeeds, func(n accessNeedChoice) bool { return n.value == got })
		if i < 0 {
			errs.Invalid(onBehalfFields, fNeeds, "fgm.error.need")
			break
		}
		r.AccessNeeds = append(r.AccessNeeds, accessNeeds[i].enum)
	}
	r.AccessNote = strings.TrimSpace(form.Get(fNote))
	if utf8.RuneCountInString(r.AccessNote) > maxAccessNote {
		errs.Invalid(onBehalfFields, fNote, "fgm.error.note")
	}
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showOnBehalf(wk, form, errs)
	}
	_, err := wk.api.SetRsvp(wk.Context(), &focusgroupsv1.SetRsvpRequest{FocusGroupId: gid, SessionId: sid, Rsvp: r})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(gid, sid), "antwoord")
		return nil
	case problem.Of(err) == problem.Invalid:
		wk.Status = kit.FormStatus(err)
		return s.showOnBehalf(wk, form, kit.FromStatus(err, "rsvp", onBehalfFields, nil))
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		errs.Invalid(onBehalfFields, "", "fg.error.sessionClosed")
		return s.showOnBehalf(wk, form, errs)
	}
	return err
}
