package postcode

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/csvfile"
)

func TestIJmondTableKnowsTheDemoMunicipalities(t *testing.T) {
	tab, err := IJmond()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		postcode string
		want     string
		ok       bool
	}{
		{"1971AB", "GM0453", true}, // IJmuiden
		{"1941XY", "GM0375", true}, // Beverwijk
		{"1965AA", "GM0396", true}, // Heemskerk
		{"1011AB", "", false},      // Amsterdam is not in the demo
	}
	for _, tt := range tests {
		got, ok := tab.Municipality(tt.postcode)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Municipality(%q) = %q, %v; want %q, %v", tt.postcode, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadPrefersFullPostcodesAndRefusesStraddlingAreas(t *testing.T) {
	tab, err := Read(strings.NewReader("\ufeffPostcode,GemeenteCode,extra\n1234,0001,x\n1234,GM0002,x\n1234 ab,gm0002,x\n5678,GM0003,x\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		postcode string
		want     string
		ok       bool
	}{
		{"1234AB", "GM0002", true}, // PC6 row decides
		{"1234AC", "", false},      // area in two municipalities
		{"5678ZZ", "GM0003", true}, // PC4 row
		{"9999AA", "", false},      // unknown
	}
	for _, tt := range tests {
		got, ok := tab.Municipality(tt.postcode)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Municipality(%q) = %q, %v; want %q, %v", tt.postcode, got, ok, tt.want, tt.ok)
		}
	}
	if tab.Len() != 3 {
		t.Errorf("Len() = %d, want 3", tab.Len())
	}
}

// A table with any bad row is refused whole, naming every problem with
// its line and column: the probe's bare and unterminated quotes included,
// which once panicked, and a header without rows, which once started with
// an empty table.
func TestReadNamesEveryBadLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"no header columns", "a;b\n1234;GM0001\n", []string{
			`line 1: the header row does not name the column postcode (as "postcode", "pc4", "pc6")`,
			`line 1: the header row does not name the column gemeentecode (as "gemeentecode", "gemeente", "municipality", "municipalitycode")`}},
		{"bad values on two lines", "postcode;gemeentecode\n1234;GM0001\n12X4;GM0001\n1235;Velsen\n", []string{
			`line 3, column 1 (postcode): "12X4" is not a postcode such as 1971 or 1971 AB`,
			`line 4, column 2 (gemeentecode): "Velsen" is not a municipality code such as GM0453`}},
		{"a bare quote on a data line", "postcode;gemeentecode\n1971;GM0453\n1972;GM\"0453\n", []string{
			`line 3, column 2: holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")`}},
		{"an unterminated quote on a data line", "postcode;gemeentecode\n1971;GM0453\n\"1972;GM0453\n", []string{
			`line 3, column 1: a field starts with a quote (") that is not closed, or text follows its closing quote`}},
		{"a header only", "postcode;gemeentecode\n", []string{"line 1: the file has a header row but no data below it"}},
		{"a short row", "postcode;gemeentecode\n1971\n", []string{"line 2: has 1 fields, the header 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(strings.NewReader(tt.csv))
			var e *csvfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("Read error = %v, want a *csvfile.Error", err)
			}
			var got []string
			for _, p := range e.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Open names the file in its message, on each problem's line.
func TestOpenNamesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "postcodes.csv")
	if err := os.WriteFile(path, []byte("postcode;gemeentecode\n1971;GM0453\n19X1;GM0453\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	want := "reading postcode table: " + path + ": 1 problem:\n" + path + `:3:1: postcode: "19X1" is not a postcode such as 1971 or 1971 AB`
	if err == nil || err.Error() != want {
		t.Errorf("Open error:\n%v\nwant:\n%s", err, want)
	}
}

func TestNilTableKnowsNothing(t *testing.T) {
	var tab *Table
	if _, ok := tab.Municipality("1971AB"); ok {
		t.Error("a nil table found a municipality")
	}
}
