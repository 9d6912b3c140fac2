package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/feedback"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// The respondent methods are public: residents have no identity. What
// stands in for one is checked strictly instead: an invitation token is
// looked up only if it has the form of one we issue, and a respondent id
// must be one the gateway's sealed cookie can hold. A link that names
// nothing a resident may answer (a draft, a panel poll's slug) is not
// found, whatever the reason.

// respondentIDBytes is the size of the random id in a respondent cookie
// (internal/resident).
const respondentIDBytes = 32

// maxAnswers bounds the answers one submit may carry: more than a poll can
// have questions, fewer than it takes to make judging them costly.
const maxAnswers = 2 * poll.MaxQuestionnaireQuestions

// maxIdempotencyKey bounds an idempotency key, as the store does.
const maxIdempotencyKey = 255

// GetPollForRespondent returns the public view of a poll for the
// resident's page, by its open link or an invitation. It changes nothing.
func (s *Server) GetPollForRespondent(ctx context.Context, req *surveysv1.GetPollForRespondentRequest) (*surveysv1.RespondentPoll, error) {
	var (
		p        poll.Poll
		answered bool
		err      error
	)
	switch link := req.GetLink().(type) {
	case *surveysv1.GetPollForRespondentRequest_Slug:
		var key store.RespondentKey
		if rid := req.GetRespondentId(); rid != "" {
			if !validRespondentID(rid) {
				return nil, (errs.Violations{{Path: "/respondentId", Reason: "is not a respondent id the gateway issues"}}).Err()
			}
			key = store.CookieRespondent(rid)
		}
		if p, err = s.openLinkPoll(ctx, link.Slug); err != nil {
			return nil, err
		}
		if answered, err = s.store.Answered(ctx, p.ID(), key); err != nil {
			return nil, err
		}
	case *surveysv1.GetPollForRespondentRequest_InvitationToken:
		if req.GetRespondentId() != "" {
			return nil, (errs.Violations{{Path: "/respondentId", Reason: "goes with an open link only; an invitation names its respondent"}}).Err()
		}
		var inv store.Invitation
		if p, inv, err = s.invitedPoll(ctx, link.InvitationToken); err != nil {
			return nil, err
		}
		answered = inv.Used
	default:
		return nil, (errs.Violations{{Path: "/slug", Reason: "is required, or an invitation token"}}).Err()
	}
	now := s.now()
	st := p.StatusAt(now)
	if st == poll.Draft {
		return nil, notVisible(p.ID())
	}
	msg := &surveysv1.RespondentPoll{
		Id:              p.ID(),
		Kind:            kindMsg(p.Kind()),
		Title:           textMsg(p.Title()),
		Intro:           textMsg(p.Intro()),
		Status:          statusMsg(st),
		OpensAt:         timeMsg(p.OpensAt()),
		ClosesAt:        timeMsg(p.ClosesAt()),
		ResultsSharing:  textMsg(p.ResultsSharing()),
		PostcodeCheck:   p.Audience().PostcodeCheck,
		AlreadyAnswered: answered,
		OffersFeedback:  s.feedback != nil,
	}
	if p.Shared() {
		msg.MunicipalityCodes = p.Participants()
	} else {
		msg.MunicipalityCodes = []string{p.Tenant()}
	}
	// Questions may still change before the poll opens, and are of no use
	// after it ends.
	if st == poll.Open {
		msg.Sections = sectionsMsg(p.Sections())
	}
	return msg, nil
}

// SubmitResponse checks a resident's answers, naming every problem at
// once, and stores the response, announced in a responses.accepted event:
// once per invitation and per browser, and once per idempotency key, whose
// retries get the first result back.
func (s *Server) SubmitResponse(ctx context.Context, req *surveysv1.SubmitResponseRequest) (*surveysv1.SubmitResponseResponse, error) {
	var v errs.Violations
	key := req.GetIdempotencyKey()
	if key != "" && !validIdempotencyKey(key) {
		v.Add("/idempotencyKey", fmt.Sprintf("must be 1 to %d visible ASCII characters", maxIdempotencyKey))
	}
	if n := len(req.GetAnswers()); n > maxAnswers {
		v.Add("/answers", fmt.Sprintf("must be at most %d answers (has %d)", maxAnswers, n))
	}
	feedbackTo := s.checkFeedback(req, &v)
	var (
		p            poll.Poll
		respondent   store.RespondentKey
		municipality string
		err          error
	)
	switch r := req.GetRespondent().(type) {
	case *surveysv1.SubmitResponseRequest_InvitationToken:
		if err := v.Err(); err != nil {
			return nil, err
		}
		return s.submitInvited(ctx, req, r.InvitationToken, feedbackTo)
	case *surveysv1.SubmitResponseRequest_OpenLink:
		ol := r.OpenLink
		if !validRespondentID(ol.GetRespondentId()) {
			v.Add("/openLink/respondentId", "is not a respondent id the gateway issues")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if p, err = s.openLinkPoll(ctx, ol.GetSlug()); err != nil {
			return nil, err
		}
		if m := ol.GetMunicipalityCode(); m != "" && !p.Audience().PostcodeCheck {
			return nil, (errs.Violations{{Path: "/openLink/municipalityCode", Reason: "must be empty: this poll does not check postcodes"}}).Err()
		}
		respondent, municipality = store.CookieRespondent(ol.GetRespondentId()), ol.GetMunicipalityCode()
	default:
		v.Add("/invitationToken", "is required, or an open-link respondent")
		return nil, v.Err()
	}
	now := s.now()
	sub, err := s.submission(req, p, respondent, municipality, nil, now)
	if err != nil {
		// A retry that arrives after the poll ended still gets its first
		// result back; the store finds it by the key.
		if replayable(p, sub, now, err) {
			return s.replay(ctx, p, sub, now, err)
		}
		return nil, err
	}
	out, err := s.store.SubmitResponse(ctx, sub)
	if err != nil {
		return nil, err
	}
	return s.submitted(ctx, req, p, out, feedbackTo)
}

// submitInvited is SubmitResponse for an invitation link: the store reads
// the invitation and its poll in the batch that stores the response, and
// the submission is made there (store.SubmitInvited).
func (s *Server) submitInvited(ctx context.Context, req *surveysv1.SubmitResponseRequest, token, feedbackTo string) (*surveysv1.SubmitResponseResponse, error) {
	// Set by prepare, which runs before SubmitInvited returns.
	var (
		p        poll.Poll
		sub      store.Submission
		now      time.Time
		refusal  error
		prepared bool
	)
	out, err := s.store.SubmitInvited(ctx, token, func(inv store.Invitation, ip poll.Poll) (store.Submission, error) {
		p, now, prepared = ip, s.now(), true
		sub, refusal = s.submission(req, p, store.InvitationRespondent(inv.ID), inv.Municipality, s.panelAttributes(inv), now)
		return sub, refusal
	})
	if err != nil {
		if prepared && err == refusal && replayable(p, sub, now, err) {
			return s.replay(ctx, p, sub, now, err)
		}
		return nil, err
	}
	return s.submitted(ctx, req, p, out, feedbackTo)
}

// panelAttributes are the invitation's panel attributes that its
// response's event carries: values of the closed lists only. The store
// holds no others (a check keeps age bands, and the service cleans
// neighbourhoods at start, see SyncNeighbourhoods); this stands guard
// against a fault elsewhere, since text a resident typed must never reach
// an event.
func (s *Server) panelAttributes(inv store.Invitation) map[string]string {
	out := make(map[string]string, 2)
	if panel.IsAgeBand(inv.AgeBand) {
		out[poll.AgeBand] = inv.AgeBand
	}
	if n, ok := s.hoods.Lookup(inv.Neighbourhood); ok && n.Municipality == inv.Municipality {
		out[poll.Neighbourhood] = n.Code
	}
	return out
}

// submission checks req's answers to p, by respondent, counted for
// municipality, and returns what to store: the checked response, announced
// with the panel attributes. On a refusal sub still names the respondent,
// key and request hash, for a replay (see replayable).
func (s *Server) submission(req *surveysv1.SubmitResponseRequest, p poll.Poll, respondent store.RespondentKey,
	municipality string, attributes map[string]string, now time.Time) (store.Submission, error) {
	if p.StatusAt(now) == poll.Draft {
		return store.Submission{}, notVisible(p.ID())
	}
	hash, err := requestHash(req, municipality)
	if err != nil {
		return store.Submission{}, err
	}
	sub := store.Submission{Respondent: respondent, IdempotencyKey: req.GetIdempotencyKey(), RequestHash: hash}
	resp, err := p.Check(poll.Answers{Municipality: municipality, Questions: answersOf(req.GetAnswers())}, now)
	if _, ok := req.GetRespondent().(*surveysv1.SubmitResponseRequest_OpenLink); ok {
		// The gateway sent the municipality that the postcode check found.
		err = renamePath(err, "/municipality", "/openLink/municipalityCode")
	}
	if err != nil {
		return sub, err
	}
	// The panel attributes go into the event for the tally's breakdowns,
	// never into the stored answers (see poll.AgeBand).
	resp.Attributes = attributes
	sub.Response = resp
	sub.Accepted, sub.Tenant = announce.Accepted(resp), p.Tenant()
	return sub, nil
}

// replayable reports whether a submit that p refused (err) at now may be a
// retry to answer with its first result: it has an idempotency key and the
// poll has ended. An ended poll stays ended, so the store cannot take the
// replay's empty response as new.
func replayable(p poll.Poll, sub store.Submission, now time.Time, err error) bool {
	if sub.IdempotencyKey == "" || sub.Respondent == (store.RespondentKey{}) {
		return false
	}
	st := p.StatusAt(now)
	return st == poll.Closed || st == poll.Cancelled
}

// submitted finishes an accepted submit: it keeps the respondent's feedback
// request, if any, and answers.
func (s *Server) submitted(ctx context.Context, req *surveysv1.SubmitResponseRequest, p poll.Poll, out store.Submitted, feedbackTo string) (*surveysv1.SubmitResponseResponse, error) {
	if feedbackTo != "" && !out.Replayed {
		// A transaction of its own, after the response's: the store's
		// submit batches concurrent responses into one commit and has no
		// room for it. Should this one fail, the submit fails, but the
		// response stands: a retry replays it, and only the feedback
		// request is lost.
		err := s.feedback.Add(ctx, feedback.Request{PollID: p.ID(), ProcessID: p.ProcessID(),
			Address: feedbackTo, Language: feedback.ParseLanguage(req.GetFeedbackLanguage())})
		if err != nil {
			return nil, fmt.Errorf("response %s stored, but its feedback request not: %w", out.ResponseID, err)
		}
	}
	return &surveysv1.SubmitResponseResponse{ResponseId: out.ResponseID, Replayed: out.Replayed}, nil
}

// FeedbackRequests keeps respondents' requests to hear what came of their
// answers, apart from the answers.
type FeedbackRequests interface {
	// Add stores one request.
	Add(ctx context.Context, r feedback.Request) error
}

// checkFeedback checks a submit's optional feedback address, adding what
// is wrong to v, and returns the address to store, if any.
func (s *Server) checkFeedback(req *surveysv1.SubmitResponseRequest, v *errs.Violations) string {
	if l := req.GetFeedbackLanguage(); l != "" && l != "nl" && l != "en" {
		v.Add("/feedbackLanguage", "must be nl or en")
	}
	raw := req.GetFeedbackEmail()
	if raw == "" {
		return ""
	}
	if s.feedback == nil {
		v.Add("/feedbackEmail", "is not accepted: this service does not send feedback")
		return ""
	}
	addr, err := feedback.ParseAddress(raw)
	if err != nil {
		v.Add("/feedbackEmail", err.Error())
		return ""
	}
	return addr
}

// replay asks the store for the response sub's idempotency key stored
// before, and answers notOpen when there is none.
func (s *Server) replay(ctx context.Context, p poll.Poll, sub store.Submission, now time.Time, notOpen error) (*surveysv1.SubmitResponseResponse, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new response id: %w", err)
	}
	sub.Response = poll.Response{ID: id.String(), PollID: p.ID(), SubmittedAt: now}
	out, err := s.store.SubmitResponse(ctx, sub)
	if err != nil {
		if errs.CodeOf(err) == errs.FailedPrecondition {
			return nil, notOpen
		}
		return nil, err
	}
	if !out.Replayed {
		return nil, fmt.Errorf("replaying a submit to ended poll %s stored a new response %s", p.ID(), out.ResponseID)
	}
	return &surveysv1.SubmitResponseResponse{ResponseId: out.ResponseID, Replayed: true}, nil
}

// renamePath returns err with the field at path from named to instead, so
// that it points at the request's field rather than the domain's.
func renamePath(err error, from, to string) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		if out.Fields[i].Path == from {
			out.Fields[i].Path = to
		}
	}
	return &out
}

// openLinkPoll returns the poll whose open link is /p/{slug}. A panel
// poll's slug is no open link.
func (s *Server) openLinkPoll(ctx context.Context, slug string) (poll.Poll, error) {
	if !poll.ValidSlug(slug) {
		return poll.Poll{}, errs.New(errs.NotFound, "poll %q not found", slug)
	}
	p, err := s.store.PollBySlug(ctx, slug)
	if err != nil {
		return poll.Poll{}, err
	}
	if p.Audience().Kind != poll.OpenLink {
		return poll.Poll{}, errs.New(errs.NotFound, "poll %q not found", slug)
	}
	return p, nil
}

// invitedPoll returns the poll an invitation token invites to, and the
// invitation.
func (s *Server) invitedPoll(ctx context.Context, token string) (poll.Poll, store.Invitation, error) {
	inv, p, err := s.store.InvitedPoll(ctx, token)
	if err != nil {
		return poll.Poll{}, store.Invitation{}, err
	}
	return p, inv, nil
}

func answersOf(ms map[string]*surveysv1.Answer) map[string]poll.Answer {
	out := make(map[string]poll.Answer, len(ms))
	for id, m := range ms {
		a := poll.Answer{Choice: m.GetChoice(), Choices: m.GetChoices(), Other: m.GetOther(), Value: m.GetValue(),
			Rows: m.GetRows(), Text: m.GetText()}
		if len(m.GetRanks()) > 0 {
			a.Ranks = make(map[string]int, len(m.GetRanks()))
			for opt, pos := range m.GetRanks() {
				a.Ranks[opt] = int(pos)
			}
		}
		out[id] = a
	}
	return out
}

// requestHash identifies a submit's content for its idempotency key: the
// answers as sent and the municipality they count for, never who sent
// them. A retry must send the same answers; answers that merely mean the
// same ("2,5" for "2.5") are another request.
func requestHash(req *surveysv1.SubmitResponseRequest, municipality string) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&surveysv1.SubmitResponseRequest{Answers: req.GetAnswers()})
	if err != nil {
		return nil, fmt.Errorf("hashing the answers: %w", err)
	}
	h := sha256.New()
	h.Write(b)
	h.Write([]byte{0})
	h.Write([]byte(municipality))
	return h.Sum(nil), nil
}

// validRespondentID reports whether id can be the id in a respondent
// cookie: 32 bytes, base64url without padding.
func validRespondentID(id string) bool {
	b, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil && len(b) == respondentIDBytes
}

// validIdempotencyKey reports whether key is 1 to 255 visible ASCII
// characters, as the Idempotency-Key header allows.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}
