package api

import (
	"maps"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// Messages to domain values and back. What the domain validates is passed
// on as given, so that its errors name the request's fields; what only a
// message can get wrong (an undefined enum value, a malformed time) is
// added to v under the same JSON-pointer paths.

func timeOf(v *errs.Violations, path string, ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	if err := ts.CheckValid(); err != nil {
		v.Add(path, "is not a valid time")
		return time.Time{}
	}
	return ts.AsTime()
}

func timeMsg(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

var groupStatuses = map[group.Status]pb.FocusGroupStatus{
	group.Forming:   pb.FocusGroupStatus_FOCUS_GROUP_STATUS_FORMING,
	group.Active:    pb.FocusGroupStatus_FOCUS_GROUP_STATUS_ACTIVE,
	group.Concluded: pb.FocusGroupStatus_FOCUS_GROUP_STATUS_CONCLUDED,
	group.Dissolved: pb.FocusGroupStatus_FOCUS_GROUP_STATUS_DISSOLVED,
}

// groupStatusOf reads a status filter; unspecified is any status.
func groupStatusOf(s pb.FocusGroupStatus) (group.Status, bool) {
	if s == pb.FocusGroupStatus_FOCUS_GROUP_STATUS_UNSPECIFIED {
		return "", true
	}
	for k, m := range groupStatuses {
		if m == s {
			return k, true
		}
	}
	return "", false
}

func seatingOf(m *pb.FocusGroup) group.Seating {
	s := group.Seating{Total: int(m.GetTotalSeats())}
	for _, sg := range m.GetSeats() {
		s.Groups = append(s.Groups, group.SeatGroup{Roles: sg.GetRoles(), Seats: int(sg.GetSeats())})
	}
	return s
}

// groupMsg is g as the API shows it, with its active members per role.
func groupMsg(g group.Group, members map[string]int) *pb.FocusGroup {
	p := g.Process()
	m := &pb.FocusGroup{
		Id: g.ID(), ProcessId: p.ID, Tenant: p.Tenant, Participants: p.Participants, Theme: p.Theme, QuestionId: p.QuestionID,
		Name: g.Name(), Purpose: g.Purpose(), PlannedSessions: int32(g.PlannedSessions()), TotalSeats: int32(g.Seating().Total),
		ReminderHours: int32(g.ReminderHours()), Organisers: g.Organisers(), Status: groupStatuses[g.Status()],
		DissolveReason: g.DissolveReason(), CreatedBy: g.CreatedBy(), CreateTime: timeMsg(g.CreatedAt()),
		UpdateTime: timeMsg(g.UpdatedAt()), EndTime: timeMsg(g.EndedAt()), Etag: revision.Tag(g.UpdatedAt()),
	}
	for _, sg := range g.Seating().Groups {
		m.Seats = append(m.Seats, &pb.SeatGroup{Roles: sg.Roles, Seats: int32(sg.Seats)})
	}
	m.Members = roleCounts(members)
	return m
}

// roleCounts lists counts per role in the roles' order.
func roleCounts(counts map[string]int) []*pb.RoleCount {
	var out []*pb.RoleCount
	for _, key := range roleKeys(counts) {
		if n := counts[key]; n > 0 {
			out = append(out, &pb.RoleCount{Role: key, Count: int32(n)})
		}
	}
	return out
}

// roleKeys returns the keys of m in the roles' order: the built-in roles
// first, then a tenant's own and any the operator has removed since, which
// members keep.
func roleKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, group.CompareKeys)
	return keys
}

// roleMsg is the role with key as the API shows it, with the labels roles
// gives it; a role the operator has removed since is shown by its key.
func roleMsg(roles group.RoleSet, key string) *pb.Role {
	r := roles.Label(key)
	return &pb.Role{Key: r.Key, LabelNl: r.NL, LabelEn: r.EN, Resident: r.Resident}
}

var memberKinds = map[member.Kind]pb.MemberKind{member.Staff: pb.MemberKind_MEMBER_KIND_STAFF, member.Resident: pb.MemberKind_MEMBER_KIND_RESIDENT}

var memberStatuses = map[member.Status]pb.MemberStatus{
	member.Active: pb.MemberStatus_MEMBER_STATUS_ACTIVE, member.Left: pb.MemberStatus_MEMBER_STATUS_LEFT,
	member.Erased: pb.MemberStatus_MEMBER_STATUS_ERASED,
}

var consentMethods = map[member.ConsentMethod]pb.ConsentMethod{
	member.ByInvitationLink: pb.ConsentMethod_CONSENT_METHOD_INVITATION_LINK,
	member.InPerson:         pb.ConsentMethod_CONSENT_METHOD_IN_PERSON,
	member.ByPhone:          pb.ConsentMethod_CONSENT_METHOD_PHONE,
	member.OnPaperForm:      pb.ConsentMethod_CONSENT_METHOD_PAPER_FORM,
	member.ByEmail:          pb.ConsentMethod_CONSENT_METHOD_EMAIL,
}

// memberSpecOf reads a new member; recordedBy records a resident's consent.
func memberSpecOf(v *errs.Violations, groupID string, m *pb.GroupMember, recordedBy string) member.Spec {
	spec := member.Spec{GroupID: groupID, Role: m.GetRole(), Name: m.GetName(), Email: m.GetEmail(), Subject: m.GetSubject(),
		Language: m.GetLanguage()}
	for k, e := range memberKinds {
		if e == m.GetKind() {
			spec.Kind = k
		}
	}
	if c := m.GetConsent(); c != nil {
		spec.Consent = member.Consent{At: timeOf(v, "/consent/time", c.GetTime()), RecordedBy: recordedBy}
		for k, e := range consentMethods {
			if e == c.GetMethod() && k != member.ByInvitationLink {
				spec.Consent.Method = k
			}
		}
		if spec.Consent.Method == "" {
			spec.Consent.Method = "unset"
		}
	}
	return spec
}

func memberMsg(m member.Member) *pb.GroupMember {
	out := &pb.GroupMember{Id: m.ID(), FocusGroupId: m.GroupID(), Kind: memberKinds[m.Kind()], Role: m.Role(), Name: m.Name(),
		Email: m.Email(), Subject: m.Subject(), Language: m.Language(), Status: memberStatuses[m.Status()],
		JoinTime: timeMsg(m.JoinedAt()), LeaveTime: timeMsg(m.LeftAt())}
	if c := m.Consent(); c.Method != "" {
		out.Consent = &pb.Consent{Method: consentMethods[c.Method], Time: timeMsg(c.At), RecordedBy: c.RecordedBy}
	}
	return out
}

var sessionStatuses = map[session.Status]pb.SessionStatus{
	session.Scheduled: pb.SessionStatus_SESSION_STATUS_SCHEDULED, session.Held: pb.SessionStatus_SESSION_STATUS_HELD,
	session.Cancelled: pb.SessionStatus_SESSION_STATUS_CANCELLED,
}

func planOf(v *errs.Violations, m *pb.Session) session.Plan {
	return session.Plan{StartsAt: timeOf(v, "/startTime", m.GetStartTime()), EndsAt: timeOf(v, "/endTime", m.GetEndTime()),
		Place:     session.Place{Address: m.GetPlace().GetAddress(), Accessibility: m.GetPlace().GetAccessibility()},
		OnlineURL: m.GetOnlineUrl(), Agenda: m.GetAgenda()}
}

func placeMsg(p session.Place) *pb.Place {
	if p == (session.Place{}) {
		return nil
	}
	return &pb.Place{Address: p.Address, Accessibility: p.Accessibility}
}

// sessionMsg is ss as the API shows it; notes only to those who manage
// the group.
func sessionMsg(ss session.Session, counts map[string]map[string]int, withNotes bool) *pb.Session {
	p := ss.Plan()
	m := &pb.Session{Id: ss.ID(), FocusGroupId: ss.GroupID(), StartTime: timeMsg(p.StartsAt), EndTime: timeMsg(p.EndsAt),
		Place: placeMsg(p.Place), OnlineUrl: p.OnlineURL, Agenda: p.Agenda, Capacity: int32(ss.Capacity()),
		Status: sessionStatuses[ss.Status()], Sequence: int32(ss.Sequence()), CancelReason: ss.CancelReason(),
		CreateTime: timeMsg(ss.CreatedAt()), UpdateTime: timeMsg(ss.UpdatedAt()), HeldTime: timeMsg(ss.HeldAt()),
		Etag: revision.Tag(ss.UpdatedAt())}
	if withNotes {
		m.Notes = ss.Notes()
	}
	for _, key := range roleKeys(counts) {
		c := counts[key]
		if len(c) == 0 {
			continue
		}
		m.Rsvps = append(m.Rsvps, &pb.RoleRsvps{Role: key, Confirmed: int32(c[string(seating.Confirmed)]),
			Waitlisted: int32(c[string(seating.Waitlisted)]), Tentative: int32(c[string(seating.Tentative)]),
			Declined: int32(c[string(seating.Declined)])})
	}
	return m
}

var answers = map[seating.Answer]pb.RsvpAnswer{seating.Yes: pb.RsvpAnswer_RSVP_ANSWER_YES, seating.No: pb.RsvpAnswer_RSVP_ANSWER_NO,
	seating.Maybe: pb.RsvpAnswer_RSVP_ANSWER_MAYBE}

var states = map[seating.State]pb.RsvpState{seating.Confirmed: pb.RsvpState_RSVP_STATE_CONFIRMED,
	seating.Waitlisted: pb.RsvpState_RSVP_STATE_WAITLISTED, seating.Declined: pb.RsvpState_RSVP_STATE_DECLINED,
	seating.Tentative: pb.RsvpState_RSVP_STATE_TENTATIVE}

var needs = map[seating.AccessNeed]pb.AccessNeed{seating.Interpreter: pb.AccessNeed_ACCESS_NEED_INTERPRETER,
	seating.Wheelchair: pb.AccessNeed_ACCESS_NEED_WHEELCHAIR, seating.Companion: pb.AccessNeed_ACCESS_NEED_COMPANION,
	seating.Dietary: pb.AccessNeed_ACCESS_NEED_DIETARY, seating.OtherNeed: pb.AccessNeed_ACCESS_NEED_OTHER}

// answerOf reads an answer with its access needs; an undefined value is
// passed on as one the domain refuses, naming the field.
func answerOf(a pb.RsvpAnswer, ns []pb.AccessNeed, note string) store.Answer {
	out := store.Answer{Answer: "unset", AccessNote: note}
	for k, e := range answers {
		if e == a {
			out.Answer = k
		}
	}
	for _, n := range ns {
		need := seating.AccessNeed("unset")
		for k, e := range needs {
			if e == n {
				need = k
			}
		}
		out.AccessNeeds = append(out.AccessNeeds, need)
	}
	return out
}

func rsvpMsg(r store.Rsvp) *pb.Rsvp {
	m := &pb.Rsvp{MemberId: r.MemberID, SessionId: r.SessionID, Answer: answers[r.Answer], State: states[r.State],
		WaitlistPosition: int32(r.Position), AccessNote: r.AccessNote, Role: r.Role, AnswerTime: timeMsg(r.AnsweredAt),
		ChangedBy: r.ChangedBy, PromoteTime: timeMsg(r.PromotedAt), PromotionReason: r.PromotionReason}
	for _, n := range r.AccessNeeds {
		m.AccessNeeds = append(m.AccessNeeds, needs[n])
	}
	return m
}

func sheetOf(m *pb.Attendance) store.Sheet {
	var s store.Sheet
	for _, a := range m.GetMembers() {
		s.Members = append(s.Members, store.Marked{MemberID: a.GetMemberId(), Present: a.GetPresent()})
	}
	for _, w := range m.GetWalkIns() {
		s.WalkIns = append(s.WalkIns, store.WalkIns{Role: w.GetRole(), Count: int(w.GetCount())})
	}
	return s
}

func sheetMsg(s store.Sheet) *pb.Attendance {
	m := &pb.Attendance{SessionId: s.SessionID, Present: roleCounts(s.Present), Total: int32(s.Total()), UpdateTime: timeMsg(s.UpdatedAt)}
	for _, a := range s.Members {
		m.Members = append(m.Members, &pb.MemberAttendance{MemberId: a.MemberID, Present: a.Present})
	}
	for _, w := range s.WalkIns {
		m.WalkIns = append(m.WalkIns, &pb.WalkIns{Role: w.Role, Count: int32(w.Count)})
	}
	return m
}

var breadths = map[finding.Breadth]pb.FindingBreadth{finding.All: pb.FindingBreadth_FINDING_BREADTH_ALL,
	finding.Most: pb.FindingBreadth_FINDING_BREADTH_MOST, finding.Some: pb.FindingBreadth_FINDING_BREADTH_SOME,
	finding.One: pb.FindingBreadth_FINDING_BREADTH_ONE}

var consents = map[finding.Consent]pb.QuoteConsent{finding.Named: pb.QuoteConsent_QUOTE_CONSENT_NAMED,
	finding.Anonymous: pb.QuoteConsent_QUOTE_CONSENT_ANONYMOUS, finding.Internal: pb.QuoteConsent_QUOTE_CONSENT_INTERNAL}

var findingStatuses = map[finding.Status]pb.FindingStatus{finding.Draft: pb.FindingStatus_FINDING_STATUS_DRAFT,
	finding.Agreed: pb.FindingStatus_FINDING_STATUS_AGREED}

func breadthOf(b pb.FindingBreadth) finding.Breadth {
	for k, e := range breadths {
		if e == b {
			return k
		}
	}
	return "unset"
}

func quotesOf(ms []*pb.Quote) []finding.Quote {
	out := make([]finding.Quote, 0, len(ms))
	for _, q := range ms {
		c := finding.Consent("unset")
		for k, e := range consents {
			if e == q.GetConsent() {
				c = k
			}
		}
		out = append(out, finding.Quote{ID: q.GetId(), Text: q.GetText(), Consent: c, SpeakerName: q.GetSpeakerName(), MemberID: q.GetMemberId()})
	}
	return out
}

func findingMsg(f finding.Finding) *pb.Finding {
	r := f.Record()
	m := &pb.Finding{Id: r.ID, FocusGroupId: r.GroupID, SessionId: r.SessionID, Statement: r.Statement, Breadth: breadths[r.Breadth],
		QuestionId: r.QuestionID, Status: findingStatuses[r.Status], CreatedBy: r.CreatedBy, CreateTime: timeMsg(r.CreatedAt),
		UpdateTime: timeMsg(r.UpdatedAt), AgreeTime: timeMsg(r.AgreedAt), Etag: revision.Tag(r.UpdatedAt)}
	for _, q := range r.Quotes {
		m.Quotes = append(m.Quotes, &pb.Quote{Id: q.ID, Text: q.Text, Consent: consents[q.Consent], SpeakerName: q.SpeakerName, MemberId: q.MemberID})
	}
	return m
}

// publishedMsg shows a group's agreed findings only as their speakers
// allow (finding.Published).
func publishedMsg(p store.Published) *pb.PublishedFindings {
	proc := p.Group.Process()
	out := &pb.PublishedFindings{FocusGroupId: p.Group.ID(), FocusGroupName: p.Group.Name(), ProcessId: proc.ID, QuestionId: proc.QuestionID}
	for _, f := range p.Findings {
		quotes, ok := f.Published()
		if !ok {
			continue
		}
		pf := &pb.PublishedFinding{Id: f.ID(), SessionId: f.SessionID(), Statement: f.Statement(), Breadth: breadths[f.Breadth()],
			AgreeTime: timeMsg(f.AgreedAt())}
		for _, q := range quotes {
			pf.Quotes = append(pf.Quotes, &pb.PublishedQuote{Text: q.Text, SpeakerName: q.SpeakerName})
		}
		out.Findings = append(out.Findings, pf)
	}
	return out
}

func exportMsg(e store.Export) *pb.MemberExport {
	m := &pb.MemberExport{Member: memberMsg(e.Member), FocusGroupName: e.GroupName, AttendedSessions: slices.Clone(e.Attended)}
	for _, r := range e.Rsvps {
		m.Rsvps = append(m.Rsvps, &pb.MemberExportRsvp{SessionId: r.SessionID, StartTime: timeMsg(r.StartsAt), Answer: r.Answer,
			State: r.State, AccessNeeds: r.AccessNeeds, AccessNote: r.AccessNote})
	}
	for _, q := range e.Quotes {
		m.Quotes = append(m.Quotes, &pb.MemberExportQuote{FindingId: q.FindingID, Text: q.Text, Consent: q.Consent})
	}
	return m
}
