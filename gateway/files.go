package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/auth"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The results service's files: an advice's document, the figures'
// charts and the open data. Like the poll export they are bytes, not
// JSON, so grpc-gateway cannot serve them; the gateway calls the
// FilesService itself, at the same place in the mux as the generated
// handlers (rate limits, routing, the caller's identity and problems
// work as for any call), and writes the file as it is.
const (
	documentFilePath = apiPrefix + "/advices/{id}/document"
	chartFilePath    = apiPrefix + "/figures/charts/{chart}"
	figuresFilePath  = apiPrefix + "/open-data/evaluation-figures"
	resultsFilePath  = apiPrefix + "/open-data/process-results"
	catalogFilePath  = apiPrefix + "/open-data/catalog"
)

// publicMaxAge is how long a cache may keep a public file: short, since
// the figures and results change with every response recorded.
const publicMaxAge = 300

// fileCall asks the service for a file, with the request's parameters;
// a problem answers bad parameters before any call.
type fileCall func(ctx context.Context, r *http.Request, params map[string]string) (*resultsv1.File, *problem, error)

// fileRoutes are the files' paths with their calls and whether the file
// is shown in the browser (inline) or saved (attachment).
func fileRoutes(client resultsv1.FilesServiceClient) []struct {
	path   string
	inline bool
	call   fileCall
} {
	return []struct {
		path   string
		inline bool
		call   fileCall
	}{
		{documentFilePath, true, func(ctx context.Context, r *http.Request, params map[string]string) (*resultsv1.File, *problem, error) {
			q := r.URL.Query()
			var bad []invalidParam
			req := &resultsv1.RenderAdviceRequest{Id: params["id"], Language: languageParam(q.Get("language"), &bad)}
			switch q.Get("format") {
			case "", "pdf":
				req.Format = resultsv1.DocumentFormat_DOCUMENT_FORMAT_PDF
			case "html":
				req.Format = resultsv1.DocumentFormat_DOCUMENT_FORMAT_HTML
			default:
				bad = append(bad, invalidParam{Name: "format", Reason: "must be pdf or html"})
			}
			if s := q.Get("version"); s != "" || q.Has("version") {
				n, err := strconv.ParseInt(s, 10, 32)
				if err != nil || n < 1 {
					bad = append(bad, invalidParam{Name: "version", Reason: "must be a whole number from 1"})
				}
				req.Number = int32(n)
			}
			if p := badParams(bad); p != nil {
				return nil, p, nil
			}
			f, err := client.RenderAdvice(ctx, req)
			return f, nil, err
		}},
		{chartFilePath, true, func(ctx context.Context, r *http.Request, params map[string]string) (*resultsv1.File, *problem, error) {
			q := r.URL.Query()
			var bad []invalidParam
			req := &resultsv1.RenderChartRequest{Chart: params["chart"], RegionId: q.Get("regionId"), Language: languageParam(q.Get("language"), &bad)}
			if p := badParams(bad); p != nil {
				return nil, p, nil
			}
			f, err := client.RenderChart(ctx, req)
			return f, nil, err
		}},
		{figuresFilePath, false, func(ctx context.Context, r *http.Request, _ map[string]string) (*resultsv1.File, *problem, error) {
			var bad []invalidParam
			format, lang := dataParams(r, &bad)
			if p := badParams(bad); p != nil {
				return nil, p, nil
			}
			f, err := client.ExportFigures(ctx, &resultsv1.ExportFiguresRequest{Format: format, Language: lang})
			return f, nil, err
		}},
		{resultsFilePath, false, func(ctx context.Context, r *http.Request, _ map[string]string) (*resultsv1.File, *problem, error) {
			var bad []invalidParam
			format, lang := dataParams(r, &bad)
			if p := badParams(bad); p != nil {
				return nil, p, nil
			}
			f, err := client.ExportResults(ctx, &resultsv1.ExportResultsRequest{Format: format, Language: lang})
			return f, nil, err
		}},
		// The catalog is read by portals and people alike: shown, not saved.
		{catalogFilePath, true, func(ctx context.Context, _ *http.Request, _ map[string]string) (*resultsv1.File, *problem, error) {
			f, err := client.GetDataCatalog(ctx, &resultsv1.GetDataCatalogRequest{})
			return f, nil, err
		}},
	}
}

// registerFiles serves the results service's files on the API's mux.
func (g *Gateway) registerFiles(conn grpc.ClientConnInterface) error {
	client := resultsv1.NewFilesServiceClient(conn)
	for _, f := range fileRoutes(client) {
		if err := g.handlePath(http.MethodGet, f.path, g.serveFile(f.inline, f.call)); err != nil {
			return fmt.Errorf("registering the download %s: %w", f.path, err)
		}
	}
	return nil
}

// languageParam reads a language parameter: nl, en or none.
func languageParam(lang string, bad *[]invalidParam) string {
	switch lang {
	case "", "nl", "en":
		return lang
	}
	*bad = append(*bad, invalidParam{Name: "language", Reason: "must be nl or en"})
	return ""
}

// dataParams reads the open data's format (csv, the default, or json)
// and language.
func dataParams(r *http.Request, bad *[]invalidParam) (resultsv1.DataFormat, string) {
	q := r.URL.Query()
	format := resultsv1.DataFormat_DATA_FORMAT_CSV
	switch q.Get("format") {
	case "", "csv":
	case "json":
		format = resultsv1.DataFormat_DATA_FORMAT_JSON
	default:
		*bad = append(*bad, invalidParam{Name: "format", Reason: "must be csv or json"})
	}
	return format, languageParam(q.Get("language"), bad)
}

func badParams(bad []invalidParam) *problem {
	if len(bad) == 0 {
		return nil
	}
	return &problem{Status: http.StatusBadRequest, Detail: "invalid query parameters", InvalidParams: bad}
}

// serveFile returns the handler of one file: it asks the service and
// writes the bytes with their type, name, length and entity tag, and
// answers a request that names that tag in If-None-Match with 304.
func (g *Gateway) serveFile(inline bool, call fileCall) func(http.ResponseWriter, *http.Request, map[string]string) {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		f, p, err := call(r.Context(), r, params)
		if p != nil {
			g.writeProblem(w, r, p)
			return
		}
		if err != nil {
			g.handleError(r.Context(), nil, nil, w, r, err)
			return
		}
		data := f.GetData()
		sum := sha256.Sum256(data)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
		h := w.Header()
		h.Set("ETag", etag)
		// A file asked for with credentials may be a draft, which no
		// shared cache may keep; what anyone may have is public.
		if id, ok := auth.FromContext(r.Context()); ok && id.Subject != "" {
			h.Set("Cache-Control", "private, no-store")
		} else {
			h.Set("Cache-Control", "public, max-age="+strconv.Itoa(publicMaxAge))
		}
		h.Set("X-Content-Type-Options", "nosniff")
		mediaType, _, _ := mime.ParseMediaType(f.GetContentType())
		switch mediaType {
		case "image/svg+xml", "text/html":
			// Shown by the browser: nothing in it may run or load.
			h.Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox")
		}
		if noneMatch(r.Header.Values("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		disposition := "attachment"
		if inline {
			disposition = "inline"
		}
		h.Set("Content-Type", f.GetContentType())
		h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.GetFileName()}))
		h.Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		if isHead(r) {
			return
		}
		if _, err := w.Write(data); err != nil {
			g.log.DebugContext(r.Context(), "writing a file failed", "path", r.URL.Path, "error", err)
		}
	}
}

// noneMatch reports whether If-None-Match (RFC 9110, 13.1.2) names etag
// or is "*": the client has the file. It compares weakly, as the header
// asks; a malformed header names nothing, and the file is sent.
func noneMatch(values []string, etag string) bool {
	for _, v := range values {
		for _, tag := range strings.Split(v, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}
