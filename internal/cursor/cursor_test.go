package cursor

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	code := regexp.MustCompile(`^GM[0-9]{4}$`).MatchString
	tests := []struct {
		name    string
		cursor  string
		valid   func(string) bool
		want    string
		refused bool
	}{
		{name: "the first page", cursor: "", valid: code, want: ""},
		{name: "a key it handed out", cursor: Encode("GM0453"), valid: code, want: "GM0453"},
		{name: "any text without a rule", cursor: Encode("ijmond"), want: "ijmond"},
		{name: "a UUID", cursor: Encode("0190f0e0-0000-7000-8000-000000000000"), valid: UUID, want: "0190f0e0-0000-7000-8000-000000000000"},
		{name: "a sequence number", cursor: Encode("42"), valid: Int, want: "42"},

		// The probe's: a cursor that decodes to a NUL.
		{name: "a NUL", cursor: "AA", refused: true},
		{name: "a NUL in a key", cursor: Encode("GM\x00453"), refused: true},
		{name: "invalid UTF-8", cursor: Encode("\xff\xfe"), refused: true},
		{name: "not base64url", cursor: "!!!!", refused: true},
		{name: "standard base64 instead", cursor: "R00wNDUz+/", refused: true},
		{name: "with padding", cursor: Encode("GM0453") + "==", refused: true},
		{name: "stray bits Encode never writes", cursor: "YR", refused: true},
		{name: "a line break inside", cursor: "R00w\nNDUz", refused: true},
		{name: "a key of the wrong form", cursor: Encode("zzz"), valid: code, refused: true},
		{name: "an upper-case UUID", cursor: Encode("0190F0E0-0000-7000-8000-000000000000"), valid: UUID, refused: true},
		{name: "a UUID without hyphens", cursor: Encode("0190f0e0000070008000000000000000"), valid: UUID, refused: true},
		{name: "a number with a sign", cursor: Encode("+42"), valid: Int, refused: true},
		{name: "a number with a leading zero", cursor: Encode("042"), valid: Int, refused: true},
		{name: "not a number", cursor: Encode("4e2"), valid: Int, refused: true},
		{name: "too long", cursor: Encode(strings.Repeat("a", maxLen)), refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(tt.cursor, tt.valid)
			if tt.refused {
				checkRefused(t, err)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Decode(%q) = %q, %v; want %q", tt.cursor, got, err, tt.want)
			}
		})
	}
}

// checkRefused checks that err is the Invalid error naming "cursor".
func checkRefused(t *testing.T, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want an *errs.Error", err)
	}
	want := &errs.Error{Code: errs.Invalid, Message: "invalid input",
		Fields: []errs.Field{{Path: "cursor", Reason: "is not a cursor this API returned"}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

func TestLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		limit  int32
		want   int
		wantOK bool
	}{
		{name: "none asked: the default", limit: 0, want: DefaultLimit, wantOK: true},
		{name: "the smallest page", limit: 1, want: 1, wantOK: true},
		{name: "the largest page", limit: MaxLimit, want: MaxLimit, wantOK: true},
		{name: "larger", limit: MaxLimit + 1, want: MaxLimit + 1, wantOK: false},
		{name: "negative", limit: -1, want: -1, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, ok := Limit(tt.limit); got != tt.want || ok != tt.wantOK {
				t.Errorf("Limit(%d) = %d, %v; want %d, %v", tt.limit, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// A list read with one item more than its page holds ends in a cursor to
// the page after it; one that fits in its page is the last.
func TestNextEndsAPage(t *testing.T) {
	t.Parallel()
	key := func(s string) string { return s }
	for _, tc := range []struct {
		name     string
		list     []string
		limit    int
		wantPage []string
		wantNext string
	}{
		{"one more than the page", []string{"a", "b", "c"}, 2, []string{"a", "b"}, Encode("b")},
		{"exactly the page", []string{"a", "b"}, 2, []string{"a", "b"}, ""},
		{"less than the page", []string{"a"}, 2, []string{"a"}, ""},
		{"nothing", nil, 2, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, next := Next(tc.list, tc.limit, key)
			if !slices.Equal(page, tc.wantPage) || next != tc.wantNext {
				t.Errorf("Next(%q, %d) = %q, %q; want %q, %q", tc.list, tc.limit, page, next, tc.wantPage, tc.wantNext)
			}
		})
	}
}
