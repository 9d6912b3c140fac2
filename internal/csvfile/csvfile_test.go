package csvfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/csvfile"
)

// The columns of the tests' files: a required code and an optional name.
const (
	colCode = iota
	colName
)

var format = csvfile.Format{Columns: []csvfile.Column{
	{Name: "code", Aliases: []string{"gemeentecode"}, Required: true},
	{Name: "naam", Aliases: []string{"name"}},
}}

// row is what a test compares of a Row.
type row struct {
	Line       int
	Code, Name string
}

func rows(t *csvfile.Table) []row {
	var out []row
	for _, r := range t.Rows {
		out = append(out, row{r.Line, r.Value(colCode), r.Value(colName)})
	}
	return out
}

func TestReadTakesWhatSpreadsheetsWrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		want       []row
		separator  rune
	}{
		{
			name: "semicolons, a byte order mark, CRLF and headers in another case",
			file: "\ufeffNaam;GemeenteCode\r\nVelsen;GM0453\r\nBeverwijk;GM0375\r\n",
			want: []row{{2, "GM0453", "Velsen"}, {3, "GM0375", "Beverwijk"}}, separator: ';',
		},
		{
			name: "commas, an unknown column ignored, blank lines and empty rows skipped",
			file: "code,extra,name\n\nGM0453,x,Velsen\n,,\nGM0375,y,Beverwijk\n",
			want: []row{{3, "GM0453", "Velsen"}, {5, "GM0375", "Beverwijk"}}, separator: ',',
		},
		{
			name: "an optional column absent",
			file: "code\nGM0453\n",
			want: []row{{2, "GM0453", ""}}, separator: ',',
		},
		{
			name: "quoted fields with the separator, a doubled quote and a line break",
			file: "code;naam\nGM0453;\"Velsen; \"\"aan zee\"\"\"\nGM0375;\"Bever\nwijk\"\nGM0396;Heemskerk\n",
			want: []row{{2, "GM0453", `Velsen; "aan zee"`}, {3, "GM0375", "Bever\nwijk"}, {5, "GM0396", "Heemskerk"}}, separator: ';',
		},
		{
			name: "dashes, spaces and underscores in headers do not matter",
			file: "Gemeente-Code,NAME\nGM0453,Velsen\n",
			want: []row{{2, "GM0453", "Velsen"}}, separator: ',',
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab, err := csvfile.Read([]byte(tc.file), format)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if diff := cmp.Diff(tc.want, rows(tab)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if tab.Separator != tc.separator {
				t.Errorf("separator %q, want %q", tab.Separator, tc.separator)
			}
		})
	}
}

// problem is what a test compares of a Problem.
type problem struct {
	Line, Column int
	Header, EN   string
}

func problemsOf(t *testing.T, err error) []problem {
	t.Helper()
	var e *csvfile.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is no *csvfile.Error", err)
	}
	var out []problem
	for _, p := range e.Problems {
		if p.NL == "" || p.EN == "" {
			t.Errorf("problem %+v lacks a language", p)
		}
		out = append(out, problem{p.Line, p.Column, p.Header, p.EN})
	}
	return out
}

// Every problem is named with its line and column, all at once.
func TestReadRefusesAFileWithEveryProblemAndItsPlace(t *testing.T) {
	t.Parallel()
	const (
		bareQuote  = `holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")`
		openQuote  = `a field starts with a quote (") that is not closed, or text follows its closing quote`
		notUTF8    = `is not UTF-8 text; save the file as "CSV UTF-8"`
		headerOnly = "the file has a header row but no data below it"
	)
	for _, tc := range []struct {
		name, file string
		want       []problem
	}{
		{"empty", " \r\n", []problem{{1, 0, "", "the file is empty; it needs a header row naming the columns, and the data below it"}}},
		{"a header only", "code;naam\n", []problem{{1, 0, "", headerOnly}}},
		{"a header and blank lines only", "code;naam\n;\n\n", []problem{{1, 0, "", headerOnly}}},
		{"a required column missing", "naam;wijk\nVelsen;Noord\n", []problem{{1, 0, "", `the header row does not name the column code (as "code", "gemeentecode")`}}},
		{"a column twice", "code;gemeentecode\nGM0453;GM0453\n", []problem{{1, 2, "gemeentecode", `names the column code again (also as "code")`}}},
		{"a bare quote on a data line", "code;naam\nGM0453;Vel\"sen\nGM0375;Beverwijk\nGM0396;Heems\"kerk\n",
			[]problem{{2, 2, "", bareQuote}, {4, 2, "", bareQuote}}},
		{"an unterminated quote", "code;naam\nGM0453;Velsen\nGM0375;\"Beverwijk\nGM0396;Heemskerk\n",
			[]problem{{3, 2, "", openQuote}}},
		{"a bare quote in the header", "co\"de;naam\nGM0453;Velsen\n", []problem{{1, 1, "", bareQuote}}},
		{"Latin-1 text", "code;naam\nGM0453;Velsen\nGM0375;Bever\xe9\n", []problem{{3, 2, "", notUTF8}}},
		{"a NUL character", "code;naam\nGM0453;Vel\x00sen\n", []problem{{2, 2, "", "holds a NUL character"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab, err := csvfile.Read([]byte(tc.file), format)
			if err == nil {
				t.Fatalf("Read accepted the file: %+v", rows(tab))
			}
			if diff := cmp.Diff(tc.want, problemsOf(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// A row with another number of fields than the header is left out and
// named; the caller decides whether the file stands without it.
func TestReadSetsAsideRowsOfTheWrongWidth(t *testing.T) {
	t.Parallel()
	tab, err := csvfile.Read([]byte("code;naam\nGM0453\nGM0375;Beverwijk\nGM0396;Heemskerk;x\n"), format)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]row{{3, "GM0375", "Beverwijk"}}, rows(tab)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	var got []problem
	for _, p := range tab.RowProblems {
		got = append(got, problem{p.Line, p.Column, p.Header, p.EN})
	}
	want := []problem{{2, 0, "", "has 1 fields, the header 2"}, {4, 0, "", "has 3 fields, the header 2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row problems (-want +got):\n%s", diff)
	}
}

func TestReadBoundsAFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		format csvfile.Format
		want   []problem
	}{
		{"too many bytes", csvfile.Format{Columns: format.Columns, MaxBytes: 10}, []problem{{1, 0, "", "the file is larger than 10 bytes; read it in parts"}}},
		{"too many rows", csvfile.Format{Columns: format.Columns, MaxRows: 2}, []problem{{4, 0, "", "the file has more than 2 rows; read it in parts"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := csvfile.Read([]byte("code\nGM0453\nGM0375\nGM0396\n"), tc.format)
			if diff := cmp.Diff(tc.want, problemsOf(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// The caller's own findings join the reader's, in line order, capped.
func TestProblemsAreSortedAndCapped(t *testing.T) {
	t.Parallel()
	var ps csvfile.Problems
	if ps.Err() != nil {
		t.Fatal("no problems gave an error")
	}
	for line := csvfile.MaxProblems + 10; line >= 0; line-- {
		ps.Add(csvfile.Problem{Line: line, EN: "x", NL: "x"})
	}
	var e *csvfile.Error
	if !errors.As(ps.Err(), &e) {
		t.Fatalf("Err() = %v", ps.Err())
	}
	if len(e.Problems) != csvfile.MaxProblems || e.Omitted != 11 {
		t.Errorf("%d problems, %d omitted; want %d and 11", len(e.Problems), e.Omitted, csvfile.MaxProblems)
	}
	for i, p := range e.Problems {
		if p.Line < 1 || i > 0 && p.Line < e.Problems[i-1].Line {
			t.Fatalf("problem %d on line %d: lines must be ≥ 1 and in order", i, p.Line)
		}
	}
	if !strings.HasSuffix(e.Error(), "… and 11 more") {
		t.Errorf("message does not say how many were left out:\n%s", e.Error())
	}
}

// A file read from disk is named on every line of the message.
func TestReadFileNamesTheFileOnEveryLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gemeenten.csv")
	if err := os.WriteFile(path, []byte("code;naam\nGM0453;Vel\"sen\nGM0375;\"Bever\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := csvfile.ReadFile(path, format)
	if err == nil {
		t.Fatal("ReadFile accepted a broken file")
	}
	want := path + ": 2 problems:\n" +
		path + `:2:2: holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")` + "\n" +
		path + `:3:2: a field starts with a quote (") that is not closed, or text follows its closing quote`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
}
