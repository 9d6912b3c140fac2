package gateway

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
)

// homeTemplate is a placeholder home page until the web UI arrives.
//
//go:embed home.html
var homeTemplate string

// renderHome renders the home page once; it only changes with the version.
func renderHome(version string) ([]byte, error) {
	t, err := template.New("home").Parse(homeTemplate)
	if err != nil {
		return nil, fmt.Errorf("parsing the home page template: %w", err)
	}
	var b bytes.Buffer
	data := struct{ Version, DocumentURL string }{version, apiPrefix + documentPath}
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("rendering the home page: %w", err)
	}
	return b.Bytes(), nil
}

func (g *Gateway) serveHome(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Cache-Control", "no-store")
		g.writeProblem(w, r, methodNotAllowed("GET, HEAD"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	_, _ = w.Write(g.home)
}
