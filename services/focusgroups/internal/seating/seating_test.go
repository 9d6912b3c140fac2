package seating

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

var now = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

// heemskerk seats 2 clients or experience experts and 1 key figure, 4 in
// all; other roles only count towards the 4.
var heemskerk = group.Seating{Groups: []group.SeatGroup{
	{Roles: []string{group.Client, group.ExperienceExpert}, Seats: 2},
	{Roles: []string{group.KeyFigure}, Seats: 1},
}, Total: 4}

// states is who is in which state, by member id, with waiting members'
// positions.
type states map[string]string

func snapshot(b *Board) states {
	out := states{}
	for _, r := range b.Ordered() {
		s := string(r.State)
		if p := b.Position(r.MemberID); p > 0 {
			s += fmt.Sprintf(" %d", p)
		}
		out[r.MemberID] = s
	}
	return out
}

func answer(t *testing.T, b *Board, member, role string, a Answer) Result {
	t.Helper()
	res, err := b.Answer(Request{MemberID: member, Role: role, Answer: a, By: ByMember}, now)
	if err != nil {
		t.Fatalf("%s answers %s: %v", member, a, err)
	}
	return res
}

func TestSeatsPerRoleAndWaitlistsInOrderOfArrival(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answers [][3]string // member, role, answer
		want    states
	}{
		{"each role fills its own seats and then waits",
			[][3]string{{"c1", group.Client, "yes"}, {"k1", group.KeyFigure, "yes"}, {"e1", group.ExperienceExpert, "yes"},
				{"c2", group.Client, "yes"}, {"k2", group.KeyFigure, "yes"}, {"c3", group.Client, "yes"}},
			states{"c1": "confirmed", "k1": "confirmed", "e1": "confirmed", "c2": "waitlisted 1", "k2": "waitlisted 1", "c3": "waitlisted 2"}},
		{"a role without seats is limited by the total only",
			[][3]string{{"c1", group.Client, "yes"}, {"f1", group.Facilitator, "yes"}, {"f2", group.Facilitator, "yes"},
				{"k1", group.KeyFigure, "yes"}, {"f3", group.Facilitator, "yes"}},
			states{"c1": "confirmed", "f1": "confirmed", "f2": "confirmed", "k1": "confirmed", "f3": "waitlisted 1"}},
		{"the total waits even when the role has seats left",
			[][3]string{{"f1", group.Facilitator, "yes"}, {"f2", group.Facilitator, "yes"}, {"f3", group.Facilitator, "yes"},
				{"c1", group.Client, "yes"}, {"c2", group.Client, "yes"}},
			states{"f1": "confirmed", "f2": "confirmed", "f3": "confirmed", "c1": "confirmed", "c2": "waitlisted 1"}},
		{"maybe and no hold no seat",
			[][3]string{{"c1", group.Client, "maybe"}, {"c2", group.Client, "no"}, {"c3", group.Client, "yes"}, {"c4", group.Client, "yes"}},
			states{"c1": "tentative", "c2": "declined", "c3": "confirmed", "c4": "confirmed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBoard(heemskerk, 0, nil)
			for _, a := range tc.answers {
				answer(t, b, a[0], a[1], Answer(a[2]))
			}
			if diff := cmp.Diff(tc.want, snapshot(b)); diff != "" {
				t.Errorf("board (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAFreedSeatGoesToTheFirstInLineOfItsRoleOnce(t *testing.T) {
	t.Parallel()
	b := NewBoard(heemskerk, 0, nil)
	for _, a := range [][2]string{{"c1", group.Client}, {"c2", group.Client}, {"k1", group.KeyFigure}, {"c3", group.Client},
		{"k2", group.KeyFigure}, {"c4", group.Client}} {
		answer(t, b, a[0], a[1], Yes)
	}
	res := answer(t, b, "c1", group.Client, No)
	if len(res.Promoted) != 1 || res.Promoted[0].MemberID != "c3" || res.Promoted[0].ChangedBy != ByWaitlist {
		t.Fatalf("c1's no seated %+v, want c3 (the first client in line) alone", res.Promoted)
	}
	if again := answer(t, b, "c1", group.Client, No); again.Changed || len(again.Promoted) != 0 {
		t.Errorf("the same no again changed %v and seated %+v, want nothing", again.Changed, again.Promoted)
	}
	want := states{"c1": "declined", "c2": "confirmed", "c3": "confirmed", "k1": "confirmed", "k2": "waitlisted 1", "c4": "waitlisted 1"}
	if diff := cmp.Diff(want, snapshot(b)); diff != "" {
		t.Errorf("board (-want +got):\n%s", diff)
	}
	// A yes after a no goes to the end of the line.
	answer(t, b, "c1", group.Client, Yes)
	if got := snapshot(b)["c1"]; got != "waitlisted 2" {
		t.Errorf("c1 after saying yes again: %s, want waitlisted 2", got)
	}
}

func TestADoubleClickIsOneAnswer(t *testing.T) {
	t.Parallel()
	b := NewBoard(heemskerk, 0, nil)
	first := answer(t, b, "c1", group.Client, Yes)
	second := answer(t, b, "c1", group.Client, Yes)
	if !first.Changed || second.Changed || second.Rsvp.Arrival != first.Rsvp.Arrival {
		t.Errorf("first %+v, second %+v: want one answer, the second changing nothing", first, second)
	}
	// Changing only the access needs keeps the seat and the arrival.
	res, err := b.Answer(Request{MemberID: "c1", Role: group.Client, Answer: Yes, AccessNeeds: []AccessNeed{Wheelchair}, By: ByMember}, now)
	if err != nil || !res.Changed || res.Rsvp.State != Confirmed || res.Rsvp.Arrival != first.Rsvp.Arrival {
		t.Errorf("needs changed: %+v %v", res, err)
	}
}

func TestMoreSeatsSeatTheFirstInLine(t *testing.T) {
	t.Parallel()
	b := NewBoard(heemskerk, 0, nil)
	for _, m := range []string{"c1", "c2", "c3", "c4", "c5"} {
		answer(t, b, m, group.Client, Yes)
	}
	more := group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.Client}, Seats: 4}}, Total: 0}
	b2 := NewBoard(more, 0, b.Ordered())
	seated := b2.Fill(now)
	var ids []string
	for _, r := range seated {
		ids = append(ids, r.MemberID)
	}
	if diff := cmp.Diff([]string{"c3", "c4"}, ids); diff != "" {
		t.Errorf("seated when the seats grew (-want +got):\n%s", diff)
	}
	if got := snapshot(b2)["c5"]; got != "waitlisted 1" {
		t.Errorf("c5: %s, want waitlisted 1", got)
	}
}

func TestPromotingOutOfTurnIsRecorded(t *testing.T) {
	t.Parallel()
	b := NewBoard(heemskerk, 0, nil)
	for _, m := range []string{"c1", "c2", "c3", "c4"} {
		answer(t, b, m, group.Client, Yes)
	}
	if _, err := b.Promote("c1", "Nodig", "organiser", now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("promoting a seated member: %v, want a failed precondition", err)
	}
	if _, err := b.Promote("c4", " ", "organiser", now); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("promoting without a reason: %v, want invalid", err)
	}
	r, err := b.Promote("c4", "Enige sleutelfiguur uit de wijk", "organiser", now)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != Confirmed || r.ChangedBy != "organiser" || r.PromotionReason == "" || !r.PromotedAt.Equal(now) {
		t.Errorf("promoted: %+v", r)
	}
	// Beyond the role's seats: c3 waits still, first in line.
	if got := snapshot(b); got["c3"] != "waitlisted 1" || got["c4"] != "confirmed" {
		t.Errorf("after promoting c4: %v", got)
	}
}

func TestBadAnswersAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	b := NewBoard(heemskerk, 0, nil)
	_, err := b.Answer(Request{MemberID: "c1", Role: group.Client, Answer: "ja", AccessNeeds: []AccessNeed{"lift"}}, now)
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	if diff := cmp.Diff([]string{"/answer", "/accessNeeds/0"}, paths); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if len(b.Changed()) != 0 {
		t.Error("a refused answer changed the board")
	}
}
