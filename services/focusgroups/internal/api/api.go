// Package api is the focus groups service's gRPC application layer: it
// turns requests into domain calls and domain values into messages. The
// guard (internal/auth) lets a caller reach a method by the policy's
// roles; the staff methods then decide, per group, what the caller may see
// and change (access.go), on the group the store reads in the write's
// transaction. The residents' methods (links.go) have no identity: they
// take a token from a link mailed to the member instead.
package api

import (
	"errors"
	"time"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Server implements pb.FocusGroupsServiceServer.
type Server struct {
	pb.UnimplementedFocusGroupsServiceServer
	store *store.Store
}

// New returns the staff API on st.
func New(st *store.Store) *Server { return &Server{store: st} }

// now is the store's clock, which the store's own decisions use too.
func (s *Server) now() time.Time { return s.store.Now() }

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
