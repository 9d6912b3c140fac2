package kit

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

//go:embed i18n/*.json
var catalogueFiles embed.FS

// DefaultLang is the language of anyone who has not chosen one: the people
// Meedoen serves speak Dutch first.
const DefaultLang = "nl"

// LangCookie keeps a person's language choice.
const LangCookie = "meedoen_lang"

// Langs lists the supported languages in the order the switch shows them.
var Langs = []string{"nl", "en"}

// Catalogue is one language's messages, keyed by a dotted name such as
// "nav.start". A message may hold placeholders like {name}.
//
// A message that counts something has plural forms instead of a message
// of its own: key.one for a count of 1 and key.other for any other, and
// optionally key.zero for none ("nog geen antwoorden"). Text picks the
// form by the argument named "count". Dutch and English both take the
// singular for exactly one, so these forms cover both.
type Catalogue map[string]string

// Plural forms' suffixes (Catalogue).
const (
	pluralZero  = ".zero"
	pluralOne   = ".one"
	pluralOther = ".other"
)

// Has reports whether the catalogue has a message for key: one of its
// own, or plural forms.
func (c Catalogue) Has(key string) bool {
	_, own := c[key]
	_, one := c[key+pluralOne]
	_, other := c[key+pluralOther]
	return own || one && other
}

// form is the key of the message Text uses for key with args: key
// itself, or the plural form the "count" argument picks.
func (c Catalogue) form(key string, args []any) string {
	if _, ok := c[key]; ok {
		return key
	}
	_, one := c[key+pluralOne]
	_, other := c[key+pluralOther]
	if !one || !other {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] != "count" {
			continue
		}
		n, err := strconv.ParseInt(fmt.Sprint(args[i+1]), 10, 64)
		if err != nil {
			break
		}
		if _, ok := c[key+pluralZero]; ok && n == 0 {
			return key + pluralZero
		}
		if n == 1 {
			return key + pluralOne
		}
	}
	return key + pluralOther
}

// catalogues holds a catalogue per supported language.
type catalogues map[string]Catalogue

func loadCatalogues() (catalogues, error) {
	cats := make(catalogues, len(Langs))
	for _, lang := range Langs {
		b, err := catalogueFiles.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("reading the %s message catalogue: %w", lang, err)
		}
		var c Catalogue
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("parsing the %s message catalogue: %w", lang, err)
		}
		cats[lang] = c
	}
	return cats, nil
}

// Text returns the message for key with each {name} placeholder replaced;
// args are name, value pairs. A missing key is an error rather than a
// visible key name, so a template that asks for one fails its tests.
func (c Catalogue) Text(key string, args ...any) (string, error) {
	msg, ok := c[c.form(key, args)]
	if !ok {
		return "", fmt.Errorf("no message %q", key)
	}
	if len(args)%2 != 0 {
		return "", fmt.Errorf("message %q: placeholder arguments must come in name, value pairs", key)
	}
	for i := 0; i < len(args); i += 2 {
		name, ok := args[i].(string)
		if !ok {
			return "", fmt.Errorf("message %q: placeholder name %v is not a string", key, args[i])
		}
		msg = strings.ReplaceAll(msg, "{"+name+"}", fmt.Sprint(args[i+1]))
	}
	return msg, nil
}

// Say is a message with its placeholders filled in; the key itself when
// the catalogue lacks it, which the catalogue tests rule out for every key
// the site computes.
func (c Catalogue) Say(key string, args ...any) string {
	msg, err := c.Text(key, args...)
	if err != nil {
		return key
	}
	return msg
}

// Catalogue is the catalogue of lang; nil for a language the site does
// not have.
func (s *Site) Catalogue(lang string) Catalogue { return s.cats[lang] }

// supported reports whether lang is one of the site's languages.
func supported(lang string) bool {
	return slices.Contains(Langs, lang)
}

// language picks the language for r: a ?lang= link, which it also remembers
// in a cookie, else the cookie, else Dutch.
func (s *Site) language(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); supported(q) {
		s.setPreference(w, r, LangCookie, q)
		return q
	}
	if c, err := r.Cookie(LangCookie); err == nil && supported(c.Value) {
		return c.Value
	}
	return DefaultLang
}

// setPreference stores a display preference for a year. The cookies hold
// choices, not secrets, but scripts have no business with them either.
func (s *Site) setPreference(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   365 * 24 * 60 * 60,
		HttpOnly: true,
		Secure:   s.Secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}
