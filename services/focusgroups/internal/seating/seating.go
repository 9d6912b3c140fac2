// Package seating decides who of a session's members has a seat: their
// answers (yes, no, maybe), the seats per role of their group, and a
// waitlist per seat group in order of arrival. A seat that comes free (a
// "no", a member leaving, more seats) goes to the first in line whose
// role it fits. The store runs every change on a Board with the session
// locked, so that seats are never given twice and arrival order is the
// order in which answers were taken.
package seating

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

// Answer is what a member answered.
type Answer string

// The answers.
const (
	Yes   Answer = "yes"
	No    Answer = "no"
	Maybe Answer = "maybe"
)

// Valid reports whether a is an answer.
func (a Answer) Valid() bool { return a == Yes || a == No || a == Maybe }

// State is what an answer came to.
type State string

// The states.
const (
	Confirmed  State = "confirmed"  // yes, with a seat
	Waitlisted State = "waitlisted" // yes, waiting for a seat
	Declined   State = "declined"   // no
	Tentative  State = "tentative"  // maybe
)

// AccessNeed is something a member needs to take part.
type AccessNeed string

// The access needs.
const (
	Interpreter AccessNeed = "interpreter"
	Wheelchair  AccessNeed = "wheelchair"
	Companion   AccessNeed = "companion"
	Dietary     AccessNeed = "dietary"
	OtherNeed   AccessNeed = "other"
)

// AccessNeeds lists every access need in a stable order.
func AccessNeeds() []AccessNeed {
	return []AccessNeed{Interpreter, Wheelchair, Companion, Dietary, OtherNeed}
}

// maxAccessNote bounds the note on access needs.
const maxAccessNote = 500

// Who set an answer besides staff, who are named by their login subject.
const (
	// ByMember is an answer the member gave through their link.
	ByMember = "member"
	// ByWaitlist is a seat given when one came free.
	ByWaitlist = "waitlist"
	// ByLeaving is the answer of a member who left the group.
	ByLeaving = "left"
)

// Rsvp is one member's answer to a session.
type Rsvp struct {
	MemberID string
	Role     string
	Answer   Answer
	State    State
	// Arrival orders the "yes" answers: lower came first. It is set when
	// a member answers yes after answering otherwise (or not at all).
	Arrival         int64
	AccessNeeds     []AccessNeed
	AccessNote      string
	AnsweredAt      time.Time
	ChangedBy       string
	PromotedAt      time.Time
	PromotionReason string
}

// Board is a session's answers with the seats they compete for.
type Board struct {
	seating  group.Seating
	capacity int
	rsvps    map[string]*Rsvp
	next     int64
	changed  map[string]bool
}

// NewBoard returns a board of a session whose group seats by seating,
// with the session's own capacity (0: the group's) and the answers given
// so far.
func NewBoard(seating group.Seating, capacity int, rsvps []Rsvp) *Board {
	b := &Board{seating: seating, capacity: seating.Capacity(capacity), rsvps: map[string]*Rsvp{}, changed: map[string]bool{}}
	for _, r := range rsvps {
		r := r
		b.rsvps[r.MemberID] = &r
		b.next = max(b.next, r.Arrival+1)
	}
	return b
}

// Get returns a member's answer, if they gave one.
func (b *Board) Get(memberID string) (Rsvp, bool) {
	r, ok := b.rsvps[memberID]
	if !ok {
		return Rsvp{}, false
	}
	return *r, true
}

// Changed returns the answers changed on the board, by member id.
func (b *Board) Changed() []Rsvp {
	var out []Rsvp
	for _, id := range slices.Sorted(maps.Keys(b.changed)) {
		out = append(out, *b.rsvps[id])
	}
	return out
}

// Request is a member's answer as given.
type Request struct {
	MemberID    string
	Role        string
	Answer      Answer
	AccessNeeds []AccessNeed
	AccessNote  string
	// By is ByMember or a staff login subject.
	By string
}

// Result is what an answer came to: the member's answer as it stands,
// whether anything changed, and who was seated because of it.
type Result struct {
	Rsvp     Rsvp
	Changed  bool
	Promoted []Rsvp
}

// Answer records a member's answer. Answering as before changes nothing,
// so that a repeated request (a double click) is one answer. A "yes" seats
// the member if their role has a seat left, else puts them at the end of
// its waitlist; a "yes" that stands keeps its seat or place in line. A
// seat given up goes to the first in line.
func (b *Board) Answer(req Request, now time.Time) (Result, error) {
	needs, note, err := checkNeeds(req)
	if err != nil {
		return Result{}, err
	}
	cur, had := b.rsvps[req.MemberID]
	if had && cur.Answer == req.Answer && slices.Equal(cur.AccessNeeds, needs) && cur.AccessNote == note {
		return Result{Rsvp: *cur}, nil
	}
	r := Rsvp{MemberID: req.MemberID, Role: req.Role}
	if had {
		r = *cur
	}
	freed := had && cur.State == Confirmed && req.Answer != Yes
	r.AccessNeeds, r.AccessNote, r.ChangedBy = needs, note, req.By
	if !had || r.Answer != req.Answer {
		r.AnsweredAt = now.UTC()
	}
	switch {
	case req.Answer == Yes && had && cur.Answer == Yes:
		// Only the needs changed: the seat or place in line stays.
	case req.Answer == Yes:
		r.Arrival, r.PromotedAt, r.PromotionReason = b.next, time.Time{}, ""
		b.next++
		r.State = Waitlisted
		if b.free(req.Role) {
			r.State = Confirmed
		}
	case req.Answer == No:
		r.State = Declined
	default:
		r.State = Tentative
	}
	r.Answer = req.Answer
	b.put(r)
	res := Result{Rsvp: r, Changed: true}
	if freed {
		res.Promoted = b.Fill(now)
	}
	return res, nil
}

// Withdraw records that a member left the group: their answer becomes a
// "no", and a seat they had goes to the first in line.
func (b *Board) Withdraw(memberID string, now time.Time) []Rsvp {
	cur, ok := b.rsvps[memberID]
	if !ok || cur.Answer == No {
		return nil
	}
	freed := cur.State == Confirmed
	r := *cur
	r.Answer, r.State, r.AnsweredAt, r.ChangedBy = No, Declined, now.UTC(), ByLeaving
	b.put(r)
	if freed {
		return b.Fill(now)
	}
	return nil
}

// Promote seats a waiting member out of turn, beyond their role's seats if
// need be, for a reason that is recorded with who gave the seat.
func (b *Board) Promote(memberID, reason, by string, now time.Time) (Rsvp, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return Rsvp{}, (errs.Violations{{Path: "/reason", Reason: "must say why, in 1 to 500 characters"}}).Err()
	}
	cur, ok := b.rsvps[memberID]
	if !ok || cur.State != Waitlisted {
		return Rsvp{}, &errs.Error{Code: errs.FailedPrecondition, Message: "only a member on the waitlist can be seated out of turn",
			Fields: []errs.Field{{Path: "/memberId", Reason: "is not on this session's waitlist"}}}
	}
	r := *cur
	r.State, r.PromotedAt, r.PromotionReason, r.ChangedBy = Confirmed, now.UTC(), reason, by
	b.put(r)
	return r, nil
}

// Fill seats the first in line, in order of arrival, while a seat of
// their role is free, and returns whom it seated.
func (b *Board) Fill(now time.Time) []Rsvp {
	var seated []Rsvp
	for _, r := range b.waiting() {
		if !b.free(r.Role) {
			continue
		}
		r.State, r.PromotedAt, r.ChangedBy = Confirmed, now.UTC(), ByWaitlist
		b.put(r)
		seated = append(seated, r)
	}
	return seated
}

// Position returns a waiting member's place in their seat group's line,
// from 1; 0 for a member who is not waiting.
func (b *Board) Position(memberID string) int {
	r, ok := b.rsvps[memberID]
	if !ok || r.State != Waitlisted {
		return 0
	}
	n := 1
	for _, o := range b.rsvps {
		if o.State == Waitlisted && b.line(o.Role) == b.line(r.Role) && o.Arrival < r.Arrival {
			n++
		}
	}
	return n
}

// Ordered returns every answer: seated first, then waiting by arrival,
// then maybe, then no.
func (b *Board) Ordered() []Rsvp {
	rank := map[State]int{Confirmed: 0, Waitlisted: 1, Tentative: 2, Declined: 3}
	out := make([]Rsvp, 0, len(b.rsvps))
	for _, r := range b.rsvps {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(x, y Rsvp) int {
		return cmp.Or(cmp.Compare(rank[x.State], rank[y.State]), cmp.Compare(x.Arrival, y.Arrival),
			x.AnsweredAt.Compare(y.AnsweredAt), cmp.Compare(x.MemberID, y.MemberID))
	})
	return out
}

// Counts returns, per role, how many answers are in each state.
func (b *Board) Counts() map[string]map[State]int {
	out := map[string]map[State]int{}
	for _, r := range b.rsvps {
		if out[r.Role] == nil {
			out[r.Role] = map[State]int{}
		}
		out[r.Role][r.State]++
	}
	return out
}

// waiting returns the waiting answers in order of arrival.
func (b *Board) waiting() []Rsvp {
	var out []Rsvp
	for _, r := range b.rsvps {
		if r.State == Waitlisted {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(x, y Rsvp) int { return cmp.Compare(x.Arrival, y.Arrival) })
	return out
}

// free reports whether a member of role can be seated: a seat of the
// role's seat group and one of the session's are left.
func (b *Board) free(role string) bool {
	seated, inGroup := 0, 0
	g := b.seating.GroupOf(role)
	for _, r := range b.rsvps {
		if r.State != Confirmed {
			continue
		}
		seated++
		if g >= 0 && b.seating.GroupOf(r.Role) == g {
			inGroup++
		}
	}
	if b.capacity > 0 && seated >= b.capacity {
		return false
	}
	return g < 0 || inGroup < b.seating.Groups[g].Seats
}

// line names the waitlist of role: its seat group's, or the role's own.
func (b *Board) line(role string) string {
	if g := b.seating.GroupOf(role); g >= 0 {
		return fmt.Sprintf("group %d", g)
	}
	return "role " + role
}

func (b *Board) put(r Rsvp) {
	b.rsvps[r.MemberID] = &r
	b.changed[r.MemberID] = true
}

// checkNeeds checks an answer's access needs and note, sorted and
// without repeats.
func checkNeeds(req Request) ([]AccessNeed, string, error) {
	var v errs.Violations
	if !req.Answer.Valid() {
		v.Add("/answer", "must be yes, no or maybe")
	}
	var needs []AccessNeed
	for i, n := range req.AccessNeeds {
		if !slices.Contains(AccessNeeds(), n) {
			v.Add(fmt.Sprintf("/accessNeeds/%d", i), "must be interpreter, wheelchair, companion, dietary or other")
			continue
		}
		if !slices.Contains(needs, n) {
			needs = append(needs, n)
		}
	}
	slices.SortFunc(needs, func(x, y AccessNeed) int {
		return cmp.Compare(slices.Index(AccessNeeds(), x), slices.Index(AccessNeeds(), y))
	})
	note := strings.TrimSpace(req.AccessNote)
	if utf8.RuneCountInString(note) > maxAccessNote {
		v.Add("/accessNote", fmt.Sprintf("must be at most %d characters", maxAccessNote))
	}
	return needs, note, v.Err()
}
