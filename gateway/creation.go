package gateway

import (
	"strings"
	"unicode"
)

// CreatesResource reports whether a POST to collectionPath that answers
// with a messageName creates that resource: the path's last segment is the
// plural, kebab-case name of the message (POST /questions → Question, POST
// /processes/{id}/field-activities → FieldActivity). Such a call is answered
// with 201 and a Location; a POST that answers with something else, such as
// a transition answered with the whole process, is a plain 200.
func CreatesResource(collectionPath, messageName string) bool {
	segment := collectionPath[strings.LastIndex(collectionPath, "/")+1:]
	if segment == "" || strings.HasPrefix(segment, "{") {
		return false
	}
	want := kebab(messageName)
	for _, singular := range []string{
		strings.TrimSuffix(segment, "ies") + "y",
		strings.TrimSuffix(segment, "es"),
		strings.TrimSuffix(segment, "s"),
	} {
		if singular == want && singular != segment {
			return true
		}
	}
	return false
}

func kebab(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
