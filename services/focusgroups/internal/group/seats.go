package group

import (
	"fmt"
	"slices"

	"github.com/meedoen/meedoen/internal/errs"
)

// Limits of the seating.
const (
	maxSeats      = 500
	maxSeatGroups = 20
)

// SeatGroup is a number of seats for one role or for several that share
// them.
type SeatGroup struct {
	Roles []string
	Seats int
}

// Seating is how a group seats its members: seats per role, and a total.
// A role without a seat group is limited only by the total.
type Seating struct {
	Groups []SeatGroup
	// Total is the most members a session seats; 0 is the sum of the
	// groups' seats, or no limit without groups.
	Total int
}

// checkSeating reports problems with s to v under the JSON names seats and
// totalSeats, and returns it with role lists sorted. A role must be one of
// roles, or one that before already seats: a role the operator has since
// removed from the tenant's list stays where it is, so that the group can
// still be edited.
func checkSeating(v *errs.Violations, s Seating, roles RoleSet, before Seating) Seating {
	if len(s.Groups) > maxSeatGroups {
		v.Add("/seats", fmt.Sprintf("must have at most %d seat groups", maxSeatGroups))
	}
	seen := map[string]bool{}
	out := Seating{Total: s.Total}
	for i, g := range s.Groups {
		at := fmt.Sprintf("/seats/%d", i)
		if len(g.Roles) == 0 {
			v.Add(at+"/roles", "must name at least one role")
		}
		for j, r := range g.Roles {
			switch {
			case !roles.Valid(r) && before.GroupOf(r) < 0:
				v.Add(fmt.Sprintf("%s/roles/%d", at, j), roles.Reason())
			case seen[r]:
				v.Add(fmt.Sprintf("%s/roles/%d", at, j), "is in another seat group already; a role has one")
			}
			seen[r] = true
		}
		if g.Seats < 1 || g.Seats > maxSeats {
			v.Add(at+"/seats", fmt.Sprintf("must be from 1 to %d", maxSeats))
		}
		roles := slices.Clone(g.Roles)
		slices.Sort(roles)
		out.Groups = append(out.Groups, SeatGroup{Roles: roles, Seats: g.Seats})
	}
	if s.Total < 0 || s.Total > maxSeats {
		v.Add("/totalSeats", fmt.Sprintf("must be from 0 to %d", maxSeats))
	}
	return out
}

// Capacity is the most members a session seats with capacity as its own
// setting (0: the group's): the session's, else the total, else the sum
// of the seat groups; 0 means no limit.
func (s Seating) Capacity(session int) int {
	switch {
	case session > 0:
		return session
	case s.Total > 0:
		return s.Total
	}
	sum := 0
	for _, g := range s.Groups {
		sum += g.Seats
	}
	return sum
}

// GroupOf returns the index of the seat group of role, or -1 when the
// role has none.
func (s Seating) GroupOf(role string) int {
	return slices.IndexFunc(s.Groups, func(g SeatGroup) bool { return slices.Contains(g.Roles, role) })
}
