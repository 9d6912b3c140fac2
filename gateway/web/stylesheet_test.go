package web

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestStylesheetIsBuiltFromTheCurrentLayout(t *testing.T) {
	t.Parallel()
	css, err := staticFiles.ReadFile("static/meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := os.ReadFile("assets/layout.css")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(css), string(layout)) {
		t.Error("static/meedoen.css does not end with assets/layout.css: run scripts/css.sh")
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

func TestStylesheetURLsPointToStaticFiles(t *testing.T) {
	t.Parallel()
	css, err := staticFiles.ReadFile("static/meedoen.css")
	if err != nil {
		t.Fatal(err)
	}
	// Relative URLs resolve against /static/, where the stylesheet lives;
	// data: URLs appear only in component rules we do not use, since the
	// CSP blocks them.
	for _, m := range regexp.MustCompile(`url\(["']?([^"')]+)`).FindAllSubmatch(css, -1) {
		ref := string(m[1])
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if _, err := fs.Stat(staticFiles, "static/"+ref); err != nil {
			t.Errorf("meedoen.css refers to %q, which static/ lacks", ref)
		}
	}
}
