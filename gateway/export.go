package gateway

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// exportPath is the download of a poll's responses. grpc-gateway cannot
// serve it: it would wrap each chunk of the service's stream in JSON and
// end it with a newline. So the gateway calls the stream itself and pipes
// the bytes, at the same place in the mux as the generated handlers, so
// that rate limits, routing, the caller's identity (the gRPC connection's
// interceptors sign it into the call) and errors work as for any call.
const exportPath = apiPrefix + "/polls/{poll_id}/responses"

// exportWriteTimeout is how long writing one chunk to the client may
// take; a download as a whole may take longer than the server's write
// timeout, as long as it moves.
const exportWriteTimeout = time.Minute

// exportFormat is a format's parameter value and media type.
type exportFormat struct {
	name      string
	mediaType string
	format    surveysv1.ExportFormat
}

func exportFormats() []exportFormat {
	return []exportFormat{
		{"csv", "text/csv", surveysv1.ExportFormat_EXPORT_FORMAT_CSV},
		{"json", "application/json", surveysv1.ExportFormat_EXPORT_FORMAT_JSON},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", surveysv1.ExportFormat_EXPORT_FORMAT_XLSX},
	}
}

// serveExport returns the handler of exportPath.
func (g *Gateway) serveExport(client surveysv1.ExportServiceClient) func(http.ResponseWriter, *http.Request, map[string]string) {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		req, p := exportRequest(r, params["poll_id"])
		if p != nil {
			g.writeProblem(w, r, p)
			return
		}
		// Ending the handler ends the stream, whatever its state.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stream, err := client.ExportResponses(ctx, req)
		if err != nil {
			g.handleError(ctx, nil, nil, w, r, err)
			return
		}
		// The service holds back its first chunk until it has 64 KiB or
		// the whole file, so most failures arrive here, as a status.
		first, err := stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("export stream ended before its first chunk")
			}
			g.handleError(ctx, nil, nil, w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", first.GetContentType())
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": first.GetFileName()}))
		w.WriteHeader(http.StatusOK)
		if isHead(r) {
			// The headers are the answer (net/http would refuse the body's
			// writes anyway); returning cancels the rest of the file. The
			// first chunk had to come, for the status and the headers.
			return
		}
		rc := http.NewResponseController(w)
		for msg := first; ; {
			// Not every ResponseWriter has deadlines (tests'); then there is
			// none to extend.
			_ = rc.SetWriteDeadline(time.Now().Add(exportWriteTimeout))
			if _, err := w.Write(msg.GetData()); err != nil {
				return // the client went away; cancel stops the service
			}
			if err := rc.Flush(); err != nil {
				return
			}
			if msg, err = stream.Recv(); errors.Is(err, io.EOF) {
				return
			} else if err != nil {
				// Too late for a problem: the status line has gone. Breaking
				// the connection off (no final chunk) is how HTTP tells the
				// client the file is incomplete, rather than a short file
				// that looks whole.
				g.log.ErrorContext(ctx, "export broke off", "path", r.URL.Path, "error", err)
				panic(http.ErrAbortHandler)
			}
		}
	}
}

// exportRequest reads the download's parameters: format (csv, json or
// xlsx; else from the Accept header; else CSV), language (nl or en),
// separator (comma or semicolon, CSV only) and public (a boolean).
func exportRequest(r *http.Request, pollID string) (*surveysv1.ExportResponsesRequest, *problem) {
	q := r.URL.Query()
	req := &surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_CSV}
	var bad []invalidParam
	if name := q.Get("format"); name != "" {
		req.Format = surveysv1.ExportFormat_EXPORT_FORMAT_UNSPECIFIED
		for _, f := range exportFormats() {
			if f.name == name {
				req.Format = f.format
			}
		}
		if req.Format == surveysv1.ExportFormat_EXPORT_FORMAT_UNSPECIFIED {
			bad = append(bad, invalidParam{Name: "format", Reason: "must be csv, json or xlsx"})
		}
	} else if f, ok := acceptedFormat(r.Header.Get("Accept")); ok {
		req.Format = f
	}
	switch lang := q.Get("language"); lang {
	case "", "nl", "en":
		req.Language = lang
	default:
		bad = append(bad, invalidParam{Name: "language", Reason: "must be nl or en"})
	}
	switch sep := q.Get("separator"); sep {
	case "", "comma", "semicolon":
		req.Separator = sep
	default:
		bad = append(bad, invalidParam{Name: "separator", Reason: "must be comma or semicolon"})
	}
	if req.Separator == "semicolon" && req.Format != surveysv1.ExportFormat_EXPORT_FORMAT_CSV {
		bad = append(bad, invalidParam{Name: "separator", Reason: "applies to CSV only"})
	}
	if s := q.Get("public"); s != "" {
		public, err := strconv.ParseBool(s)
		if err != nil {
			bad = append(bad, invalidParam{Name: "public", Reason: "must be true or false"})
		}
		req.Public = public
	}
	if len(bad) > 0 {
		return nil, &problem{Status: http.StatusBadRequest, Detail: "invalid query parameters", InvalidParams: bad}
	}
	return req, nil
}

// acceptedFormat picks the format the Accept header prefers, by quality
// and then by order; it reports false when the header names none of them.
func acceptedFormat(accept string) (surveysv1.ExportFormat, bool) {
	best, bestQ := surveysv1.ExportFormat_EXPORT_FORMAT_UNSPECIFIED, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		for _, f := range exportFormats() {
			if f.mediaType == mt && q > bestQ {
				best, bestQ = f.format, q
			}
		}
	}
	return best, bestQ > 0
}
