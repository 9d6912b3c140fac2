// Package response is one municipality's formal response to a sent
// advice: received in its policy officers' inbox, acknowledged, assigned to
// an owner, answered per recommendation within its term, and revised when
// the council asks. For a shared advice each addressed municipality has
// its own response, term and deadline.
package response

import (
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
)

const (
	maxMotivation = 4000
	maxReason     = 2000
	maxOwnerName  = 200
	maxAddress    = 254
)

// Revision is the council's request for a revised response.
type Revision struct {
	Reason          string    `json:"reason"`
	ResponseVersion int       `json:"responseVersion"`
	RequestedBy     string    `json:"requestedBy"`
	At              time.Time `json:"at"`
}

// Response is one municipality's response to one advice.
type Response struct {
	adviceID        string
	municipality    string
	adviceVersion   int
	recommendations int
	status          Status
	term            Term
	receivedAt      time.Time
	acknowledgedAt  time.Time
	ownerName       string
	ownerEmail      string
	version         int
	decidedOn       Day
	answers         []Answer
	answeredAt      time.Time
	onTime          bool
	revisions       []Revision
	updatedAt       time.Time
}

// Receive opens the response of municipality to version adviceVersion of
// an advice with recommendations recommendations, sent at sentAt, with a
// term of termDays.
func Receive(adviceID, municipality string, adviceVersion, recommendations int, sentAt time.Time, termDays int) Response {
	if termDays <= 0 {
		termDays = DefaultTermDays
	}
	return Response{
		adviceID: adviceID, municipality: municipality, adviceVersion: adviceVersion, recommendations: recommendations,
		status: Received, term: NewTerm(sentAt, termDays), receivedAt: sentAt.UTC(), updatedAt: sentAt.UTC(),
	}
}

// Corrected records that a correction of the advice, version
// adviceVersion, was sent: the response answers the advice as corrected,
// and keeps what was given (a correction keeps the recommendations).
func (r *Response) Corrected(adviceVersion int, now time.Time) {
	r.adviceVersion = adviceVersion
	r.updatedAt = now.UTC()
}

// Acknowledge records that a policy officer acknowledged receipt.
func (r *Response) Acknowledge(now time.Time) error {
	if r.status != Received {
		return conflict("", "receipt was acknowledged already")
	}
	now = now.UTC()
	r.status, r.acknowledgedAt, r.updatedAt = Acknowledged, now, now
	return nil
}

// Assign records who prepares the response and where reminders go.
func (r *Response) Assign(name, email string, now time.Time) error {
	var v errs.Violations
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		v.Add("/ownerName", "must not be empty")
	case utf8.RuneCountInString(name) > maxOwnerName:
		v.Add("/ownerName", fmt.Sprintf("must be at most %d characters", maxOwnerName))
	}
	email, err := ParseAddress(email)
	if err != nil {
		v.Add("/ownerEmail", err.Error())
	}
	if err := v.Err(); err != nil {
		return err
	}
	r.ownerName, r.ownerEmail, r.updatedAt = name, email, now.UTC()
	return nil
}

// Record records the executive's decision, taken on decidedOn, on every
// recommendation: a new version of the response. today is the day it is
// in Amsterdam. A response that was answered is revised only when the
// council asked for it.
func (r *Response) Record(decidedOn string, answers []Answer, today Day, now time.Time) error {
	var v errs.Violations
	day, err := ParseDay(decidedOn)
	switch {
	case decidedOn == "":
		v.Add("/decidedOn", "is required: the day the executive decided")
	case err != nil:
		v.Add("/decidedOn", "must be a date, YYYY-MM-DD")
	case day.After(today):
		v.Add("/decidedOn", "must not lie in the future")
	case day.Before(DayOf(r.receivedAt)):
		v.Add("/decidedOn", "must not lie before the advice was sent ("+DayOf(r.receivedAt).String()+")")
	}
	cleaned := r.checkAnswers(&v, answers)
	if err := v.Err(); err != nil {
		return err
	}
	if r.status == Answered {
		return conflict("", "the response was given already; the council may ask for a revised one")
	}
	now = now.UTC()
	r.version++
	if r.version == 1 {
		r.onTime = !r.term.Passed(now)
	}
	r.status, r.decidedOn, r.answers, r.answeredAt, r.updatedAt = Answered, day, cleaned, now, now
	return nil
}

// checkAnswers adds to v what is wrong with answers and returns them in
// the order of the recommendations, motivations trimmed.
func (r Response) checkAnswers(v *errs.Violations, answers []Answer) []Answer {
	seen := map[int]bool{}
	out := make([]Answer, 0, len(answers))
	for i, a := range answers {
		at := fmt.Sprintf("/answers/%d", i)
		a.Motivation = strings.TrimSpace(a.Motivation)
		switch {
		case a.Recommendation < 1 || a.Recommendation > r.recommendations:
			v.Add(at+"/recommendation", fmt.Sprintf("is not a recommendation of the advice: it has %d, numbered from 1", r.recommendations))
		case seen[a.Recommendation]:
			v.Add(at+"/recommendation", fmt.Sprintf("answers recommendation %d a second time", a.Recommendation))
		}
		seen[a.Recommendation] = true
		switch {
		case !a.Verdict.Valid():
			v.Add(at+"/verdict", "must be one of adopted, partly_adopted, not_adopted or to_be_investigated")
		case a.Verdict != Adopted && a.Motivation == "":
			v.Add(at+"/motivation", "is required unless the recommendation is adopted")
		}
		if utf8.RuneCountInString(a.Motivation) > maxMotivation {
			v.Add(at+"/motivation", fmt.Sprintf("must be at most %d characters", maxMotivation))
		}
		out = append(out, a)
	}
	for n := 1; n <= r.recommendations; n++ {
		if !seen[n] {
			v.Add("/answers", fmt.Sprintf("must answer recommendation %d", n))
		}
	}
	slices.SortFunc(out, func(a, b Answer) int { return a.Recommendation - b.Recommendation })
	return out
}

// RequestRevision records the council's request, by the subject by, for a
// revised response, with reason. The term starts again from now: the
// revised response is due termDays later.
func (r *Response) RequestRevision(reason, by string, now time.Time) error {
	var v errs.Violations
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		v.Add("/reason", "must not be empty")
	case utf8.RuneCountInString(reason) > maxReason:
		v.Add("/reason", fmt.Sprintf("must be at most %d characters", maxReason))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if r.status != Answered {
		return conflict("/status", "there is no response to revise yet")
	}
	now = now.UTC()
	r.revisions = append(r.revisions, Revision{Reason: reason, ResponseVersion: r.version, RequestedBy: by, At: now})
	r.status, r.term, r.updatedAt = RevisionRequested, NewTerm(now, r.term.Days), now
	return nil
}

// Awaited reports whether a response is expected: none was given, or a
// revision was asked for.
func (r Response) Awaited() bool { return r.status != Answered }

// Overdue reports whether the term passed at now without the response it
// awaits.
func (r Response) Overdue(now time.Time) bool { return r.Awaited() && r.term.Passed(now) }

// Round counts the terms the response has had: 0 for the first, one more
// for each revision asked. Reminders are sent once per round.
func (r Response) Round() int { return len(r.revisions) }

// ParseAddress checks a staff member's work address as typed and returns
// it bare, or an error in words fit for a field violation. Empty is
// allowed: no mail.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > maxAddress {
		return "", fmt.Errorf("must be at most %d characters", maxAddress)
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		return "", fmt.Errorf("is not an e-mail address")
	}
	return a.Address, nil
}

// conflict is a FailedPrecondition naming path, or the response itself.
func conflict(path, reason string) error {
	if path == "" {
		path = "/status"
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: reason, Fields: []errs.Field{{Path: path, Reason: reason}}}
}
