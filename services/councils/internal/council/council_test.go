package council_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/region"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// fieldsOf returns the paths an Invalid error names, or nil for no error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Fatalf("error %v is not an invalid-input error", err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	return paths
}

func velsen(t *testing.T) council.Council {
	t.Helper()
	m, err := region.NewMunicipality("GM0453", "Velsen", "ijmond", now)
	if err != nil {
		t.Fatal(err)
	}
	return council.New(m, now)
}

func TestNewCouncilHasTheDefaults(t *testing.T) {
	t.Parallel()
	c := velsen(t)
	want := council.Settings{Name: "Participatieraad Velsen", Seats: 9}
	if diff := cmp.Diff(want, c.Settings()); diff != "" {
		t.Errorf("settings of a new council (-want +got):\n%s", diff)
	}
	if c.MunicipalityCode() != "GM0453" || c.RegionID() != "ijmond" {
		t.Errorf("council of %s in %s, want GM0453 in ijmond", c.MunicipalityCode(), c.RegionID())
	}
}

func TestChangeCouncil(t *testing.T) {
	t.Parallel()
	valid := council.Settings{Name: "Participatieraad Velsen", ContactEmail: "info@participatieraadvelsen.nl", TakesUnsolicitedQuestions: true, Seats: 11}
	tests := []struct {
		name       string
		edit       func(*council.Settings)
		wantFields []string
	}{
		{name: "valid", edit: func(*council.Settings) {}},
		{name: "no contact address", edit: func(s *council.Settings) { s.ContactEmail = "" }},
		{name: "one seat", edit: func(s *council.Settings) { s.Seats = 1 }},
		{name: "99 seats", edit: func(s *council.Settings) { s.Seats = 99 }},
		{name: "blank name", edit: func(s *council.Settings) { s.Name = "  " }, wantFields: []string{"/name"}},
		{name: "name too long", edit: func(s *council.Settings) { s.Name = strings.Repeat("P", 101) }, wantFields: []string{"/name"}},
		{name: "address without at", edit: func(s *council.Settings) { s.ContactEmail = "info.velsen.nl" }, wantFields: []string{"/contactEmail"}},
		{name: "address with a display name", edit: func(s *council.Settings) { s.ContactEmail = "Raad <info@velsen.nl>" }, wantFields: []string{"/contactEmail"}},
		{name: "address without a dotted domain", edit: func(s *council.Settings) { s.ContactEmail = "info@localhost" }, wantFields: []string{"/contactEmail"}},
		{name: "no seats", edit: func(s *council.Settings) { s.Seats = 0 }, wantFields: []string{"/seats"}},
		{name: "100 seats", edit: func(s *council.Settings) { s.Seats = 100 }, wantFields: []string{"/seats"}},
		{name: "everything wrong at once", edit: func(s *council.Settings) { *s = council.Settings{Name: "", ContactEmail: "nope", Seats: -1} },
			wantFields: []string{"/name", "/contactEmail", "/seats"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := valid
			tc.edit(&s)
			later := now.Add(time.Hour)
			c, err := velsen(t).Change(s, later)
			if diff := cmp.Diff(tc.wantFields, fieldsOf(t, err)); diff != "" {
				t.Fatalf("invalid fields (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(s, c.Settings()); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
			if !c.UpdatedAt().Equal(later) {
				t.Errorf("UpdatedAt() = %v, want %v", c.UpdatedAt(), later)
			}
		})
	}
}

func TestChangeCouncilTrimsNameAndAddress(t *testing.T) {
	t.Parallel()
	c, err := velsen(t).Change(council.Settings{Name: " Raad Velsen ", ContactEmail: " raad@velsen.nl ", Seats: 9}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "Raad Velsen" || c.ContactEmail() != "raad@velsen.nl" {
		t.Errorf("got %q <%s>, want trimmed values", c.Name(), c.ContactEmail())
	}
}

func TestDefaultNameOfALongMunicipalityStaysValid(t *testing.T) {
	t.Parallel()
	m, err := region.NewMunicipality("GM0999", strings.Repeat("é", 100), "ijmond", now)
	if err != nil {
		t.Fatal(err)
	}
	c := council.New(m, now)
	if _, err := c.Change(c.Settings(), now); err != nil {
		t.Errorf("the default settings do not validate: %v", err)
	}
}
