package export

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// xlsxSink writes an Office Open XML workbook straight into a zip stream:
// each sheet is one zip entry written row by row, and the workbook part
// that lists the sheets comes last, when their number is known. So the
// first bytes leave at once and memory stays that of one row, where a
// spreadsheet library would keep the sheet in memory or a temporary file
// until the end. Strings are inline (no shared string table, which would
// grow with the data); numbers are numbers. The package is the minimum
// Excel, LibreOffice and the usual readers open: content types, relations,
// workbook, sheets and a bold style for the header row.
type xlsxSink struct {
	zw      *zip.Writer
	sheet   io.Writer
	headers []string
	name    string // of the sheets: "Antwoorden", "Antwoorden 2", …
	sheets  int
	rows    int // rows in the current sheet, header included
	limit   int // rows a sheet holds
	buf     []byte
	// refs holds each column's letters, e.g. "AB".
	refs [][]byte
}

// maxSheetRows is how many rows a sheet holds (Excel's limit).
const maxSheetRows = 1 << 20

func newXLSX(w io.Writer, headers []string, name string) (*xlsxSink, error) {
	zw := zip.NewWriter(w)
	// Speed over size: the export's bottleneck is compression, and the
	// gain of better levels on repetitive XML is small.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	s := &xlsxSink{zw: zw, headers: headers, name: name, limit: maxSheetRows, buf: make([]byte, 0, 8192)}
	for i := range headers {
		s.refs = append(s.refs, columnName(i))
	}
	// The sheets are declared by a default rule for the extension, so the
	// content types need not know how many there will be.
	if err := s.part("[Content_Types].xml", xlsxContentTypes); err != nil {
		return nil, err
	}
	if err := s.part("_rels/.rels", xlsxRootRels); err != nil {
		return nil, err
	}
	return s, s.startSheet()
}

func (s *xlsxSink) part(name, body string) error {
	f, err := s.zw.Create(name)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, body)
	return err
}

// startSheet ends the current sheet, if any, and begins the next with the
// header row.
func (s *xlsxSink) startSheet() error {
	if s.sheets > 0 {
		if err := s.endSheet(); err != nil {
			return err
		}
	}
	s.sheets++
	f, err := s.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", s.sheets))
	if err != nil {
		return err
	}
	s.sheet, s.rows = f, 0
	s.buf = append(s.buf, xmlHeader...)
	s.buf = append(s.buf, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`+
		`<sheetData>`...)
	s.rows++
	s.buf = s.rowStart(s.buf)
	for i, h := range s.headers {
		s.buf = s.appendRef(append(s.buf, "<c"...), i)
		s.buf = append(s.buf, ` s="1" t="inlineStr"><is><t xml:space="preserve">`...)
		s.buf = appendXMLText(s.buf, h)
		s.buf = append(s.buf, "</t></is></c>"...)
	}
	s.buf = append(s.buf, "</row>"...)
	return s.flush()
}

func (s *xlsxSink) endSheet() error {
	s.buf = append(s.buf, "</sheetData></worksheet>"...)
	return s.flush()
}

func (s *xlsxSink) write(_ *poll.Response, row []cell) error {
	if s.rows >= s.limit {
		if err := s.startSheet(); err != nil {
			return err
		}
	}
	s.rows++
	b := s.rowStart(s.buf)
	for i := range row {
		c := &row[i]
		switch c.kind {
		case text, label:
			b = s.appendString(b, i, c.s)
		case integer:
			b = append(s.appendRef(append(b, "<c"...), i), "><v>"...)
			b = append(strconv.AppendInt(b, c.n, 10), "</v></c>"...)
		case decimal:
			b = append(s.appendRef(append(b, "<c"...), i), "><v>"...)
			b = append(appendDecimal(b, c.n), "</v></c>"...)
		case moment:
			// Text, not an Excel date: a date needs a style, and the text
			// keeps the time zone and the microseconds.
			b = s.appendRef(append(b, "<c"...), i)
			b = append(b, ` t="inlineStr"><is><t>`...)
			b = appendMoment(b, c.n)
			b = append(b, "</t></is></c>"...)
		}
	}
	s.buf = append(b, "</row>"...)
	return s.flush()
}

func (s *xlsxSink) rowStart(b []byte) []byte {
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(s.rows), 10)
	return append(b, `">`...)
}

// appendRef appends a cell's r attribute.
func (s *xlsxSink) appendRef(b []byte, col int) []byte {
	b = append(b, ` r="`...)
	b = append(b, s.refs[col]...)
	b = strconv.AppendInt(b, int64(s.rows), 10)
	return append(b, '"')
}

func (s *xlsxSink) appendString(b []byte, col int, v string) []byte {
	b = s.appendRef(append(b, "<c"...), col)
	b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
	b = appendXMLText(b, v)
	return append(b, "</t></is></c>"...)
}

func (s *xlsxSink) flush() error {
	_, err := s.sheet.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

func (s *xlsxSink) close() error {
	if err := s.endSheet(); err != nil {
		return err
	}
	wb := xmlHeader + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`
	rels := xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	for i := 1; i <= s.sheets; i++ {
		name := s.name
		if i > 1 {
			name += " " + strconv.Itoa(i)
		}
		wb += fmt.Sprintf(`<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, appendXMLText(nil, name), i, i)
		rels += fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
	}
	wb += `</sheets></workbook>`
	rels += `<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	rels += `</Relationships>`
	if err := s.part("xl/styles.xml", xlsxStyles); err != nil {
		return err
	}
	if err := s.part("xl/workbook.xml", wb); err != nil {
		return err
	}
	if err := s.part("xl/_rels/workbook.xml.rels", rels); err != nil {
		return err
	}
	return s.zw.Close()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const xlsxContentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const xlsxRootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

// xlsxStyles has the default style (0) and a bold one (1) for the header
// row. Excel wants the fills for none and gray125 even when unused.
const xlsxStyles = xmlHeader + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// columnName returns the letters of the column with 0-based index i:
// A…Z, AA…
func columnName(i int) []byte {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return b
}

// appendXMLText appends s escaped as XML character data, dropping the
// characters XML 1.0 cannot hold (controls other than tab and line ends,
// invalid UTF-8), which would make the file unreadable.
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && r != 0xFFFE && r != 0xFFFF {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}
