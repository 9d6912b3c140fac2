package polls

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Closing a poll early and stopping it cannot be undone: residents can
// no longer answer, and whoever was invited holds a dead link. So the
// poll's page offers them as links to a page of their own that says what
// will happen, and only that page's form acts. It works without script,
// and a stray click on the poll's page changes nothing.

// The actions that ask first, by the last part of their URL.
const (
	closeAction  = "sluiten"
	cancelAction = "stopzetten"
)

// confirmPage is the data of /peilingen/{id}/sluiten and …/stopzetten.
type confirmPage struct {
	Poll pollRow
	// Action is the part of the URL; the texts are under
	// "confirm.<Action>." in the catalogue.
	Action    string
	PollURL   string
	ActionURL string
	// AsksReason offers a reason field; Reason is what was typed, and
	// Errors what is wrong with it.
	AsksReason bool
	Reason     string
	Errors     *kit.FormErrors
}

// confirmable are the statuses in which each action can be asked for.
var confirmable = map[string][]surveysv1.PollStatus{
	closeAction: {surveysv1.PollStatus_POLL_STATUS_OPEN},
	cancelAction: {surveysv1.PollStatus_POLL_STATUS_DRAFT, surveysv1.PollStatus_POLL_STATUS_SCHEDULED,
		surveysv1.PollStatus_POLL_STATUS_OPEN},
}

// confirmCloseOrCancel serves GET /peilingen/{id}/sluiten and
// /peilingen/{id}/stopzetten: what will happen, and the button that does
// it. A poll that can no longer take the step, or a person who may not,
// goes back to the poll's page, which shows why not.
func (s *Pages) confirmCloseOrCancel(action string) func(pw *pollWork) error {
	return func(pw *pollWork) error {
		return s.showConfirm(pw, action, "", nil)
	}
}

// showConfirm fills in the confirmation page of action, with a reason
// typed and its errors.
func (s *Pages) showConfirm(pw *pollWork, action, reason string, errs *kit.FormErrors) error {
	id := pollID(pw.R)
	pl, err := pw.api.GetPoll(pw.Context(), &surveysv1.GetPollRequest{Id: id})
	if err != nil {
		return err
	}
	if !s.inTenant(pw, pl) {
		return problem.Error(problem.NotFound, "poll of another tenant")
	}
	base := "/peilingen/" + url.PathEscape(pl.GetId())
	if !pw.mayWork(pl) || !slices.Contains(confirmable[action], pl.GetStatus()) {
		pw.Redirect = base
		return nil
	}
	row := s.pollRow(pw, pl)
	pw.View.TitleKey, pw.View.Subject = "confirm."+action+".title", row.Title.S
	pw.View.HasErrors = errs.Any()
	pw.Page = "pollconfirm"
	pw.View.Page = &confirmPage{
		Poll: row, Action: action, PollURL: base, ActionURL: base + "/" + action,
		AsksReason: action == cancelAction, Reason: reason, Errors: errs,
	}
	return nil
}

// cancelPoll serves POST /peilingen/{id}/stopzetten: it needs a reason,
// which the confirmation page asks again for when it is missing.
func (s *Pages) cancelPoll(pw *pollWork) error {
	reason := strings.TrimSpace(pw.R.PostFormValue("reden"))
	if reason == "" {
		errs := &kit.FormErrors{}
		errs.Invalid([]kit.FormField{{Name: "reden", Anchor: "reden", LabelKey: "confirm.stopzetten.reason"}}, "reden", "confirm.stopzetten.reasonRequired")
		pw.Status = http.StatusUnprocessableEntity
		return s.showConfirm(pw, cancelAction, reason, errs)
	}
	return s.runAction(pw, cancelAction)
}

// inTenant reports whether pl is of the tenant the person works for.
func (s *Pages) inTenant(pw *pollWork, pl *surveysv1.Poll) bool {
	return pl.GetTenant() == pw.Tenant || slices.Contains(pl.GetParticipants(), pw.Tenant)
}

// mayWork reports whether the person may do the council's work on pl,
// as the surveys service decides it (auth.Identity.CanWork, the rule of
// every lifecycle step and invitation), so that the page offers only what
// the service will accept; the service decides again.
func (pw *pollWork) mayWork(pl *surveysv1.Poll) bool {
	return pw.ID.CanWork(auth.Scope{Tenant: pl.GetTenant(), Participants: pl.GetParticipants()})
}
