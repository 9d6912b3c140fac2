package web

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/auth"
)

func TestCataloguesHaveTheSameKeysAndNoEmptyMessages(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	want := keys(cats[defaultLang])
	for _, lang := range langs {
		if diff := cmp.Diff(want, keys(cats[lang])); diff != "" {
			t.Errorf("%s keys differ from %s (-%s +%s):\n%s", lang, defaultLang, defaultLang, lang, diff)
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
	for _, lang := range langs {
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
	for k, msg := range cats[defaultLang] {
		want := placeholder.FindAllString(msg, -1)
		slices.Sort(want)
		for _, lang := range langs {
			got := placeholder.FindAllString(cats[lang][k], -1)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %q: placeholders differ from %s (-want +got):\n%s", lang, k, defaultLang, diff)
			}
		}
	}
}

func TestTemplatesUseOnlyCatalogueKeys(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	// Keys computed at run time (t .Key) are covered by the rendering
	// tests; this catches the literal ones on pages no test renders.
	call := regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"|\(t\s+"([^"]+)"`)
	err = fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if _, ok := cats[defaultLang][k]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSectionAndRoleKeysExist(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	var need []string
	for _, s := range sections {
		need = append(need, s.key)
		if s.later {
			need = append(need, s.aboutKey)
		}
	}
	for _, r := range auth.Roles {
		need = append(need, "role."+string(r))
	}
	for _, k := range need {
		if _, ok := cats[defaultLang][k]; !ok {
			t.Errorf("the catalogue lacks %q", k)
		}
	}
}

func keys(c catalogue) []string {
	ks := make([]string, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
