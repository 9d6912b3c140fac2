// Package respond is the residents' poll pages: a poll reached by its
// open link (/p/{slug}) or by an invitation (/i/{token}), the thank-you
// page after it, and the pages that say a poll was answered already or
// takes no answers. The form itself is gateway/web/pollform's. Residents have
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
package respond

import (
	"crypto/rand"
	"embed"
	"fmt"
	"net/http"
	"regexp"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	"github.com/meedoen/meedoen/internal/resident"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config is what the residents' poll pages need.
type Config struct {
	// Surveys is the surveys service, which the pages read and answer.
	// Residents have no identity: the pages call it with none. Nil makes
	// the pages say that polls are unavailable.
	Surveys surveysv1.SurveysServiceClient
	// RespondentKey seals the respondent cookie that tells browsers apart
	// on open links: 32 random bytes, the same for every gateway instance
	// and kept across restarts. Nil makes a random key at each start,
	// which forgets every cookie issued before: fine for development and
	// tests, but in production a browser could then answer an open poll
	// again after a restart.
	RespondentKey []byte
	// Postcodes finds the municipality (its CBS code) of a postcode
	// written "1971AB", for open links that accept only residents of the
	// poll's municipalities; ok is false for a postcode it does not know.
	// Nil makes such polls say that they cannot be answered here.
	Postcodes func(postcode string) (municipalityCode string, ok bool)
}

// Pages serves the residents' poll pages.
type Pages struct {
	kit *kit.Site
	cfg Config
	aud *kit.Audience
	// respondents seal the open links' respondent cookies.
	respondents respondentSealers
	// forms keeps open polls' forms for reading submits (formcache.go).
	forms *formCache
}

//go:embed templates/pollnotice.html
var templates embed.FS

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	key := cfg.RespondentKey
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("making a respondent cookie key: %w", err)
		}
	}
	respondents, err := newRespondentSealers(key)
	if err != nil {
		return nil, err
	}
	s := &Pages{kit: k, cfg: cfg, respondents: respondents, forms: newFormCache()}
	s.aud = &kit.Audience{
		Visitors: kit.Residents,
		Service:  "surveys",
		Errors:   "error.polls.",
		Shown: map[problem.Kind]func(*kit.Request){
			problem.NotFound: showPollNotFound,
			// The link or the browser's cookie held something the
			// service refuses (a form's answers are the submit's
			// business): no poll is there to show.
			problem.Invalid: showPollNotFound,
		},
	}
	if cfg.Surveys == nil {
		s.aud.Missing = "error.polls.unconfigured"
	}
	if err := k.Parse("poll", pollform.Templates, "templates/poll.html"); err != nil {
		return nil, err
	}
	if err := k.Parse("pollnotice", templates, "templates/pollnotice.html"); err != nil {
		return nil, err
	}
	return s, nil
}

// Routes registers the pages on mux. The integrator puts the POSTs behind
// the rate limit.
func (s *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /p/{slug}", s.answer(openLink, s.showPoll))
	mux.Handle("POST /p/{slug}", s.answer(openLink, s.submitPoll))
	mux.Handle("GET /p/{slug}/bedankt", s.answer(openLink, s.thanks))
	mux.Handle("GET /i/{token}", s.answer(invitationLink, s.showPoll))
	mux.Handle("POST /i/{token}", s.answer(invitationLink, s.submitPoll))
	mux.Handle("GET /i/{token}/bedankt", s.answer(invitationLink, s.thanks))
}

// answering is one request to a resident's page.
type answering struct {
	*kit.Request
	link  respondentLink
	api   surveysv1.SurveysServiceClient
	forms *formCache
}

// answer serves a resident's page: a link that cannot be one leads to no
// poll before anything else is read.
func (s *Pages) answer(linkOf func(*http.Request) (respondentLink, bool), h func(a *answering) error) http.Handler {
	check := func(rq *kit.Request) error {
		if _, ok := linkOf(rq.R); !ok {
			return problem.Error(problem.NotFound, "no poll link")
		}
		return nil
	}
	return s.kit.Handle(s.aud, "", func(rq *kit.Request) error {
		link, _ := linkOf(rq.R)
		return h(&answering{Request: rq, link: link, api: s.cfg.Surveys, forms: s.forms})
	}, kit.Check(check), kit.FormBytes(maxPollFormBytes), kit.KeepsForm())
}

// maxPollFormBytes bounds a posted poll. A questionnaire may hold several
// long answers of 5,000 characters, and a form encodes a character outside
// ASCII in up to nine bytes.
const maxPollFormBytes = 1 << 20

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

// showPollNotFound answers a link that leads to no poll a resident may
// answer: it never existed, was mistyped, or is still a draft.
func showPollNotFound(rq *kit.Request) {
	rq.View.TitleKey = "poll.notfound.title"
	rq.View.Page = noticePage{Key: "poll.notfound", Body: rq.Words.Say("poll.notfound.body")}
	rq.Page = "pollnotice"
	rq.Status = http.StatusNotFound
}

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
	rp, err := a.api.GetPollForRespondent(a.R.Context(), req)
	if err == nil {
		a.forms.put(rp)
	}
	return rp, err
}
