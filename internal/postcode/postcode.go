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
	"errors"
	"fmt"
	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/internal/nlgov"
	"io"
)

//go:embed ijmond.csv
var ijmond []byte

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
// demo and for development, not a substitute for the CBS data. The table
// is part of the binary, and a test reads it.
func IJmond() (*Table, error) {
	t, err := Read(bytes.NewReader(ijmond))
	if err != nil {
		return nil, fmt.Errorf("built-in IJmond postcode table: %w", err)
	}
	return t, nil
}

// The columns of a postcode table.
const (
	colPostcode = iota
	colMunicipality
)

var format = csvfile.Format{Columns: []csvfile.Column{
	{Name: "postcode", Aliases: []string{"pc4", "pc6"}, Required: true},
	{Name: "gemeentecode", Aliases: []string{"gemeente", "municipality", "municipalitycode"}, Required: true},
}}

// Open reads a table from the CSV file at path. Its error names the file
// and, one per line, every problem in it.
func Open(path string) (*Table, error) {
	tab, err := csvfile.ReadFile(path, format)
	if err != nil {
		return nil, fmt.Errorf("reading postcode table: %w", err)
	}
	t, err := fromTable(tab)
	if e := (*csvfile.Error)(nil); errors.As(err, &e) {
		e.File = path
	}
	if err != nil {
		return nil, fmt.Errorf("reading postcode table: %w", err)
	}
	return t, nil
}

// Read reads a table from CSV with a header naming the columns
// "postcode" and "gemeentecode" (in any order, other columns ignored),
// separated by ";" or ",". Postcodes are PC4 ("1971") or PC6 ("1971 AB"),
// municipality codes "GM0453" or "0453". A table with a malformed row is
// refused whole, naming every such row (a *csvfile.Error): a half-read
// table would turn residents away without saying why.
func Read(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	tab, err := csvfile.Read(data, format)
	if err != nil {
		return nil, err
	}
	return fromTable(tab)
}

// fromTable checks every row of tab and builds the table from them.
func fromTable(tab *csvfile.Table) (*Table, error) {
	var ps csvfile.Problems
	for _, p := range tab.RowProblems {
		ps.Add(p)
	}
	t := &Table{pc6: map[string]string{}, pc4: map[string]string{}}
	for _, row := range tab.Rows {
		raw := row.Value(colPostcode)
		pc := Normalise(raw)
		code := nlgov.MunicipalityCode(row.Value(colMunicipality))
		if code == "" {
			ps.Add(row.Problem(colMunicipality, fmt.Sprintf("%q is geen gemeentecode zoals GM0453", row.Value(colMunicipality)),
				fmt.Sprintf("%q is not a municipality code such as GM0453", row.Value(colMunicipality))))
		}
		switch {
		case !nlgov.IsPC6(pc) && !nlgov.IsPC4(pc):
			ps.Add(row.Problem(colPostcode, fmt.Sprintf("%q is geen postcode zoals 1971 of 1971 AB", raw),
				fmt.Sprintf("%q is not a postcode such as 1971 or 1971 AB", raw)))
		case code == "":
		case len(pc) == 6:
			t.pc6[pc] = code
		default:
			if prev, ok := t.pc4[pc]; ok && prev != code {
				code = ambiguous
			}
			t.pc4[pc] = code
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// Normalise writes a postcode as typed ("1971 ab") the way the table
// keys it ("1971AB").
func Normalise(s string) string { return nlgov.Postcode(s) }

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
