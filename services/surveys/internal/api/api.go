// Package api is the surveys service's gRPC application layer: it turns
// requests into domain calls and domain values into messages. The guard
// (internal/auth) lets a caller reach a method by the policy's roles; the
// staff methods then decide, per tenant, what the caller may see and
// change (access.go). The respondent methods serve residents, who have no
// identity: they check the invitation token or the open link's respondent
// id instead (respond.go).
package api

import (
	"errors"
	"maps"
	"time"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// DefaultMinCell is the smallest count a public tally shows unless
// configured otherwise: smaller counts could point at a person.
const DefaultMinCell = 5

// Config tunes the server.
type Config struct {
	// MinCell is the smallest count a public tally shows; 0 means
	// DefaultMinCell.
	MinCell int
	// MinCellBy overrides MinCell per municipality (CBS code), for a
	// municipality whose privacy officer asks for larger cells. Values
	// below MinCell are ignored: a municipality may ask for more
	// protection, never for less than the service's floor.
	MinCellBy map[string]int
	// Feedback keeps respondents' requests to hear what came of their
	// answers; nil refuses such requests.
	Feedback FeedbackRequests
	// Neighbourhoods is the closed list that audiences name
	// neighbourhoods from; nil knows none.
	Neighbourhoods *neighbourhood.Table
}

// Server implements surveysv1.SurveysServiceServer.
type Server struct {
	surveysv1.UnimplementedSurveysServiceServer
	store     *store.Store
	minCell   int
	minCellBy map[string]int
	now       func() time.Time
	feedback  FeedbackRequests
	hoods     *neighbourhood.Table
}

// New returns a server on st.
func New(st *store.Store, cfg Config) *Server {
	if cfg.MinCell <= 0 {
		cfg.MinCell = DefaultMinCell
	}
	return &Server{store: st, minCell: cfg.MinCell, minCellBy: maps.Clone(cfg.MinCellBy), now: time.Now, feedback: cfg.Feedback,
		hoods: cfg.Neighbourhoods}
}

// minCellFor is the smallest count public views of p show: the largest
// minimum of the municipalities p belongs to. A shared poll's published
// figures concern every participant, so the strictest of them decides
// for all; a cell per municipality under a laxer minimum would show what
// the stricter one hides in the total.
func (s *Server) minCellFor(p poll.Poll) int {
	m := s.minCell
	for _, code := range p.Municipalities() {
		m = max(m, s.minCellBy[code])
	}
	return m
}

// pageIn reads a list's limit and cursor, adding a bad limit to v so that
// it is reported with the list's other parameters.
func pageIn(v *errs.Violations, limit int32, after string) store.Page {
	n, ok := cursor.Limit(limit)
	if !ok {
		v.Add("limit", cursor.LimitReason)
	}
	return store.Page{Limit: n, Cursor: after}
}

// withViolations adds the violations v found in a request before the
// domain saw it to err, the domain's verdict, so that the caller hears of
// every problem at once: Invalid errors merge; any other error stands.
func withViolations(v errs.Violations, err error) error {
	if len(v) == 0 {
		return err
	}
	if err == nil {
		return v.Err()
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Code == errs.Invalid {
		return (append(v, e.Fields...)).Err()
	}
	return err
}
