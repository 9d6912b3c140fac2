package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// plainLetters composes a mail that carries its letter's tokens as text.
func plainLetters(l store.Letter) mailq.Mail {
	return mailq.Mail{To: l.To, Subject: l.Kind, Text: l.ActionToken + " " + l.UnsubscribeToken, Kind: l.Kind, Batch: l.PollID}
}

func row(line int, email, band, hood string) panel.Row {
	return panel.Row{Line: line, Email: email, Attributes: panel.Attributes{AgeBand: band, Neighbourhood: hood},
		ConsentAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
}

// An import is one transaction: a row the database refuses takes the rows
// before it down too.
func TestImportPanelStoresAllOrNothing(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	rows := []panel.Row{row(2, "a@velsen.example", "18-26", ""), row(3, "b@velsen.example", "", "")}
	// The domain never lets an age band like this through; the schema's
	// check stands in for any fault in the middle of an import.
	bad := append(rows, row(4, "c@velsen.example", "65-74", ""))
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", bad, false, time.Now()); err == nil {
		t.Fatal("ImportPanel stored an age band the schema refuses")
	}
	if n := f.count(t, `SELECT count(*) FROM panel_members`); n != 0 {
		t.Errorf("%d members stored by a failed import, want 0", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d events from a failed import, want 0", n)
	}

	dry, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", rows, true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if dry.Imported != 2 || f.count(t, `SELECT count(*) FROM panel_members`) != 0 {
		t.Errorf("dry run: %+v, %d stored; want 2 imported, none stored", dry, f.count(t, `SELECT count(*) FROM panel_members`))
	}
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", rows, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	again, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", []panel.Row{row(2, "A@velsen.example", "18-26", ""), row(3, "b@velsen.example", "", "Noord")}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(store.ImportResult{Unchanged: 1, Updated: 1}, again); diff != "" {
		t.Errorf("re-import (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Errorf("%d size events, want 1 (only the first import changed the size)", n)
	}
}

// Inviting a panel twice invites nobody twice; each invitation records
// the member's attributes and gets one mail; a reminder goes once.
func TestInvitePanelInvitesEachMemberOnce(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	spec := flashSpec("", now)
	spec.Audience = poll.Audience{Kind: poll.Panel}
	p := openPoll(t, f, spec, now)
	rows := []panel.Row{row(2, "a@velsen.example", "18-26", "Noord"), row(3, "b@velsen.example", "66-75", "Zuid")}
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", rows, false, now); err != nil {
		t.Fatal(err)
	}
	all := store.PanelFilter{Municipalities: []string{"GM0453"}}

	young := all
	young.AgeBands = []string{"18-26"}
	if n, skipped, err := f.st.InvitePanel(ctx, p.ID(), young, plainLetters, now); err != nil || n != 1 || skipped != 0 {
		t.Fatalf("InvitePanel(18-26) = %d, %d, %v; want 1 invited", n, skipped, err)
	}
	if n, skipped, err := f.st.InvitePanel(ctx, p.ID(), all, plainLetters, now); err != nil || n != 1 || skipped != 1 {
		t.Fatalf("InvitePanel(all) = %d, %d, %v; want 1 invited, 1 skipped", n, skipped, err)
	}
	if n, skipped, err := f.st.InvitePanel(ctx, p.ID(), all, plainLetters, now); err != nil || n != 0 || skipped != 2 {
		t.Fatalf("InvitePanel(all) again = %d, %d, %v; want none invited, 2 skipped", n, skipped, err)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE age_band IS NOT NULL AND neighbourhood IS NOT NULL`); n != 2 {
		t.Errorf("%d invitations with the member's attributes, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = 'invitation' AND batch = $1`, p.ID()); n != 2 {
		t.Errorf("%d invitation mails, want 2", n)
	}

	for _, want := range []int{2, 0} {
		if n, err := f.st.RemindPanel(ctx, p.ID(), plainLetters, now); err != nil || n != want {
			t.Errorf("RemindPanel = %d, %v; want %d", n, err, want)
		}
	}
}

// A panel larger than one round trip of mails (mailMembers sends them 500
// at a time): every member gets one invitation mail and one reminder, each
// with a link of their own to leave the panel.
func TestInvitingALargePanelMailsEveryMember(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	spec := flashSpec("", now)
	spec.Audience = poll.Audience{Kind: poll.Panel}
	p := openPoll(t, f, spec, now)
	const members = 1201
	rows := make([]panel.Row, members)
	for i := range rows {
		rows[i] = row(i+2, fmt.Sprintf("inwoner%d@velsen.example", i), "", "")
	}
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", rows, false, now); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n, _, err := f.st.InvitePanel(ctx, p.ID(), store.PanelFilter{Municipalities: []string{"GM0453"}}, plainLetters, now)
	if err != nil || n != members {
		t.Fatalf("InvitePanel = %d, %v; want %d invited", n, err, members)
	}
	t.Logf("inviting %d members took %s", members, time.Since(start))
	if n, err := f.st.RemindPanel(ctx, p.ID(), plainLetters, now); err != nil || n != members {
		t.Fatalf("RemindPanel = %d, %v; want %d", n, err, members)
	}
	for _, kind := range []string{"invitation", "reminder"} {
		if got := f.count(t, `SELECT count(DISTINCT to_address) FROM outgoing_mail WHERE kind = $1`, kind); got != members {
			t.Errorf("%s mails reach %d members, want %d", kind, got, members)
		}
	}
	// Every mail's own unsubscribe token, stored once per mail.
	if got := f.count(t, `SELECT count(*) FROM panel_tokens WHERE purpose = 'unsubscribe'`); got < 2*members {
		t.Errorf("%d unsubscribe tokens, want one per mail (%d)", got, 2*members)
	}
}

// Erasing a member deletes their data and keeps their invitations without
// the link to them; an unknown or other municipality's member is not
// found.
func TestErasePanelMemberKeepsInvitationsUnlinked(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	spec := flashSpec("", now)
	spec.Audience = poll.Audience{Kind: poll.Panel}
	p := openPoll(t, f, spec, now)
	if _, err := f.st.ImportPanel(ctx, "GM0453", "2026-01", []panel.Row{row(2, "a@velsen.example", "18-26", "Noord")}, false, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.InvitePanel(ctx, p.ID(), store.PanelFilter{Municipalities: []string{"GM0453"}}, plainLetters, now); err != nil {
		t.Fatal(err)
	}
	members, _, err := f.st.PanelMembers(ctx, "GM0453", store.MemberFilter{}, store.Page{Limit: 10})
	if err != nil || len(members) != 1 {
		t.Fatalf("PanelMembers = %v, %v", members, err)
	}
	id := members[0].ID
	if got := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE to_address = 'a@velsen.example'`); got != 1 {
		t.Fatalf("%d invitation mails queued, want 1", got)
	}

	if _, err := f.st.ErasePanelMember(ctx, "GM0375", id); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("erasing from another municipality: %v, want not found", err)
	}
	n, err := f.st.ErasePanelMember(ctx, "GM0453", id)
	if err != nil || n != 1 {
		t.Fatalf("ErasePanelMember = %d, %v; want 1 invitation unlinked", n, err)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM panel_members`:                                                    0,
		`SELECT count(*) FROM panel_tokens`:                                                     0,
		`SELECT count(*) FROM panel_consents`:                                                   0,
		`SELECT count(*) FROM invitations WHERE panel_member_id IS NULL AND age_band = '18-26'`: 1,
		// The invitation mail not sent yet is withdrawn with the person.
		`SELECT count(*) FROM outgoing_mail`: 0,
	} {
		if got := f.count(t, query); got != want {
			t.Errorf("%s = %d, want %d", query, got, want)
		}
	}
	if _, err := f.st.ErasePanelMember(ctx, "GM0453", id); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("erasing twice: %v, want not found", err)
	}
}

func TestUnconfirmedSignUpsArePurged(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	for _, a := range []string{"oud@velsen.example", "nieuw@velsen.example"} {
		if err := f.st.SignUp(ctx, panel.Application{Municipality: "GM0453", Email: a, ConsentVersion: "2026-01", Language: "nl"}, plainLetters, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pool.Exec(ctx, `UPDATE panel_members SET updated_at = $1 WHERE email = 'oud@velsen.example'`, now.Add(-8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := f.st.PurgeUnconfirmed(ctx, now.Add(-7*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PurgeUnconfirmed = %d, %v; want 1", n, err)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM panel_members WHERE email = 'oud@velsen.example'`:        0,
		`SELECT count(*) FROM outgoing_mail WHERE to_address = 'oud@velsen.example'`:   0,
		`SELECT count(*) FROM panel_members WHERE email = 'nieuw@velsen.example'`:      1,
		`SELECT count(*) FROM outgoing_mail WHERE to_address = 'nieuw@velsen.example'`: 1,
	} {
		if got := f.count(t, query); got != want {
			t.Errorf("%s = %d, want %d", query, got, want)
		}
	}
}
