// Package textcheck says whether a string is text that every part of
// Meedoen can hold, and in what words to refuse one that is not. It is the
// one definition the edges share: the gateway's JSON, query and path checks,
// the services' request interceptor (internal/rpc) and the cursor codec
// (internal/cursor).
//
// Two things are refused. The NUL character (U+0000), because PostgreSQL
// cannot store it in text (SQLSTATE 22021 and 22P05 for jsonb), so it would
// fail deep in a write as an internal error. And bytes that are not UTF-8,
// because JSON text must be UTF-8 (RFC 8259, section 8.1) and so must a
// protobuf string; PostgreSQL's UTF-8 databases refuse them as well.
package textcheck

import (
	"strings"
	"unicode/utf8"
)

// The reasons a refusal gives, in the English the services explain
// themselves in. Web pages recognise them (IsReason) to say the same in the
// resident's language.
const (
	// ReasonNUL refuses text holding U+0000.
	ReasonNUL = "must not contain the NUL character (U+0000)"
	// ReasonUTF8 refuses bytes that are not UTF-8, and a JSON escape of
	// half a UTF-16 surrogate pair (\ud800), which is no character either.
	ReasonUTF8 = "must be valid UTF-8 text"
)

// Problem returns why s cannot be stored as text, ReasonUTF8 or ReasonNUL,
// or "" when it can.
func Problem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return ReasonUTF8
	case strings.IndexByte(s, 0) >= 0:
		return ReasonNUL
	}
	return ""
}

// Valid reports whether s can be stored as text.
func Valid(s string) bool { return Problem(s) == "" }

// IsReason reports whether reason is one of this package's reasons.
func IsReason(reason string) bool { return reason == ReasonNUL || reason == ReasonUTF8 }

// Printable returns s as something a problem report can quote: invalid
// bytes become U+FFFD. A NUL stays, since JSON can carry it escaped.
func Printable(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
