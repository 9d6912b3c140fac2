package export

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// jsonSink writes {"poll": {...}, "responses": [...]}: one document that
// any JSON parser reads, with the questions (ids, types, labels in both
// languages) that the answers refer to. Each response is an object on a
// line of its own:
//
//	{"id":"…","submittedAt":"…","municipality":"GM0453","answers":{"q1":{"choice":"a"},"q2":{"choices":["a","other"],"other":"…"}}}
//
// An answer holds the fields of its question's type: choice (and other),
// choices (and other), point, number (a JSON number), ranking (option ids
// from first to last), rows (row id → column id) or text. Ids, not labels:
// a program should not depend on wording.
//
// The responses are written by hand, not by encoding/json: reflection and
// a map per response would cost more than reading them from the database.
type jsonSink struct {
	w            io.Writer
	buf          []byte
	texts        bool
	municipality bool
	n            int
}

// jsonPoll is the poll part of the document.
type jsonPoll struct {
	ID           string         `json:"id"`
	Title        jsonText       `json:"title"`
	Tenant       string         `json:"tenant"`
	Participants []string       `json:"participants,omitempty"`
	Public       bool           `json:"public"`
	Questions    []jsonQuestion `json:"questions"`
}

type jsonText struct {
	NL string `json:"nl"`
	EN string `json:"en,omitempty"`
}

type jsonQuestion struct {
	ID      string       `json:"id"`
	Type    string       `json:"type"`
	Text    jsonText     `json:"text"`
	Options []jsonOption `json:"options,omitempty"`
	Rows    []jsonOption `json:"rows,omitempty"`
	Columns []jsonOption `json:"columns,omitempty"`
	Labels  []jsonText   `json:"labels,omitempty"`
}

type jsonOption struct {
	ID    string   `json:"id"`
	Label jsonText `json:"label"`
}

func newJSON(w io.Writer, p poll.Poll, opts Options) (*jsonSink, error) {
	head := jsonPoll{ID: p.ID(), Title: textOf(p.Title()), Tenant: p.Tenant(), Participants: p.Participants(), Public: opts.Public}
	for _, q := range p.Questions() {
		if opts.Public && (q.Type == poll.ShortText || q.Type == poll.LongText) {
			continue
		}
		jq := jsonQuestion{ID: q.ID, Type: string(q.Type), Text: textOf(q.Text),
			Options: optionsOf(q.Options), Rows: optionsOf(q.Rows), Columns: optionsOf(q.Columns)}
		if q.Other {
			l := q.OtherLabel
			if l.IsZero() {
				l = poll.DefaultOtherLabel()
			}
			jq.Options = append(jq.Options, jsonOption{ID: poll.OtherID, Label: textOf(l)})
		}
		for _, l := range q.Labels {
			jq.Labels = append(jq.Labels, textOf(l))
		}
		head.Questions = append(head.Questions, jq)
	}
	if head.Questions == nil {
		head.Questions = []jsonQuestion{}
	}
	b, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	s := &jsonSink{w: w, texts: !opts.Public, municipality: opts.Municipality, buf: make([]byte, 0, 4096)}
	s.buf = append(s.buf, `{"poll":`...)
	s.buf = append(s.buf, b...)
	s.buf = append(s.buf, `,"responses":[`...)
	return s, s.flush()
}

func textOf(t poll.Text) jsonText { return jsonText{NL: t.NL, EN: t.EN} }

func optionsOf(opts []poll.Option) []jsonOption {
	var out []jsonOption
	for _, o := range opts {
		out = append(out, jsonOption{ID: o.ID, Label: textOf(o.Label)})
	}
	return out
}

func (s *jsonSink) write(r *poll.Response, _ []cell) error {
	b := s.buf
	if s.n > 0 {
		b = append(b, ',')
	}
	s.n++
	b = append(b, "\n{\"id\":"...)
	b = appendJSONString(b, r.ID)
	b = append(b, `,"submittedAt":"`...)
	b = appendMoment(b, r.SubmittedAt.UnixMicro())
	b = append(b, '"')
	if s.municipality {
		b = append(b, `,"municipality":`...)
		b = appendJSONString(b, r.Municipality)
	}
	b = append(b, `,"answers":{`...)
	first := true
	for i := range r.Replies {
		rep := &r.Replies[i]
		if !s.texts && (rep.Type == poll.ShortText || rep.Type == poll.LongText) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, rep.Question)
		b = append(b, ":{"...)
		b = s.appendReply(b, rep)
		b = append(b, '}')
	}
	b = append(b, "}}"...)
	s.buf = b
	return s.flush()
}

// appendReply appends the fields of one answer.
func (s *jsonSink) appendReply(b []byte, rep *poll.Reply) []byte {
	switch rep.Type {
	case poll.SingleChoice:
		if len(rep.Choices) > 0 {
			b = append(b, `"choice":`...)
			b = appendJSONString(b, rep.Choices[0])
		}
		b = s.appendOther(b, rep)
	case poll.MultipleChoice:
		b = append(b, `"choices":`...)
		b = appendJSONStrings(b, rep.Choices)
		b = s.appendOther(b, rep)
	case poll.Likert, poll.Scale:
		b = append(b, `"point":`...)
		b = strconv.AppendInt(b, int64(rep.Point), 10)
	case poll.Number:
		b = append(b, `"number":`...)
		b = appendDecimal(b, int64(rep.Number))
	case poll.Ranking:
		b = append(b, `"ranking":`...)
		b = appendJSONStrings(b, rep.Ranking)
	case poll.Matrix:
		b = append(b, `"rows":{`...)
		// Sorted, so that the same answer always reads the same.
		keys := make([]string, 0, len(rep.Rows))
		for k := range rep.Rows {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, rep.Rows[k])
		}
		b = append(b, '}')
	case poll.ShortText, poll.LongText:
		b = append(b, `"text":`...)
		b = appendJSONString(b, rep.Text)
	}
	return b
}

func (s *jsonSink) appendOther(b []byte, rep *poll.Reply) []byte {
	if s.texts && rep.Other != "" {
		b = append(b, `,"other":`...)
		b = appendJSONString(b, rep.Other)
	}
	return b
}

func (s *jsonSink) flush() error {
	_, err := s.w.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

func (s *jsonSink) close() error {
	s.buf = append(s.buf, "\n]}\n"...)
	return s.flush()
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Like encoding/json it
// escapes what could be read as HTML or end a line in JavaScript, and
// replaces invalid UTF-8.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			switch r {
			case utf8.RuneError:
				b = append(b, `\ufffd`...)
			default:
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
