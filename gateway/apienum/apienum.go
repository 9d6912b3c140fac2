// Package apienum spells protobuf enum values the way the REST API does:
// lower case, without the prefix that protobuf's style guide puts before
// every value of an enum (ORIGIN_SOLICITED of Origin is "solicited",
// FORM_KIND_FLASH_POLL of FormKind is "flash_poll"). It is the spelling
// of the services' own domain types, of their error messages and of the
// events' payloads, so an integrator meets one name for one thing. gRPC
// callers keep the protobuf names.
//
// The gateway's marshaler and the OpenAPI post-processor (scripts/openapi)
// both spell values with Name, so that the document and the server agree.
package apienum

import (
	"fmt"
	"strings"
	"unicode"
)

// Prefix is the prefix protobuf's style guide gives every value of the
// enum named enum: its name in upper snake case and an underscore
// (PanelMemberStatus → PANEL_MEMBER_STATUS_).
func Prefix(enum string) string {
	var b strings.Builder
	runes := []rune(enum)
	for i, r := range runes {
		// A word starts at an upper-case letter after a lower-case letter
		// or digit, or at the last capital of an acronym (HTTPStatus).
		if i > 0 && unicode.IsUpper(r) &&
			(!unicode.IsUpper(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	b.WriteByte('_')
	return b.String()
}

// Name returns the API's spelling of the value named value of the enum
// named enum. It fails for a value without the enum's prefix, which the
// rule cannot shorten: rename the value, as the style guide asks.
func Name(enum, value string) (string, error) {
	rest, ok := strings.CutPrefix(value, Prefix(enum))
	if !ok || rest == "" {
		return "", fmt.Errorf("enum value %s of %s does not start with %s: name it as protobuf's style guide asks, so that the API can spell it without the prefix", value, enum, Prefix(enum))
	}
	return strings.ToLower(rest), nil
}
