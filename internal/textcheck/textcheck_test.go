package textcheck

import "testing"

func TestProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, s, want string
	}{
		{"empty", "", ""},
		{"plain", "Velsen", ""},
		{"accents and emoji", "Zoë 🚲 ‘quoted’", ""},
		{"control characters other than NUL", "tab\tnewline\n\x01", ""},
		{"U+FFFD itself", "\uFFFD", ""},
		{"NUL", "a\x00b", ReasonNUL},
		{"only NUL", "\x00", ReasonNUL},
		{"a stray continuation byte", "a\x80b", ReasonUTF8},
		{"0xff", "\xff", ReasonUTF8},
		{"a truncated sequence", "caf\xc3", ReasonUTF8},
		{"an overlong encoding of NUL", "\xc0\x80", ReasonUTF8},
		{"a UTF-8 encoded surrogate", "\xed\xa0\x80", ReasonUTF8},
		{"beyond U+10FFFF", "\xf4\x90\x80\x80", ReasonUTF8},
		{"invalid UTF-8 wins over NUL", "\x00\xff", ReasonUTF8},
	}
	for _, tt := range tests {
		if got := Problem(tt.s); got != tt.want {
			t.Errorf("%s: Problem(%q) = %q, want %q", tt.name, tt.s, got, tt.want)
		}
		if got := Valid(tt.s); got != (tt.want == "") {
			t.Errorf("%s: Valid(%q) = %v, want %v", tt.name, tt.s, got, tt.want == "")
		}
	}
}

func TestIsReason(t *testing.T) {
	t.Parallel()
	for reason, want := range map[string]bool{ReasonNUL: true, ReasonUTF8: true, "is required": false, "": false} {
		if got := IsReason(reason); got != want {
			t.Errorf("IsReason(%q) = %v, want %v", reason, got, want)
		}
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"ok": "ok", "a\xffb": "a\uFFFDb", "a\x00b": "a\x00b"} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
