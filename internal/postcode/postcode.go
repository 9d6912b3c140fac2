// Package postcode finds the municipality of a Dutch postcode, so that an
// open poll link can accept only residents of the poll's municipalities
// without keeping anyone's postcode.
//
// A table maps four-digit postcodes (PC4) and full postcodes (PC6,
// "1971AB") to a municipality's CBS code ("GM0453"). A full postcode lies
// in one municipality; a four-digit area may straddle a border, so a table
// that lists one PC4 under two municipalities answers for it only through
// the PC6 rows. Production loads the CBS "postcode–huisnummer–gemeente"
// data reduced to two columns (see docs/operations.md); without a file the
// built-in table of the IJmond demo region is used.
package postcode

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

//go:embed ijmond.csv
var ijmond []byte

var (
	pc4Pattern  = regexp.MustCompile(`^[1-9][0-9]{3}$`)
	pc6Pattern  = regexp.MustCompile(`^[1-9][0-9]{3}[A-Z]{2}$`)
	codePattern = regexp.MustCompile(`^GM[0-9]{4}$`)
)

// ambiguous marks a PC4 area that lies in more than one municipality.
const ambiguous = ""

// Table maps postcodes to municipalities. Its zero value knows none; it
// is safe for concurrent lookups once loaded.
type Table struct {
	pc6 map[string]string
	pc4 map[string]string
}

// IJmond returns the built-in table of the demo region: Velsen,
// Beverwijk and Heemskerk by four-digit postcode. It is enough for the
// demo and for development, not a substitute for the CBS data.
func IJmond() *Table {
	t, err := Read(bytes.NewReader(ijmond))
	if err != nil {
		// The file is part of the binary and covered by a test.
		panic(fmt.Sprintf("postcode: built-in IJmond table: %v", err))
	}
	return t
}

// Open reads a table from the CSV file at path.
func Open(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening postcode table: %w", err)
	}
	defer f.Close()
	t, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("reading postcode table %s: %w", path, err)
	}
	return t, nil
}

// Read reads a table from CSV with a header naming the columns
// "postcode" and "gemeentecode" (in any order, other columns ignored),
// separated by ";" or ",". Postcodes are PC4 ("1971") or PC6 ("1971 AB"),
// municipality codes "GM0453" or "0453". A malformed row fails the whole
// read with its line number: a half-read table would turn residents away
// without saying why.
func Read(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	pcCol, codeCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "postcode", "pc4", "pc6":
			pcCol = i
		case "gemeentecode", "gemeente", "municipality":
			codeCol = i
		}
	}
	if pcCol < 0 || codeCol < 0 {
		return nil, errors.New(`header must name the columns "postcode" and "gemeentecode"`)
	}
	t := &Table{pc6: map[string]string{}, pc4: map[string]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		pc := Normalise(rec[pcCol])
		code := municipalityCode(rec[codeCol])
		if code == "" {
			return nil, fmt.Errorf("line %d: %q is not a municipality code", line, rec[codeCol])
		}
		switch {
		case pc6Pattern.MatchString(pc):
			t.pc6[pc] = code
		case pc4Pattern.MatchString(pc):
			if prev, ok := t.pc4[pc]; ok && prev != code {
				code = ambiguous
			}
			t.pc4[pc] = code
		default:
			return nil, fmt.Errorf("line %d: %q is not a postcode", line, rec[pcCol])
		}
	}
}

// separator guesses a CSV file's separator from its first line: Dutch
// spreadsheet programs write ";".
func separator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// municipalityCode writes "0453", "gm0453" or "GM0453" as "GM0453", and
// anything else as "".
func municipalityCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 4 {
		s = "GM" + s
	}
	if !codePattern.MatchString(s) {
		return ""
	}
	return s
}

// Normalise writes a postcode as typed ("1971 ab") the way the table
// keys it ("1971AB").
func Normalise(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// Municipality returns the CBS code of the municipality of postcode, a
// PC6 as Normalise writes it; ok is false when the table does not know it
// or its four-digit area straddles municipalities without a PC6 row.
func (t *Table) Municipality(postcode string) (code string, ok bool) {
	if t == nil {
		return "", false
	}
	if code, ok := t.pc6[postcode]; ok {
		return code, true
	}
	if len(postcode) < 4 {
		return "", false
	}
	code, ok = t.pc4[postcode[:4]]
	if !ok || code == ambiguous {
		return "", false
	}
	return code, true
}

// Len is how many postcodes (PC6 and PC4) the table lists.
func (t *Table) Len() int { return len(t.pc6) + len(t.pc4) }
