package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// TestInvitationIsSingleUse: an invitation's link makes one member, then
// stops working; the member's link answers, the feed link renews, and
// leaving ends every link.
func TestInvitationIsSingleUse(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	ss := f.schedule(t, g, 7*24*time.Hour)
	invs, skipped, err := f.st.InviteResidents(ctx, g.ID(), []store.Invitee{
		{Email: "ans@example.nl", Name: "Ans", Role: group.InformalCarer},
		{Email: "ANS@example.nl", Name: "Ans", Role: group.InformalCarer},
	}, allow)
	if err != nil || len(invs) != 1 || skipped != 1 {
		t.Fatalf("inviting: %d invitations, %d skipped, %v; want 1, 1", len(invs), skipped, err)
	}
	var text string
	if err := f.pool.QueryRow(ctx, `SELECT text_body FROM outgoing_mail WHERE kind = $1`, store.KindJoinInvitation).Scan(&text); err != nil {
		t.Fatal(err)
	}
	token := tokenIn(t, text, "/focusgroep/uitnodiging/")
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE token_hash IS NOT NULL AND position(convert_to($1, 'UTF8') in token_hash) > 0`, token); n != 0 {
		t.Errorf("the token is stored as it is")
	}
	view, err := f.st.Invitation(ctx, token)
	if err != nil || view.Name != "Ans" || view.Role != group.InformalCarer {
		t.Fatalf("the invitation shows %+v, %v", view, err)
	}

	var wg sync.WaitGroup
	results := make([]error, 2)
	links := make([]string, 2)
	for i := range 2 {
		wg.Go(func() { _, links[i], results[i] = f.st.AcceptInvitation(ctx, token) })
	}
	wg.Wait()
	accepted := 0
	var link string
	for i, err := range results {
		switch {
		case err == nil:
			accepted++
			link = links[i]
		case errs.CodeOf(err) == errs.NotFound:
		default:
			t.Errorf("accepting: %v", err)
		}
	}
	if accepted != 1 {
		t.Fatalf("the link was accepted %d times, want once", accepted)
	}
	if n := f.count(t, `SELECT count(*) FROM members WHERE consent_method = 'invitation_link'`); n != 1 {
		t.Errorf("%d members by invitation, want 1", n)
	}
	if _, err := f.st.Invitation(ctx, token); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("a used invitation shows: %v", err)
	}

	r, err := f.st.Respond(ctx, link, ss.ID(), store.Answer{Answer: seating.Maybe, AccessNeeds: []seating.AccessNeed{seating.Wheelchair}})
	if err != nil || r.State != seating.Tentative || r.ChangedBy != seating.ByMember {
		t.Fatalf("answering through the link: %+v, %v", r, err)
	}
	feed, err := f.st.RenewFeed(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.st.Feed(ctx, feed); err != nil || len(v.Sessions) != 1 {
		t.Fatalf("the feed: %+v, %v", v, err)
	}
	if _, err := f.st.RenewFeed(ctx, link); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Feed(ctx, feed); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("the old feed after a renewal: %v, want not found", err)
	}
	if _, err := f.st.Leave(ctx, link); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.MemberView(ctx, link); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("the link after leaving: %v, want not found", err)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1 AND attachments::text LIKE '%afgelast.ics%'`, store.KindFarewell); n != 1 {
		t.Errorf("%d farewells with the session's cancellation, want 1", n)
	}
}

// TestEraseKeepsTheCounts: erasing a member removes their name, address,
// access needs, quotes and queued mail, and keeps their answer and
// attendance, so the figures stay; the export before shows all of it.
func TestEraseKeepsTheCounts(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	ans := f.addResident(t, g, group.InformalCarer, "Ans de Vries", "ans@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)
	if _, err := f.st.SetRsvp(ctx, g.ID(), ss.ID(), ans.ID(), store.Answer{Answer: seating.Yes,
		AccessNeeds: []seating.AccessNeed{seating.Dietary}, AccessNote: "glutenvrij"}, "organiser", allow); err != nil {
		t.Fatal(err)
	}
	f.now = ss.StartsAt().Add(time.Hour)
	if _, err := f.st.RecordAttendance(ctx, g.ID(), ss.ID(), store.Sheet{Members: []store.Marked{{MemberID: ans.ID(), Present: true}}}, allow); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateFinding(ctx, g.ID(), allow, func(g group.Group) (finding.Finding, error) {
		return finding.New(findingSpec(g, ss.ID(), ans.ID()), f.now)
	}); err != nil {
		t.Fatal(err)
	}

	export, err := f.st.ExportMember(ctx, g.ID(), ans.ID(), allow)
	if err != nil {
		t.Fatal(err)
	}
	if export.Member.Email() != "ans@example.nl" || len(export.Rsvps) != 1 || export.Rsvps[0].AccessNote != "glutenvrij" ||
		len(export.Attended) != 1 || len(export.Quotes) != 1 {
		t.Errorf("the export: %+v", export)
	}

	erased, err := f.st.EraseMember(ctx, g.ID(), ans.ID(), allow)
	if err != nil {
		t.Fatal(err)
	}
	if erased.RsvpsCleared != 1 || erased.QuotesDeleted != 1 || erased.MailsWithdrawn == 0 {
		t.Errorf("erased %+v, want 1 answer cleared, 1 quote deleted, mails withdrawn", erased)
	}
	if n := f.count(t, `SELECT count(*) FROM members WHERE name <> '' OR email <> ''`); n != 0 {
		t.Errorf("%d members keep a name or address", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE to_address = 'ans@example.nl'`); n != 0 {
		t.Errorf("%d mails to the erased address still queued", n)
	}
	if n := f.count(t, `SELECT count(*) FROM findings WHERE quotes::text LIKE '%twee jaar%'`); n != 0 {
		t.Errorf("the erased member's quote remains")
	}
	if n := f.count(t, `SELECT count(*) FROM attendance WHERE present`); n != 1 {
		t.Errorf("%d present after erasure, want the count kept: 1", n)
	}
	sheet, err := f.st.Attendance(ctx, g.ID(), ss.ID(), allow)
	if err != nil || sheet.Present[group.InformalCarer] != 1 {
		t.Errorf("attendance by role after erasure: %v, %v", sheet.Present, err)
	}
	if got := f.events(t); got[len(got)-1] != "member.left" {
		t.Errorf("last event %s, want member.left", got[len(got)-1])
	}
}

// TestRemindersOncePerMemberAndTime: a reminder goes out once per member
// when due, however many replicas look at once; a session that moves gets
// one for its new time; a cancelled one none; a "no" gets none.
func TestRemindersOncePerMemberAndTime(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	ans := f.addResident(t, g, group.InformalCarer, "Ans", "ans@example.nl")
	kees := f.addResident(t, g, group.KeyFigure, "Kees", "kees@example.nl")
	piet := f.addResident(t, g, group.Client, "Piet", "piet@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)
	cancelled := f.schedule(t, g, 7*24*time.Hour+time.Hour)
	f.answer(t, g, ss, ans, "yes")
	f.answer(t, g, ss, piet, "no")
	if _, err := f.st.CancelSession(ctx, g.ID(), cancelled.ID(), "De zaal is niet beschikbaar", allow); err != nil {
		t.Fatal(err)
	}
	reminders := func() int {
		return f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1`, store.KindReminder)
	}
	send := func(replicas int) {
		t.Helper()
		var wg sync.WaitGroup
		for range replicas {
			wg.Go(func() {
				if _, err := f.st.SendReminders(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}

	f.now = ss.StartsAt().Add(-49 * time.Hour)
	send(3)
	if n := reminders(); n != 0 {
		t.Fatalf("%d reminders 49 hours before, want none yet", n)
	}
	f.now = ss.StartsAt().Add(-47 * time.Hour)
	send(3)
	send(1)
	if n := reminders(); n != 2 {
		t.Errorf("%d reminders 47 hours before, want one each for Ans and Kees: 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1 AND to_address IN ($2, $3)`, store.KindReminder,
		ans.Email(), kees.Email()); n != 2 {
		t.Errorf("the reminders went to the wrong members")
	}

	// Moved by a week: a reminder for the new time, when it is due.
	if _, err := f.st.UpdateSession(ctx, g.ID(), ss.ID(), allow, func(_ group.Group, s *session.Session) (session.Outcome, error) {
		c := s.Editable()
		c.Plan.StartsAt, c.Plan.EndsAt = c.Plan.StartsAt.Add(7*24*time.Hour), c.Plan.EndsAt.Add(7*24*time.Hour)
		return s.Edit(c, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	send(2)
	if n := reminders(); n != 2 {
		t.Errorf("%d reminders right after the move, want still 2", n)
	}
	f.now = f.now.Add(7 * 24 * time.Hour)
	send(2)
	if n := reminders(); n != 4 {
		t.Errorf("%d reminders when the moved session's is due, want 4", n)
	}
}

// TestEnglishMembersLinksSayEnglish: the links in the mails of an invitee
// and member whose language is English open the pages in English; a Dutch
// one's name no language.
func TestEnglishMembersLinksSayEnglish(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	f.schedule(t, g, 7*24*time.Hour)
	if _, _, err := f.st.InviteResidents(ctx, g.ID(), []store.Invitee{
		{Email: "ann@example.nl", Name: "Ann", Role: group.Client, Language: "en"},
		{Email: "joop@example.nl", Name: "Joop", Role: group.Client, Language: "nl"},
	}, allow); err != nil {
		t.Fatal(err)
	}
	mailTo := func(addr, kind string) string {
		t.Helper()
		var text string
		if err := f.pool.QueryRow(ctx, `SELECT text_body FROM outgoing_mail WHERE to_address = $1 AND kind = $2`, addr, kind).Scan(&text); err != nil {
			t.Fatalf("the %s mail to %s: %v", kind, addr, err)
		}
		return text
	}
	english, dutch := mailTo("ann@example.nl", store.KindJoinInvitation), mailTo("joop@example.nl", store.KindJoinInvitation)
	token := tokenIn(t, english, "/focusgroep/uitnodiging/")
	if !strings.Contains(english, "/focusgroep/uitnodiging/"+token+"?lang=en") {
		t.Errorf("the English invitation's link has no ?lang=en:\n%s", english)
	}
	if strings.Contains(dutch, "lang=") {
		t.Errorf("the Dutch invitation's link names a language:\n%s", dutch)
	}
	if _, _, err := f.st.AcceptInvitation(ctx, token); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{store.KindWelcome, store.KindSession} {
		text := mailTo("ann@example.nl", kind)
		if link := tokenIn(t, text, "/focusgroep/"); !strings.Contains(text, "/focusgroep/"+link+"?lang=en") {
			t.Errorf("the English member's %s mail links without ?lang=en:\n%s", kind, text)
		}
	}
}
