package gateway

import (
	"strings"
	"testing"
)

func TestPointerAt(t *testing.T) {
	t.Parallel()
	// In each document, "|" marks the offset asked about and is removed
	// before asking; documents without one are asked where they break.
	tests := []struct {
		name, doc, want string
	}{
		{"the root", `|[1, 2]`, ""},
		{"a key", `{"a": 1, |"b": 2}`, "/b"},
		{"a value", `{"a": 1, "b": |2}`, "/b"},
		{"a nested value", `{"a": {"b": {"c": |true}}}`, "/a/b/c"},
		{"an array element", `{"a": [1, |"x"]}`, "/a/1"},
		{"an object in an array", `{"a": [{}, {"b": |null}]}`, "/a/1/b"},
		{"after a nested object", `{"a": {"b": 1}, "c": |3}`, "/c"},
		{"after an array", `{"a": [1, [2]], |"c": 3}`, "/c"},
		{"a key that needs escaping", `{"a/b~c": |1}`, "/a~1b~0c"},
		{"a syntax error in a value", `{"a": 1, "b": nope}`, "/b"},
		{"a missing colon", `{"a" 1}`, "/a"},
		{"a syntax error in an array", `{"a": [1, x]}`, "/a/1"},
		{"a syntax error after the value", `{"a": 1} x`, ""},
	}
	for _, tt := range tests {
		off := strings.Index(tt.doc, "|")
		doc := strings.Replace(tt.doc, "|", "", 1)
		if got := pointerAt([]byte(doc), off); got != tt.want {
			t.Errorf("%s: pointerAt(%s, %d) = %q, want %q", tt.name, doc, off, got, tt.want)
		}
	}
}

func TestOffsetAt(t *testing.T) {
	t.Parallel()
	doc := []byte("{\n  \"naam\": \"Zoë\", \"x\": 1\n}")
	tests := []struct {
		line, col int
		want      string // doc from the offset on
	}{
		{1, 1, "{\n"},
		{2, 3, `"naam"`},
		{2, 18, `"x"`}, // the ë is one column but two bytes
		{3, 1, "}"},
		{9, 1, ""},
	}
	for _, tt := range tests {
		off := offsetAt(doc, tt.line, tt.col)
		if got := string(doc[off:]); !strings.HasPrefix(got, tt.want) {
			t.Errorf("offsetAt(%d:%d) = %d, the rest %q does not start with %q", tt.line, tt.col, off, got, tt.want)
		}
	}
}
