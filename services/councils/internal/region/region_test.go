package region_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/region"
)

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

func TestNewMunicipality(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name                  string
		code, mname, regionID string
		wantFields            []string
	}{
		{name: "valid Velsen", code: "GM0453", mname: "Velsen", regionID: "ijmond"},
		{name: "name is trimmed and kept", code: "GM0375", mname: "  Beverwijk ", regionID: "ijmond"},
		{name: "lower-case code", code: "gm0453", mname: "Velsen", regionID: "ijmond", wantFields: []string{"/code"}},
		{name: "code too short", code: "GM453", mname: "Velsen", regionID: "ijmond", wantFields: []string{"/code"}},
		{name: "all wrong at once", code: "", mname: " ", regionID: "IJmond!", wantFields: []string{"/code", "/name", "/regionId"}},
		{name: "name too long", code: "GM0396", mname: strings.Repeat("H", 101), regionID: "ijmond", wantFields: []string{"/name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := region.NewMunicipality(tc.code, tc.mname, tc.regionID, now)
			if diff := cmp.Diff(tc.wantFields, fieldsOf(t, err)); diff != "" {
				t.Fatalf("invalid fields (-want +got):\n%s", diff)
			}
			if err == nil && m.Name() != strings.TrimSpace(tc.mname) {
				t.Errorf("Name() = %q, want %q", m.Name(), strings.TrimSpace(tc.mname))
			}
		})
	}
}

func TestNewRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, rname string
		wantFields      []string
	}{
		{name: "valid", id: "ijmond", rname: "IJmond"},
		{name: "hyphenated", id: "zuid-kennemerland", rname: "Zuid-Kennemerland"},
		{name: "upper case id", id: "IJmond", rname: "IJmond", wantFields: []string{"/id"}},
		{name: "missing both", wantFields: []string{"/id", "/name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := region.NewRegion(tc.id, tc.rname, time.Now())
			if diff := cmp.Diff(tc.wantFields, fieldsOf(t, err)); diff != "" {
				t.Fatalf("invalid fields (-want +got):\n%s", diff)
			}
		})
	}
}
