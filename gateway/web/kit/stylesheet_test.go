package kit

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
