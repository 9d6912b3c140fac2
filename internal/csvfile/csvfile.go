// Package csvfile reads the CSV files people hand Meedoen: the tables an
// operator names on the command line (postcodes, neighbourhoods) and the
// panel members staff import. One reader, so that every such file is read
// the same way: a byte order mark is dropped, ";" or "," is found from the
// header, columns are found by their header names (in any order and case,
// Dutch or English), and a file that cannot be used is refused with the
// line and column of every problem, up to MaxProblems of them, instead of
// the first one alone, a half-read table or a panic.
//
// The reader checks the file's form; what the values mean is for its
// caller, which reports its own findings as Problems too (Row.Problem), so
// that a person fixing a file reads one list.
package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxProblems bounds the problems an Error lists: a file with a wrong
// separator or in the wrong encoding has a problem on every line, and
// the first few say what is wrong.
const MaxProblems = 50

// Column is a column a file may or must have.
type Column struct {
	// Name is the column's usual header, which messages use.
	Name string
	// Aliases are other headers that name it, such as its English name.
	Aliases []string
	// Required makes a file without the column unusable.
	Required bool
}

// Format describes the files a caller reads.
type Format struct {
	// Columns are the columns read; others in a file are ignored.
	Columns []Column
	// MaxBytes and MaxRows bound a file; 0 means no bound.
	MaxBytes int
	MaxRows  int
}

// Problem is one thing wrong with a file, and where.
type Problem struct {
	// Line is the problem's line in the file, the header being line 1;
	// always at least 1.
	Line int
	// Column is the number of the column (field) at fault, the first
	// being 1; 0 when the line as a whole is.
	Column int
	// Header is that column's header as the file writes it, when known.
	Header string
	// NL and EN say what is wrong, in Dutch and in English.
	NL, EN string
}

// String is the problem in English, with its place: "line 3, column 2
// (gemeentecode): …".
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", p.Line)
	if p.Column > 0 {
		fmt.Fprintf(&b, ", column %d", p.Column)
	}
	if p.Header != "" {
		fmt.Fprintf(&b, " (%s)", p.Header)
	}
	b.WriteString(": ")
	b.WriteString(p.EN)
	return b.String()
}

// Error is a file refused for its problems.
type Error struct {
	// File names the file when it was read from disk (ReadFile).
	File string
	// Problems are in line and column order, at most MaxProblems.
	Problems []Problem
	// Omitted counts the problems found beyond those.
	Omitted int
}

// Error lists the problems one per line, in English. A file read from
// disk is named on every line the way compilers do ("file:3:2: …"), so
// that an editor jumps to each.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	n := len(e.Problems) + e.Omitted
	if n == 1 {
		b.WriteString("1 problem:")
	} else {
		fmt.Fprintf(&b, "%d problems:", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		if e.File == "" {
			b.WriteString(p.String())
			continue
		}
		fmt.Fprintf(&b, "%s:%d:", e.File, p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, "%d:", p.Column)
		}
		if p.Header != "" {
			fmt.Fprintf(&b, " %s:", p.Header)
		}
		b.WriteString(" " + p.EN)
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n… and %d more", e.Omitted)
	}
	return b.String()
}

// Problems collects problems, keeping MaxProblems of them. Its zero value
// is ready to use.
type Problems struct {
	list    []Problem
	omitted int
}

// Add records p. A problem without a line is put on line 1: every problem
// has a place.
func (ps *Problems) Add(p Problem) {
	if p.Line < 1 {
		p.Line = 1
	}
	if len(ps.list) >= MaxProblems {
		ps.omitted++
		return
	}
	ps.list = append(ps.list, p)
}

// Len is how many problems were added.
func (ps *Problems) Len() int { return len(ps.list) + ps.omitted }

// Err returns nil without problems, else an *Error with them in line and
// column order.
func (ps *Problems) Err() error {
	if ps.Len() == 0 {
		return nil
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return &Error{Problems: list, Omitted: ps.omitted}
}

// Table is a file read: its header and its rows.
type Table struct {
	// Header is the header row as the file writes it.
	Header []string
	// Separator is the one the file uses, ';' or ','.
	Separator rune
	// Rows are the data rows, blank ones left out, in file order.
	Rows []Row
	// RowProblems are the rows left out because their number of fields
	// is not the header's, one problem each. A caller that takes a file
	// whole refuses it for them; one that takes rows one by one reports
	// them with its own.
	RowProblems []Problem
	// columns maps each Format column to its index in a record, or -1.
	columns []int
}

// Has reports whether the file has the Format's column c (an index into
// Format.Columns).
func (t *Table) Has(c int) bool { return t.columns[c] >= 0 }

// Row is one data row.
type Row struct {
	// Line is the row's line in the file, the header being line 1.
	Line   int
	fields []string
	t      *Table
}

// Value is the row's field in the Format's column c (an index into
// Format.Columns), as the file writes it; "" for an optional column the
// file does not have.
func (r Row) Value(c int) string {
	i := r.t.columns[c]
	if i < 0 {
		return ""
	}
	return r.fields[i]
}

// Problem is a problem with the row's field in the Format's column c, or
// with the whole row for c < 0.
func (r Row) Problem(c int, nl, en string) Problem {
	p := Problem{Line: r.Line, NL: nl, EN: en}
	if c >= 0 && r.t.columns[c] >= 0 {
		p.Column = r.t.columns[c] + 1
		p.Header = r.t.Header[r.t.columns[c]]
	}
	return p
}

// Read reads data as a file of format f: a header row naming the columns,
// then at least one data row. A file that cannot be read as such is
// refused with an *Error listing every problem found: not UTF-8 text, a NUL
// character, broken quoting, a header without a required column or with
// one twice, no data rows, too large. Rows with another number of fields
// than the header are left out and listed in Table.RowProblems.
func Read(data []byte, f Format) (*Table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var ps Problems
	switch {
	case f.MaxBytes > 0 && len(data) > f.MaxBytes:
		ps.Add(Problem{Line: 1,
			NL: fmt.Sprintf("het bestand is groter dan %s; lees het in delen in", size(f.MaxBytes)),
			EN: fmt.Sprintf("the file is larger than %s; read it in parts", size(f.MaxBytes))})
		return nil, ps.Err()
	case len(bytes.TrimSpace(data)) == 0:
		ps.Add(Problem{Line: 1,
			NL: "het bestand is leeg; het heeft een kopregel nodig met de namen van de kolommen, en daaronder de gegevens",
			EN: "the file is empty; it needs a header row naming the columns, and the data below it"})
		return nil, ps.Err()
	}
	t := &Table{Separator: separator(data)}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = t.Separator
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true

	header, err := r.Read()
	if err != nil {
		ps.Add(readProblem(err, header))
		return nil, ps.Err()
	}
	t.Header = header
	checkText(&ps, r, header, 1)
	t.columns = columns(&ps, header, f.Columns)
	if ps.Len() > 0 {
		return nil, ps.Err()
	}

	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				// bytes.Reader does not fail; a reader that did would
				// leave nothing more to read.
				ps.Add(Problem{Line: 1, NL: "het bestand is niet te lezen: " + err.Error(), EN: "the file cannot be read: " + err.Error()})
				break
			}
			ps.Add(readProblem(err, rec))
			continue
		}
		// FieldPos is only asked of a record read without error: it
		// knows no positions for a partial one.
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if f.MaxRows > 0 && len(t.Rows)+len(t.RowProblems) >= f.MaxRows {
			ps.Add(Problem{Line: line,
				NL: fmt.Sprintf("het bestand heeft meer dan %d rijen; lees het in delen in", f.MaxRows),
				EN: fmt.Sprintf("the file has more than %d rows; read it in parts", f.MaxRows)})
			break
		}
		if !checkText(&ps, r, rec, line) {
			continue
		}
		if len(rec) != len(header) {
			t.RowProblems = append(t.RowProblems, Problem{Line: line,
				NL: fmt.Sprintf("heeft %d velden, de kopregel %d", len(rec), len(header)),
				EN: fmt.Sprintf("has %d fields, the header %d", len(rec), len(header))})
			continue
		}
		t.Rows = append(t.Rows, Row{Line: line, fields: rec, t: t})
	}
	if ps.Len() == 0 && len(t.Rows) == 0 && len(t.RowProblems) == 0 {
		ps.Add(Problem{Line: 1,
			NL: "het bestand heeft een kopregel maar geen gegevens daaronder",
			EN: "the file has a header row but no data below it"})
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// ReadFile reads the file at path as Read does. Its *Error names the
// file.
func ReadFile(path string, f Format) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Read(data, f)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.File = path
	}
	return t, err
}

// readProblem describes a record encoding/csv could not read; rec is the
// part of it read before the fault.
func readProblem(err error, rec []string) Problem {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return Problem{Line: 1, NL: "het bestand is niet te lezen: " + err.Error(), EN: "the file cannot be read: " + err.Error()}
	}
	// The partial record holds the fields before the faulty one.
	p := Problem{Line: pe.Line, Column: len(rec) + 1}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		p.NL = `bevat een aanhalingsteken (") in een veld dat er niet mee begint; zet het hele veld tussen aanhalingstekens en verdubbel het teken ("")`
		p.EN = `holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")`
	case errors.Is(pe.Err, csv.ErrQuote):
		// The field opened on StartLine runs to where the reader gave up,
		// which for a missing closing quote is the end of the file.
		p.Line = pe.StartLine
		p.NL = `een veld begint met een aanhalingsteken (") dat niet wordt gesloten, of na het sluitende teken volgt nog tekst`
		p.EN = `a field starts with a quote (") that is not closed, or text follows its closing quote`
	default:
		p.NL = "is niet te lezen: " + pe.Err.Error()
		p.EN = "cannot be read: " + pe.Err.Error()
	}
	if p.Line < 1 {
		p.Line = 1
	}
	return p
}

// checkText adds a problem for every field of rec that is not UTF-8 text
// or holds a NUL, which no database column takes; ok is false if any
// does. line is rec's line when r cannot tell a field's own.
func checkText(ps *Problems, r *csv.Reader, rec []string, line int) (ok bool) {
	ok = true
	for i, field := range rec {
		var nl, en string
		switch {
		case !utf8.ValidString(field):
			nl = `is geen UTF-8-tekst; sla het bestand op als "CSV UTF-8"`
			en = `is not UTF-8 text; save the file as "CSV UTF-8"`
		case strings.ContainsRune(field, 0):
			nl = "bevat een NUL-teken"
			en = "holds a NUL character"
		default:
			continue
		}
		at := line
		if l, _ := r.FieldPos(i); l > 0 {
			at = l
		}
		ps.Add(Problem{Line: at, Column: i + 1, NL: nl, EN: en})
		ok = false
	}
	return ok
}

// columns finds each of want's columns in header, adding a problem for a
// required one that is missing and for one named twice.
func columns(ps *Problems, header []string, want []Column) []int {
	cols := make([]int, len(want))
	for i := range cols {
		cols[i] = -1
	}
	for i, h := range header {
		key := headerKey(h)
		c := slices.IndexFunc(want, func(col Column) bool {
			return headerKey(col.Name) == key || slices.ContainsFunc(col.Aliases, func(a string) bool { return headerKey(a) == key })
		})
		switch {
		case c < 0 || key == "":
		case cols[c] >= 0:
			ps.Add(Problem{Line: 1, Column: i + 1, Header: h,
				NL: fmt.Sprintf("noemt de kolom %s nog een keer (ook als %q)", want[c].Name, header[cols[c]]),
				EN: fmt.Sprintf("names the column %s again (also as %q)", want[c].Name, header[cols[c]])})
		default:
			cols[c] = i
		}
	}
	for c, col := range want {
		if col.Required && cols[c] < 0 {
			names := strings.Join(append([]string{col.Name}, col.Aliases...), `", "`)
			ps.Add(Problem{Line: 1,
				NL: fmt.Sprintf(`de kopregel noemt de kolom %s niet (als "%s")`, col.Name, names),
				EN: fmt.Sprintf(`the header row does not name the column %s (as "%s")`, col.Name, names)})
		}
	}
	return cols
}

// headerKey is how headers are compared: without case, spaces, dashes and
// underscores, so that "E-mail", "email" and "E mail" are one column.
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
			return pick(semicolons, commas)
		case b == ';':
			semicolons++
		case b == ',':
			commas++
		}
	}
	return pick(semicolons, commas)
}

func pick(semicolons, commas int) rune {
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

// size writes a byte count as people read it.
func size(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
