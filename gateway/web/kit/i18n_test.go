package kit

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/dutch"
)

func TestCataloguesHaveTheSameKeysAndNoEmptyMessages(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	want := keys(cats[DefaultLang])
	for _, lang := range Langs {
		if diff := cmp.Diff(want, keys(cats[lang])); diff != "" {
			t.Errorf("%s keys differ from %s (-%s +%s):\n%s", lang, DefaultLang, DefaultLang, lang, diff)
		}
		for k, msg := range cats[lang] {
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
}

func TestCataloguesHaveNoDuplicateKeys(t *testing.T) {
	t.Parallel()
	// encoding/json keeps the last of two equal keys without a word, so a
	// copy-paste slip would silently lose a message.
	for _, lang := range Langs {
		b, err := catalogueFiles.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		seen := map[string]bool{}
		if _, err := dec.Token(); err != nil { // {
			t.Fatal(err)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			k := tok.(string)
			if seen[k] {
				t.Errorf("%s: %q appears twice", lang, k)
			}
			seen[k] = true
			if _, err := dec.Token(); err != nil { // the message
				t.Fatal(err)
			}
		}
	}
}

func TestTranslationsKeepTheirPlaceholders(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	for k, msg := range cats[DefaultLang] {
		want := placeholder.FindAllString(msg, -1)
		slices.Sort(want)
		for _, lang := range Langs {
			got := placeholder.FindAllString(cats[lang][k], -1)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %q: placeholders differ from %s (-want +got):\n%s", lang, k, DefaultLang, diff)
			}
		}
	}
}

func keys(c Catalogue) []string {
	ks := make([]string, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// The keys the kit computes must all be in the catalogue; a missing one
// would show as its key.
func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	var need []string
	for m := 1; m <= 12; m++ {
		need = append(need, "month."+strconv.Itoa(m))
	}
	for _, k := range commonReasons {
		need = append(need, k)
	}
	for _, b := range append(AgeBands, "") {
		need = append(need, AgeBandKey(b))
	}
	for _, a := range []*Audience{Anyone} {
		for _, f := range failures {
			if f.key != "" {
				need = append(need, a.Errors+f.key+".title")
			}
		}
	}
	for _, lang := range Langs {
		for _, k := range need {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}

// A counted message has its plural forms complete, and no message counts
// with a bracketed ending ("gemeente(n)") instead.
func TestPluralFormsAreComplete(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	bracketed := regexp.MustCompile(`\w\((n|en|s|es|ies)\)`)
	for _, lang := range Langs {
		c := cats[lang]
		for k, msg := range c {
			if bracketed.MatchString(msg) {
				t.Errorf("%s %q counts with a bracketed plural: %q; give it plural forms", lang, k, msg)
			}
			// key.other alone may be a value named "other" (formKind.other);
			// key.one or key.zero make it a counted message.
			for _, suffix := range []string{pluralZero, pluralOne} {
				base, ok := strings.CutSuffix(k, suffix)
				if !ok || isValueSet(c, base) {
					continue
				}
				if _, own := c[base]; own {
					t.Errorf("%s: %q has a message of its own besides plural forms", lang, base)
				}
				for _, need := range []string{pluralOne, pluralOther} {
					if _, ok := c[base+need]; !ok {
						t.Errorf("%s: %q has plural forms but lacks %q", lang, base, base+need)
					}
				}
			}
		}
	}
}

func TestTextPicksThePluralForm(t *testing.T) {
	t.Parallel()
	c := Catalogue{
		"answers.zero":  "nog geen antwoorden",
		"answers.one":   "1 antwoord",
		"answers.other": "{count} antwoorden",
		"members.one":   "1 lid",
		"members.other": "{count} leden",
	}
	tests := []struct {
		key   string
		count any
		want  string
	}{
		{"answers", 0, "nog geen antwoorden"},
		{"answers", 1, "1 antwoord"},
		{"answers", int64(2), "2 antwoorden"},
		{"members", int32(0), "0 leden"},
		{"members", 1, "1 lid"},
		{"members", 12, "12 leden"},
	}
	for _, tc := range tests {
		if got := c.Say(tc.key, "count", tc.count); got != tc.want {
			t.Errorf("Say(%q, count %v) = %q, want %q", tc.key, tc.count, got, tc.want)
		}
	}
}

// TestDutchSaysJe holds the Dutch catalogue to one form of address: "je"
// for everyone, never "u" or "uw" (internal/dutch, docs/language.md).
func TestDutchSaysJe(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for k, msg := range cats["nl"] {
		if f := dutch.Formal(msg); len(f) > 0 {
			t.Errorf("nl %q says %q: write je/jouw (%s)", k, f, msg)
		}
	}
}

// isValueSet reports whether base names labels of a closed list of values
// (fg.breadth.all, .most, .some, .one) rather than plural forms: it has
// keys besides the plural forms.
func isValueSet(c Catalogue, base string) bool {
	for k := range c {
		rest, ok := strings.CutPrefix(k, base+".")
		if ok && rest != "zero" && rest != "one" && rest != "other" {
			return true
		}
	}
	return false
}
