package gateway

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/textcheck"
)

// maxTextProblems bounds how many strings one refusal names, as the
// services do: enough to fix a request in one go, not a list as long as a
// hostile body.
const maxTextProblems = 20

// textDetail is the detail of a request refused for its text.
const textDetail = "request holds text the API cannot take: NUL characters and invalid UTF-8 are refused"

// jsonTextProblems names every string of doc, member names included, that
// is not text the system can hold (package textcheck), by JSON pointer:
// raw bytes that are not UTF-8, an escaped NUL (\u0000), or the escape of
// half a UTF-16 surrogate pair (\ud800 without its partner), which stands
// for no character. encoding/json would let the first through (json.Valid
// accepts it) and turn the others into U+FFFD or a NUL without a word, so
// this reads the strings itself. doc must be syntactically valid JSON.
func jsonTextProblems(doc []byte) []invalidParam {
	s := jsonScan{doc: doc}
	s.run()
	return s.found
}

// jsonScan walks a valid JSON document once, keeping the path to the
// value being read.
type jsonScan struct {
	doc   []byte
	stack []jsonFrame
	found []invalidParam
}

// jsonFrame is an open object or array: the member or element being read.
type jsonFrame struct {
	object  bool
	wantKey bool
	key     string
	index   int
}

func (s *jsonScan) run() {
	for i := 0; i < len(s.doc) && len(s.found) < maxTextProblems; {
		switch c := s.doc[i]; c {
		case '{', '[':
			s.stack = append(s.stack, jsonFrame{object: c == '{', wantKey: c == '{'})
			i++
		case '}', ']':
			s.stack = s.stack[:len(s.stack)-1]
			i++
		case ',':
			if top := &s.stack[len(s.stack)-1]; top.object {
				top.wantKey = true
			} else {
				top.index++
			}
			i++
		case '"':
			var isKey bool
			if n := len(s.stack); n > 0 && s.stack[n-1].object && s.stack[n-1].wantKey {
				isKey = true
			}
			str, reason, end := readJSONString(s.doc, i, isKey)
			if isKey {
				top := &s.stack[len(s.stack)-1]
				top.key, top.wantKey = textcheck.Printable(str), false
			}
			if reason != "" {
				s.found = append(s.found, invalidParam{Name: s.pointer(), Reason: reason})
			}
			i = end
		default:
			// White space, ':' and the scalars other than strings, which
			// hold no text.
			i++
		}
	}
}

// pointer is the JSON pointer of the member or element being read.
func (s *jsonScan) pointer() string {
	var b strings.Builder
	for _, f := range s.stack {
		switch {
		case !f.object:
			b.WriteString("/" + strconv.Itoa(f.index))
		case !f.wantKey:
			b.WriteString("/" + escapePointer(f.key))
		}
	}
	return b.String()
}

// readJSONString reads the string whose opening quote is at doc[start]. It
// returns why its text cannot be held ("" when it can) and the offset after
// the closing quote; for a member name (decode) also the name itself.
func readJSONString(doc []byte, start int, decode bool) (str, reason string, end int) {
	var b strings.Builder
	note := func(r string) {
		// Invalid UTF-8 says more than a NUL: keep it when both occur.
		if reason == "" || r == textcheck.ReasonUTF8 {
			reason = r
		}
	}
	i := start + 1
	for i < len(doc) {
		c := doc[i]
		switch {
		case c == '"':
			return b.String(), reason, i + 1
		case c == '\\':
			r, size, ok := jsonEscape(doc[i:])
			switch {
			case !ok:
				note(textcheck.ReasonUTF8) // a lone surrogate
			case r == 0:
				note(textcheck.ReasonNUL)
			}
			if decode {
				b.WriteRune(r)
			}
			i += size
		case c < utf8.RuneSelf:
			if decode {
				b.WriteByte(c)
			}
			i++
		default:
			r, size := utf8.DecodeRune(doc[i:])
			if r == utf8.RuneError && size == 1 {
				note(textcheck.ReasonUTF8)
				if decode {
					b.WriteByte(c)
				}
			} else if decode {
				b.WriteRune(r)
			}
			i += size
		}
	}
	return b.String(), reason, i
}

// jsonEscape decodes the escape sequence at the start of esc (which starts
// with a backslash) and returns its character and length. A surrogate pair
// is one character of two \u escapes; half of one is no character: ok is
// false, and the length that of its own escape, 6.
func jsonEscape(esc []byte) (r rune, size int, ok bool) {
	if len(esc) < 2 {
		return utf8.RuneError, len(esc), false
	}
	switch esc[1] {
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'u':
	default:
		return rune(esc[1]), 2, true // \" \\ \/
	}
	r = hex4(esc[2:])
	if !utf16.IsSurrogate(r) {
		return r, 6, r >= 0
	}
	if r < 0xdc00 && len(esc) >= 12 && esc[6] == '\\' && esc[7] == 'u' {
		if low := hex4(esc[8:]); low >= 0xdc00 && low <= 0xdfff {
			return utf16.DecodeRune(r, low), 12, true
		}
	}
	return utf8.RuneError, 6, false
}

// hex4 reads four hex digits, which valid JSON guarantees after \u; -1
// if they are not there.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}
