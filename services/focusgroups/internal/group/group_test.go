package group_test

import (
	"slices"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

var now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func newGroup(t *testing.T) group.Group {
	t.Helper()
	g, err := group.New(group.Spec{Process: group.Process{ID: "p", Tenant: "GM0396"}, Name: "Mantelzorg", CreatedBy: "organiser",
		Seating: group.Seating{Groups: []group.SeatGroup{{Roles: []string{group.KeyFigure}, Seats: 2}}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLifecycle(t *testing.T) {
	g := newGroup(t)
	if g.Status() != group.Forming || g.ReminderHours() != group.DefaultReminderHours || !g.Organises("organiser") {
		t.Fatalf("new group: %s, reminder %d h, organisers %v", g.Status(), g.ReminderHours(), g.Organisers())
	}
	if !g.Activate(now) || g.Status() != group.Active || g.Activate(now) {
		t.Errorf("activating: %s; a second time must change nothing", g.Status())
	}
	if err := g.Conclude(now); err != nil || g.EndedAt().IsZero() {
		t.Fatalf("concluding: %v", err)
	}
	for name, err := range map[string]error{
		"conclude again": g.Conclude(now),
		"dissolve":       g.Dissolve("", now),
		"add members":    g.CheckOpen("add members to"),
		"edit":           g.Edit(g.Editable(), now),
	} {
		if errs.CodeOf(err) != errs.FailedPrecondition {
			t.Errorf("%s a concluded group: %v, want failed precondition", name, err)
		}
	}
}

func TestSeatsAreChecked(t *testing.T) {
	tests := []struct {
		name    string
		seating group.Seating
		fields  []string
	}{
		{"a role in two seat groups", group.Seating{Groups: []group.SeatGroup{{Roles: []string{"client"}, Seats: 1}, {Roles: []string{"client"}, Seats: 1}}},
			[]string{"/seats/1/roles/0"}},
		{"an unknown role and no seats", group.Seating{Groups: []group.SeatGroup{{Roles: []string{"buurman"}, Seats: 0}}},
			[]string{"/seats/0/roles/0", "/seats/0/seats"}},
		{"no roles", group.Seating{Groups: []group.SeatGroup{{Seats: 3}}}, []string{"/seats/0/roles"}},
		{"a negative total", group.Seating{Total: -1}, []string{"/totalSeats"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := group.New(group.Spec{Name: "G", Seating: tt.seating}, now)
			var got []string
			if e, ok := err.(*errs.Error); ok {
				for _, f := range e.Fields {
					got = append(got, f.Path)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	s := group.Seating{Groups: []group.SeatGroup{{Roles: []string{"client"}, Seats: 4}, {Roles: []string{"key_figure"}, Seats: 2}}}
	for _, tt := range []struct{ total, session, want int }{{0, 0, 6}, {8, 0, 8}, {8, 3, 3}} {
		s.Total = tt.total
		if got := s.Capacity(tt.session); got != tt.want {
			t.Errorf("total %d, session %d: capacity %d, want %d", tt.total, tt.session, got, tt.want)
		}
	}
	if (group.Seating{}).Capacity(0) != 0 {
		t.Error("no seats and no total must mean no limit (0)")
	}
}
