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

// A session as a member sees it, with the form that answers it: yes, no
// or maybe, and what they need to take part.

// memberSessionPage is the data of /focusgroep/{token}/bijeenkomsten/{sid}.
type memberSessionPage struct {
	Group         string
	When          string
	Address       string
	Accessibility string
	OnlineURL     string
	Agenda        string
	StatusKey     string
	Cancelled     bool
	CancelReason  string
	// Answer says what the member's answer came to; Waitlisted marks a
	// place on the waitlist.
	Answer     string
	Waitlisted bool
	// CanAnswer says the session still takes answers.
	CanAnswer   bool
	Action      string
	CalendarURL string
	BackURL     string
	Fields      []field
	Errors      *kit.FormErrors
}

// Fields of the answer's form.
const (
	fAnswer = "antwoord"
	fNeeds  = "toegang"
	fNote   = "toelichting"
)

// answers are the form's values of the answers.
var answers = []struct {
	value string
	enum  focusgroupsv1.RsvpAnswer
}{
	{"ja", focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES},
	{"misschien", focusgroupsv1.RsvpAnswer_RSVP_ANSWER_MAYBE},
	{"nee", focusgroupsv1.RsvpAnswer_RSVP_ANSWER_NO},
}

// accessNeedChoice is an access need and its value in the form.
type accessNeedChoice struct {
	value string
	enum  focusgroupsv1.AccessNeed
}

// accessNeeds are the form's values of the access needs.
var accessNeeds = []accessNeedChoice{
	{"tolk", focusgroupsv1.AccessNeed_ACCESS_NEED_INTERPRETER},
	{"rolstoel", focusgroupsv1.AccessNeed_ACCESS_NEED_WHEELCHAIR},
	{"begeleider", focusgroupsv1.AccessNeed_ACCESS_NEED_COMPANION},
	{"dieet", focusgroupsv1.AccessNeed_ACCESS_NEED_DIETARY},
	{"anders", focusgroupsv1.AccessNeed_ACCESS_NEED_OTHER},
}

// maxAccessNote is the longest note on access needs the service keeps.
const maxAccessNote = 500

// answerFields maps RespondToSession's request to the form.
var answerFields = []kit.FormField{
	{Path: "/answer", Name: fAnswer, Anchor: fAnswer + "-ja", LabelKey: "fgm.session.answer"},
	{Path: "/accessNeeds", Name: fNeeds, Anchor: fNeeds + "-tolk", LabelKey: "fgm.session.needs"},
	{Path: "/accessNote", Name: fNote, Anchor: fNote, LabelKey: "fgm.session.note"},
	{Path: "", Name: "", LabelKey: ""},
}

// memberSession serves GET /focusgroep/{token}/bijeenkomsten/{sid}.
func (s *Pages) memberSession(v *visit) error {
	v.Done("fgm.done.", "antwoord")
	return s.showMemberSession(v, nil, &kit.FormErrors{})
}

// showMemberSession shows the session with the answer's form: the
// member's answer, or form when it was sent back with errs.
func (s *Pages) showMemberSession(v *visit, form url.Values, errs *kit.FormErrors) error {
	mv, err := v.view()
	if err != nil {
		return err
	}
	sid := v.R.PathValue("sid")
	i := slices.IndexFunc(mv.GetSessions(), func(ms *focusgroupsv1.MemberSession) bool { return ms.GetId() == sid })
	if i < 0 {
		return problem.Error(problem.NotFound, "no such session in the member's group")
	}
	ms := mv.GetSessions()[i]
	if form == nil && v.speak(mv.GetLanguage()) {
		return nil
	}
	role := roleLabel(mv.GetRole(), v.Lang())
	v.View.Title = v.Words.Say("fgm.session.title", "group", mv.GetFocusGroupName(), "day", day(v.Words, ms.GetStartTime()))
	p := &memberSessionPage{
		Group:         mv.GetFocusGroupName(),
		When:          when(v.Words, ms.GetStartTime(), ms.GetEndTime()),
		Address:       ms.GetPlace().GetAddress(),
		Accessibility: ms.GetPlace().GetAccessibility(),
		OnlineURL:     safeLink(ms.GetOnlineUrl()),
		Agenda:        ms.GetAgenda(),
		StatusKey:     sessionStatusKey(ms.GetStatus()),
		Cancelled:     ms.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_CANCELLED,
		CancelReason:  ms.GetCancelReason(),
		Answer:        answerText(v.Words, ms.GetRsvp(), role),
		Waitlisted:    ms.GetRsvp().GetState() == focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED,
		// A concluded group's upcoming sessions still take place.
		CanAnswer: ms.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED &&
			mv.GetStatus() != focusgroupsv1.FocusGroupStatus_FOCUS_GROUP_STATUS_DISSOLVED,
		Action:      kit.LinkTo(memberSessionURL(v.token, sid)),
		CalendarURL: memberSessionURL(v.token, sid) + "/agenda.ics",
		BackURL:     memberURL(v.token),
		Errors:      errs,
	}
	if form == nil {
		form = answerForm(ms.GetRsvp())
	}
	p.Fields = withErrors(answerControls(v.Words, form, "fgm.session"), errs)
	v.View.HasErrors = errs.Any()
	v.View.Page = p
	v.Page = "membersession"
	return nil
}

// answerForm is the form's values of an answer given before.
func answerForm(r *focusgroupsv1.Rsvp) url.Values {
	form := url.Values{}
	for _, a := range answers {
		if a.enum == r.GetAnswer() {
			form.Set(fAnswer, a.value)
		}
	}
	for _, n := range accessNeeds {
		if slices.Contains(r.GetAccessNeeds(), n.enum) {
			form.Add(fNeeds, n.value)
		}
	}
	form.Set(fNote, r.GetAccessNote())
	return form
}

// answerControls are the answer's form with the values of form, in the
// words of voice: "fgm.session" for the member's own, "fg.onbehalf" for
// staff answering for them.
func answerControls(w kit.Words, form url.Values, voice string) []field {
	answer := field{ID: fAnswer, Kind: "radios", Label: w.Text(voice + ".answer")}
	for _, a := range answers {
		answer.Options = append(answer.Options, kit.Choice{Value: a.value, LabelKey: voice + ".answer." + a.value, Selected: form.Get(fAnswer) == a.value})
	}
	needs := field{ID: fNeeds, Kind: "checkboxes", Label: w.Text(voice + ".needs"), Hint: w.Text("fgm.session.needs.hint"), Optional: true}
	for _, n := range accessNeeds {
		needs.Options = append(needs.Options, kit.Choice{Value: n.value, LabelKey: "fgm.need." + n.value, Selected: slices.Contains(form[fNeeds], n.value)})
	}
	note := field{ID: fNote, Kind: "textarea", Rows: 3, Label: w.Text("fgm.session.note"), Hint: w.Text("fgm.session.note.hint"), Value: form.Get(fNote), Optional: true}
	return []field{answer, needs, note}
}

// respond serves POST /focusgroep/{token}/bijeenkomsten/{sid}: it sends
// the answer and shows the session again with what it came to. Sending the
// same answer twice (a double click, a reload) changes nothing: the
// service keeps the first.
func (s *Pages) respond(v *visit) error {
	form := v.R.PostForm
	req := &focusgroupsv1.RespondToSessionRequest{Token: v.token, SessionId: v.R.PathValue("sid")}
	errs := &kit.FormErrors{}
	for _, a := range answers {
		if form.Get(fAnswer) == a.value {
			req.Answer = a.enum
		}
	}
	if req.Answer == focusgroupsv1.RsvpAnswer_RSVP_ANSWER_UNSPECIFIED {
		errs.Invalid(answerFields, fAnswer, "fgm.error.answer")
	}
	for _, got := range form[fNeeds] {
		i := slices.IndexFunc(accessNeeds, func(n accessNeedChoice) bool { return n.value == got })
		if i < 0 {
			errs.Invalid(answerFields, fNeeds, "fgm.error.need")
			break
		}
		req.AccessNeeds = append(req.AccessNeeds, accessNeeds[i].enum)
	}
	req.AccessNote = strings.TrimSpace(form.Get(fNote))
	if utf8.RuneCountInString(req.AccessNote) > maxAccessNote {
		errs.Invalid(answerFields, fNote, "fgm.error.note")
	}
	if errs.Any() {
		v.Status = http.StatusUnprocessableEntity
		return s.showMemberSession(v, form, errs)
	}
	_, err := v.api.RespondToSession(v.Context(), req)
	switch {
	case err == nil:
		v.Redirect = kit.WithDone(memberSessionURL(v.token, req.SessionId), "antwoord")
		return nil
	case problem.Of(err) == problem.Invalid:
		v.Status = kit.FormStatus(err)
		return s.showMemberSession(v, form, kit.FromStatus(err, "", answerFields, nil))
	case kit.IsFormError(err):
		// The session was cancelled, held or moved into the past since
		// the page was shown.
		v.Status = kit.FormStatus(err)
		errs.Invalid(answerFields, "", "fgm.error.closed")
		return s.showMemberSession(v, form, errs)
	}
	return err
}

// safeLink is a link from the service fit for an href: https or http
// only, never a script.
func safeLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}
