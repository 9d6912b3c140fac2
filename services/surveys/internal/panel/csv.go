package panel

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
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

// column is a field an import reads.
type column int

const (
	colEmail column = iota
	colPostcode
	colNeighbourhood
	colAgeBand
	colConsentDate
	numColumns
)

// headerNames maps a header, lower case without spaces, dashes or
// underscores, to its column. Dutch and English names are both accepted:
// files come from municipal systems and spreadsheets in either.
var headerNames = map[string]column{
	"email":              colEmail,
	"emailadres":         colEmail,
	"emailaddress":       colEmail,
	"postcode":           colPostcode,
	"postalcode":         colPostcode,
	"zipcode":            colPostcode,
	"wijk":               colNeighbourhood,
	"neighbourhood":      colNeighbourhood,
	"neighborhood":       colNeighbourhood,
	"leeftijdsgroep":     colAgeBand,
	"leeftijdscategorie": colAgeBand,
	"ageband":            colAgeBand,
	"agegroup":           colAgeBand,
	"toestemmingdatum":   colConsentDate,
	"datumtoestemming":   colConsentDate,
	"consentdate":        colConsentDate,
}

// dateLayouts are the ways a consent date may be written: ISO, and the
// day-first forms Dutch spreadsheets produce.
var dateLayouts = []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006"}

// ParseCSV reads an import file: a header row, then one member per row,
// ";" or "," between fields (whichever the header uses more), UTF-8 with or
// without a byte order mark. The email and consent date columns are
// required, the others optional; unknown columns are ignored. A problem
// with the file as a whole (no header, a missing column, not UTF-8, too
// large, broken quoting) is an errs.Invalid error; a problem with a row
// rejects that row and is reported in Parsed.Problems, with every other
// problem of the file. A consent date after now is refused.
func ParseCSV(data []byte, now time.Time) (Parsed, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch {
	case len(data) > MaxCSVBytes:
		return Parsed{}, fileError("is larger than %d MB; import it in parts", MaxCSVBytes>>20)
	case len(bytes.TrimSpace(data)) == 0:
		return Parsed{}, fileError("is empty; it needs a header row and a row per member")
	case !utf8.Valid(data):
		return Parsed{}, fileError("is not UTF-8 text; save it as \"CSV UTF-8\"")
	case bytes.IndexByte(data, 0) >= 0:
		// No text in PostgreSQL can hold it: a wijk with a NUL would
		// fail the import as an internal error.
		return Parsed{}, fileError("holds a NUL character, which is not text; save it as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.ReuseRecord = true

	header, err := r.Read()
	if err != nil {
		return Parsed{}, readError(err)
	}
	header = slices.Clone(header) // the reader reuses its record

	cols, err := columns(header)
	if err != nil {
		return Parsed{}, err
	}

	var out Parsed
	firstLine := map[string]int{} // email key → line of its first row
	firstRow := map[string]int{}  // email key → index in out.Rows
	today := now.UTC().Truncate(24 * time.Hour)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Parsed{}, readError(err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		out.Total++
		if out.Total > MaxCSVRows {
			return Parsed{}, fileError("has more than %d rows; import it in parts", MaxCSVRows)
		}
		if len(rec) != len(header) {
			out.Problems = append(out.Problems, Problem{Line: line, Reason: *reasonf(
				"heeft %d velden, de kopregel %d", "has %d fields, the header %d", len(rec), len(header))})
			continue
		}
		row, problems := parseRow(rec, header, cols, line, today)
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
			out.Problems = append(out.Problems, Problem{Line: line, Column: header[cols[colEmail]], Reason: *reasonf(
				"staat al op regel %d, met andere gegevens; deze regel is overgeslagen",
				"is on line %d already, with other data; this row was skipped", firstLine[key])})
			continue
		}
		firstLine[key], firstRow[key] = line, len(out.Rows)
		out.Rows = append(out.Rows, row)
	}
	if out.Total == 0 {
		return Parsed{}, fileError("has a header row but no members")
	}
	return out, nil
}

// parseRow checks one record, naming every bad field.
func parseRow(rec, header []string, cols [numColumns]int, line int, today time.Time) (Row, []Problem) {
	var problems []Problem
	field := func(c column) string {
		if cols[c] < 0 {
			return ""
		}
		return rec[cols[c]]
	}
	check := func(c column, err error) {
		if err == nil {
			return
		}
		var r *Reason
		if !errors.As(err, &r) {
			r = reason(err.Error(), err.Error())
		}
		problems = append(problems, Problem{Line: line, Column: header[cols[c]], Reason: *r})
	}
	row := Row{Line: line}
	var err error
	row.Email, err = NormalizeEmail(field(colEmail))
	check(colEmail, err)
	row.Postcode, err = NormalizePostcode(field(colPostcode))
	check(colPostcode, err)
	row.Neighbourhood, err = NormalizeNeighbourhood(field(colNeighbourhood))
	check(colNeighbourhood, err)
	row.AgeBand, err = NormalizeAgeBand(field(colAgeBand))
	check(colAgeBand, err)
	row.ConsentAt, err = parseDate(field(colConsentDate), today)
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

// columns finds the columns an import reads in the header: -1 for an
// optional one that is absent.
func columns(header []string) ([numColumns]int, error) {
	var cols [numColumns]int
	for i := range cols {
		cols[i] = -1
	}
	for i, h := range header {
		c, ok := headerNames[headerKey(h)]
		if !ok {
			continue
		}
		if cols[c] >= 0 {
			return cols, fileError("names the column %q twice (also as %q)", header[i], header[cols[c]])
		}
		cols[c] = i
	}
	var missing []string
	if cols[colEmail] < 0 {
		missing = append(missing, "email")
	}
	if cols[colConsentDate] < 0 {
		missing = append(missing, "toestemming_datum")
	}
	if len(missing) > 0 {
		return cols, fileError("has no column %s in its header row", strings.Join(missing, " or "))
	}
	return cols, nil
}

func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '\t':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(h)))
}

// separator is the one the header line uses more of, outside quotes:
// Dutch spreadsheets write ";", most other tools ",".
func separator(data []byte) rune {
	semicolons, commas, quoted := 0, 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if semicolons > commas {
				return ';'
			}
			return ','
		case b == ';':
			semicolons++
		case b == ',':
			commas++
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// sameData compares rows of one address.
func sameData(a, b Row) bool {
	return a.Attributes == b.Attributes && a.ConsentAt.Equal(b.ConsentAt)
}

// fileError is an Invalid error about the file as a whole.
func fileError(format string, args ...any) error {
	return &errs.Error{Code: errs.Invalid, Message: "the CSV file cannot be imported",
		Fields: []errs.Field{{Path: "/csv", Reason: fmt.Sprintf(format, args...)}}}
}

func readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError("cannot be read from line %d: %v", pe.Line, pe.Err)
	}
	return fileError("cannot be read: %v", err)
}
