package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
)

// templateFiles are the templates of the kit and of every area, as they
// lie in the source tree.
func templateFiles(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("*/templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	own, err := filepath.Glob("templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, p := range append(own, paths...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	if _, ok := files["kit/templates/layout.html"]; !ok {
		t.Fatalf("no layout among %d templates: the test runs in the wrong folder", len(files))
	}
	return files
}

func TestTemplatesUseOnlyCatalogueKeys(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	// Keys computed at run time (t .Key) are covered by the rendering
	// tests; this catches the literal ones on pages no test renders.
	call := regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"|\(t\s+"([^"]+)"`)
	for path, b := range templateFiles(t) {
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if !cats[kit.DefaultLang].Has(k) {
				t.Errorf("%s uses %q, which the catalogue lacks", path, k)
			}
		}
	}
}

func TestSectionAndRoleKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	var need []string
	for _, s := range kit.Sections {
		need = append(need, s.Key)
		if s.Later {
			need = append(need, s.AboutKey)
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
	css, err := os.ReadFile("kit/static/meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	class := regexp.MustCompile(`class="([^"{]+)"`)
	for path, b := range templateFiles(t) {
		for _, m := range class.FindAllStringSubmatch(string(b), -1) {
			for _, c := range strings.Fields(m[1]) {
				// A class with no rule of its own is a typo, or a
				// component the stylesheet was built without.
				if !regexp.MustCompile(`\.` + regexp.QuoteMeta(c) + `[\s,.:{\[>]`).Match(css) {
					t.Errorf("%s: class %q has no rule in kit/static/meedoen.css", path, c)
				}
			}
		}
	}
}
