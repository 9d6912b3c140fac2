package response

import (
	"fmt"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
)

// DefaultTermDays is the response term of a municipality that set none:
// six weeks.
const DefaultTermDays = 42

// MaxTermDays bounds a term: a year.
const MaxTermDays = 365

// Day is a calendar day in Europe/Amsterdam, without a time of day. The
// zero Day means "not set".
type Day struct {
	t time.Time // midnight UTC of the day
}

// DayOf returns the day it is at instant t in Amsterdam.
func DayOf(t time.Time) Day {
	if t.IsZero() {
		return Day{}
	}
	y, m, d := t.In(nlgov.Amsterdam()).Date()
	return Day{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDay parses a day written as YYYY-MM-DD.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Day{}, fmt.Errorf("parsing day %q: want YYYY-MM-DD", s)
	}
	return Day{t: t}, nil
}

// DayFromDate returns the day a PostgreSQL date arrives as (midnight UTC).
func DayFromDate(t time.Time) Day {
	if t.IsZero() {
		return Day{}
	}
	y, m, d := t.Date()
	return Day{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// IsZero reports whether d is not set.
func (d Day) IsZero() bool { return d.t.IsZero() }

// AddDays returns the day n calendar days after d.
func (d Day) AddDays(n int) Day { return Day{t: d.t.AddDate(0, 0, n)} }

// Before reports whether d is an earlier day than e.
func (d Day) Before(e Day) bool { return d.t.Before(e.t) }

// After reports whether d is a later day than e.
func (d Day) After(e Day) bool { return d.t.After(e.t) }

// Date returns midnight UTC of d, the form a database driver stores as a
// date; the zero time for an unset Day.
func (d Day) Date() time.Time { return d.t }

// Start returns the instant d begins in Amsterdam: midnight there, which
// is 23:00 or 22:00 UTC the day before, by the season.
func (d Day) Start() time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, nlgov.Amsterdam()).UTC()
}

// At returns the instant of hour:00 on d in Amsterdam.
func (d Day) At(hour int) time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, hour, 0, 0, 0, nlgov.Amsterdam()).UTC()
}

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Term is the time a municipality has to respond: a number of calendar
// days from the day the advice was sent, counted in Amsterdam. The last of
// those days is the deadline; the response is overdue from the midnight
// after it. A change to or from summer time inside the term makes it an
// hour shorter or longer in absolute time, never a day.
type Term struct {
	Days     int
	Deadline Day
}

// NewTerm returns the term of days that starts on the day of from (in
// Amsterdam).
func NewTerm(from time.Time, days int) Term {
	return Term{Days: days, Deadline: DayOf(from).AddDays(days)}
}

// Due returns the instant the term has passed: the start of the day after
// the deadline, in Amsterdam.
func (t Term) Due() time.Time { return t.Deadline.AddDays(1).Start() }

// Passed reports whether the term has passed at now.
func (t Term) Passed(now time.Time) bool { return !now.Before(t.Due()) }
