package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
)

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
			if _, ok := cats[kit.DefaultLang][k]; !ok {
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
		if _, ok := cats[kit.DefaultLang][k]; !ok {
			t.Errorf("the catalogue lacks %q", k)
		}
	}
}

func TestTemplateClassesExistInTheStylesheet(t *testing.T) {
	t.Parallel()
	css, err := staticFiles.ReadFile("static/meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	class := regexp.MustCompile(`class="([^"{]+)"`)
	err = fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range class.FindAllStringSubmatch(string(b), -1) {
			for _, c := range strings.Fields(m[1]) {
				// A class with no rule of its own is a typo, or a
				// component the stylesheet was built without.
				if !regexp.MustCompile(`\.` + regexp.QuoteMeta(c) + `[\s,.:{\[>]`).Match(css) {
					t.Errorf("%s: class %q has no rule in static/meedoen.css", path, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
