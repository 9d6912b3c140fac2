package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readBody reads and checks a request body before grpc-gateway decodes it:
// its media type, its size, its presence when the operation requires one,
// its JSON syntax, and that its strings are text the system can hold
// (jsontext.go). The body is at most MaxBodyBytes, so holding it is
// cheap, and having it lets decode errors name the offending field.
// Leading white space is dropped, so that the positions in decoder errors
// count from the start of the returned body.
func (g *Gateway) readBody(w http.ResponseWriter, r *http.Request, required bool) ([]byte, *problem) {
	if r.ContentLength != 0 && !isJSON(r.Header.Get("Content-Type")) {
		return nil, &problem{Status: http.StatusUnsupportedMediaType, Detail: "request body must be application/json"}
	}
	if r.ContentLength > g.maxBody {
		return nil, g.tooLarge()
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.maxBody))
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
		return nil, g.tooLarge()
	} else if err != nil {
		return nil, &problem{Status: http.StatusBadRequest, Detail: "request body could not be read"}
	}
	body := bytes.TrimLeft(raw, " \t\r\n")
	switch {
	case len(body) == 0 && required:
		return nil, &problem{Status: http.StatusBadRequest, Detail: "request body is required: send the resource as a JSON object"}
	case len(body) == 0:
		return body, nil
	case json.Valid(body):
		if ps := jsonTextProblems(body); ps != nil {
			return nil, &problem{Status: http.StatusBadRequest, Detail: textDetail, InvalidParams: ps}
		}
		return body, nil
	}
	err = json.NewDecoder(bytes.NewReader(body)).Decode(new(json.RawMessage))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &problem{Status: http.StatusBadRequest, Detail: "request body is not valid JSON: it ends early"}
	}
	if err == nil {
		// The first value is fine; something follows it.
		err = json.Unmarshal(body, new(json.RawMessage))
	}
	if err == nil {
		// Unreachable while json.Valid agrees with the decoder.
		return body, nil
	}
	p := &problem{Status: http.StatusBadRequest, Detail: "request body is not valid JSON: " + err.Error()}
	if ptr := pointerAt(body, -1); ptr != "" {
		p.InvalidParams = []invalidParam{{Name: ptr, Reason: err.Error()}}
	}
	return nil, p
}

// isJSON accepts application/json and structured +json types such as
// application/merge-patch+json; a charset parameter is allowed.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func (g *Gateway) tooLarge() *problem {
	return &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("request body exceeds %d bytes", g.maxBody)}
}

// pointerAt returns the JSON pointer (RFC 6901) of the key or value that
// starts at byte offset off of doc, or, when off is negative, of the place
// where doc stops being valid JSON. The root is "".
func pointerAt(doc []byte, off int) string {
	// One frame per open object or array: the key or index of the member
	// being read.
	type frame struct {
		object  bool
		wantKey bool
		key     string
		index   int
	}
	var stack []frame
	path := func(extra ...string) string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case !f.object:
				b.WriteString("/" + strconv.Itoa(f.index))
			case !f.wantKey:
				b.WriteString("/" + escapePointer(f.key))
			}
		}
		for _, e := range extra {
			b.WriteString("/" + escapePointer(e))
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if f := &stack[len(stack)-1]; f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return path()
		}
		reached := off >= 0 && dec.InputOffset() > int64(off)
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch {
			case tok == '}' || tok == ']':
				stack = stack[:len(stack)-1]
				if reached {
					return path()
				}
				valueDone()
			case reached:
				return path()
			default:
				stack = append(stack, frame{object: tok == '{', wantKey: true})
			}
		case string:
			if top != nil && top.object && top.wantKey {
				if reached {
					return path(tok)
				}
				top.key, top.wantKey = tok, false
				continue
			}
			if reached {
				return path()
			}
			valueDone()
		default:
			if reached {
				return path()
			}
			valueDone()
		}
	}
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// offsetAt turns a 1-based line and column, counted in runes as protojson
// reports them, into a byte offset of doc.
func offsetAt(doc []byte, line, col int) int {
	off := 0
	for ; line > 1; line-- {
		i := bytes.IndexByte(doc[off:], '\n')
		if i < 0 {
			return len(doc)
		}
		off += i + 1
	}
	for ; col > 1 && off < len(doc); col-- {
		_, size := utf8.DecodeRune(doc[off:])
		off += size
	}
	return off
}
