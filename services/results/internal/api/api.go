// Package api is the results service's gRPC application layer: it turns
// requests into domain calls and domain values into messages. The guard
// (internal/auth) lets a caller reach a method by the policy's roles; the
// methods then decide, per tenant, what the caller may see and change
// (access.go).
package api

import (
	"time"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// Config configures the API.
type Config struct {
	// Cells decides the smallest count of residents shown outside the
	// council.
	Cells evidence.MinCells
	// PublicURL is the gateway's base URL as the public reaches it, for
	// the permalinks on documents and the links in mail.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// base holds what the three servers share.
type base struct {
	store *store.Store
	cfg   Config
	// figures caches the evaluation figures by the version of what they
	// are computed from.
	figures *figureCache
}

func (b *base) now() time.Time {
	if b.cfg.Now != nil {
		return b.cfg.Now()
	}
	return time.Now()
}

// Servers are the service's gRPC APIs, on one store.
type Servers struct {
	Advice  *AdviceServer
	Results *ResultsServer
	Files   *FilesServer
}

// New returns the servers on st.
func New(st *store.Store, cfg Config) Servers {
	b := &base{store: st, cfg: cfg, figures: &figureCache{}}
	return Servers{Advice: &AdviceServer{base: b}, Results: &ResultsServer{base: b}, Files: &FilesServer{base: b}}
}

// AdviceServer implements pb.AdviceServiceServer.
type AdviceServer struct {
	pb.UnimplementedAdviceServiceServer
	*base
}

// ResultsServer implements pb.ResultsServiceServer.
type ResultsServer struct {
	pb.UnimplementedResultsServiceServer
	*base
}

// FilesServer implements pb.FilesServiceServer.
type FilesServer struct {
	pb.UnimplementedFilesServiceServer
	*base
}

// pageIn reads a list's page, adding a bad limit to v.
func pageIn(v *errs.Violations, limit int32, after string) store.Page {
	n, ok := cursor.Limit(limit)
	if !ok {
		v.Add("limit", cursor.LimitReason)
	}
	return store.Page{Limit: n, Cursor: after}
}

func revisionTag(t time.Time) string { return revision.Tag(t) }
