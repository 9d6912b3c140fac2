package kit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFiles embed.FS

// assets are the static files, each served under a name that carries a hash
// of its content (meedoen.3f2a9c1d0b.css), so browsers may keep them for a
// year and still never see a stale file after an upgrade.
type assets struct {
	byName map[string]*asset // plain name → asset
}

type asset struct {
	name  string // plain name, e.g. meedoen.css
	hash  string
	ctype string
	body  []byte
	gz    []byte // body gzipped once at start; nil when that saves nothing
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		f := &asset{
			name:  name,
			hash:  hex.EncodeToString(sum[:5]),
			ctype: mime.TypeByExtension(path.Ext(name)),
			body:  body,
		}
		if f.gz, err = gzipped(body); err != nil {
			return fmt.Errorf("compressing %s: %w", name, err)
		}
		a.byName[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading static files: %w", err)
	}
	return a, nil
}

func gzipped(body []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if b.Len() >= len(body) {
		return nil, nil
	}
	return b.Bytes(), nil
}

// url is the template function "static": the versioned URL of a static file.
func (a *assets) url(name string) (string, error) {
	f, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	ext := path.Ext(name)
	return "/static/" + strings.TrimSuffix(name, ext) + "." + f.hash + ext, nil
}

// serve answers GET /static/{file}. The current hash gets a year's immutable
// caching. Any other hash, or none, still gets the current file, but
// revalidated on every use: a page from before an upgrade stays styled.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	ext := path.Ext(file)
	base := strings.TrimSuffix(file, ext)
	hash := ""
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base, hash = base[:i], base[i+1:]
	}
	f, ok := a.byName[base+ext]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if hash == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Type", f.ctype)
	h.Set("Vary", "Accept-Encoding")
	body, etag := f.body, `"`+f.hash+`"`
	if f.gz != nil && acceptsGzip(r) {
		body, etag = f.gz, `"`+f.hash+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the client takes gzip; browsers always do.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
