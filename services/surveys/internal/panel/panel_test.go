package panel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestNormalizePostcode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"1971 AB", "1971 AB", true},
		{"1971ab", "1971 AB", true},
		{" 1971  a b ", "1971 AB", true},
		{"1971", "1971", true},
		{"", "", true},
		{"0971 AB", "", false},
		{"1971 SA", "", false},
		{"197 AB", "", false},
		{"1971 A1", "", false},
		{"ABCD EF", "", false},
	} {
		got, err := panel.NormalizePostcode(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("NormalizePostcode(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"jan@velsen.example", "jan@velsen.example", true},
		{"  Jan.de.Vries+panel@Velsen.example ", "Jan.de.Vries+panel@Velsen.example", true},
		{"", "", false},
		{"jan", "", false},
		{"jan@localhost", "", false},
		{"Jan <jan@velsen.example>", "", false},
		{"jan @velsen.example", "", false},
		{strings.Repeat("a", 250) + "@b.nl", "", false},
	} {
		got, err := panel.NormalizeEmail(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestAgeBandsAreFixedAndOrdered(t *testing.T) {
	t.Parallel()
	want := []string{"0-17", "18-26", "27-40", "41-65", "66-75", "76+"}
	if diff := cmp.Diff(want, panel.AgeBands()); diff != "" {
		t.Errorf("AgeBands (-want +got):\n%s", diff)
	}
	panel.AgeBands()[0] = "changed"
	if panel.AgeBands()[0] != "0-17" {
		t.Error("AgeBands hands out its own list")
	}
	for i, b := range want {
		if got := panel.AgeBandOrder(b); got != i {
			t.Errorf("AgeBandOrder(%q) = %d, want %d", b, got, i)
		}
	}
	if got := panel.AgeBandOrder(""); got != len(want) {
		t.Errorf("AgeBandOrder(\"\") = %d, want last (%d)", got, len(want))
	}
}

// velsen is Velsen's list of neighbourhoods in the demo table.
var velsen = func() neighbourhood.List {
	tab, err := neighbourhood.IJmond()
	if err != nil {
		panic(err) // the table is part of the binary; internal/neighbourhood tests it
	}
	return tab.Of("GM0453")
}()

func TestApplicationNormalizeNamesEveryBadField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   panel.Application
		want panel.Application
		bad  []string
	}{
		{
			name: "a complete sign-up, tidied",
			in: panel.Application{Municipality: "GM0453", Email: " jan@velsen.example ", ConsentVersion: "2026-01",
				Attributes: panel.Attributes{Postcode: "1971ab", Neighbourhood: "  velsen-noord ", AgeBand: "76 +"}},
			want: panel.Application{Municipality: "GM0453", Email: "jan@velsen.example", ConsentVersion: "2026-01", Language: "nl",
				Attributes: panel.Attributes{Postcode: "1971 AB", Neighbourhood: "VEL-03", AgeBand: "76+"}},
		},
		{
			name: "a neighbourhood by its code",
			in: panel.Application{Municipality: "GM0453", Email: "jan@velsen.example", ConsentVersion: "2026-01",
				Attributes: panel.Attributes{Neighbourhood: "vel-03"}},
			want: panel.Application{Municipality: "GM0453", Email: "jan@velsen.example", ConsentVersion: "2026-01", Language: "nl",
				Attributes: panel.Attributes{Neighbourhood: "VEL-03"}},
		},
		{
			name: "free text for a neighbourhood",
			in: panel.Application{Municipality: "GM0453", Email: "jan@velsen.example", ConsentVersion: "2026-01",
				Attributes: panel.Attributes{Neighbourhood: "Jan Jansen tel 06-11112222 jan.jansen@example.org"}},
			bad: []string{"/neighbourhood"},
		},
		{
			name: "another municipality's neighbourhood",
			in: panel.Application{Municipality: "GM0453", Email: "jan@velsen.example", ConsentVersion: "2026-01",
				Attributes: panel.Attributes{Neighbourhood: "Wijk aan Zee"}},
			bad: []string{"/neighbourhood"},
		},
		{
			name: "everything wrong at once",
			in: panel.Application{Email: "jan", Language: "de",
				Attributes: panel.Attributes{Postcode: "19", AgeBand: "oud", Neighbourhood: strings.Repeat("x", 101)}},
			bad: []string{"/municipalityCode", "/email", "/postcode", "/neighbourhood", "/ageBand", "/consentVersion", "/language"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.in.Normalize(velsen)
			var paths []string
			var e *errs.Error
			if errorsAs(err, &e) {
				for _, f := range e.Fields {
					paths = append(paths, f.Path)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.bad, paths); diff != "" {
				t.Errorf("bad fields (-want +got):\n%s", diff)
			}
			if tc.bad == nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("normalised (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestInvitationLetterIsDutchFirstAndCarriesBothLinks(t *testing.T) {
	t.Parallel()
	l := panel.InvitationLetter("Velsen", panel.Poll{TitleNL: "Eenzaamheid", TitleEN: "Loneliness", ClosesAt: day(2026, 4, 1)},
		panel.Links{Action: "https://meedoen.example/i/TOKEN", Unsubscribe: "https://meedoen.example/panel/afmelden/U"}, true)
	for _, want := range []string{"https://meedoen.example/i/TOKEN", "https://meedoen.example/panel/afmelden/U", "1 april 2026", "1 April 2026", "vervangt"} {
		if !strings.Contains(l.Text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, l.Text)
		}
	}
	if nl, en := strings.Index(l.Text, "Beste inwoner"), strings.Index(l.Text, "Dear resident"); nl < 0 || en < nl {
		t.Errorf("Dutch does not come first:\n%s", l.Text)
	}
	if !strings.HasPrefix(l.Subject, "Herinnering: Eenzaamheid") {
		t.Errorf("subject = %q", l.Subject)
	}
}
