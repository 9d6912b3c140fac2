package gateway

import "testing"

func TestWithPatchMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, body string
		want              string
		changed           bool
	}{
		{"top-level keys, sorted", "", `{"title":{"nl":"Nieuw"},"opensAt":"2030-01-01T09:00:00Z"}`, "updateMask=opensAt%2Ctitle", true},
		{"beside other parameters", "x=1", `{"slug":"wmo"}`, "x=1&updateMask=slug", true},
		{"the client's own mask wins", "updateMask=intro", `{"title":{"nl":"Nieuw"}}`, "updateMask=intro", false},
		{"an empty body object", "", `{}`, "", false},
		{"a body that is not an object", "", `["title"]`, "", false},
		{"an unreadable query", "%zz", `{"slug":"wmo"}`, "%zz", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, changed := withPatchMask(tt.query, []byte(tt.body))
			if got != tt.want || changed != tt.changed {
				t.Errorf("withPatchMask(%q, %s) = %q, %t; want %q, %t", tt.query, tt.body, got, changed, tt.want, tt.changed)
			}
		})
	}
}
