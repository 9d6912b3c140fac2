package respond

import (
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The pages of one poll: its form, the submit, the thank-you page, and
// the notices that say why a poll takes no answers.

// showPoll serves GET /p/{slug} and /i/{token}: the form, or a page that
// says why there is none.
func (s *Pages) showPoll(a *answering) error {
	cookies := s.respondentCookies(a.R)
	var rid string
	if a.link.slug != "" {
		rid, _ = cookies.Read(a.R)
	}
	rp, err := a.fetch(rid)
	if err != nil {
		return err
	}
	switch {
	case rp.GetAlreadyAnswered():
		a.showNotice("poll.answered", rp, http.StatusOK)
		return nil
	case rp.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN:
		a.showNotOpen(rp, http.StatusOK)
		return nil
	case rp.GetPostcodeCheck() && s.cfg.Postcodes == nil:
		// Better now than after the resident filled in the whole form.
		s.kit.Log().WarnContext(a.R.Context(), "a poll checks postcodes, but no postcode table is configured", "poll", rp.GetId())
		return kit.ErrorPage(http.StatusServiceUnavailable, "error.polls.postcodes")
	}
	if a.link.slug != "" {
		// Set the cookie only for a poll the browser can answer: a link
		// that leads nowhere leaves nothing behind.
		if _, err := cookies.Respondent(a.W, a.R); err != nil {
			return err
		}
	}
	key, err := newIdempotencyKey()
	if err != nil {
		return err
	}
	a.showForm(rp, url.Values{}, key, &kit.FormErrors{}, http.StatusOK)
	return nil
}

// submitPoll serves POST /p/{slug} and /i/{token}: it sends the answers
// and redirects to the thank-you page, or shows the form again with what
// the service objected to.
//
// It does not stop at a poll that says it was answered: a double click or
// a resubmitted reload sends the same idempotency key, and the service
// gives back the first result, so that the resident sees the thank-you
// page and not "you answered already" for their own answer.
func (s *Pages) submitPoll(a *answering) error {
	form := a.R.PostForm
	var err error
	rp, cached := a.forms.get(form.Get(pollform.PollIDField))
	if !cached {
		if rp, err = a.fetch(""); err != nil {
			return err
		}
	}
	key := form.Get(pollform.KeyField)
	if !idempotencyKeyPattern.MatchString(key) {
		if key, err = newIdempotencyKey(); err != nil {
			return err
		}
	}
	if seconds, over := a.RateLimited(); over {
		// Over the rate limit: nothing is sent, the form comes back as
		// typed, with its key, and says when to send it again.
		errs := &kit.FormErrors{}
		errs.Add(nil, kit.FormField{}, kit.FieldError{Text: a.Words.Say("poll.error.busy", "count", seconds)})
		a.showForm(rp, form, key, errs, http.StatusTooManyRequests)
		return nil
	}
	req := &surveysv1.SubmitResponseRequest{Answers: pollform.AnswersFrom(rp, form), IdempotencyKey: key}
	if addr := strings.TrimSpace(form.Get(pollform.FeedbackField)); addr != "" && rp.GetOffersFeedback() {
		req.FeedbackEmail, req.FeedbackLanguage = addr, a.View.Lang
	}
	postcodeWrong := ""
	if a.link.token != "" {
		req.Respondent = &surveysv1.SubmitResponseRequest_InvitationToken{InvitationToken: a.link.token}
	} else {
		// A browser without the cookie (cleared, or from before a new
		// key) gets one now; the rate limit in front of this route is
		// what stops a script that throws its cookies away.
		rid, err := s.respondentCookies(a.R).Respondent(a.W, a.R)
		if err != nil {
			return err
		}
		ol := &surveysv1.OpenLinkRespondent{Slug: a.link.slug, RespondentId: rid}
		if rp.GetPostcodeCheck() && rp.GetStatus() == surveysv1.PollStatus_POLL_STATUS_OPEN {
			if s.cfg.Postcodes == nil {
				return kit.ErrorPage(http.StatusServiceUnavailable, "error.polls.postcodes")
			}
			// A postcode that is missing, mistyped or elsewhere leaves
			// the municipality empty, which the service refuses for a
			// poll that checks postcodes: the answers are still sent, so
			// that it names what else is wrong in the same pass, but
			// nothing is stored until the postcode is right.
			ol.MunicipalityCode, postcodeWrong = s.municipalityOf(form.Get(pollform.PostcodeField))
		}
		req.Respondent = &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: ol}
	}
	_, err = a.api.SubmitResponse(a.R.Context(), req)
	switch problem.Of(err) {
	case problem.OK:
		if postcodeWrong != "" {
			// The service broke its rule (see above); the answer is in.
			s.kit.Log().ErrorContext(a.R.Context(), "the surveys service took answers without the municipality a postcode check needs", "poll", rp.GetId())
		}
		a.Redirect = a.link.thanksPath()
	case problem.Invalid:
		a.showForm(rp, form, key, s.oneReport(a, rp, postcodeWrong, pollform.Errors(err, rp, a.Words)), http.StatusUnprocessableEntity)
	case problem.Exists:
		// The service answers AlreadyExists for a respondent who answered
		// before, and for an idempotency key reused with other answers.
		// The form's keys are random and made for one form, so the
		// second means this respondent's answer is in too.
		a.showNotice("poll.answered", rp, http.StatusOK)
	case problem.Unmet:
		// Closed (or cancelled) between showing the form and sending it.
		if rp.GetStatus() == surveysv1.PollStatus_POLL_STATUS_OPEN {
			rp = proto.CloneOf(rp) // it may be the cache's
			rp.Status = surveysv1.PollStatus_POLL_STATUS_CLOSED
		}
		a.showNotOpen(rp, http.StatusConflict)
	case problem.Unavailable:
		// The answers may or may not have arrived. Sending the same form
		// again is safe either way: it carries the same key.
		s.kit.Log().WarnContext(a.R.Context(), "surveys service unavailable while submitting", "err", err)
		errs := &kit.FormErrors{}
		errs.Add(nil, kit.FormField{}, kit.FieldError{Key: "poll.error.unavailable"})
		a.showForm(rp, form, key, errs, http.StatusServiceUnavailable)
	default:
		return err
	}
	return nil
}

// thanks serves the thank-you page: what happens next with the results.
// It is for those who answered; anyone else goes to the poll.
func (s *Pages) thanks(a *answering) error {
	var rid string
	if a.link.slug != "" {
		var ok bool
		if rid, ok = s.respondentCookies(a.R).Read(a.R); !ok {
			a.Redirect = a.link.path()
			return nil
		}
	}
	rp, err := a.fetch(rid)
	if err != nil {
		return err
	}
	if !rp.GetAlreadyAnswered() {
		a.Redirect = a.link.path()
		return nil
	}
	a.showNotice("poll.thanks", rp, http.StatusOK)
	return nil
}

// noticePage is the data of the pages around a poll: the thank-you page,
// and those that say it was answered, is not open or does not exist.
type noticePage struct {
	// Key is the catalogue prefix of the page's texts.
	Key string
	// PollTitle names the poll; empty when there is none.
	PollTitle kit.Localized
	// Body is the page's text in its language.
	Body string
	// Sharing says when and how the results will be shared.
	Sharing kit.Localized
}

// showNotice shows the page key says, about rp.
func (a *answering) showNotice(key string, rp *surveysv1.RespondentPoll, status int) {
	body := a.Words.Say(key+".body",
		"opens", a.Words.Moment(rp.GetOpensAt()),
		"closes", a.Words.Moment(rp.GetClosesAt()))
	a.View.TitleKey, a.View.Subject = key+".title", kit.Localize(rp.GetTitle(), a.View.Lang).S
	a.View.Page = noticePage{
		Key:       key,
		PollTitle: kit.Localize(rp.GetTitle(), a.View.Lang),
		Body:      body,
		Sharing:   kit.Localize(rp.GetResultsSharing(), a.View.Lang),
	}
	a.Page = "pollnotice"
	a.Status = status
}

// showNotOpen shows why rp takes no answers.
func (a *answering) showNotOpen(rp *surveysv1.RespondentPoll, status int) {
	switch rp.GetStatus() {
	case surveysv1.PollStatus_POLL_STATUS_SCHEDULED:
		a.showNotice("poll.scheduled", rp, status)
	case surveysv1.PollStatus_POLL_STATUS_CANCELLED:
		a.showNotice("poll.cancelled", rp, status)
	default:
		a.showNotice("poll.closed", rp, status)
	}
}

// showForm shows rp's form with the values entered and errs, posting back
// to the page.
func (a *answering) showForm(rp *surveysv1.RespondentPoll, values url.Values, key string, errs *kit.FormErrors, status int) {
	pollform.Show(a.Request, rp, values, key, errs, kit.LinkTo(a.link.path()), status)
}

// oneReport is every problem with a submitted form in the form's order:
// the postcode as the page found it (wrong, a catalogue key; "" when the
// page found it right) or as the service placed it (elsewhere), then the
// service's objections to the answers.
func (s *Pages) oneReport(a *answering, rp *surveysv1.RespondentPoll, wrong string, service *kit.FormErrors) *kit.FormErrors {
	fields := pollform.Fields(rp, a.Words)
	out := &kit.FormErrors{}
	if wrong == "" && service.Has(pollform.PostcodeField) {
		wrong = "poll.error.postcode.elsewhere"
	}
	if wrong != "" {
		field := kit.FormField{Name: pollform.PostcodeField}
		for _, f := range fields {
			if f.Name == pollform.PostcodeField {
				field = f
			}
		}
		out.Add(fields, field, kit.FieldError{Text: a.Words.Say(wrong, "municipalities", s.municipalityNames(a, rp))})
	}
	for _, fe := range service.Summary {
		if fe.Name == pollform.PostcodeField || (wrong != "" && fe.Key == "poll.error.form") {
			continue
		}
		out.Add(fields, kit.FormField{Name: fe.Name, Anchor: fe.Anchor, LabelKey: fe.LabelKey, Label: fe.Label}, fe)
	}
	return out
}

// municipalityNames names the municipalities whose residents rp is for:
// "Velsen, Beverwijk en Heemskerk".
func (s *Pages) municipalityNames(a *answering, rp *surveysv1.RespondentPoll) string {
	names := s.kit.TenantNames(a.R.Context())
	var list []string
	for _, code := range rp.GetMunicipalityCodes() {
		if n := names[code]; n != "" {
			list = append(list, n)
		} else {
			list = append(list, code)
		}
	}
	switch len(list) {
	case 0:
		return a.Words.Say("poll.postcode.theMunicipalities")
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " " + a.Words.Say("poll.and") + " " + list[len(list)-1]
}
