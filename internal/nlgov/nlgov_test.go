package nlgov

import (
	"testing"
	"time"
)

func TestMunicipalityCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"GM0453", "GM0453"},
		{"gm0453", "GM0453"},
		{" 0453 ", "GM0453"},
		{"453", ""},
		{"GM04531", ""},
		{"ijmond", ""},
		{"GM04a3", ""},
		{"", ""},
	} {
		if got := MunicipalityCode(tc.in); got != tc.want {
			t.Errorf("MunicipalityCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := IsMunicipalityCode(tc.in); got != (tc.in == tc.want && tc.want != "") {
			t.Errorf("IsMunicipalityCode(%q) = %v", tc.in, got)
		}
	}
}

func TestPostcodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		pc4, pc6 bool
	}{
		{"1971 ab", "1971AB", false, true},
		{"1971AB", "1971AB", false, true},
		{" 1971 ", "1971", true, false},
		{"0971AB", "0971AB", false, false},
		{"1971 A", "1971A", false, false},
		{"", "", false, false},
	} {
		got := Postcode(tc.in)
		if got != tc.want || IsPC4(got) != tc.pc4 || IsPC6(got) != tc.pc6 {
			t.Errorf("Postcode(%q) = %q (PC4 %v, PC6 %v), want %q (%v, %v)", tc.in, got, IsPC4(got), IsPC6(got), tc.want, tc.pc4, tc.pc6)
		}
	}
}

// Amsterdam is an hour ahead of UTC in winter and two in summer, whatever
// zone database the host has.
func TestAmsterdam(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		utc  time.Time
		hour int
	}{
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 13},
		{time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), 14},
	} {
		if got := tc.utc.In(Amsterdam()).Hour(); got != tc.hour {
			t.Errorf("%s in Amsterdam is %d:00, want %d:00", tc.utc, got, tc.hour)
		}
	}
}
