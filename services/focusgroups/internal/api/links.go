package api

import (
	"context"
	"fmt"
	"strings"

	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/calendar"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Links implements pb.MemberLinksServiceServer: what a member reaches
// through the links mailed to them. Every method takes a token instead of
// an identity; an unknown token, a used one and one of another group are
// refused alike.
type Links struct {
	pb.UnimplementedMemberLinksServiceServer
	store *store.Store
	from  string
}

// NewLinks returns the residents' API on st; from is the address the
// group's mail comes from, the organiser in calendar files.
func NewLinks(st *store.Store, from string) *Links { return &Links{store: st, from: from} }

// GetInvitation shows what an invitation is for.
func (l *Links) GetInvitation(ctx context.Context, req *pb.GetInvitationRequest) (*pb.InvitationView, error) {
	v, err := l.store.Invitation(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &pb.InvitationView{FocusGroupName: v.Group.Name(), Purpose: v.Group.Purpose(), Role: roleMsg(l.store.Roles(v.Group.Tenant()), v.Role), Name: v.Name,
		Language: v.Language}, nil
}

// AcceptInvitation makes the invited resident a member.
func (l *Links) AcceptInvitation(ctx context.Context, req *pb.AcceptInvitationRequest) (*pb.MemberLink, error) {
	m, token, err := l.store.AcceptInvitation(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &pb.MemberLink{Token: token, MemberId: m.ID()}, nil
}

// GetMemberView returns the member's page.
func (l *Links) GetMemberView(ctx context.Context, req *pb.GetMemberViewRequest) (*pb.MemberView, error) {
	v, err := l.store.MemberView(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	g, m := v.Group, v.Member
	out := &pb.MemberView{MemberId: m.ID(), Name: m.Name(), Role: roleMsg(l.store.Roles(g.Tenant()), m.Role()), Language: m.Language(), FocusGroupId: g.ID(),
		FocusGroupName: g.Name(), Purpose: g.Purpose(), Status: groupStatuses[g.Status()]}
	for _, ms := range v.Sessions {
		p := ms.Session.Plan()
		s := &pb.MemberSession{Id: ms.Session.ID(), StartTime: timeMsg(p.StartsAt), EndTime: timeMsg(p.EndsAt), Place: placeMsg(p.Place),
			OnlineUrl: p.OnlineURL, Agenda: p.Agenda, Status: sessionStatuses[ms.Session.Status()], CancelReason: ms.Session.CancelReason()}
		if ms.Rsvp != nil {
			s.Rsvp = rsvpMsg(*ms.Rsvp)
		}
		out.Sessions = append(out.Sessions, s)
	}
	return out, nil
}

// RespondToSession sets the member's answer to a session of their group.
func (l *Links) RespondToSession(ctx context.Context, req *pb.RespondToSessionRequest) (*pb.Rsvp, error) {
	r, err := l.store.Respond(ctx, req.GetToken(), req.GetSessionId(), answerOf(req.GetAnswer(), req.GetAccessNeeds(), req.GetAccessNote()))
	if err != nil {
		return nil, err
	}
	return rsvpMsg(r), nil
}

// LeaveFocusGroup takes the member out of their group.
func (l *Links) LeaveFocusGroup(ctx context.Context, req *pb.LeaveFocusGroupRequest) (*pb.LeaveFocusGroupResponse, error) {
	got, err := l.store.Leave(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &pb.LeaveFocusGroupResponse{FocusGroupName: got.Group.Name()}, nil
}

// GetSessionCalendar returns one session as an iCalendar file to add.
func (l *Links) GetSessionCalendar(ctx context.Context, req *pb.GetSessionCalendarRequest) (*pb.CalendarFile, error) {
	linked, ms, err := l.store.LinkedSession(ctx, req.GetToken(), req.GetSessionId())
	if err != nil {
		return nil, err
	}
	data := calendar.Write(calendar.Calendar{Method: calendar.Publish, Organizer: l.from, Stamp: l.store.Now(),
		Events: []calendar.Event{eventOf(linked.Group, ms, l.store.MemberURL(req.GetToken()))}})
	return &pb.CalendarFile{ContentType: calendar.ContentType(calendar.Publish), FileName: "focusgroep.ics", Data: data}, nil
}

// RenewCalendarFeed makes the member a new feed link.
func (l *Links) RenewCalendarFeed(ctx context.Context, req *pb.RenewCalendarFeedRequest) (*pb.CalendarFeed, error) {
	token, err := l.store.RenewFeed(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &pb.CalendarFeed{Token: token}, nil
}

// GetCalendarFeed returns a member's feed: every session of their group.
func (l *Links) GetCalendarFeed(ctx context.Context, req *pb.GetCalendarFeedRequest) (*pb.CalendarFile, error) {
	v, err := l.store.Feed(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	c := calendar.Calendar{Method: calendar.Publish, Name: "Focusgroep " + v.Group.Name(), Organizer: l.from, Stamp: l.store.Now()}
	for _, ms := range v.Sessions {
		c.Events = append(c.Events, eventOf(v.Group, ms, ""))
	}
	return &pb.CalendarFile{ContentType: calendar.ContentType(calendar.Publish), FileName: "focusgroep.ics", Data: calendar.Write(c)}, nil
}

// eventOf is a session as a calendar entry; link is the member's page, if
// the entry may carry it (a feed is fetched by calendar apps and carries
// none).
func eventOf(g group.Group, ms store.MemberSession, link string) calendar.Event {
	p := ms.Session.Plan()
	desc := p.Agenda
	if p.Place.Accessibility != "" {
		desc = strings.TrimSpace(fmt.Sprintf("%s\n\nToegankelijkheid / Accessibility: %s", desc, p.Place.Accessibility))
	}
	url := p.OnlineURL
	if url == "" {
		url = link
	}
	return calendar.Event{SessionID: ms.Session.ID(), Sequence: ms.Session.Sequence(), Start: p.StartsAt, End: p.EndsAt,
		Summary: "Focusgroep / Focus group: " + g.Name(), Description: desc, Location: p.Place.Address, URL: url,
		Cancelled: ms.Session.Status() == session.Cancelled, Changed: ms.Session.UpdatedAt()}
}
