package csvfile_test

import (
	"errors"
	"testing"

	"github.com/meedoen/meedoen/internal/csvfile"
)

// FuzzRead feeds the reader anything: it never panics, every problem has a
// line, and a file it takes has the declared columns in every row. The
// committed corpus (testdata/fuzz/FuzzRead) holds the files that once
// broke a reader here: a bare and an unterminated quote on a data line,
// and a header without data. A burst of real fuzzing:
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 30s ./internal/csvfile/
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"postcode;gemeentecode\n1971;GM0453\n",
		"postcode;gemeentecode\n1971;GM0\"453\n",
		"postcode;gemeentecode\n\"1971;GM0453\n",
		"postcode;gemeentecode\n",
		"\ufeffcode,naam\r\nGM0453,\"Velsen\"\"\"\r\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	formats := []csvfile.Format{
		format,
		{Columns: []csvfile.Column{{Name: "postcode", Required: true}, {Name: "gemeentecode", Required: true}}, MaxRows: 5, MaxBytes: 200},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ft := range formats {
			tab, err := csvfile.Read(data, ft)
			if err != nil {
				var e *csvfile.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v is no *csvfile.Error", err)
				}
				if len(e.Problems) == 0 || len(e.Problems) > csvfile.MaxProblems {
					t.Fatalf("error lists %d problems", len(e.Problems))
				}
				for _, p := range e.Problems {
					if p.Line < 1 || p.Column < 0 || p.EN == "" || p.NL == "" {
						t.Fatalf("problem without a place or a text: %+v", p)
					}
				}
				_ = e.Error()
				continue
			}
			if len(tab.Rows) == 0 && len(tab.RowProblems) == 0 {
				t.Fatal("a table without rows was taken")
			}
			for c, col := range ft.Columns {
				if col.Required && !tab.Has(c) {
					t.Fatalf("required column %s missing from a table taken", col.Name)
				}
			}
			for _, r := range tab.Rows {
				if r.Line < 2 {
					t.Fatalf("data row on line %d", r.Line)
				}
				for c := range ft.Columns {
					_ = r.Value(c)
					if p := r.Problem(c, "x", "x"); p.Line != r.Line {
						t.Fatalf("problem of row %d is on line %d", r.Line, p.Line)
					}
				}
			}
			for _, p := range tab.RowProblems {
				if p.Line < 2 {
					t.Fatalf("row problem on line %d", p.Line)
				}
			}
		}
	})
}
