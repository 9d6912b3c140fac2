// Package export writes a poll's responses as a file for analysis: CSV,
// JSON or XLSX. An Encoder writes one response at a time to an io.Writer
// and keeps nothing of it, so a million responses export in the memory of
// one; the caller streams the responses in (store.ExportResponses) and the
// bytes out.
//
// The files are pseudonymous, as the responses are: a response id, when it
// was submitted, the respondent's municipality and the answers, nothing
// that names a person. A public export (Options.Public) also leaves out
// whatever a resident typed, which may name them or others; the caller
// decides whether the municipality may stay (Options.Municipality).
package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// Format is a file format.
type Format string

// The formats.
const (
	// CSV is RFC 4180: comma separated, CRLF line ends, fields with
	// commas, quotes or line breaks in double quotes; UTF-8 with a byte
	// order mark, without which Excel reads UTF-8 as its local code page.
	CSV Format = "csv"
	// JSON is one document, {"poll": {...}, "responses": [...]}, with one
	// response per line, so that it is both one value for a JSON parser
	// and easy to look through.
	JSON Format = "json"
	// XLSX is an Office Open XML workbook with the CSV's table, numbers as
	// numbers. A sheet holds at most 1,048,576 rows, so bigger exports
	// continue on further sheets, each with the header row.
	XLSX Format = "xlsx"
)

// ContentType is the media type of files in f.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Options shape an export.
type Options struct {
	Format Format
	// Language is "nl" (the default) or "en": the language of headings and
	// of option labels.
	Language string
	// Public leaves out free texts: text answers and "other, namely…".
	Public bool
	// Municipality keeps each respondent's municipality; the caller
	// decides whether it is safe to (see the package comment).
	Municipality bool
	// Semicolon makes a CSV file the way spreadsheets set up for Dutch
	// read it: fields separated by semicolons, decimals with a comma, and
	// times in Dutch time (Europe/Amsterdam) as a spreadsheet reads them,
	// "2026-12-07 18:30:05", rather than in UTC.
	Semicolon bool
	// MunicipalityNames, with Municipality, adds a column with each
	// respondent's municipality's name beside its code.
	MunicipalityNames map[string]string
}

// Encoder writes responses to a file.
type Encoder struct {
	out    sink
	layout layout
	row    []cell
	// table tells whether the format lays responses out in rows (CSV,
	// XLSX); JSON writes them from the replies.
	table bool
}

// sink is one format's writer.
type sink interface {
	// write writes one response; row is its table row, filled for the
	// formats that use it.
	write(r *poll.Response, row []cell) error
	// close finishes the file.
	close() error
}

// New starts a file on w: it checks opts and writes what comes before the
// first response. The caller must Close the encoder to finish the file.
func New(w io.Writer, p poll.Poll, opts Options) (*Encoder, error) {
	switch opts.Language {
	case "":
		opts.Language = "nl"
	case "nl", "en":
	default:
		return nil, errs.New(errs.Invalid, "language %q is not nl or en", opts.Language)
	}
	e := &Encoder{layout: newLayout(p, opts.Language, !opts.Public, opts.Municipality, opts.MunicipalityNames, opts.Semicolon)}
	e.row = make([]cell, len(e.layout.headers))
	var err error
	switch opts.Format {
	case CSV, "":
		e.out, err = newCSV(w, e.layout.headers, opts.Semicolon)
	case JSON:
		e.out, err = newJSON(w, p, opts)
	case XLSX:
		e.out, err = newXLSX(w, e.layout.headers, wordsIn(opts.Language).sheet)
	default:
		return nil, errs.New(errs.Invalid, "format %q is not csv, json or xlsx", opts.Format)
	}
	if err != nil {
		return nil, fmt.Errorf("starting %s export: %w", opts.Format, err)
	}
	_, isJSON := e.out.(*jsonSink)
	e.table = !isJSON
	return e, nil
}

// Encode writes one response. It keeps nothing of r.
func (e *Encoder) Encode(r *poll.Response) error {
	if e.table {
		e.layout.fill(e.row, r)
	}
	if err := e.out.write(r, e.row); err != nil {
		return fmt.Errorf("exporting response %s: %w", r.ID, err)
	}
	return nil
}

// Close finishes the file. It does not close the writer.
func (e *Encoder) Close() error {
	if err := e.out.close(); err != nil {
		return fmt.Errorf("finishing export: %w", err)
	}
	return nil
}

// FileName proposes a name for p's export in f: the poll's slug, or its
// id, e.g. "eenzaamheid-antwoorden.csv".
func FileName(p poll.Poll, f Format, lang string) string {
	base := p.Slug()
	if base == "" {
		base = poll.SlugFrom(p.Title().NL)
	}
	if base == "" {
		base = p.ID()
	}
	word := "antwoorden"
	if lang == "en" {
		word = "responses"
	}
	if f == "" {
		f = CSV
	}
	return strings.Join([]string{base, word}, "-") + "." + string(f)
}
