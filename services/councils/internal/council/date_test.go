package council_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/services/councils/internal/council"
)

func TestTodayIsAmsterdams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{name: "winter: 23:30 UTC is already tomorrow", now: time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC), want: "2026-01-15"},
		{name: "winter: 22:59 UTC is still today", now: time.Date(2026, 1, 14, 22, 59, 0, 0, time.UTC), want: "2026-01-14"},
		{name: "summer: 22:00 UTC is midnight", now: time.Date(2026, 7, 14, 22, 0, 0, 0, time.UTC), want: "2026-07-15"},
		{name: "summer: 21:59 UTC is still today", now: time.Date(2026, 7, 14, 21, 59, 0, 0, time.UTC), want: "2026-07-14"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := council.Today(tc.now).String(); got != tc.want {
				t.Errorf("Today(%v) = %s, want %s", tc.now, got, tc.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "2026-02-28", want: "2026-02-28"},
		{in: "2028-02-29", want: "2028-02-29"},
		{in: "2026-02-29", wantErr: true},
		{in: "28-02-2026", wantErr: true},
		{in: "2026-2-8", wantErr: true},
		{in: "2026-02-28T00:00:00Z", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			d, err := council.ParseDate(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseDate(%q) error = %v, want error: %v", tc.in, err, tc.wantErr)
			}
			if got := d.String(); got != tc.want {
				t.Errorf("ParseDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDateOfAStoredDateIsTheSameDay(t *testing.T) {
	t.Parallel()
	d := council.NewDate(2026, 3, 29) // the night clocks go forward
	if got := council.DateOf(d.Time()); got != d {
		t.Errorf("DateOf(%v) = %v, want %v", d.Time(), got, d)
	}
	if !council.DateOf(time.Time{}).IsZero() {
		t.Error("the zero time is not an unset date")
	}
}
