package response_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

func amsterdam(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, nlgov.Amsterdam())
}

func TestTermCountsCalendarDaysInAmsterdam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		sent         time.Time
		days         int
		wantDeadline string
		wantDue      time.Time // in UTC
		wantLength   time.Duration
	}{
		{
			name: "summer time starts inside the term: an hour shorter, never a day",
			sent: amsterdam(2027, time.March, 10, 10, 0), days: 42,
			wantDeadline: "2027-04-21", wantDue: time.Date(2027, time.April, 21, 22, 0, 0, 0, time.UTC),
			wantLength: 42*24*time.Hour + 14*time.Hour - time.Hour,
		},
		{
			name: "summer time ends inside the term: an hour longer",
			sent: amsterdam(2027, time.October, 20, 15, 0), days: 42,
			wantDeadline: "2027-12-01", wantDue: time.Date(2027, time.December, 1, 23, 0, 0, 0, time.UTC),
			wantLength: 42*24*time.Hour + 9*time.Hour + time.Hour,
		},
		{
			name: "sent after midnight in Amsterdam, still the day before in UTC",
			sent: time.Date(2027, time.June, 1, 22, 30, 0, 0, time.UTC), days: 7,
			wantDeadline: "2027-06-09", wantDue: time.Date(2027, time.June, 9, 22, 0, 0, 0, time.UTC),
			wantLength: 7*24*time.Hour + 23*time.Hour + 30*time.Minute,
		},
		{
			name: "a term that starts in winter and ends in winter across a year",
			sent: amsterdam(2027, time.December, 20, 9, 0), days: 14,
			wantDeadline: "2028-01-03", wantDue: time.Date(2028, time.January, 3, 23, 0, 0, 0, time.UTC),
			wantLength: 14*24*time.Hour + 15*time.Hour,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			term := response.NewTerm(tt.sent, tt.days)
			if got := term.Deadline.String(); got != tt.wantDeadline {
				t.Errorf("deadline = %s, want %s", got, tt.wantDeadline)
			}
			if got := term.Due(); !got.Equal(tt.wantDue) {
				t.Errorf("due = %s, want %s", got, tt.wantDue)
			}
			if got := term.Due().Sub(tt.sent); got != tt.wantLength {
				t.Errorf("the term lasts %s, want %s", got, tt.wantLength)
			}
			if term.Passed(tt.wantDue.Add(-time.Nanosecond)) {
				t.Error("passed just before the midnight after the deadline")
			}
			if !term.Passed(tt.wantDue) {
				t.Error("not passed at the midnight after the deadline")
			}
		})
	}
}
