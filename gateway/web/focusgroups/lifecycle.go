package focusgroups

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// What ends a group or a membership, each confirmed on a page of its own:
// concluding a group whose theme is done, dissolving one before it is,
// and taking a member out.

// confirmPage is the data of a confirmation: the catalogue prefix of its
// texts (.heading, .lead, .body, .confirm), what it is about, and an
// optional reason.
type confirmPage struct {
	Key     string
	Group   groupHead
	Subject string
	Action  string
	BackURL string
	// Reason is the reason's field; nil for a confirmation without one.
	Reason *field
	Errors *kit.FormErrors
}

// reasonFields maps a reason to the form.
var reasonFields = []kit.FormField{{Path: "/reason", Name: "reden", Anchor: "reden", LabelKey: "fg.reason"}, {}}

// showConfirm fills in the confirmation key for the group's page, about
// subject, posting to action.
func (s *Pages) showConfirm(wk *work, ld *loaded, key, subject, action string, reason *field, errs *kit.FormErrors) {
	wk.View.Title = wk.Words.Say(key+".title", "group", ld.head.Name, "name", subject)
	if reason != nil {
		reason.Errors = errs.For(reason.ID)
	}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = &confirmPage{Key: key, Group: ld.head, Subject: subject, Action: action, BackURL: ld.head.URL, Reason: reason, Errors: errs}
	wk.Page = "confirm"
}

// reasonField is the optional reason of a confirmation.
func reasonField(w kit.Words, hintKey, value string) *field {
	return &field{ID: "reden", Kind: "textarea", Rows: 3, Label: w.Text("fg.reason"), Hint: w.Text(hintKey), Value: value, Optional: true}
}

// concludeForm serves GET /focusgroepen/{id}/afronden.
func (s *Pages) concludeForm(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	s.showConfirm(wk, ld, "fg.conclude", "", ld.head.URL+"/afronden", nil, &kit.FormErrors{})
	return nil
}

// conclude serves POST /focusgroepen/{id}/afronden.
func (s *Pages) conclude(wk *work) error {
	gid := wk.R.PathValue("id")
	_, err := wk.api.ConcludeFocusGroup(wk.Context(), &focusgroupsv1.ConcludeFocusGroupRequest{Id: gid})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(gid), "afgerond")
		return nil
	case kit.IsFormError(err):
		ld, lerr := wk.loadGroup()
		if lerr != nil {
			return lerr
		}
		wk.Status = kit.FormStatus(err)
		errs := &kit.FormErrors{}
		errs.Invalid(nil, "", "fg.error.ended")
		s.showConfirm(wk, ld, "fg.conclude", "", ld.head.URL+"/afronden", nil, errs)
		return nil
	}
	return err
}

// dissolveForm serves GET /focusgroepen/{id}/opheffen.
func (s *Pages) dissolveForm(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	s.showConfirm(wk, ld, "fg.dissolve", "", ld.head.URL+"/opheffen", reasonField(wk.Words, "fg.dissolve.reason.hint", ""), &kit.FormErrors{})
	return nil
}

// dissolve serves POST /focusgroepen/{id}/opheffen: upcoming sessions are
// cancelled and their members told.
func (s *Pages) dissolve(wk *work) error {
	gid := wk.R.PathValue("id")
	reason := strings.TrimSpace(wk.R.PostForm.Get("reden"))
	errs := &kit.FormErrors{}
	if utf8.RuneCountInString(reason) > 500 {
		errs.Invalid(reasonFields, "reden", "fg.error.reason")
	}
	var err error
	if !errs.Any() {
		_, err = wk.api.DissolveFocusGroup(wk.Context(), &focusgroupsv1.DissolveFocusGroupRequest{Id: gid, Reason: reason})
		switch {
		case err == nil:
			wk.Redirect = kit.WithDone(groupURL(gid), "opgeheven")
			return nil
		case !kit.IsFormError(err):
			return err
		}
		errs = kit.FromStatus(err, "", reasonFields, nil)
		if len(errs.For("reden")) == 0 {
			errs = &kit.FormErrors{}
			errs.Invalid(reasonFields, "", "fg.error.ended")
		}
	}
	ld, lerr := wk.loadGroup()
	if lerr != nil {
		return lerr
	}
	wk.Status = http.StatusUnprocessableEntity
	if err != nil {
		wk.Status = kit.FormStatus(err)
	}
	s.showConfirm(wk, ld, "fg.dissolve", "", ld.head.URL+"/opheffen", reasonField(wk.Words, "fg.dissolve.reason.hint", reason), errs)
	return nil
}

// removeForm serves GET /focusgroepen/{id}/leden/{mid}/verwijderen.
func (s *Pages) removeForm(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	m, err := wk.api.GetFocusGroupMember(wk.Context(), &focusgroupsv1.GetFocusGroupMemberRequest{FocusGroupId: ld.g.GetId(), Id: wk.R.PathValue("mid")})
	if err != nil {
		return err
	}
	s.showConfirm(wk, ld, "fg.remove", m.GetName(), removeURL(ld.g.GetId(), m.GetId()), nil, &kit.FormErrors{})
	return nil
}

// remove serves POST /focusgroepen/{id}/leden/{mid}/verwijderen: their
// answers to upcoming sessions are withdrawn, seating the next in line.
func (s *Pages) remove(wk *work) error {
	gid, mid := wk.R.PathValue("id"), wk.R.PathValue("mid")
	_, err := wk.api.RemoveFocusGroupMember(wk.Context(), &focusgroupsv1.RemoveFocusGroupMemberRequest{FocusGroupId: gid, Id: mid})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(gid), "verwijderd")
		return nil
	case kit.IsFormError(err):
		// Gone already: the group's page shows where they stand.
		wk.Redirect = groupURL(gid)
		return nil
	}
	return err
}

func removeURL(groupID, memberID string) string {
	return groupURL(groupID) + "/leden/" + url.PathEscape(memberID) + "/verwijderen"
}
