package api

import (
	"context"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
)

// ScheduleSession schedules a session and mails every active member the
// invitation.
func (s *Server) ScheduleSession(ctx context.Context, req *pb.ScheduleSessionRequest) (*pb.Session, error) {
	var v errs.Violations
	in := req.GetSession()
	plan := planOf(&v, in)
	once, err := onceOf(ctx, req.GetIdempotencyKey())
	if err != nil {
		return nil, withViolations(v, err)
	}
	ss, err := s.store.ScheduleSession(ctx, req.GetFocusGroupId(), managing(ctx, "schedule sessions of this focus group"),
		func(g group.Group) (session.Session, error) {
			ss, err := session.New(session.Spec{GroupID: g.ID(), Plan: plan, Capacity: int(in.GetCapacity()), Notes: in.GetNotes()}, s.now())
			return ss, withViolations(v, err)
		}, once)
	if err != nil {
		return nil, err
	}
	return sessionMsg(ss, nil, true), nil
}

// ListSessions lists a group's sessions by start time, with their notes
// for those who manage it.
func (s *Server) ListSessions(ctx context.Context, req *pb.ListSessionsRequest) (*pb.ListSessionsResponse, error) {
	var g group.Group
	see := seeing(ctx)
	list, err := s.store.Sessions(ctx, req.GetFocusGroupId(), func(got group.Group) error { g = got; return see(got) })
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, ss := range list {
		ids[i] = ss.ID()
	}
	counts, err := s.store.RsvpCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	notes := manages(caller(ctx), g)
	resp := &pb.ListSessionsResponse{}
	for _, ss := range list {
		resp.Sessions = append(resp.Sessions, sessionMsg(ss, counts[ss.ID()], notes))
	}
	return resp, nil
}

// GetSession returns one session.
func (s *Server) GetSession(ctx context.Context, req *pb.GetSessionRequest) (*pb.Session, error) {
	var g group.Group
	see := seeing(ctx)
	ss, err := s.store.Session(ctx, req.GetFocusGroupId(), req.GetId(), func(got group.Group) error { g = got; return see(got) })
	if err != nil {
		return nil, err
	}
	return s.sessionWithCounts(ctx, ss, manages(caller(ctx), g))
}

func (s *Server) sessionWithCounts(ctx context.Context, ss session.Session, notes bool) (*pb.Session, error) {
	counts, err := s.store.RsvpCounts(ctx, []string{ss.ID()})
	if err != nil {
		return nil, err
	}
	return sessionMsg(ss, counts[ss.ID()], notes), nil
}

// UpdateSession changes the fields the mask names, if the session is the
// version expected.
func (s *Server) UpdateSession(ctx context.Context, req *pb.UpdateSessionRequest) (*pb.Session, error) {
	in := req.GetSession()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(),
		"start_time", "end_time", "place", "online_url", "agenda", "capacity", "notes")
	if err != nil {
		return nil, err
	}
	var v errs.Violations
	var start, end time.Time
	if fields.Has("start_time") {
		start = timeOf(&v, "/startTime", in.GetStartTime())
	}
	if fields.Has("end_time") {
		end = timeOf(&v, "/endTime", in.GetEndTime())
	}
	ss, err := s.store.UpdateSession(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "change sessions of this focus group"),
		func(_ group.Group, ss *session.Session) (session.Outcome, error) {
			if fields.None() {
				return session.Outcome{}, v.Err()
			}
			c := ss.Editable()
			if fields.Has("start_time") {
				c.Plan.StartsAt = start
			}
			if fields.Has("end_time") {
				c.Plan.EndsAt = end
			}
			if fields.Has("place") {
				c.Plan.Place = session.Place{Address: in.GetPlace().GetAddress(), Accessibility: in.GetPlace().GetAccessibility()}
			}
			if fields.Has("online_url") {
				c.Plan.OnlineURL = in.GetOnlineUrl()
			}
			if fields.Has("agenda") {
				c.Plan.Agenda = in.GetAgenda()
			}
			if fields.Has("capacity") {
				c.Capacity = int(in.GetCapacity())
			}
			if fields.Has("notes") {
				c.Notes = in.GetNotes()
			}
			out, err := ss.Edit(c, s.now())
			return out, withViolations(v, err)
		}, revision.FromTag("/etag", in.GetEtag()))
	if err != nil {
		return nil, err
	}
	return s.sessionWithCounts(ctx, ss, true)
}

// CancelSession cancels a session and mails the cancellation.
func (s *Server) CancelSession(ctx context.Context, req *pb.CancelSessionRequest) (*pb.Session, error) {
	ss, err := s.store.CancelSession(ctx, req.GetFocusGroupId(), req.GetId(), req.GetReason(), managing(ctx, "cancel sessions of this focus group"))
	if err != nil {
		return nil, err
	}
	return s.sessionWithCounts(ctx, ss, true)
}

// CompleteSession marks a session held and announces its attendance.
func (s *Server) CompleteSession(ctx context.Context, req *pb.CompleteSessionRequest) (*pb.Session, error) {
	ss, err := s.store.CompleteSession(ctx, req.GetFocusGroupId(), req.GetId(), managing(ctx, "mark sessions of this focus group held"))
	if err != nil {
		return nil, err
	}
	return s.sessionWithCounts(ctx, ss, true)
}

// SetRsvp sets a member's answer on their behalf.
func (s *Server) SetRsvp(ctx context.Context, req *pb.SetRsvpRequest) (*pb.Rsvp, error) {
	in := req.GetRsvp()
	r, err := s.store.SetRsvp(ctx, req.GetFocusGroupId(), req.GetSessionId(), in.GetMemberId(),
		answerOf(in.GetAnswer(), in.GetAccessNeeds(), in.GetAccessNote()), caller(ctx).Subject,
		managing(ctx, "answer for members of this focus group"))
	if err != nil {
		return nil, err
	}
	return rsvpMsg(r), nil
}

// ListRsvps lists a session's answers.
func (s *Server) ListRsvps(ctx context.Context, req *pb.ListRsvpsRequest) (*pb.ListRsvpsResponse, error) {
	list, err := s.store.Rsvps(ctx, req.GetFocusGroupId(), req.GetSessionId(), managing(ctx, "see this focus group's answers"))
	if err != nil {
		return nil, err
	}
	resp := &pb.ListRsvpsResponse{}
	for _, r := range list {
		resp.Rsvps = append(resp.Rsvps, rsvpMsg(r))
	}
	return resp, nil
}

// GetRsvp returns one member's answer.
func (s *Server) GetRsvp(ctx context.Context, req *pb.GetRsvpRequest) (*pb.Rsvp, error) {
	r, err := s.store.OneRsvp(ctx, req.GetFocusGroupId(), req.GetSessionId(), req.GetMemberId(), managing(ctx, "see this focus group's answers"))
	if err != nil {
		return nil, err
	}
	return rsvpMsg(r), nil
}

// PromoteFromWaitlist seats a waiting member out of turn, recorded with
// its reason.
func (s *Server) PromoteFromWaitlist(ctx context.Context, req *pb.PromoteFromWaitlistRequest) (*pb.Rsvp, error) {
	r, err := s.store.Promote(ctx, req.GetFocusGroupId(), req.GetSessionId(), req.GetMemberId(), req.GetReason(), caller(ctx).Subject,
		managing(ctx, "seat members of this focus group"))
	if err != nil {
		return nil, err
	}
	return rsvpMsg(r), nil
}

// RecordAttendance replaces a session's attendance sheet.
func (s *Server) RecordAttendance(ctx context.Context, req *pb.RecordAttendanceRequest) (*pb.Attendance, error) {
	sheet, err := s.store.RecordAttendance(ctx, req.GetFocusGroupId(), req.GetSessionId(), sheetOf(req.GetAttendance()),
		managing(ctx, "record attendance of this focus group"))
	if err != nil {
		return nil, err
	}
	return sheetMsg(sheet), nil
}

// GetAttendance returns a session's attendance sheet.
func (s *Server) GetAttendance(ctx context.Context, req *pb.GetAttendanceRequest) (*pb.Attendance, error) {
	sheet, err := s.store.Attendance(ctx, req.GetFocusGroupId(), req.GetSessionId(), managing(ctx, "see this focus group's attendance"))
	if err != nil {
		return nil, err
	}
	return sheetMsg(sheet), nil
}
