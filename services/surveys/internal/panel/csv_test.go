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
	jan := panel.Row{Line: 2, Email: "Jan@Velsen.example", Attributes: panel.Attributes{Postcode: "1971 AB", Neighbourhood: "VEL-03", AgeBand: "66-75"}, ConsentAt: day(2025, 12, 31)}
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
			name: "quoted fields, a neighbourhood by its name in another case",
			file: "email;wijk;toestemming_datum\n\"jan@velsen.example\";\"  santpoort-noord \";2026-01-05\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{{Line: 2, Email: "jan@velsen.example", Attributes: panel.Attributes{Neighbourhood: "VEL-05"}, ConsentAt: day(2026, 1, 5)}}},
		},
		{
			name: "a neighbourhood by its code",
			file: "email;wijkcode;toestemming_datum\njan@velsen.example;VEL-05;2026-01-05\n",
			want: panel.Parsed{Total: 1, Rows: []panel.Row{{Line: 2, Email: "jan@velsen.example", Attributes: panel.Attributes{Neighbourhood: "VEL-05"}, ConsentAt: day(2026, 1, 5)}}},
		},
		{
			name: "an address repeated with the same data counts once, case aside",
			file: "email;toestemming_datum\njan@velsen.example;2026-01-05\nJAN@velsen.example;2026-01-05\n",
			want: panel.Parsed{Total: 2, Repeats: 1, Rows: []panel.Row{{Line: 2, Email: "jan@velsen.example", ConsentAt: day(2026, 1, 5)}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := panel.ParseCSV([]byte(tc.file), now, velsen)
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
		"goed@velsen.example;1971 AB;IJmuiden;18-26;2026-01-05",       // 2
		"geen-adres;0123 AB;IJmuiden;18-25;gisteren",                  // 3
		"ook@velsen.example;1971 SS;;;2027-01-01",                     // 4
		"goed@velsen.example;1972 CD;IJmuiden;18-26;2026-01-05",       // 5: repeat with other data
		"kort@velsen.example;1971",                                    // 6: too few fields
		"Jan <jan@velsen.example>;;;;",                                // 7
		"leeg@velsen.example;1234;Driehuis;76+;05-01-2026",            // 8
		"wijk@velsen.example;;Jan Jansen tel 06-11112222;;2026-01-05", // 9: free text for a neighbourhood
		"bever@velsen.example;;Wijk aan Zee;;2026-01-05",              // 10: Beverwijk's
	}, "\n")
	got, err := panel.ParseCSV([]byte(file), now, velsen)
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
		{9, "Wijk", "is not one of this municipality's neighbourhoods; choose one from the list (by code or name)"},
		{10, "Wijk", "is not one of this municipality's neighbourhoods; choose one from the list (by code or name)"},
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
	if got.Total != 9 {
		t.Errorf("Total = %d, want 9", got.Total)
	}
}

// A file that cannot be read is refused whole, every problem named with
// its line and column as a violation of the file's field.
func TestParseCSVRefusesAFileItCannotRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		reasons    []string
	}{
		{"empty", "  \n", []string{"line 1: the file is empty; it needs a header row naming the columns, and the data below it"}},
		{"a header only", "email;toestemming_datum\n", []string{"line 1: the file has a header row but no data below it"}},
		{"no address column", "naam;toestemming_datum\nJan;2026-01-05\n", []string{
			`line 1: the header row does not name the column email (as "email", "emailadres", "emailaddress")`}},
		{"neither required column", "naam;wijk\nJan;Noord\n", []string{
			`line 1: the header row does not name the column email (as "email", "emailadres", "emailaddress")`,
			`line 1: the header row does not name the column toestemming_datum (as "toestemming_datum", "datumtoestemming", "consentdate")`}},
		{"a column twice", "email;e-mail;toestemming_datum\na@b.nl;a@b.nl;2026-01-05\n", []string{
			`line 1, column 2 (e-mail): names the column email again (also as "email")`}},
		{"Latin-1", "email;wijk;toestemming_datum\na@b.nl;Dorp\xe9;2026-01-05\n", []string{
			`line 2, column 2: is not UTF-8 text; save the file as "CSV UTF-8"`}},
		{"a NUL", "email;wijk;toestemming_datum\na@b.nl;Dorp\x00;2026-01-05\n", []string{
			`line 2, column 2: holds a NUL character`}},
		{"broken quotes on two lines", "email;toestemming_datum\na@b.nl;2026-01\"-05\nb@c.nl;2026-01-05\n\"c@d.nl;2026-01-05\n", []string{
			`line 2, column 2: holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")`,
			`line 4, column 1: a field starts with a quote (") that is not closed, or text follows its closing quote`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := panel.ParseCSV([]byte(tc.file), now, velsen)
			var e *errs.Error
			if !errorsAs(err, &e) || e.Code != errs.Invalid {
				t.Fatalf("ParseCSV = %v, want an Invalid error", err)
			}
			var want []errs.Field
			for _, r := range tc.reasons {
				want = append(want, errs.Field{Path: "/csv", Reason: r})
			}
			if diff := cmp.Diff(want, e.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
