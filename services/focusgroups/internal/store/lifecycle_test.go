package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// TestLifecycle walks a group from forming to concluded by its process:
// a session makes it active, is moved (a new sequence, the update mailed),
// held with its attendance, findings are agreed, and the process leaving
// its analysis concludes the group. Every step leaves its event.
func TestLifecycle(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	if g.Status() != group.Forming {
		t.Fatalf("a new group is %s", g.Status())
	}
	ans := f.addResident(t, g, group.InformalCarer, "Ans de Vries", "ans@example.nl")
	kees := f.addResident(t, g, group.KeyFigure, "Kees", "kees@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)
	if got, _ := f.st.Group(ctx, g.ID(), allow); got.Status() != group.Active {
		t.Errorf("after its first session the group is %s, want active", got.Status())
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1 AND attachments::text LIKE '%uitnodiging.ics%'`, store.KindSession); n != 2 {
		t.Errorf("%d session invitations with a calendar file, want one per member: 2", n)
	}
	f.answer(t, g, ss, ans, "yes")

	moved, err := f.st.UpdateSession(ctx, g.ID(), ss.ID(), allow, func(_ group.Group, s *session.Session) (session.Outcome, error) {
		c := s.Editable()
		c.Plan.StartsAt, c.Plan.EndsAt = c.Plan.StartsAt.Add(24*time.Hour), c.Plan.EndsAt.Add(24*time.Hour)
		return s.Edit(c, f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if moved.Sequence() != ss.Sequence()+1 {
		t.Errorf("sequence %d after a move, want %d", moved.Sequence(), ss.Sequence()+1)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE subject LIKE 'Gewijzigd:%'`); n != 2 {
		t.Errorf("%d update mails, want 2", n)
	}

	f.now = moved.StartsAt().Add(30 * time.Minute)
	if _, err := f.st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{
		Members: []store.Marked{{MemberID: ans.ID(), Present: true}, {MemberID: kees.ID(), Present: false}},
		WalkIns: []store.WalkIns{{Role: group.InformalCarer, Count: 2}},
	}, allow); err != nil {
		t.Fatal(err)
	}
	sheet, err := f.st.Attendance(ctx, g.ID(), ss.ID(), allow)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{group.InformalCarer: 3}, sheet.Present); diff != "" {
		t.Errorf("present by role (-want +got):\n%s", diff)
	}
	if _, err := f.st.CompleteSession(ctx, g.ID(), ss.ID(), allow); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{}, allow); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("changing a held session's attendance: %v, want failed precondition", err)
	}

	fd, err := f.st.CreateFinding(ctx, g.ID(), allow, func(g group.Group) (finding.Finding, error) {
		return finding.New(findingSpec(g, ss.ID(), ans.ID()), f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AgreeFinding(ctx, g.ID(), fd.ID(), allow); err != nil {
		t.Fatal(err)
	}
	pub, err := f.st.PublishedFindings(ctx, g.ID())
	if err != nil {
		t.Fatal(err)
	}
	quotes, ok := pub.Findings[0].Published()
	if !ok || len(quotes) != 2 || quotes[0].SpeakerName != "Ans" || quotes[1].SpeakerName != "" {
		t.Errorf("published quotes %+v, want the named one with its name and the anonymous one without", quotes)
	}

	// The process moves from analyse to advise: the group concludes.
	if err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error { return f.st.EndForProcess(ctx, tx, processID) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.Group(ctx, g.ID(), allow); got.Status() != group.Concluded {
		t.Errorf("after its process left the analysis the group is %s, want concluded", got.Status())
	}
	want := []string{"focusgroup.formed", "member.joined", "member.joined", "session.scheduled", "session.rescheduled",
		"session.held", "findings.recorded", "focusgroup.concluded"}
	if diff := cmp.Diff(want, f.events(t)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// The held session's event counts by role, members and walk-ins.
	var data []byte
	if err := f.pool.QueryRow(ctx, `SELECT data FROM outbox WHERE subject LIKE '%.session.held'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"attendees":3`, `"members":1`, `"walkIns":2`} {
		if !strings.Contains(strings.ReplaceAll(string(data), " ", ""), w) {
			t.Errorf("session.held %s lacks %s", data, w)
		}
	}
}

// TestBadInputStoresNothing: each refused write names the field and leaves
// every table as it was.
func TestBadInputStoresNothing(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	m := f.addResident(t, g, group.Client, "Ans", "ans@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)
	other := f.newGroup(t, clientsAndKeyFigures)
	stranger := f.addResident(t, other, group.Client, "Piet", "piet@example.nl")
	otherSession := f.schedule(t, other, 7*24*time.Hour)
	concluded := f.newGroup(t, clientsAndKeyFigures)
	if _, err := f.st.UpdateGroup(ctx, concluded.ID(), func(g *group.Group) error { return g.Conclude(f.now) }); err != nil {
		t.Fatal(err)
	}
	link := f.memberToken(t, m)
	sessionAt := func(start, end time.Duration) func(g group.Group) (session.Session, error) {
		return func(g group.Group) (session.Session, error) {
			return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: f.now.Add(start), EndsAt: f.now.Add(end),
				Place: session.Place{Address: "Raadhuis"}}}, f.now)
		}
	}
	newGroup := func(processID string) error {
		_, err := f.st.NewGroup(ctx, processID, func(p process.Process) (group.Group, error) {
			return group.New(group.Spec{Process: groupProcess(p), Name: "Nog een groep", CreatedBy: "organiser"}, f.now)
		})
		return err
	}

	tests := []struct {
		name  string
		write func() error
		code  errs.Code
		field string
	}{
		{"a session that ends before it starts", func() error {
			_, err := f.st.ScheduleSession(ctx, g.ID(), allow, sessionAt(48*time.Hour, 47*time.Hour))
			return err
		}, errs.Invalid, "/endTime"},
		{"a session in the past", func() error {
			_, err := f.st.ScheduleSession(ctx, g.ID(), allow, sessionAt(-48*time.Hour, -47*time.Hour))
			return err
		}, errs.Invalid, "/startTime"},
		{"an unknown process", func() error { return newGroup("01957a3c-2b1e-7c00-8000-00000000dead") }, errs.Invalid, "/processId"},
		{"a process past its analysis", func() error { return newGroup(doneProcessID) }, errs.Invalid, "/processId"},
		{"inviting to a concluded group", func() error {
			_, _, err := f.st.InviteResidents(ctx, concluded.ID(), []store.Invitee{{Email: "nieuw@example.nl", Name: "Nieuw", Role: group.Client}}, allow)
			return err
		}, errs.FailedPrecondition, "/status"},
		{"an invitee without a valid address", func() error {
			_, _, err := f.st.InviteResidents(ctx, g.ID(), []store.Invitee{{Email: "geen adres", Name: "Nieuw", Role: group.Client}}, allow)
			return err
		}, errs.Invalid, "/invitees/0/email"},
		{"a member link answering another group's session", func() error {
			_, err := f.st.Respond(ctx, link, otherSession.ID(), store.Answer{Answer: seating.Yes})
			return err
		}, errs.NotFound, "/sessionId"},
		{"another group's member answering", func() error {
			_, err := f.st.SetRsvp(ctx, g.ID(), ss.ID(), stranger.ID(), store.Answer{Answer: seating.Yes}, "organiser", allow)
			return err
		}, errs.Invalid, "/memberId"},
		{"another group's member on the attendance sheet", func() error {
			_, err := f.st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{Members: []store.Marked{{MemberID: stranger.ID(), Present: true}}}, allow)
			return err
		}, errs.Invalid, "/members/0/memberId"},
		{"a walk-in without a role", func() error {
			_, err := f.st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{WalkIns: []store.WalkIns{{Role: "buurman", Count: 1}}}, allow)
			return err
		}, errs.Invalid, "/walkIns/0/role"},
		{"a finding of another group's session", func() error {
			_, err := f.st.CreateFinding(ctx, g.ID(), allow, func(g group.Group) (finding.Finding, error) {
				return finding.New(findingSpec(g, otherSession.ID(), ""), f.now)
			})
			return err
		}, errs.Invalid, "/sessionId"},
		{"a quote of another group's member", func() error {
			_, err := f.st.CreateFinding(ctx, g.ID(), allow, func(g group.Group) (finding.Finding, error) {
				return finding.New(findingSpec(g, "", stranger.ID()), f.now)
			})
			return err
		}, errs.Invalid, "/quotes/0/memberId"},
		{"a session of another group", func() error {
			_, err := f.st.CancelSession(ctx, g.ID(), otherSession.ID(), "", allow)
			return err
		}, errs.NotFound, ""},
		{"an unknown invitation", func() error {
			_, _, err := f.st.AcceptInvitation(ctx, link)
			return err
		}, errs.NotFound, "/token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.fingerprint(t)
			err := tt.write()
			if errs.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if tt.field != "" && !slices.Contains(fieldsOf(err), tt.field) {
				t.Errorf("the error names %v, want %s", fieldsOf(err), tt.field)
			}
			if after := f.fingerprint(t); after != before {
				t.Errorf("a refused write changed the data:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// memberToken gives m a member link and returns its token, as a mail
// would carry.
func (f *fixture) memberToken(t *testing.T, m member.Member) string {
	t.Helper()
	invs, _, err := f.st.InviteResidents(context.Background(), m.GroupID(), []store.Invitee{{Email: "link-" + m.Email(), Name: m.Name(), Role: m.Role()}}, allow)
	if err != nil || len(invs) != 1 {
		t.Fatalf("inviting: %v", err)
	}
	// The token lives only in the mail: read it back from there.
	var text string
	if err := f.pool.QueryRow(context.Background(), `SELECT text_body FROM outgoing_mail WHERE to_address = $1`, "link-"+m.Email()).Scan(&text); err != nil {
		t.Fatal(err)
	}
	_, token, err := f.st.AcceptInvitation(context.Background(), tokenIn(t, text, "/focusgroep/uitnodiging/"))
	if err != nil {
		t.Fatalf("accepting: %v", err)
	}
	return token
}

// tokenIn finds the token after prefix in a mail's text.
func tokenIn(t *testing.T, text, prefix string) string {
	t.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		t.Fatalf("no %s link in %q", prefix, text)
	}
	rest := text[i+len(prefix):]
	if j := strings.IndexAny(rest, " \n?"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
