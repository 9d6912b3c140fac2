package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

// CreateFinding writes a draft finding, tied to the group's process's
// question.
func (s *Server) CreateFinding(ctx context.Context, req *pb.CreateFindingRequest) (*pb.Finding, error) {
	in := req.GetFinding()
	who := caller(ctx).Subject
	once, err := onceOf(ctx, req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	f, err := s.store.CreateFinding(ctx, req.GetFocusGroupId(), managing(ctx, "write findings of this focus group"),
		func(g group.Group) (finding.Finding, error) {
			return finding.New(finding.Spec{GroupID: g.ID(), QuestionID: g.Process().QuestionID, SessionID: in.GetSessionId(),
				Statement: in.GetStatement(), Breadth: breadthOf(in.GetBreadth()), Quotes: quotesOf(in.GetQuotes()), CreatedBy: who}, s.now())
		}, once)
	if err != nil {
		return nil, err
	}
	return findingMsg(f), nil
}

// ListFindings lists a group's findings with every quote.
func (s *Server) ListFindings(ctx context.Context, req *pb.ListFindingsRequest) (*pb.ListFindingsResponse, error) {
	list, err := s.store.Findings(ctx, req.GetFocusGroupId(), managing(ctx, "see this focus group's findings"))
	if err != nil {
		return nil, err
	}
	resp := &pb.ListFindingsResponse{}
	for _, f := range list {
		resp.Findings = append(resp.Findings, findingMsg(f))
	}
	return resp, nil
}

// GetFinding returns one finding with every quote.
func (s *Server) GetFinding(ctx context.Context, req *pb.GetFindingRequest) (*pb.Finding, error) {
	f, err := s.store.Finding(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "see this focus group's findings"))
	if err != nil {
		return nil, err
	}
	return findingMsg(f), nil
}

// UpdateFinding changes the fields the mask names, as far as an agreed
// finding allows.
func (s *Server) UpdateFinding(ctx context.Context, req *pb.UpdateFindingRequest) (*pb.Finding, error) {
	in := req.GetFinding()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(), "session_id", "statement", "breadth", "quotes")
	if err != nil {
		return nil, err
	}
	f, err := s.store.UpdateFinding(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "change findings of this focus group"),
		func(_ group.Group, f *finding.Finding) error {
			if fields.None() {
				return nil
			}
			c := f.Editable()
			if fields.Has("session_id") {
				c.SessionID = in.GetSessionId()
			}
			if fields.Has("statement") {
				c.Statement = in.GetStatement()
			}
			if fields.Has("breadth") {
				c.Breadth = breadthOf(in.GetBreadth())
			}
			if fields.Has("quotes") {
				c.Quotes = quotesOf(in.GetQuotes())
			}
			return f.Edit(c, s.now())
		}, revision.FromTag("/etag", in.GetEtag()))
	if err != nil {
		return nil, err
	}
	return findingMsg(f), nil
}

// AgreeFinding records that the group agreed a finding, and publishes it.
func (s *Server) AgreeFinding(ctx context.Context, req *pb.AgreeFindingRequest) (*pb.Finding, error) {
	f, err := s.store.AgreeFinding(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "agree findings of this focus group"))
	if err != nil {
		return nil, err
	}
	return findingMsg(f), nil
}

// GetPublishedFindings returns a group's agreed findings with only the
// quotes, and names, their speakers allow. Anyone may read them.
func (s *Server) GetPublishedFindings(ctx context.Context, req *pb.GetPublishedFindingsRequest) (*pb.PublishedFindings, error) {
	p, err := s.store.PublishedFindings(ctx, req.GetFocusGroupId())
	if err != nil {
		return nil, err
	}
	return publishedMsg(p), nil
}
