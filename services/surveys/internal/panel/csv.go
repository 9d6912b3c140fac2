package panel

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
)

// Limits of an import file. The file travels in one gRPC message, whose
// default limit is 4 MB; about 60,000 members fit, stored in seconds in
// one transaction. Larger panels are imported in parts.
const (
	MaxCSVBytes = 3 << 20
	MaxCSVRows  = 100_000
)

// Row is one valid member in an import file.
type Row struct {
	// Line is the row's line in the file, the header being line 1.
	Line  int
	Email string
	Attributes
	// ConsentAt is the day consent was given, at midnight UTC.
	ConsentAt time.Time
}

// Problem is why a row, or one field of it, was not imported.
type Problem struct {
	Line int
	// Column is the header of the offending column as the file names it;
	// empty when the whole row is at fault.
	Column string
	Reason Reason
}

// Parsed is an import file read and checked.
type Parsed struct {
	// Rows are the valid rows, one per address, in file order.
	Rows []Row
	// Total is the number of data rows in the file.
	Total int
	// Repeats counts rows repeating an address earlier in the file with
	// the same data; they are left out of Rows.
	Repeats int
	// Problems are the rejected rows' problems, in line order, every
	// problem of a row listed.
	Problems []Problem
}

// The columns an import reads, as indexes into importFormat.Columns.
const (
	colEmail = iota
	colPostcode
	colNeighbourhood
	colAgeBand
	colConsentDate
)

// importFormat names the columns an import reads. Dutch and English
// headers are both accepted: files come from municipal systems and
// spreadsheets in either.
var importFormat = csvfile.Format{
	Columns: []csvfile.Column{
		colEmail:         {Name: "email", Aliases: []string{"emailadres", "emailaddress"}, Required: true},
		colPostcode:      {Name: "postcode", Aliases: []string{"postalcode", "zipcode"}},
		colNeighbourhood: {Name: "wijk", Aliases: []string{"wijkcode", "neighbourhood", "neighborhood"}},
		colAgeBand:       {Name: "leeftijdsgroep", Aliases: []string{"leeftijdscategorie", "ageband", "agegroup"}},
		colConsentDate:   {Name: "toestemming_datum", Aliases: []string{"datumtoestemming", "consentdate"}, Required: true},
	},
	MaxBytes: MaxCSVBytes,
	MaxRows:  MaxCSVRows,
}

// dateLayouts are the ways a consent date may be written: ISO, and the
// day-first forms Dutch spreadsheets produce.
var dateLayouts = []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006"}

// ParseCSV reads an import file for a municipality whose neighbourhoods
// are hoods: a header row, then one member per row, ";" or "," between
// fields (whichever the header uses more), UTF-8 with or without a byte
// order mark. The email and consent date columns are required, the others
// optional; unknown columns are ignored. A neighbourhood is one of hoods,
// by code or name; it is stored as its code. A problem with the file as a
// whole (no header, a missing column, not UTF-8, too large, broken
// quoting) is an errs.Invalid error naming the line and column of every
// such problem; a problem with a row rejects that row and is reported in
// Parsed.Problems, with every other problem of the file. A consent date
// after now is refused.
func ParseCSV(data []byte, now time.Time, hoods neighbourhood.List) (Parsed, error) {
	tab, err := csvfile.Read(data, importFormat)
	if err != nil {
		return Parsed{}, fileError(err)
	}
	out := Parsed{Total: len(tab.Rows) + len(tab.RowProblems)}
	for _, p := range tab.RowProblems {
		out.Problems = append(out.Problems, Problem{Line: p.Line, Reason: Reason{NL: p.NL, EN: p.EN}})
	}
	firstLine := map[string]int{} // email key → line of its first row
	firstRow := map[string]int{}  // email key → index in out.Rows
	today := now.UTC().Truncate(24 * time.Hour)
	for _, rec := range tab.Rows {
		row, problems := parseRow(rec, today, hoods)
		if len(problems) > 0 {
			out.Problems = append(out.Problems, problems...)
			continue
		}
		key := EmailKey(row.Email)
		if i, seen := firstRow[key]; seen {
			if sameData(out.Rows[i], row) {
				out.Repeats++
				continue
			}
			p := rec.Problem(colEmail, "", "")
			out.Problems = append(out.Problems, Problem{Line: row.Line, Column: p.Header, Reason: *reasonf(
				"staat al op regel %d, met andere gegevens; deze regel is overgeslagen",
				"is on line %d already, with other data; this row was skipped", firstLine[key])})
			continue
		}
		firstLine[key], firstRow[key] = row.Line, len(out.Rows)
		out.Rows = append(out.Rows, row)
	}
	slices.SortStableFunc(out.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return out, nil
}

// parseRow checks one row, naming every bad field.
func parseRow(rec csvfile.Row, today time.Time, hoods neighbourhood.List) (Row, []Problem) {
	var problems []Problem
	check := func(c int, err error) {
		if err == nil {
			return
		}
		var r *Reason
		if !errors.As(err, &r) {
			r = reason(err.Error(), err.Error())
		}
		problems = append(problems, Problem{Line: rec.Line, Column: rec.Problem(c, "", "").Header, Reason: *r})
	}
	row := Row{Line: rec.Line}
	var err error
	row.Email, err = NormalizeEmail(rec.Value(colEmail))
	check(colEmail, err)
	row.Postcode, err = NormalizePostcode(rec.Value(colPostcode))
	check(colPostcode, err)
	row.Neighbourhood, err = NormalizeNeighbourhood(rec.Value(colNeighbourhood), hoods)
	check(colNeighbourhood, err)
	row.AgeBand, err = NormalizeAgeBand(rec.Value(colAgeBand))
	check(colAgeBand, err)
	row.ConsentAt, err = parseDate(rec.Value(colConsentDate), today)
	check(colConsentDate, err)
	return row, problems
}

// parseDate reads a consent date, which cannot lie ahead.
func parseDate(s string, today time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, reason("ontbreekt: zonder datum van toestemming geen lid", "is required: no member without the date of consent")
	}
	for _, layout := range dateLayouts {
		if d, err := time.Parse(layout, s); err == nil {
			if d.After(today) {
				return time.Time{}, reason("ligt in de toekomst", "lies in the future")
			}
			return d, nil
		}
	}
	return time.Time{}, reason("is geen datum zoals 2024-03-31 of 31-03-2024", "is not a date such as 2024-03-31 or 31-03-2024")
}

// sameData compares rows of one address.
func sameData(a, b Row) bool {
	return a.Attributes == b.Attributes && a.ConsentAt.Equal(b.ConsentAt)
}

// fileError is an Invalid error about the file as a whole, naming every
// problem csvfile found, with its line and column, as a violation of the
// field that holds the file.
func fileError(err error) error {
	var ce *csvfile.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("reading the import file: %w", err)
	}
	e := &errs.Error{Code: errs.Invalid, Message: "the CSV file cannot be imported"}
	for _, p := range ce.Problems {
		e.Fields = append(e.Fields, errs.Field{Path: "/csv", Reason: p.String()})
	}
	if ce.Omitted > 0 {
		e.Fields = append(e.Fields, errs.Field{Path: "/csv", Reason: fmt.Sprintf("and %d more problems", ce.Omitted)})
	}
	return e
}
