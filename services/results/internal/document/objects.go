package document

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// objects collects a PDF's indirect objects by number and writes the file
// with its cross-reference table. Numbers are handed out first so that
// objects can refer to each other before they are written.
type objects struct {
	bodies [][]byte // by object number - 1
	zw     *zlib.Writer
}

// reserve returns a new object number.
func (o *objects) reserve() int {
	o.bodies = append(o.bodies, nil)
	return len(o.bodies)
}

// set stores object n's body (a dictionary or other value).
func (o *objects) set(n int, body string) {
	o.bodies[n-1] = []byte(body)
}

// add stores a new object and returns its number.
func (o *objects) add(body string) int {
	n := o.reserve()
	o.set(n, body)
	return n
}

// setStream stores object n as a Flate-compressed stream; dict holds the
// dictionary's entries other than its length and filter.
func (o *objects) setStream(n int, dict string, data []byte) error {
	var z bytes.Buffer
	// One compressor serves all streams: a new one allocates about a
	// megabyte.
	if o.zw == nil {
		zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
		if err != nil {
			return err
		}
		o.zw = zw
	} else {
		o.zw.Reset(&z)
	}
	if _, err := o.zw.Write(data); err != nil {
		return err
	}
	if err := o.zw.Close(); err != nil {
		return err
	}
	o.setCompressed(n, dict, z.Bytes())
	return nil
}

// setCompressed stores object n as a stream whose data z is already
// Flate-compressed.
func (o *objects) setCompressed(n int, dict string, z []byte) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Filter /FlateDecode /Length %d >>\nstream\n", dict, len(z))
	b.Write(z)
	b.WriteString("\nendstream")
	o.bodies[n-1] = b.Bytes()
}

// deflate returns data zlib-compressed at the best compression, for data
// compressed once and written many times.
func deflate(data []byte) ([]byte, error) {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// addStream stores a new compressed stream and returns its number.
func (o *objects) addStream(dict string, data []byte) (int, error) {
	n := o.reserve()
	return n, o.setStream(n, dict, data)
}

// writeTo writes the whole file with root and info as the trailer's.
func (o *objects) writeTo(w io.Writer, root, info int, id string) error {
	var b bytes.Buffer
	// A binary comment line tells transfer tools the file is binary.
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(o.bodies))
	for i, body := range o.bodies {
		if body == nil {
			return fmt.Errorf("pdf object %d reserved but never written", i+1)
		}
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(body)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(o.bodies)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(o.bodies)+1, root, info, id, id, xref)
	_, err := w.Write(b.Bytes())
	return err
}

// ref formats a reference to object n.
func ref(n int) string { return fmt.Sprintf("%d 0 R", n) }

// textString encodes s as a PDF text string: UTF-16BE with a byte order
// mark, in hex, so that any character survives.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

// xmlEscape escapes s for the XMP packet.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// setPlain stores object n as an uncompressed stream, as XMP metadata is
// kept so that tools can find it without decoding.
func (o *objects) setPlain(n int, dict string, data []byte) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", dict, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	o.bodies[n-1] = b.Bytes()
	return nil
}

// asciiString encodes s as a literal byte string, as a URI is written; s
// is expected to be ASCII (a URL with its non-ASCII parts percent-encoded).
func asciiString(s string) string {
	return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s) + ")"
}
