// Package dutch holds the rules of the Dutch that Meedoen itself writes,
// so that pages, mails and documents can be held to them by tests.
//
// Meedoen addresses everyone as "je" (jij, jouw): residents, council
// members and officers alike, in plain language at B1 level, as most
// municipalities now write (docs/language.md says why). The formal "u"
// and "uw" are not used.
package dutch

import "regexp"

// formal finds the formal forms of address as words.
var formal = regexp.MustCompile(`\b([Uu]|[Uu]w|[Uu]we|[Uu]zelf)\b`)

// Formal returns the formal forms of address in s ("u", "uw", "uzelf"),
// which Meedoen's own Dutch does not use.
func Formal(s string) []string { return formal.FindAllString(s, -1) }
