package panel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseCSVReadsWhatSpreadsheetsWrite(t *testing.T) {
	t.Parallel()
	jan := panel.Row{Line: 2, Email: "Jan@Velsen.example", Attributes: panel.Attributes{Postcode: "1971 AB", Neighbourhood: "Velsen-Noord", AgeBand: "66-75"}, ConsentAt: day(2025, 12, 31)}
	for _, tc := range []struct {
		name string
		file string
		want panel.Parsed
	}{
		{
			name: "Dutch headers, semicolons, a byte order mark and a loose postcode",
			file: "\xef\xbb\xbfEmail;Postcode;Wijk;Leeftijdsgroep;Toestemming_datum\r\nJan@Velsen.example;1971ab;Velsen-Noord;66-75;31-12-2025\r\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{jan}},
		},
		{
			name: "English headers in another order, commas, ISO dates",
			file: "consent_date,age_band,email,neighbourhood,postcode\n2025-12-31,66 - 75,Jan@Velsen.example,Velsen-Noord,1971 AB\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{jan}},
		},
		{
			name: "only the required columns, an unknown one ignored, blank lines skipped",
			file: "e-mail;toestemming datum;opmerking\n\njan@velsen.example;1/2/2026;belt liever\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{{Line: 3, Email: "jan@velsen.example", ConsentAt: day(2026, 2, 1)}}},
		},
		{
			name: "a quoted field with the separator in it",
			file: "email;wijk;toestemming_datum\njan@velsen.example;\"Zee; en Duinwijk\";2026-01-05\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{{Line: 2, Email: "jan@velsen.example", Attributes: panel.Attributes{Neighbourhood: "Zee; en Duinwijk"}, ConsentAt: day(2026, 1, 5)}}},
		},
		{
			name: "an address repeated with the same data counts once, case aside",
			file: "email;toestemming_datum\njan@velsen.example;2026-01-05\nJAN@velsen.example;2026-01-05\n",
			want: panel.Parsed{Total: 2, Repeats: 1, Rows: []panel.Row{{Line: 2, Email: "jan@velsen.example", ConsentAt: day(2026, 1, 5)}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := panel.ParseCSV([]byte(tc.file), now)
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parsed (-want +got):\n%s", diff)
			}
		})
	}
}

// Every bad field of every row is named, with its line and column, in
// Dutch and English; the good rows still come through.
func TestParseCSVNamesEveryBadRowAndField(t *testing.T) {
	t.Parallel()
	file := strings.Join([]string{
		"Email;Postcode;Wijk;Leeftijdsgroep;Toestemming_datum",
		"goed@velsen.example;1971 AB;Centrum;18-26;2026-01-05", // 2
		"geen-adres;0123 AB;Centrum;18-25;gisteren",            // 3
		"ook@velsen.example;1971 SS;;;2027-01-01",              // 4
		"goed@velsen.example;1972 CD;Centrum;18-26;2026-01-05", // 5: repeat with other data
		"kort@velsen.example;1971",                             // 6: too few fields
		"Jan <jan@velsen.example>;;;;",                         // 7
		"leeg@velsen.example;1234;Noord;76+;05-01-2026",        // 8
	}, "\n")
	got, err := panel.ParseCSV([]byte(file), now)
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	type problem struct {
		Line   int
		Column string
		EN     string
	}
	var problems []problem
	for _, p := range got.Problems {
		if p.Reason.NL == "" || p.Reason.EN == "" {
			t.Errorf("line %d %s: reason lacks a language: %+v", p.Line, p.Column, p.Reason)
		}
		problems = append(problems, problem{p.Line, p.Column, p.Reason.EN})
	}
	want := []problem{
		{3, "Email", "is not an e-mail address"},
		{3, "Postcode", "is not a Dutch postcode: none starts with 0"},
		{3, "Leeftijdsgroep", "must be one of 0-17, 18-26, 27-40, 41-65, 66-75, 76+"},
		{3, "Toestemming_datum", "is not a date such as 2024-03-31 or 31-03-2024"},
		{4, "Postcode", "is not a Dutch postcode: SS is not issued"},
		{4, "Toestemming_datum", "lies in the future"},
		{5, "Email", "is on line 2 already, with other data; this row was skipped"},
		{6, "", "has 2 fields, the header 5"},
		{7, "Email", "is not an e-mail address"},
		{7, "Toestemming_datum", "is required: no member without the date of consent"},
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var emails []string
	for _, r := range got.Rows {
		emails = append(emails, r.Email)
	}
	if diff := cmp.Diff([]string{"goed@velsen.example", "leeg@velsen.example"}, emails); diff != "" {
		t.Errorf("good rows (-want +got):\n%s", diff)
	}
	if got.Total != 7 {
		t.Errorf("Total = %d, want 7", got.Total)
	}
}

func TestParseCSVRefusesAFileItCannotRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, reason string
	}{
		{"empty", "  \n", "is empty; it needs a header row and a row per member"},
		{"a header only", "email;toestemming_datum\n", "has a header row but no members"},
		{"no address column", "naam;toestemming_datum\nJan;2026-01-05\n", "has no column email in its header row"},
		{"neither required column", "naam;wijk\nJan;Noord\n", "has no column email or toestemming_datum in its header row"},
		{"a column twice", "email;e-mail;toestemming_datum\na@b.nl;a@b.nl;2026-01-05\n", `names the column "e-mail" twice (also as "email")`},
		{"Latin-1", "email;wijk;toestemming_datum\na@b.nl;Dorp\xe9;2026-01-05\n", `is not UTF-8 text; save it as "CSV UTF-8"`},
		{"a NUL", "email;wijk;toestemming_datum\na@b.nl;Dorp\x00;2026-01-05\n", `holds a NUL character, which is not text; save it as "CSV UTF-8"`},
		{"UTF-16", "\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00", `is not UTF-8 text; save it as "CSV UTF-8"`},
		{"a broken quote", "email;toestemming_datum\n\"a@b.nl;2026-01-05\nb@c.nl\";x\"y\n", "cannot be read from line 3: bare \" in non-quoted-field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := panel.ParseCSV([]byte(tc.file), now)
			var e *errs.Error
			if !errorsAs(err, &e) || e.Code != errs.Invalid || len(e.Fields) != 1 {
				t.Fatalf("ParseCSV = %v, want one Invalid field", err)
			}
			if diff := cmp.Diff(errs.Field{Path: "/csv", Reason: tc.reason}, e.Fields[0]); diff != "" {
				t.Errorf("field (-want +got):\n%s", diff)
			}
		})
	}
}
