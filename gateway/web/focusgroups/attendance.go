package focusgroups

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// The attendance sheet, sized for a phone: a box per member who said yes
// or maybe, and walk-ins counted per role without any personal detail;
// and the list to print for a session without a device.

// attendancePage is the data of .../bijeenkomsten/{sid}/aanwezigheid and
// of the printable list.
type attendancePage struct {
	Group     groupHead
	When      string
	Day       string
	Place     string
	Action    string
	HeldURL   string
	PrintURL  string
	BackURL   string
	Editable  bool
	Members   []attendee
	WalkIns   []field
	Present   []roleCount
	Total     int32
	Errors    *kit.FormErrors
	Scheduled bool
}

// attendee is a member on the sheet.
type attendee struct {
	ID, Name, Role, Answer string
	Present                bool
}

// roleCount is a role's count in words.
type roleCount struct {
	Role  string
	Count int32
}

// Fields of the sheet.
const (
	fPresent = "aanwezig"
	walkIns  = "inloop-" // + role key
)

// attendance serves GET .../bijeenkomsten/{sid}/aanwezigheid.
func (s *Pages) attendance(wk *work) error {
	p, err := s.attendanceSheet(wk, false)
	if err != nil {
		return err
	}
	wk.Done("fg.done.", "aanwezigheid", "gehouden")
	wk.View.Page = p
	return nil
}

// attendancePrint serves GET .../bijeenkomsten/{sid}/presentielijst: every
// active member, since on paper anyone may sign.
func (s *Pages) attendancePrint(wk *work) error {
	p, err := s.attendanceSheet(wk, true)
	if err != nil {
		return err
	}
	wk.View.Title = wk.Words.Say("fg.print.title", "day", p.Day, "group", p.Group.Name)
	wk.View.Page = p
	return nil
}

// attendanceSheet reads the session's sheet: the members who said yes
// or maybe (all active members when all is set) with their marks, and
// the walk-ins.
func (s *Pages) attendanceSheet(wk *work, all bool) (*attendancePage, error) {
	ld, err := wk.loadGroup()
	if err != nil {
		return nil, err
	}
	ss, err := wk.getSession()
	if err != nil {
		return nil, err
	}
	gid, sid := ld.g.GetId(), ss.GetId()
	rsvps, err := wk.api.ListRsvps(wk.Context(), &focusgroupsv1.ListRsvpsRequest{FocusGroupId: gid, SessionId: sid})
	if err != nil {
		return nil, err
	}
	sheet, err := wk.api.GetAttendance(wk.Context(), &focusgroupsv1.GetAttendanceRequest{FocusGroupId: gid, SessionId: sid})
	if err != nil {
		return nil, err
	}
	members, err := wk.memberNames(gid)
	if err != nil {
		return nil, err
	}
	w := wk.Words
	back := sessionURL(gid, sid)
	wk.View.Title = w.Say("fg.attendance.title", "day", day(w, ss.GetStartTime()), "group", ld.head.Name)
	p := &attendancePage{
		Group:     ld.head,
		When:      when(w, ss.GetStartTime(), ss.GetEndTime()),
		Day:       day(w, ss.GetStartTime()),
		Place:     ss.GetPlace().GetAddress(),
		Action:    back + "/aanwezigheid",
		HeldURL:   back + "/gehouden",
		PrintURL:  back + "/presentielijst",
		BackURL:   back,
		Editable:  ss.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED,
		Scheduled: ss.GetStatus() == focusgroupsv1.SessionStatus_SESSION_STATUS_SCHEDULED,
		Total:     sheet.GetTotal(),
		Errors:    &kit.FormErrors{},
	}
	present := map[string]bool{}
	for _, ma := range sheet.GetMembers() {
		present[ma.GetMemberId()] = ma.GetPresent()
	}
	listed := map[string]bool{}
	for _, r := range rsvps.GetRsvps() {
		key := ""
		switch r.GetState() {
		case focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED:
			key = "fg.attendance.yes"
		case focusgroupsv1.RsvpState_RSVP_STATE_WAITLISTED:
			key = "fg.attendance.waiting"
		case focusgroupsv1.RsvpState_RSVP_STATE_TENTATIVE:
			key = "fg.attendance.maybe"
		default:
			if !all {
				continue
			}
			key = "fg.attendance.no"
		}
		listed[r.GetMemberId()] = true
		p.Members = append(p.Members, attendee{
			ID: r.GetMemberId(), Name: nameOf(w, members, r.GetMemberId()), Role: ld.roles.label(r.GetRole()),
			Answer: w.Text(key), Present: present[r.GetMemberId()],
		})
	}
	if all {
		for _, m := range members {
			if !listed[m.GetId()] && m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE {
				p.Members = append(p.Members, attendee{ID: m.GetId(), Name: m.GetName(), Role: ld.roles.label(m.GetRole()), Answer: w.Text("fg.attendance.noAnswer")})
			}
		}
		slices.SortStableFunc(p.Members[len(listed):], func(a, b attendee) int { return strings.Compare(a.Name, b.Name) })
	}
	walked := map[string]int32{}
	for _, wi := range sheet.GetWalkIns() {
		walked[wi.GetRole()] = wi.GetCount()
	}
	for _, r := range ld.roles.list {
		v := ""
		if n := walked[r.GetKey()]; n > 0 {
			v = strconv.Itoa(int(n))
		}
		p.WalkIns = append(p.WalkIns, field{ID: walkIns + r.GetKey(), Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: roleLabel(r, wk.Lang()), Value: v})
	}
	for _, rc := range sheet.GetPresent() {
		p.Present = append(p.Present, roleCount{Role: ld.roles.label(rc.GetRole()), Count: rc.GetCount()})
	}
	return p, nil
}

// recordAttendance serves POST .../bijeenkomsten/{sid}/aanwezigheid: the
// whole sheet replaces the one before.
func (s *Pages) recordAttendance(wk *work) error {
	p, err := s.attendanceSheet(wk, false)
	if err != nil {
		return err
	}
	form := wk.R.PostForm
	sheet := &focusgroupsv1.Attendance{}
	for i, m := range p.Members {
		p.Members[i].Present = slices.Contains(form[fPresent], m.ID)
		sheet.Members = append(sheet.Members, &focusgroupsv1.MemberAttendance{MemberId: m.ID, Present: p.Members[i].Present})
	}
	var fields []kit.FormField
	for _, f := range p.WalkIns {
		fields = append(fields, kit.FormField{Path: "/walkIns/" + f.ID, Name: f.ID, Anchor: f.ID, Label: f.Label})
	}
	fields = append(fields, kit.FormField{})
	for i, f := range p.WalkIns {
		p.WalkIns[i].Value = form.Get(f.ID)
		n, ok := atoi(form.Get(f.ID))
		if !ok || n < 0 || n > maxSeats {
			p.Errors.Invalid(fields, f.ID, "fg.error.walkIns")
			continue
		}
		if n > 0 {
			sheet.WalkIns = append(sheet.WalkIns, &focusgroupsv1.WalkIns{Role: f.ID[len(walkIns):], Count: n})
		}
	}
	if p.Errors.Any() {
		p.WalkIns = withErrors(p.WalkIns, p.Errors)
		wk.Status = http.StatusUnprocessableEntity
		wk.View.HasErrors = true
		wk.View.Page = p
		return nil
	}
	gid, sid := wk.R.PathValue("id"), wk.R.PathValue("sid")
	_, err = wk.api.RecordAttendance(wk.Context(), &focusgroupsv1.RecordAttendanceRequest{FocusGroupId: gid, SessionId: sid, Attendance: sheet})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(p.Action, "aanwezigheid")
		return nil
	case kit.IsFormError(err):
		p.Errors = kit.FromStatus(err, "attendance", fields, nil)
		p.WalkIns = withErrors(p.WalkIns, p.Errors)
		wk.Status = kit.FormStatus(err)
		wk.View.HasErrors = true
		wk.View.Page = p
		return nil
	}
	return err
}

// completeSession serves POST .../bijeenkomsten/{sid}/gehouden: the
// attendance becomes final and the process hears it brought input.
func (s *Pages) completeSession(wk *work) error {
	gid, sid := wk.R.PathValue("id"), wk.R.PathValue("sid")
	_, err := wk.api.CompleteSession(wk.Context(), &focusgroupsv1.CompleteSessionRequest{FocusGroupId: gid, Id: sid})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(gid, sid)+"/aanwezigheid", "gehouden")
		return nil
	case kit.IsFormError(err):
		p, lerr := s.attendanceSheet(wk, false)
		if lerr != nil {
			return lerr
		}
		p.Errors.Invalid(nil, "", "fg.error.notHeld")
		wk.Status = kit.FormStatus(err)
		wk.View.HasErrors = true
		wk.View.Page = p
		return nil
	}
	return err
}
