package poll

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
)

// Text is a text in Dutch and, optionally, English. Dutch comes first: it
// is what a resident sees unless they switch, so it is the language that a
// required text must have.
type Text struct {
	NL string
	EN string
}

// In returns the text in lang ("nl" or "en"), falling back to Dutch where
// there is no English.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.NL
}

// IsZero reports whether the text is empty in both languages.
func (t Text) IsZero() bool { return t.NL == "" && t.EN == "" }

// checkText trims t and records under path what is wrong with it. An
// optional text may be empty, but English without Dutch is never allowed.
func checkText(v *errs.Violations, path string, t Text, required bool, max int) Text {
	t = Text{NL: strings.TrimSpace(t.NL), EN: strings.TrimSpace(t.EN)}
	switch {
	case t.NL == "" && required:
		v.Add(path+"/nl", "is required")
	case t.NL == "" && t.EN != "":
		v.Add(path+"/nl", "is required when there is an English text: Dutch comes first")
	}
	checkLength(v, path+"/nl", t.NL, max)
	checkLength(v, path+"/en", t.EN, max)
	return t
}

// checkLength records a string that is not valid UTF-8 or longer than max
// characters (runes, so that "ë" counts as one).
func checkLength(v *errs.Violations, path, s string, max int) {
	if !utf8.ValidString(s) {
		v.Add(path, "is not valid UTF-8 text")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		v.Add(path, fmt.Sprintf("must be at most %d characters (is %d)", max, n))
	}
}

// cleanAnswerText trims a resident's text and makes line endings uniform,
// so that a browser's "\r\n" does not count twice against the limit.
func cleanAnswerText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

const (
	maxKey     = 32
	minSlug    = 3
	maxSlug    = 60
	keyAdvice  = "must be 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter or digit"
	slugAdvice = "must be 3 to 60 lower-case letters, digits or single hyphens, starting and ending with a letter or digit"
)

// validKey reports whether s can identify a section, question, option,
// row or column. Keys appear in JSON-pointer paths and form field names,
// so they avoid '/', '~', '.' and upper case.
func validKey(s string) bool {
	if s == "" || len(s) > maxKey || !isLowerAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ValidSlug reports whether s can be the slug of a poll's open link
// (/p/{slug}): 3 to 60 characters of [a-z0-9-], starting and ending with a
// letter or digit, without "--".
func ValidSlug(s string) bool {
	if len(s) < minSlug || len(s) > maxSlug || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLowerAlnum(c) && c != '-' || c == '-' && s[i-1] == '-' {
			return false
		}
	}
	return true
}

// SlugFrom proposes a slug from a title, e.g. "Eenzaamheid in Velsen?" →
// "eenzaamheid-in-velsen". Accented Latin letters lose their accents; any
// other character separates words. It returns "" when the title has too
// few letters and digits to make a valid slug.
func SlugFrom(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if base, ok := unaccent(r); ok {
			r = base
		}
		if r < 128 && isLowerAlnum(byte(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > maxSlug {
		s = s[:maxSlug]
		// Cut at a word boundary where one is near, so the slug doesn't end
		// in half a word.
		if i := strings.LastIndexByte(s, '-'); i >= maxSlug/2 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	if !ValidSlug(s) {
		return ""
	}
	return s
}

// unaccent maps the accented letters of Dutch and its neighbours to their
// base letter.
func unaccent(r rune) (rune, bool) {
	const from, to = "àáâãäåèéêëìíîïòóôõöùúûüýÿñç", "aaaaaaeeeeiiiiooooouuuuyync"
	i := 0
	for _, f := range from {
		if f == r {
			return rune(to[i]), true
		}
		i++
	}
	return r, false
}
