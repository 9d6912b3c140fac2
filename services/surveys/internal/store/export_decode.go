package store

import (
	"encoding/json"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// replyDecoder reads responses.answers as encodeReplies writes it and
// PostgreSQL gives it back: an array of flat objects whose values are
// strings, string arrays, one integer and one string-to-string object.
// It reuses the replies it is given, their slices and maps, and interns
// ids, so that decoding a row allocates little beyond its texts.
// Anything it does not expect, it leaves to decodeReplies (encoding/json),
// so it is a shortcut, never a second definition of the format.
type replyDecoder struct {
	b []byte
	i int
}

// decode decodes b into out[:0] and returns the replies.
func (d *replyDecoder) decode(b []byte, out []poll.Reply, intern func([]byte) string) ([]poll.Reply, error) {
	if replies, ok := d.fast(b, out[:0], intern); ok {
		return replies, nil
	}
	return decodeReplies(b)
}

func (d *replyDecoder) fast(b []byte, out []poll.Reply, intern func([]byte) string) ([]poll.Reply, bool) {
	d.b, d.i = b, 0
	if !d.expect('[') {
		return nil, false
	}
	if d.peek() == ']' {
		d.i++
		return out, d.end()
	}
	for {
		out = nextReply(out)
		if !d.reply(&out[len(out)-1], intern) {
			return nil, false
		}
		switch d.next() {
		case ',':
		case ']':
			return out, d.end()
		default:
			return nil, false
		}
	}
}

// nextReply extends out by one reply, reusing the slices and map of the
// one that was there before, if any.
func nextReply(out []poll.Reply) []poll.Reply {
	if len(out) == cap(out) {
		return append(out, poll.Reply{})
	}
	out = out[:len(out)+1]
	r := &out[len(out)-1]
	rows := r.Rows
	clear(rows)
	*r = poll.Reply{Choices: r.Choices[:0], Ranking: r.Ranking[:0], Rows: rows}
	return out
}

// reply reads one object into r.
func (d *replyDecoder) reply(r *poll.Reply, intern func([]byte) string) bool {
	if !d.expect('{') {
		return false
	}
	if d.peek() == '}' {
		d.i++
		return true
	}
	var hasRows bool
	for {
		key, ok := d.str()
		if !ok || !d.expect(':') {
			return false
		}
		switch string(key) {
		case "question":
			v, ok := d.str()
			if !ok {
				return false
			}
			r.Question = intern(v)
		case "type":
			v, ok := d.str()
			if !ok {
				return false
			}
			r.Type = poll.QuestionType(intern(v))
		case "choices":
			if r.Choices, ok = d.strs(r.Choices, intern); !ok {
				return false
			}
		case "ranking":
			if r.Ranking, ok = d.strs(r.Ranking, intern); !ok {
				return false
			}
		case "other":
			v, ok := d.str()
			if !ok {
				return false
			}
			r.Other = string(v)
		case "text":
			v, ok := d.str()
			if !ok {
				return false
			}
			r.Text = string(v)
		case "number":
			v, ok := d.str()
			if !ok {
				return false
			}
			n, err := poll.ParseDecimal(string(v))
			if err != nil {
				return false
			}
			r.Number = n
		case "point":
			if r.Point, ok = d.integer(); !ok {
				return false
			}
		case "rows":
			if r.Rows == nil {
				r.Rows = map[string]string{}
			}
			if !d.rows(r.Rows, intern) {
				return false
			}
			hasRows = true
		default:
			return false
		}
		switch d.next() {
		case ',':
		case '}':
			if !hasRows {
				// decodeReplies gives nil for absent rows; so does this.
				r.Rows = nil
			}
			if len(r.Choices) == 0 {
				r.Choices = nil
			}
			if len(r.Ranking) == 0 {
				r.Ranking = nil
			}
			return true
		default:
			return false
		}
	}
}

func (d *replyDecoder) strs(out []string, intern func([]byte) string) ([]string, bool) {
	out = out[:0]
	if !d.expect('[') {
		return nil, false
	}
	if d.peek() == ']' {
		d.i++
		return out, true
	}
	for {
		v, ok := d.str()
		if !ok {
			return nil, false
		}
		out = append(out, intern(v))
		switch d.next() {
		case ',':
		case ']':
			return out, true
		default:
			return nil, false
		}
	}
}

func (d *replyDecoder) rows(m map[string]string, intern func([]byte) string) bool {
	if !d.expect('{') {
		return false
	}
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		k, ok := d.str()
		if !ok || !d.expect(':') {
			return false
		}
		key := intern(k)
		v, ok := d.str()
		if !ok {
			return false
		}
		m[key] = intern(v)
		switch d.next() {
		case ',':
		case '}':
			return true
		default:
			return false
		}
	}
}

// str reads a string and returns its contents, which alias the input
// unless the string has escapes.
func (d *replyDecoder) str() ([]byte, bool) {
	if !d.expect('"') {
		return nil, false
	}
	start := d.i
	escaped := false
	for ; d.i < len(d.b); d.i++ {
		switch d.b[d.i] {
		case '\\':
			escaped = true
			d.i++
		case '"':
			d.i++
			if !escaped {
				return d.b[start : d.i-1], true
			}
			var s string
			if err := json.Unmarshal(d.b[start-1:d.i], &s); err != nil {
				return nil, false
			}
			return []byte(s), true
		}
	}
	return nil, false
}

func (d *replyDecoder) integer() (int, bool) {
	d.space()
	neg := false
	if d.i < len(d.b) && d.b[d.i] == '-' {
		neg = true
		d.i++
	}
	start, n := d.i, 0
	for ; d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' && d.i-start < 9; d.i++ {
		n = n*10 + int(d.b[d.i]-'0')
	}
	if d.i == start || d.i < len(d.b) && (d.b[d.i] >= '0' && d.b[d.i] <= '9' || d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func (d *replyDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (d *replyDecoder) peek() byte {
	d.space()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// next consumes and returns the next byte after white space.
func (d *replyDecoder) next() byte {
	c := d.peek()
	if c != 0 {
		d.i++
	}
	return c
}

func (d *replyDecoder) expect(c byte) bool { return d.next() == c }

// end reports whether nothing but white space is left.
func (d *replyDecoder) end() bool { return d.peek() == 0 && d.i == len(d.b) }
