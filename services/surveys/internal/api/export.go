package api

import (
	"context"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/export"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// Exporter implements surveysv1.ExportServiceServer: a poll's responses
// as a file, for whoever may see the poll (the same as its tally).
type Exporter struct {
	surveysv1.UnimplementedExportServiceServer
	srv *Server
}

// NewExporter returns the export server on st, configured as New.
func NewExporter(st *store.Store, cfg Config) *Exporter { return &Exporter{srv: New(st, cfg)} }

// chunkSize is about how many bytes of the file one message carries: big
// enough that per-message costs vanish, small enough that the gateway and
// the transport hold little.
const chunkSize = 64 << 10

// ExportResponses streams the file. Nothing is sent before the first 64
// KiB are ready, so an error found early (the poll is not visible, a bad
// argument, a failing database) is still a plain status for the gateway
// to turn into a problem; a failure later breaks off the stream.
func (e *Exporter) ExportResponses(req *surveysv1.ExportResponsesRequest, stream grpc.ServerStreamingServer[surveysv1.ExportChunk]) error {
	ctx := stream.Context()
	var v errs.Violations
	format := formatOf(&v, req.GetFormat())
	lang := req.GetLanguage()
	switch lang {
	case "":
		lang = "nl"
	case "nl", "en":
	default:
		v.Add("language", "must be nl or en")
	}
	semicolon := false
	switch req.GetSeparator() {
	case "", "comma":
	case "semicolon":
		semicolon = true
	default:
		v.Add("separator", "must be comma or semicolon")
	}
	if semicolon && format != export.CSV {
		v.Add("separator", "applies to CSV only")
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := e.srv.visiblePoll(ctx, req.GetPollId())
	if err != nil {
		return err
	}

	opts := export.Options{Format: format, Language: lang, Public: req.GetPublic(), Municipality: true, Semicolon: semicolon}
	if semicolon {
		// The file for a Dutch spreadsheet names each municipality
		// beside its code.
		if opts.MunicipalityNames, err = e.srv.municipalityNames(ctx, p); err != nil {
			return err
		}
	}
	out := &chunker{send: stream.Send, first: &surveysv1.ExportChunk{
		ContentType: format.ContentType(),
		FileName:    export.FileName(p, format, lang),
	}}
	var enc *export.Encoder
	start := func() error {
		var err error
		enc, err = export.New(out, p, opts)
		return err
	}
	var scan store.ScanOptions
	if opts.Public && p.Shared() {
		// A municipality with a handful of respondents would make its rows
		// stand out; rather than blank those (whose number would then
		// tell), the column goes for everyone.
		minCell := int64(e.srv.minCellFor(p))
		scan.Counts = func(counts map[string]int64) error {
			for m, n := range counts {
				if m != "" && n < minCell {
					opts.Municipality = false
				}
			}
			return start()
		}
	} else if err := start(); err != nil {
		return err
	}
	err = e.srv.store.ScanResponses(ctx, p.ID(), scan, func(r *poll.Response) error { return enc.Encode(r) })
	if err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return out.flush()
}

func formatOf(v *errs.Violations, f surveysv1.ExportFormat) export.Format {
	switch f {
	case surveysv1.ExportFormat_EXPORT_FORMAT_UNSPECIFIED, surveysv1.ExportFormat_EXPORT_FORMAT_CSV:
		return export.CSV
	case surveysv1.ExportFormat_EXPORT_FORMAT_JSON:
		return export.JSON
	case surveysv1.ExportFormat_EXPORT_FORMAT_XLSX:
		return export.XLSX
	}
	v.Add("format", "must be CSV, JSON or XLSX")
	return ""
}

// chunker cuts the file into messages of about chunkSize. The first
// carries the file's media type and name.
type chunker struct {
	buf   []byte
	first *surveysv1.ExportChunk
	send  func(*surveysv1.ExportChunk) error
}

func (c *chunker) Write(p []byte) (int, error) {
	if c.buf == nil {
		c.buf = make([]byte, 0, chunkSize+chunkSize/4)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= chunkSize {
		if err := c.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush sends what is buffered; the first message goes even when empty,
// so that an empty file still has a type and a name. Send has encoded the
// message when it returns, so the buffer can be reused.
func (c *chunker) flush() error {
	msg := c.first
	c.first = nil
	if msg == nil {
		if len(c.buf) == 0 {
			return nil
		}
		msg = &surveysv1.ExportChunk{}
	}
	msg.Data = c.buf
	err := c.send(msg)
	c.buf = c.buf[:0]
	return err
}

// municipalityNames names the municipalities whose residents answer p, by
// code, as the tenancy projection knows them; a code it does not know
// names itself.
func (s *Server) municipalityNames(ctx context.Context, p poll.Poll) (map[string]string, error) {
	codes := p.Participants()
	if !p.Shared() {
		codes = []string{p.Tenant()}
	}
	names := make(map[string]string, len(codes))
	for _, code := range codes {
		name, err := s.store.MunicipalityName(ctx, code)
		switch {
		case errs.CodeOf(err) == errs.NotFound:
			name = code
		case err != nil:
			return nil, err
		}
		names[code] = name
	}
	return names, nil
}
