package export

import (
	"bytes"
	"io"
	"strconv"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// csvSink writes RFC 4180 CSV. It formats each row into one buffer and
// writes it whole: encoding/csv would want every number as a string
// first, an allocation per cell.
type csvSink struct {
	w   io.Writer
	buf []byte
	// sep separates fields: a comma, or a semicolon for Dutch
	// spreadsheets, which then also want decimal commas.
	sep byte
}

// bom makes Excel read the file as UTF-8.
const bom = "\uFEFF"

func newCSV(w io.Writer, headers []string, semicolon bool) (*csvSink, error) {
	s := &csvSink{w: w, buf: make([]byte, 0, 4096), sep: ','}
	if semicolon {
		s.sep = ';'
	}
	s.buf = append(s.buf, bom...)
	for i, h := range headers {
		if i > 0 {
			s.buf = append(s.buf, s.sep)
		}
		s.buf = appendCSVText(s.buf, h, false, s.sep)
	}
	s.buf = append(s.buf, '\r', '\n')
	return s, s.flush()
}

func (s *csvSink) write(_ *poll.Response, row []cell) error {
	for i := range row {
		if i > 0 {
			s.buf = append(s.buf, s.sep)
		}
		c := &row[i]
		switch c.kind {
		case text:
			s.buf = appendCSVText(s.buf, c.s, true, s.sep)
		case label:
			s.buf = appendCSVText(s.buf, c.s, false, s.sep)
		case integer:
			s.buf = strconv.AppendInt(s.buf, c.n, 10)
		case decimal:
			at := len(s.buf)
			s.buf = appendDecimal(s.buf, c.n)
			if s.sep == ';' {
				// A decimal comma: the number has no other punctuation.
				if i := bytes.IndexByte(s.buf[at:], '.'); i >= 0 {
					s.buf[at+i] = ','
				}
			}
		case moment:
			if s.sep == ';' {
				s.buf = appendLocalMoment(s.buf, c.n)
			} else {
				s.buf = appendMoment(s.buf, c.n)
			}
		}
	}
	s.buf = append(s.buf, '\r', '\n')
	return s.flush()
}

func (s *csvSink) flush() error {
	_, err := s.w.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

func (s *csvSink) close() error { return nil }

// appendCSVText appends a field, quoted when it has to be. A resident's
// text (typed) that starts like a formula gets a leading apostrophe, so
// that a spreadsheet shows it instead of evaluating it (CSV injection):
// "=HYPERLINK(…)" in an answer must not become a link in the council's
// Excel.
func appendCSVText(b []byte, s string, typed bool, sep byte) []byte {
	guard := typed && len(s) > 0 && startsFormula(s[0])
	quote := guard
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case sep, '"', '\r', '\n':
			quote = true
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	if guard {
		b = append(b, '\'')
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// startsFormula reports whether a spreadsheet would take a cell that
// starts with c for a formula.
func startsFormula(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
