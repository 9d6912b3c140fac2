package api

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/internal/update"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// A council's settings and roster are for the staff of its municipality and
// the coordinator of its region; only its chair and secretary change them.

// GetCouncil returns a council with its vacancies today.
func (s *Server) GetCouncil(ctx context.Context, req *councilsv1.GetCouncilRequest) (*councilsv1.Council, error) {
	c, err := s.visibleCouncil(ctx, req.GetMunicipalityCode())
	if err != nil {
		return nil, err
	}
	return s.councilWithVacancies(ctx, c)
}

// ListCouncils returns a page of the councils the caller may see, of one
// region if asked.
func (s *Server) ListCouncils(ctx context.Context, req *councilsv1.ListCouncilsRequest) (*councilsv1.ListCouncilsResponse, error) {
	page, err := pageOf(req.GetLimit(), req.GetCursor())
	if err != nil {
		return nil, err
	}
	list, next, err := s.store.Councils(ctx, councilFilter(caller(ctx), req.GetRegionId()), page)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(list))
	for i, c := range list {
		codes[i] = c.MunicipalityCode()
	}
	members, err := s.store.Members(ctx, codes...)
	if err != nil {
		return nil, err
	}
	today := s.today()
	resp := &councilsv1.ListCouncilsResponse{NextCursor: next}
	for _, c := range list {
		resp.Councils = append(resp.Councils, councilMsg(c, c.Vacancies(members, today)))
	}
	return resp, nil
}

// UpdateCouncil changes the settings the update mask names (all of them
// without one) and announces the change.
func (s *Server) UpdateCouncil(ctx context.Context, req *councilsv1.UpdateCouncilRequest) (*councilsv1.Council, error) {
	code := req.GetMunicipalityCode()
	in := req.GetCouncil()
	fields, err := update.Read(req.GetUpdateMask(), in.ProtoReflect().Descriptor(),
		"name", "contact_email", "takes_unsolicited_questions", "seats")
	if err != nil {
		return nil, err
	}
	expected := revision.FromTag("/etag", in.GetEtag())
	c, err := s.boardCouncil(ctx, code, "change this council's settings")
	if err != nil {
		return nil, err
	}
	if err := bodyOfPath(in.GetMunicipalityCode(), code); err != nil {
		return nil, err
	}
	if fields.None() {
		if err := revision.Check("council", c.UpdatedAt(), expected); err != nil {
			return nil, err
		}
		return s.councilWithVacancies(ctx, c)
	}
	c, err = s.store.UpdateCouncil(ctx, code, func(before council.Council) (council.Council, []events.Event, error) {
		settings := before.Settings()
		if fields.Has("name") {
			settings.Name = in.GetName()
		}
		if fields.Has("contact_email") {
			settings.ContactEmail = in.GetContactEmail()
		}
		if fields.Has("takes_unsolicited_questions") {
			settings.TakesUnsolicitedQuestions = in.GetTakesUnsolicitedQuestions()
		}
		if fields.Has("seats") {
			settings.Seats = int(in.GetSeats())
		}
		after, err := before.Change(settings, s.now())
		if err != nil {
			return before, nil, err
		}
		if after.Settings() == before.Settings() {
			return before, nil, nil // a repeated request announces nothing new
		}
		ev, err := events.New(ctx, code, code, &eventsv1.CouncilSettingsChanged{
			MunicipalityCode:          code,
			TakesUnsolicitedQuestions: after.TakesUnsolicitedQuestions(),
			Seats:                     int32(after.Seats()),
		})
		if err != nil {
			return before, nil, fmt.Errorf("updating council of %s: %w", code, err)
		}
		return after, []events.Event{ev}, nil
	}, expected)
	if err != nil {
		return nil, err
	}
	return s.councilWithVacancies(ctx, c)
}

// AddMember puts a member on a council's roster and announces it.
func (s *Server) AddMember(ctx context.Context, req *councilsv1.AddMemberRequest) (*councilsv1.Member, error) {
	code := req.GetMunicipalityCode()
	if _, err := s.boardCouncil(ctx, code, "add members to this council"); err != nil {
		return nil, err
	}
	if err := bodyOfPath(req.GetMember().GetMunicipalityCode(), code); err != nil {
		return nil, err
	}
	m, err := council.NewMember(code, memberInput(req.GetMember()), s.now())
	if err != nil {
		return nil, err
	}
	ev, err := memberJoined(ctx, m)
	if err != nil {
		return nil, err
	}
	if err := s.store.AddMember(ctx, m, ev); err != nil {
		return nil, err
	}
	return memberMsg(m, s.today()), nil
}

// GetMember returns one member of a council the caller may see.
func (s *Server) GetMember(ctx context.Context, req *councilsv1.GetMemberRequest) (*councilsv1.Member, error) {
	c, err := s.visibleCouncil(ctx, req.GetMunicipalityCode())
	if err != nil {
		return nil, err
	}
	m, err := s.store.Member(ctx, c.MunicipalityCode(), req.GetMemberId())
	if err != nil {
		return nil, err
	}
	return memberMsg(m, s.today()), nil
}

// UpdateMember changes the member's fields the update mask names (name,
// role, term and subject without one). Setting or moving the end of the
// term announces that the member leaves; making the term open-ended again
// announces that they (re)join.
func (s *Server) UpdateMember(ctx context.Context, req *councilsv1.UpdateMemberRequest) (*councilsv1.Member, error) {
	code := req.GetMunicipalityCode()
	msg := req.GetMember()
	fields, err := update.Read(req.GetUpdateMask(), msg.ProtoReflect().Descriptor(),
		"name", "role", "term_start", "term_end", "subject")
	if err != nil {
		return nil, err
	}
	expected := revision.FromTag("/etag", msg.GetEtag())
	if _, err := s.boardCouncil(ctx, code, "change this council's members"); err != nil {
		return nil, err
	}
	if err := bodyOfPath(msg.GetMunicipalityCode(), code); err != nil {
		return nil, err
	}
	if fields.None() {
		m, err := s.store.Member(ctx, code, req.GetMemberId())
		if err != nil {
			return nil, err
		}
		if err := revision.Check("member", m.UpdatedAt(), expected); err != nil {
			return nil, err
		}
		return memberMsg(m, s.today()), nil
	}
	sent := memberInput(msg)
	m, err := s.store.UpdateMember(ctx, code, req.GetMemberId(), func(before council.Member) (council.Member, []events.Event, error) {
		in := memberInputOf(before)
		if fields.Has("name") {
			in.Name = sent.Name
		}
		if fields.Has("role") {
			in.Role = sent.Role
		}
		if fields.Has("term_start") {
			in.TermStart = sent.TermStart
		}
		if fields.Has("term_end") {
			in.TermEnd = sent.TermEnd
		}
		if fields.Has("subject") {
			in.Subject = sent.Subject
		}
		after, err := before.Change(in, s.now())
		if err != nil {
			return before, nil, err
		}
		var ev events.Event
		switch {
		case after.Leaves(before):
			ev, err = events.New(ctx, code, after.ID(), &eventsv1.MemberLeft{
				MemberId:         after.ID(),
				MunicipalityCode: code,
				TermEnd:          after.Term().End.String(),
				SubjectSha256:    auth.SubjectHash(after.Subject()),
			})
		case after.Rejoins(before):
			ev, err = memberJoined(ctx, after)
		default:
			return after, nil, nil
		}
		if err != nil {
			return before, nil, fmt.Errorf("updating member %s: %w", after.ID(), err)
		}
		return after, []events.Event{ev}, nil
	}, expected)
	if err != nil {
		return nil, err
	}
	return memberMsg(m, s.today()), nil
}

// ListMembers returns a council's roster, current members first, and its
// vacancies today.
func (s *Server) ListMembers(ctx context.Context, req *councilsv1.ListMembersRequest) (*councilsv1.ListMembersResponse, error) {
	c, err := s.visibleCouncil(ctx, req.GetMunicipalityCode())
	if err != nil {
		return nil, err
	}
	members, err := s.store.Members(ctx, c.MunicipalityCode())
	if err != nil {
		return nil, err
	}
	today := s.today()
	resp := &councilsv1.ListMembersResponse{Vacancies: int32(c.Vacancies(members, today))}
	for _, m := range council.Roster(members, today, req.GetIncludeFormer()) {
		resp.Members = append(resp.Members, memberMsg(m, today))
	}
	return resp, nil
}

// today is the day it is in Amsterdam: terms begin and end on its days.
func (s *Server) today() council.Date { return council.Today(s.now()) }

// visibleCouncil returns the council of code if the caller may see it; an
// unknown council and one the caller may not see look the same.
func (s *Server) visibleCouncil(ctx context.Context, code string) (council.Council, error) {
	c, err := s.store.Council(ctx, code)
	if errs.CodeOf(err) == errs.NotFound {
		return council.Council{}, notVisible("council", code)
	}
	if err != nil {
		return council.Council{}, err
	}
	if !canSeeCouncil(caller(ctx), c) {
		return council.Council{}, notVisible("council", code)
	}
	return c, nil
}

// boardCouncil returns the council of code if the caller is its chair or
// secretary (or an admin there); action says what was refused otherwise.
func (s *Server) boardCouncil(ctx context.Context, code, action string) (council.Council, error) {
	c, err := s.visibleCouncil(ctx, code)
	if err != nil {
		return council.Council{}, err
	}
	if !caller(ctx).Has(c.MunicipalityCode(), auth.BoardRoles...) {
		return council.Council{}, forbidden(action)
	}
	return c, nil
}

func (s *Server) councilWithVacancies(ctx context.Context, c council.Council) (*councilsv1.Council, error) {
	members, err := s.store.Members(ctx, c.MunicipalityCode())
	if err != nil {
		return nil, err
	}
	return councilMsg(c, c.Vacancies(members, s.today())), nil
}

// canSeeCouncil reports whether id may see c: any staff role in its
// municipality, or the coordinator of its region.
func canSeeCouncil(id auth.Identity, c council.Council) bool {
	return id.Has(c.MunicipalityCode(), auth.StaffRoles...) || id.Has(c.RegionID(), auth.RegionalCoordinator)
}

// councilFilter is canSeeCouncil as a list filter, so that paging counts
// only what the caller sees. Every role is a staff role or admin, so any
// grant in a municipality shows its council; coordinators and admins of a
// region see its councils.
func councilFilter(id auth.Identity, regionID string) store.CouncilFilter {
	f := store.CouncilFilter{RegionID: regionID}
	for _, g := range id.Grants {
		switch {
		case g.Tenant == auth.AllTenants:
			f.All = true
		case g.Role == auth.RegionalCoordinator || g.Role == auth.Admin:
			f.Regions = append(f.Regions, g.Tenant)
			f.Municipalities = append(f.Municipalities, g.Tenant)
		default:
			f.Municipalities = append(f.Municipalities, g.Tenant)
		}
	}
	return f
}

func memberJoined(ctx context.Context, m council.Member) (events.Event, error) {
	ev, err := events.New(ctx, m.MunicipalityCode(), m.ID(), &eventsv1.MemberJoined{
		MemberId:         m.ID(),
		MunicipalityCode: m.MunicipalityCode(),
		Role:             string(m.Role()),
		TermStart:        m.Term().Start.String(),
		TermEnd:          m.Term().End.String(),
		SubjectSha256:    auth.SubjectHash(m.Subject()),
	})
	if err != nil {
		return events.Event{}, fmt.Errorf("announcing member %s: %w", m.ID(), err)
	}
	return ev, nil
}

func memberInput(in *councilsv1.Member) council.MemberInput {
	return council.MemberInput{
		Name:      in.GetName(),
		Role:      roleName(in.GetRole()),
		TermStart: in.GetTermStart(),
		TermEnd:   in.GetTermEnd(),
		Subject:   in.GetSubject(),
	}
}

// memberInputOf is m as a client would enter it, for a change of some of
// its fields.
func memberInputOf(m council.Member) council.MemberInput {
	return council.MemberInput{
		Name:      m.Name(),
		Role:      string(m.Role()),
		TermStart: m.Term().Start.String(),
		TermEnd:   m.Term().End.String(),
		Subject:   m.Subject(),
	}
}

// roleName maps the API's role to the domain's; unset maps to "" (required)
// and an unknown number to a name the domain refuses.
func roleName(r councilsv1.MemberRole) string {
	switch r {
	case councilsv1.MemberRole_MEMBER_ROLE_UNSPECIFIED:
		return ""
	case councilsv1.MemberRole_MEMBER_ROLE_MEMBER:
		return string(council.RoleMember)
	case councilsv1.MemberRole_MEMBER_ROLE_CHAIR:
		return string(council.RoleChair)
	case councilsv1.MemberRole_MEMBER_ROLE_SECRETARY:
		return string(council.RoleSecretary)
	default:
		return fmt.Sprintf("role %d", int32(r))
	}
}

func roleMsg(r council.Role) councilsv1.MemberRole {
	switch r {
	case council.RoleMember:
		return councilsv1.MemberRole_MEMBER_ROLE_MEMBER
	case council.RoleChair:
		return councilsv1.MemberRole_MEMBER_ROLE_CHAIR
	case council.RoleSecretary:
		return councilsv1.MemberRole_MEMBER_ROLE_SECRETARY
	default:
		return councilsv1.MemberRole_MEMBER_ROLE_UNSPECIFIED
	}
}

func councilMsg(c council.Council, vacancies int) *councilsv1.Council {
	return &councilsv1.Council{
		MunicipalityCode:          c.MunicipalityCode(),
		Name:                      c.Name(),
		ContactEmail:              c.ContactEmail(),
		TakesUnsolicitedQuestions: c.TakesUnsolicitedQuestions(),
		Seats:                     int32(c.Seats()),
		Vacancies:                 int32(vacancies),
		UpdateTime:                timestamppb.New(c.UpdatedAt()),
		Etag:                      revision.Tag(c.UpdatedAt()),
	}
}

func memberMsg(m council.Member, today council.Date) *councilsv1.Member {
	return &councilsv1.Member{
		Id:               m.ID(),
		MunicipalityCode: m.MunicipalityCode(),
		Name:             m.Name(),
		Role:             roleMsg(m.Role()),
		TermStart:        m.Term().Start.String(),
		TermEnd:          m.Term().End.String(),
		Active:           m.Active(today),
		Subject:          m.Subject(),
		Etag:             revision.Tag(m.UpdatedAt()),
	}
}
