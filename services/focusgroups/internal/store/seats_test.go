package store_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

func seatingAnswer(a string) seating.Answer { return seating.Answer(a) }

// racers adds n members of the tests' group, the first nClients clients
// and the rest key figures.
func racers(t *testing.T, f *fixture, g group.Group, n, nClients int) []member.Member {
	t.Helper()
	out := make([]member.Member, n)
	for i := range out {
		role := group.KeyFigure
		if i < nClients {
			role = group.Client
		}
		out[i] = f.addResident(t, g, role, fmt.Sprintf("Deelnemer %03d", i), fmt.Sprintf("deelnemer%03d@example.nl", i))
	}
	return out
}

// lines returns a session's answers per seat line (the clients' and the
// key figures'), in arrival order.
func lines(t *testing.T, f *fixture, g group.Group, sessionID string) map[string][]store.Rsvp {
	t.Helper()
	rs, err := f.st.Rsvps(context.Background(), g.ID(), sessionID, allow)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]store.Rsvp{}
	for _, r := range rs {
		if r.Answer != seating.Yes {
			continue
		}
		out[r.Role] = append(out[r.Role], r)
	}
	for _, l := range out {
		slices.SortFunc(l, func(a, b store.Rsvp) int { return cmp.Compare(a.Arrival, b.Arrival) })
	}
	return out
}

// checkLine checks that a line's first seats answers are confirmed and the
// rest wait in arrival order, numbered from 1.
func checkLine(t *testing.T, role string, line []store.Rsvp, seats int) {
	t.Helper()
	for i, r := range line {
		switch {
		case i < seats && r.State != seating.Confirmed:
			t.Errorf("%s #%d (arrival %d) is %s, want confirmed: the first %d to arrive have the seats", role, i, r.Arrival, r.State, seats)
		case i >= seats && (r.State != seating.Waitlisted || r.Position != i-seats+1):
			t.Errorf("%s #%d (arrival %d) is %s at place %d, want waitlisted at %d", role, i, r.Arrival, r.State, r.Position, i-seats+1)
		}
	}
}

// TestConcurrentAnswersNeverExceedTheSeats is the race: 200
// members answer yes at once, through two replicas, for a session of 10
// seats (6 for clients, 4 for key figures). Exactly 6 + 4 get a seat, the
// others wait per role in the order their answers were taken, and the log
// shows one answer each.
func TestConcurrentAnswersNeverExceedTheSeats(t *testing.T) {
	f := newStore(t, "pool_max_conns=24")
	g := f.newGroup(t, clientsAndKeyFigures)
	members := racers(t, f, g, 200, 120)
	ss := f.schedule(t, g, 7*24*time.Hour)

	// Two replicas take the answers, each batching what arrives together.
	replicas := []*store.Store{f.st, f.replica()}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, len(members))
	for i, m := range members {
		st := replicas[i%len(replicas)]
		wg.Go(func() {
			<-start
			_, err := st.SetRsvp(context.Background(), g.ID(), ss.ID(), m.ID(), store.Answer{Answer: seating.Yes}, "organiser", allow)
			if err != nil {
				errc <- fmt.Errorf("%s: %w", m.Name(), err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}

	byRole := lines(t, f, g, ss.ID())
	if got := len(byRole[group.Client]) + len(byRole[group.KeyFigure]); got != 200 {
		t.Fatalf("%d yes answers stored, want 200", got)
	}
	checkLine(t, group.Client, byRole[group.Client], 6)
	checkLine(t, group.KeyFigure, byRole[group.KeyFigure], 4)
	if n := f.count(t, `SELECT count(*) FROM rsvps WHERE state = 'confirmed'`); n != 10 {
		t.Errorf("%d seats given, want 10", n)
	}
	if n := f.count(t, `SELECT count(*) FROM rsvp_log`); n != 200 {
		t.Errorf("%d log lines, want one per answer: 200", n)
	}
	// The log is in the order the answers were taken: arrival order.
	if n := f.count(t, `SELECT count(*) FROM (SELECT r.arrival, lag(r.arrival) OVER (ORDER BY l.id) AS before
FROM rsvp_log l JOIN rsvps r USING (session_id, member_id)) t WHERE before > arrival`); n != 0 {
		t.Errorf("%d log lines out of arrival order", n)
	}
}

// TestADeclineSeatsExactlyOneOnce: a seated client's "no" gives their seat
// to the first client in line, once, however often and however fast the
// "no" is repeated, and mails that member.
func TestADeclineSeatsExactlyOneOnce(t *testing.T) {
	f := newStore(t)
	g := f.newGroup(t, clientsAndKeyFigures)
	members := racers(t, f, g, 10, 10)
	ss := f.schedule(t, g, 7*24*time.Hour)
	for _, m := range members {
		f.answer(t, g, ss, m, "yes")
	}
	seatedMails := func() int {
		return f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1`, store.KindSeated)
	}
	if n := seatedMails(); n != 0 {
		t.Fatalf("%d seat mails before anyone declined", n)
	}

	// A double click on "no", twice at once on two replicas and twice on
	// one, then once more.
	var wg sync.WaitGroup
	for _, st := range []*store.Store{f.st, f.replica(), f.st} {
		wg.Go(func() {
			if _, err := st.SetRsvp(context.Background(), g.ID(), ss.ID(), members[2].ID(), store.Answer{Answer: seating.No}, "organiser", allow); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f.answer(t, g, ss, members[2], "no")

	line := lines(t, f, g, ss.ID())[group.Client]
	var seated, waiting []string
	for _, r := range line {
		switch r.State {
		case seating.Confirmed:
			seated = append(seated, r.MemberID)
		case seating.Waitlisted:
			waiting = append(waiting, r.MemberID)
		}
	}
	if len(seated) != 6 {
		t.Errorf("%d clients seated, want 6", len(seated))
	}
	if !slices.Contains(seated, members[6].ID()) {
		t.Errorf("the first in line (%s) was not seated", members[6].Name())
	}
	if want := []string{members[7].ID(), members[8].ID(), members[9].ID()}; !slices.Equal(waiting, want) {
		t.Errorf("waiting %v, want %v", waiting, want)
	}
	r, err := f.st.OneRsvp(context.Background(), g.ID(), ss.ID(), members[6].ID(), allow)
	if err != nil {
		t.Fatal(err)
	}
	if r.ChangedBy != seating.ByWaitlist || r.PromotedAt.IsZero() {
		t.Errorf("the promotion is recorded as by %q at %v, want by the waitlist with a time", r.ChangedBy, r.PromotedAt)
	}
	if n := seatedMails(); n != 1 {
		t.Errorf("%d seat mails, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1 AND to_address = $2`, store.KindSeated, members[6].Email()); n != 1 {
		t.Errorf("the promoted member got %d seat mails, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM rsvp_log WHERE member_id = $1`, members[2].ID()); n != 2 {
		t.Errorf("the decliner's answers left %d log lines, want 2 (yes, no)", n)
	}
}

// TestDoubleAnswerIsOneAnswer: the same answer twice, at once, is stored
// once, with one line in the log.
func TestDoubleAnswerIsOneAnswer(t *testing.T) {
	f := newStore(t)
	g := f.newGroup(t, clientsAndKeyFigures)
	m := f.addResident(t, g, group.KeyFigure, "Kees", "kees@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := f.st.SetRsvp(context.Background(), g.ID(), ss.ID(), m.ID(), store.Answer{Answer: seating.Yes}, "organiser", allow); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.count(t, `SELECT count(*) FROM rsvps`); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM rsvp_log`); n != 1 {
		t.Errorf("%d log lines, want 1", n)
	}
}

// TestSeatsPerRole: a role's seats fill on their own; a role without seats
// of its own is held only by the total; raising the seats seats the first
// in line; a manual promotion is recorded with its reason.
func TestSeatsPerRole(t *testing.T) {
	f := newStore(t)
	g := f.newGroup(t, group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.Client}, Seats: 1}}, Total: 3})
	c1 := f.addResident(t, g, group.Client, "Cliënt een", "c1@example.nl")
	c2 := f.addResident(t, g, group.Client, "Cliënt twee", "c2@example.nl")
	m1 := f.addResident(t, g, group.InformalCarer, "Mantelzorger een", "m1@example.nl")
	m2 := f.addResident(t, g, group.InformalCarer, "Mantelzorger twee", "m2@example.nl")
	m3 := f.addResident(t, g, group.InformalCarer, "Mantelzorger drie", "m3@example.nl")
	ss := f.schedule(t, g, 7*24*time.Hour)

	want := []struct {
		m     member.Member
		state seating.State
	}{{c1, seating.Confirmed}, {c2, seating.Waitlisted}, {m1, seating.Confirmed}, {m2, seating.Confirmed}, {m3, seating.Waitlisted}}
	for _, w := range want {
		if got := f.answer(t, g, ss, w.m, "yes"); got.State != w.state {
			t.Errorf("%s: %s, want %s", w.m.Name(), got.State, w.state)
		}
	}

	// Two client seats: the waiting client is seated, not the carer, who
	// waits for the total.
	updated, err := f.st.UpdateGroup(context.Background(), g.ID(), func(g *group.Group) error {
		c := g.Editable()
		c.Seating = group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.Client}, Seats: 2}}, Total: 4}
		return g.Edit(c, f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = updated
	if r, _ := f.st.OneRsvp(context.Background(), g.ID(), ss.ID(), c2.ID(), allow); r.State != seating.Confirmed {
		t.Errorf("the waiting client is %s after a client seat was added, want confirmed", r.State)
	}
	if r, _ := f.st.OneRsvp(context.Background(), g.ID(), ss.ID(), m3.ID(), allow); r.State != seating.Waitlisted {
		t.Errorf("the waiting carer is %s, want still waiting: the total is full", r.State)
	}

	// Out of turn, with a reason.
	r, err := f.st.Promote(context.Background(), g.ID(), ss.ID(), m3.ID(), "Brengt haar moeder mee, die het onderwerp kent", "organiser", allow)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != seating.Confirmed || r.ChangedBy != "organiser" || r.PromotionReason == "" {
		t.Errorf("promoted: %+v, want confirmed by the organiser with the reason", r.Rsvp)
	}
	if n := f.count(t, `SELECT count(*) FROM rsvp_log WHERE member_id = $1 AND reason <> ''`, m3.ID()); n != 1 {
		t.Errorf("%d log lines with a reason for the promotion, want 1", n)
	}
}

// TestFreedSeatsGoToTheFirstInLine: a seated member who leaves, and a
// session's capacity raised, each seat the first in line; dissolving the
// group cancels its upcoming sessions and mails their cancellations.
func TestFreedSeatsGoToTheFirstInLine(t *testing.T) {
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.Client}, Seats: 2}}})
	members := racers(t, f, g, 5, 5)
	ss := f.schedule(t, g, 7*24*time.Hour)
	for _, m := range members {
		f.answer(t, g, ss, m, "yes")
	}
	state := func(m member.Member) seating.State {
		t.Helper()
		r, err := f.st.OneRsvp(ctx, g.ID(), ss.ID(), m.ID(), allow)
		if err != nil {
			t.Fatal(err)
		}
		return r.State
	}
	if _, err := f.st.RemoveMember(ctx, g.ID(), members[0].ID(), allow); err != nil {
		t.Fatal(err)
	}
	if state(members[0]) != seating.Declined || state(members[2]) != seating.Confirmed || state(members[3]) != seating.Waitlisted {
		t.Errorf("after the first left: %s, %s, %s; want declined, confirmed, waitlisted",
			state(members[0]), state(members[2]), state(members[3]))
	}
	if _, err := f.st.UpdateSession(ctx, g.ID(), ss.ID(), allow, func(_ group.Group, s *session.Session) (session.Outcome, error) {
		c := s.Editable()
		c.Capacity = 3
		return s.Edit(c, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	// The session seats three, but the clients' seat group two: the
	// waiting clients stay in line.
	if state(members[3]) != seating.Waitlisted {
		t.Errorf("a client seated beyond the clients' seats: %s", state(members[3]))
	}
	if _, err := f.st.UpdateGroup(ctx, g.ID(), func(g *group.Group) error {
		c := g.Editable()
		c.Seating = group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.Client}, Seats: 4}}}
		return g.Edit(c, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	if state(members[3]) != seating.Confirmed || state(members[4]) != seating.Waitlisted {
		t.Errorf("with four client seats and a capacity of three: %s, %s; want confirmed, waitlisted", state(members[3]), state(members[4]))
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = $1`, store.KindSeated); n != 2 {
		t.Errorf("%d seat mails, want one per member seated from the line: 2", n)
	}
	if _, err := f.st.UpdateGroup(ctx, g.ID(), func(g *group.Group) error { return g.Dissolve("Opgegaan in een ander traject", f.now) }); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.st.Session(ctx, g.ID(), ss.ID(), allow); s.Status() != session.Cancelled {
		t.Errorf("the dissolved group's session is %s, want cancelled", s.Status())
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE subject LIKE 'Afgelast:%' AND attachments::text LIKE '%afgelast.ics%'`); n != 4 {
		t.Errorf("%d cancellations mailed, want one per active member: 4", n)
	}
}
