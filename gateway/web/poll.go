package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/resident"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The resident's pages: a poll reached by its open link (/p/{slug}) or by
// an invitation (/i/{token}), the thank-you page after it, and the pages
// that say a poll was answered already or takes no answers. Residents have
// no account, so these pages ask for no login and call the surveys service
// without an identity. What tells one respondent from another is the
// invitation's token, or, for an open link, the id in a sealed HttpOnly
// cookie that the poll page sets (internal/resident).
//
// A questionnaire is one page with its sections under headings, not a page
// per section: the service checks answers only when the whole response is
// sent, so pages could not report a problem where it is until the last one,
// and one page keeps every error next to its field, in one summary, without
// state carried between pages.
//
// Display conditions are shown as hints ("only if you chose … at question
// 2"), not applied: the pages have no JavaScript, and showing questions
// one round trip at a time would make a short poll long. The service
// ignores answers to questions their condition hides, so answering one
// anyway does no harm.

// respondentLink is how a resident reached a poll: one of token (an
// invitation) and slug (an open link) is set.
type respondentLink struct {
	token, slug string
}

// invitationLink reads /i/{token}; ok is false for what cannot be a token,
// which is not worth a call to the service.
func invitationLink(r *http.Request) (l respondentLink, ok bool) {
	tok := r.PathValue("token")
	return respondentLink{token: tok}, resident.CheckInvitationToken(tok) == nil
}

// openLink reads /p/{slug}; ok is false for what cannot be a slug.
func openLink(r *http.Request) (l respondentLink, ok bool) {
	slug := r.PathValue("slug")
	return respondentLink{slug: slug}, len(slug) >= 3 && len(slug) <= 60 && slugPattern.MatchString(slug)
}

// slugPattern is the form of an open link's slug: lower-case letters and
// digits in groups joined by single hyphens.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// path is the poll page's path.
func (l respondentLink) path() string {
	if l.token != "" {
		return "/i/" + l.token
	}
	return "/p/" + l.slug
}

// thanksPath is the path of the poll's thank-you page.
func (l respondentLink) thanksPath() string { return l.path() + "/bedankt" }

// answering is one request to a resident's page.
type answering struct {
	w     http.ResponseWriter
	r     *http.Request
	v     *view
	link  respondentLink
	api   surveysv1.SurveysServiceClient
	forms *formCache
	words words
	cat   catalogue

	// page is the template to render and status its status, unless
	// redirect is set: then the request ends in 303 See Other to it.
	page     string
	status   int
	redirect string
}

// answerFunc fills in a resident's page, or fails: a failed call to the
// service, or a pageError, becomes the page that fits it.
type answerFunc func(a *answering) error

// pageError ends a resident's request with the error page key (its
// catalogue prefix) and status.
type pageError struct {
	status int
	key    string
}

func (e *pageError) Error() string { return "resident page: " + e.key }

// respond serves a resident's page: it reads the link, parses a posted
// form, and turns the handler's outcome into a page or a redirect.
func (s *Site) respond(linkOf func(*http.Request) (respondentLink, bool), h answerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(w, r, r.URL.Path)
		// Residents have no account and no tenant: the staff's menu,
		// login and tenant switch would only distract them.
		v.Resident = true
		v.TenantRefused = false
		link, ok := linkOf(r)
		if !ok {
			s.showPollNotFound(w, r, v)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxPollFormBytes)
			if err := r.ParseForm(); err != nil {
				s.renderError(w, r, v, http.StatusBadRequest, "error.polls.badform")
				return
			}
		}
		if s.cfg.Surveys == nil {
			s.renderError(w, r, v, http.StatusServiceUnavailable, "error.polls.unconfigured")
			return
		}
		a := &answering{
			w: w, r: r, v: v, link: link, api: s.cfg.Surveys, forms: s.forms,
			words: s.words(v.Lang), cat: s.cats[v.Lang], status: http.StatusOK,
		}
		if err := h(a); err != nil {
			s.failPoll(w, r, v, err)
			return
		}
		if a.redirect != "" {
			http.Redirect(w, r, a.redirect, http.StatusSeeOther)
			return
		}
		s.render(w, r, a.page, a.status, v)
	})
}

// maxPollFormBytes bounds a posted poll. A questionnaire may hold several
// long answers of 5,000 characters, and a form encodes a character outside
// ASCII in up to nine bytes.
const maxPollFormBytes = 1 << 20

// failPoll shows the page for a call to the surveys service that failed.
// As in the workspace, the service's own words never reach the page.
func (s *Site) failPoll(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		s.renderError(w, r, v, pe.status, pe.key)
		return
	}
	code := status.Code(err)
	switch {
	case code == codes.NotFound:
		s.showPollNotFound(w, r, v)
	case code == codes.InvalidArgument:
		// The link or the browser's cookie held something the service
		// refuses (a form's answers are the submit's business): no poll
		// is there to show.
		s.log.DebugContext(r.Context(), "the surveys service refused the request", "err", err)
		s.showPollNotFound(w, r, v)
	case code == codes.Unavailable || code == codes.DeadlineExceeded:
		s.log.WarnContext(r.Context(), "surveys service unavailable", "err", err)
		s.renderError(w, r, v, http.StatusServiceUnavailable, "error.polls.unavailable")
	case errors.Is(err, context.Canceled) || code == codes.Canceled:
		// The resident left; there is no one to show a page to.
		s.log.DebugContext(r.Context(), "request canceled")
		s.renderError(w, r, v, http.StatusInternalServerError, "error.polls.internal")
	default:
		// The path is left out of the log: an invitation's holds its
		// token.
		s.log.ErrorContext(r.Context(), "calling the surveys service", "code", code.String(), "err", err)
		s.renderError(w, r, v, http.StatusInternalServerError, "error.polls.internal")
	}
}

// showPollNotFound answers a link that leads to no poll a resident may
// answer: it never existed, was mistyped, or is still a draft.
func (s *Site) showPollNotFound(w http.ResponseWriter, r *http.Request, v *view) {
	v.TitleKey = "poll.notfound.title"
	v.Page = noticePage{Key: "poll.notfound", Body: s.cats[v.Lang].say("poll.notfound.body")}
	s.render(w, r, "pollnotice", http.StatusNotFound, v)
}

func (a *answering) phrasing() phrasing { return phrasing{lang: a.v.Lang, cat: a.cat} }

// fetch reads the poll for the resident's page. respondentID is the open
// link's cookie id, to learn whether this browser answered; "" for none.
func (a *answering) fetch(respondentID string) (*surveysv1.RespondentPoll, error) {
	req := &surveysv1.GetPollForRespondentRequest{}
	if a.link.token != "" {
		req.Link = &surveysv1.GetPollForRespondentRequest_InvitationToken{InvitationToken: a.link.token}
	} else {
		req.Link = &surveysv1.GetPollForRespondentRequest_Slug{Slug: a.link.slug}
		req.RespondentId = respondentID
	}
	rp, err := a.api.GetPollForRespondent(a.r.Context(), req)
	if err == nil {
		a.forms.put(rp)
	}
	return rp, err
}

// showPoll serves GET /p/{slug} and /i/{token}: the form, or a page that
// says why there is none.
func (s *Site) showPoll(a *answering) error {
	cookies := s.respondentCookies(a.r)
	var rid string
	if a.link.slug != "" {
		rid, _ = cookies.Read(a.r)
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
		s.log.WarnContext(a.r.Context(), "a poll checks postcodes, but no postcode table is configured", "poll", rp.GetId())
		return &pageError{status: http.StatusServiceUnavailable, key: "error.polls.postcodes"}
	}
	if a.link.slug != "" {
		// Set the cookie only for a poll the browser can answer: a link
		// that leads nowhere leaves nothing behind.
		if _, err := cookies.Respondent(a.w, a.r); err != nil {
			return err
		}
	}
	key, err := newIdempotencyKey()
	if err != nil {
		return err
	}
	a.showForm(rp, url.Values{}, key, &formErrors{}, http.StatusOK)
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
func (s *Site) submitPoll(a *answering) error {
	form := a.r.PostForm
	var err error
	rp, cached := a.forms.get(form.Get(pollIDField))
	if !cached {
		if rp, err = a.fetch(""); err != nil {
			return err
		}
	}
	key := form.Get(keyField)
	if !idempotencyKeyPattern.MatchString(key) {
		if key, err = newIdempotencyKey(); err != nil {
			return err
		}
	}
	req := &surveysv1.SubmitResponseRequest{Answers: answersFrom(rp, form), IdempotencyKey: key}
	if addr := strings.TrimSpace(form.Get(feedbackField)); addr != "" && rp.GetOffersFeedback() {
		req.FeedbackEmail, req.FeedbackLanguage = addr, a.v.Lang
	}
	local := &formErrors{}
	if a.link.token != "" {
		req.Respondent = &surveysv1.SubmitResponseRequest_InvitationToken{InvitationToken: a.link.token}
	} else {
		// A browser without the cookie (cleared, or from before a new
		// key) gets one now; the rate limit in front of this route is
		// what stops a script that throws its cookies away.
		rid, err := s.respondentCookies(a.r).Respondent(a.w, a.r)
		if err != nil {
			return err
		}
		ol := &surveysv1.OpenLinkRespondent{Slug: a.link.slug, RespondentId: rid}
		if rp.GetPostcodeCheck() && rp.GetStatus() == surveysv1.PollStatus_POLL_STATUS_OPEN {
			if s.cfg.Postcodes == nil {
				return &pageError{status: http.StatusServiceUnavailable, key: "error.polls.postcodes"}
			}
			code, problem := s.municipalityOf(form.Get(postcodeField))
			if problem != "" {
				// Without a municipality the service would take a local
				// poll's answers as the tenant's: nothing goes out until
				// the postcode is right.
				local.invalid(pollFields(rp, a.phrasing()), postcodeField, problem)
			}
			ol.MunicipalityCode = code
		}
		req.Respondent = &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: ol}
	}
	if local.Any() {
		a.showForm(rp, form, key, local, http.StatusUnprocessableEntity)
		return nil
	}

	_, err = a.api.SubmitResponse(a.r.Context(), req)
	switch code := status.Code(err); code {
	case codes.OK:
		a.redirect = a.link.thanksPath()
	case codes.InvalidArgument:
		a.showForm(rp, form, key, pollErrors(err, rp, a.phrasing()), http.StatusUnprocessableEntity)
	case codes.AlreadyExists:
		// The service answers AlreadyExists for a respondent who answered
		// before, and for an idempotency key reused with other answers.
		// The form's keys are random and made for one form, so the
		// second means this respondent's answer is in too.
		a.showNotice("poll.answered", rp, http.StatusOK)
	case codes.FailedPrecondition:
		// Closed (or cancelled) between showing the form and sending it.
		if rp.GetStatus() == surveysv1.PollStatus_POLL_STATUS_OPEN {
			rp = proto.CloneOf(rp) // it may be the cache's
			rp.Status = surveysv1.PollStatus_POLL_STATUS_CLOSED
		}
		a.showNotOpen(rp, http.StatusConflict)
	case codes.Unavailable, codes.DeadlineExceeded:
		// The answers may or may not have arrived. Sending the same form
		// again is safe either way: it carries the same key.
		s.log.WarnContext(a.r.Context(), "surveys service unavailable while submitting", "err", err)
		errs := &formErrors{}
		errs.add(nil, formField{}, fieldError{Key: "poll.error.unavailable"})
		a.showForm(rp, form, key, errs, http.StatusServiceUnavailable)
	default:
		return err
	}
	return nil
}

// thanks serves the thank-you page: what happens next with the results.
// It is for those who answered; anyone else goes to the poll.
func (s *Site) thanks(a *answering) error {
	var rid string
	if a.link.slug != "" {
		var ok bool
		if rid, ok = s.respondentCookies(a.r).Read(a.r); !ok {
			a.redirect = a.link.path()
			return nil
		}
	}
	rp, err := a.fetch(rid)
	if err != nil {
		return err
	}
	if !rp.GetAlreadyAnswered() {
		a.redirect = a.link.path()
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
	PollTitle ltext
	// Body is the page's text in its language.
	Body string
	// Sharing says when and how the results will be shared.
	Sharing ltext
}

// showNotice shows the page key says, about rp.
func (a *answering) showNotice(key string, rp *surveysv1.RespondentPoll, status int) {
	body := a.cat.say(key+".body",
		"opens", a.words.moment(rp.GetOpensAt()),
		"closes", a.words.moment(rp.GetClosesAt()))
	a.v.TitleKey = key + ".title"
	a.v.Page = noticePage{
		Key:       key,
		PollTitle: localText(rp.GetTitle(), a.v.Lang),
		Body:      body,
		Sharing:   localText(rp.GetResultsSharing(), a.v.Lang),
	}
	a.page = "pollnotice"
	a.status = status
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

// The poll form's own fields beside the answers.
const (
	// keyField carries the idempotency key made when the form was shown.
	keyField = "sleutel"
	// postcodeField asks for the postcode of an open link that checks it.
	postcodeField = "postcode"
	// feedbackField takes the optional address to mail what came of the
	// answers to.
	feedbackField = "email"
)

// idempotencyKeyPattern is the form of the keys newIdempotencyKey makes;
// anything else posted is replaced.
var idempotencyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// newIdempotencyKey makes the key of one shown form: 128 random bits,
// enough that two forms never share one.
func newIdempotencyKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// respondentCookies returns the sealer for r: with the Secure flag
// whenever the site is reached over TLS.
func (s *Site) respondentCookies(r *http.Request) *resident.Cookies {
	if s.cfg.SecureCookies || r.TLS != nil {
		return s.respondents.secure
	}
	return s.respondents.plain
}

// respondentSealers seal the open links' respondent cookies with one key,
// with and without the Secure flag.
type respondentSealers struct {
	secure, plain *resident.Cookies
}

func newRespondentSealers(key []byte) (respondentSealers, error) {
	secure, err := resident.NewCookies(key, true)
	if err != nil {
		return respondentSealers{}, err
	}
	plain, err := resident.NewCookies(key, false)
	if err != nil {
		return respondentSealers{}, err
	}
	return respondentSealers{secure: secure, plain: plain}, nil
}

// say is a message with its placeholders filled in; the key itself when
// the catalogue lacks it, which the catalogue tests rule out for every key
// the site computes.
func (c catalogue) say(key string, args ...any) string {
	msg, err := c.text(key, args...)
	if err != nil {
		return key
	}
	return msg
}
