package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// AddFocusGroupMember adds staff by their login, or a resident with the
// consent the caller records.
func (s *Server) AddFocusGroupMember(ctx context.Context, req *pb.AddFocusGroupMemberRequest) (*pb.GroupMember, error) {
	id := caller(ctx)
	var v errs.Violations
	spec := memberSpecOf(&v, req.GetFocusGroupId(), req.GetMember(), id.Subject)
	m, err := s.store.AddMember(ctx, req.GetFocusGroupId(), managing(ctx, "add members to this focus group"),
		func(g group.Group) (member.Member, error) {
			spec.Roles = s.store.Roles(g.Tenant())
			m, err := member.New(spec, s.now())
			return m, withViolations(v, err)
		})
	if err != nil {
		return nil, err
	}
	return memberMsg(m), nil
}

// ListFocusGroupMembers lists a group's members.
func (s *Server) ListFocusGroupMembers(ctx context.Context, req *pb.ListFocusGroupMembersRequest) (*pb.ListFocusGroupMembersResponse, error) {
	list, err := s.store.Members(ctx, req.GetFocusGroupId(), managing(ctx, "see this focus group's members"))
	if err != nil {
		return nil, err
	}
	resp := &pb.ListFocusGroupMembersResponse{}
	for _, m := range list {
		resp.Members = append(resp.Members, memberMsg(m))
	}
	return resp, nil
}

// GetFocusGroupMember returns one member.
func (s *Server) GetFocusGroupMember(ctx context.Context, req *pb.GetFocusGroupMemberRequest) (*pb.GroupMember, error) {
	m, err := s.store.Member(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "see this focus group's members"))
	if err != nil {
		return nil, err
	}
	return memberMsg(m), nil
}

// RemoveFocusGroupMember takes a member out of the group.
func (s *Server) RemoveFocusGroupMember(ctx context.Context, req *pb.RemoveFocusGroupMemberRequest) (*pb.GroupMember, error) {
	m, err := s.store.RemoveMember(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "remove members of this focus group"))
	if err != nil {
		return nil, err
	}
	return memberMsg(m), nil
}

// EraseFocusGroupMember erases a member's personal data, keeping what
// they counted for.
func (s *Server) EraseFocusGroupMember(ctx context.Context, req *pb.EraseFocusGroupMemberRequest) (*pb.MemberErasure, error) {
	e, err := s.store.EraseMember(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "erase members of this focus group"))
	if err != nil {
		return nil, err
	}
	return &pb.MemberErasure{MemberId: e.MemberID, RsvpsCleared: int32(e.RsvpsCleared), QuotesDeleted: int32(e.QuotesDeleted),
		MailsWithdrawn: int32(e.MailsWithdrawn)}, nil
}

// ExportFocusGroupMember returns everything held on a member.
func (s *Server) ExportFocusGroupMember(ctx context.Context, req *pb.ExportFocusGroupMemberRequest) (*pb.MemberExport, error) {
	e, err := s.store.ExportMember(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "export this focus group's members' data"))
	if err != nil {
		return nil, err
	}
	return exportMsg(e), nil
}

// InviteResidents mails residents an invitation each to join.
func (s *Server) InviteResidents(ctx context.Context, req *pb.InviteResidentsRequest) (*pb.InviteResidentsResponse, error) {
	invitees := make([]store.Invitee, len(req.GetInvitees()))
	for i, in := range req.GetInvitees() {
		invitees[i] = store.Invitee{Email: in.GetEmail(), Name: in.GetName(), Role: in.GetRole(), Language: in.GetLanguage()}
	}
	once, err := onceOf(ctx, req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	invs, skipped, err := s.store.InviteResidents(ctx, req.GetFocusGroupId(), invitees, managing(ctx, "invite residents to this focus group"), once)
	if err != nil {
		return nil, err
	}
	resp := &pb.InviteResidentsResponse{Skipped: int32(skipped)}
	for _, inv := range invs {
		resp.Invitations = append(resp.Invitations, &pb.GroupInvitation{Id: inv.ID, Email: inv.Email, Role: inv.Role,
			CreateTime: timeMsg(inv.CreatedAt)})
	}
	return resp, nil
}
