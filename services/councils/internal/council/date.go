package council

import (
	"fmt"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
)

// amsterdam is where the councils meet, so it decides which day "today"
// is.
func amsterdam() *time.Location { return nlgov.Amsterdam() }

// Date is a calendar day, without a time of day or zone. The zero Date
// means "not set".
type Date struct {
	t time.Time // midnight UTC of the day; zero when not set
}

// NewDate returns the day y-m-d; out-of-range values normalise as in time.Date.
func NewDate(y int, m time.Month, d int) Date {
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate parses a day written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	return Date{t: t}, nil
}

// DateOf returns the calendar day of t in t's own location, which is how a
// PostgreSQL date arrives (midnight UTC).
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	return NewDate(t.Date())
}

// Today returns the day it is at instant now in Amsterdam.
func Today(now time.Time) Date { return DateOf(now.In(amsterdam())) }

// IsZero reports whether d is not set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// Time returns midnight UTC of d, the form a database driver stores as a
// date; the zero time for an unset Date.
func (d Date) Time() time.Time { return d.t }

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}
