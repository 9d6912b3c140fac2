package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// chunkStream is the gRPC stream of an export, collecting its messages.
type chunkStream struct {
	grpc.ServerStream
	ctx    context.Context
	chunks []*surveysv1.ExportChunk
}

func (s *chunkStream) Context() context.Context { return s.ctx }

func (s *chunkStream) Send(c *surveysv1.ExportChunk) error {
	// The server reuses its buffer once Send returns, as gRPC allows.
	s.chunks = append(s.chunks, &surveysv1.ExportChunk{Data: bytes.Clone(c.GetData()), ContentType: c.GetContentType(), FileName: c.GetFileName()})
	return nil
}

func (s *chunkStream) file() []byte {
	var b []byte
	for _, c := range s.chunks {
		b = append(b, c.GetData()...)
	}
	return b
}

func (f fixture) export(t *testing.T, ctx context.Context, req *surveysv1.ExportResponsesRequest) (*chunkStream, error) {
	t.Helper()
	s := &chunkStream{ctx: ctx}
	err := NewExporter(store.New(f.pool), Config{}).ExportResponses(req, s)
	return s, err
}

// table parses a CSV export.
func table(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("parsing %q: %v", b, err)
	}
	return rows
}

func TestStaffWhoSeeAPollExportItsResponsesAndNobodyElse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), flashPoll("velsen")).GetId()
	for range 3 {
		if _, err := f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), good(), "")); err != nil {
			t.Fatal(err)
		}
	}

	s, err := f.export(t, velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: id})
	if err != nil {
		t.Fatal(err)
	}
	if first := s.chunks[0]; first.GetContentType() != "text/csv; charset=utf-8" || first.GetFileName() != "velsen-antwoorden.csv" {
		t.Errorf("first chunk: type %q, name %q", first.GetContentType(), first.GetFileName())
	}
	rows := table(t, s.file())
	if len(rows) != 4 || rows[0][0] != "Antwoord-id" || !slices.Contains(rows[1], "een buurthuis") || !slices.Contains(rows[1], "12.5") {
		t.Errorf("export:\n%q", rows)
	}

	tests := []struct {
		name string
		ctx  context.Context
		req  *surveysv1.ExportResponsesRequest
		want errs.Code
	}{
		{"another municipality's staff", heemskerkMember(), &surveysv1.ExportResponsesRequest{PollId: id}, errs.NotFound},
		{"an unknown poll", velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: "0190f0e0-0000-7000-8000-000000000000"}, errs.NotFound},
		{"an unknown language", velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: id, Language: "fr"}, errs.Invalid},
		{"an unknown format", velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: id, Format: 99}, errs.Invalid},
		{"an unknown separator", velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: id, Separator: "tab"}, errs.Invalid},
		{"semicolons outside CSV", velsenOfficer(), &surveysv1.ExportResponsesRequest{PollId: id, Format: surveysv1.ExportFormat_EXPORT_FORMAT_XLSX, Separator: "semicolon"}, errs.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.export(t, tc.ctx, tc.req)
			if codeOf(err) != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
			if len(s.chunks) > 0 {
				t.Errorf("sent %d chunks before failing", len(s.chunks))
			}
		})
	}
}

// seedResponses stores n responses from municipality to the poll with id.
func (f fixture) seedResponses(t *testing.T, id, municipality string, n int) {
	t.Helper()
	_, err := f.pool.Exec(context.Background(), `INSERT INTO responses (id, poll_id, municipality, answers, submitted_at)
SELECT gen_random_uuid(), $1, $2, '[{"question": "often", "type": "single_choice", "choices": ["other"], "other": "als het regent"}, {"question": "idea", "type": "short_text", "text": "een buurthuis"}]', $3
FROM generate_series(1, $4)`, id, municipality, time.Now(), n)
	if err != nil {
		t.Fatal(err)
	}
}

func TestAPublicExportHasNoFreeTextsAndNoMunicipalityWithFewRespondents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	small := f.opened(t, coordinator(), sharedPoll("klein")).GetId()
	f.seedResponses(t, small, "GM0453", 6)
	f.seedResponses(t, small, "GM0375", 2) // fewer than 5 could point at people
	f.seedResponses(t, small, "", 1)       // no municipality is no place to point at
	large := f.opened(t, coordinator(), sharedPoll("groot")).GetId()
	f.seedResponses(t, large, "GM0453", 6)
	f.seedResponses(t, large, "GM0375", 5)

	tests := []struct {
		name             string
		req              *surveysv1.ExportResponsesRequest
		wantMunicipality bool
		wantTexts        bool
	}{
		{"for the council", &surveysv1.ExportResponsesRequest{PollId: small}, true, true},
		{"public, a small municipality", &surveysv1.ExportResponsesRequest{PollId: small, Public: true}, false, false},
		{"public, every municipality large enough", &surveysv1.ExportResponsesRequest{PollId: large, Public: true}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.export(t, beverwijkChair(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			file := string(s.file())
			if got := strings.Contains(file, "Gemeente"); got != tc.wantMunicipality {
				t.Errorf("municipality column: %v, want %v:\n%s", got, tc.wantMunicipality, file)
			}
			if got := strings.Contains(file, "buurthuis") || strings.Contains(file, "regent"); got != tc.wantTexts {
				t.Errorf("free texts: %v, want %v:\n%s", got, tc.wantTexts, file)
			}
		})
	}
}

func TestALargeExportComesInChunks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), flashPoll("velsen")).GetId()
	f.seedResponses(t, id, "GM0453", 3000)
	s, err := f.export(t, velsenMember(), &surveysv1.ExportResponsesRequest{PollId: id, Format: surveysv1.ExportFormat_EXPORT_FORMAT_JSON, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.chunks) < 3 {
		t.Fatalf("%d chunks, want several", len(s.chunks))
	}
	for i, c := range s.chunks {
		if n := len(c.GetData()); n > chunkSize+4096 || n == 0 {
			t.Errorf("chunk %d has %d bytes", i, n)
		}
		if named := c.GetFileName() != "" || c.GetContentType() != ""; named != (i == 0) {
			t.Errorf("chunk %d: name %q, type %q; only the first says them", i, c.GetFileName(), c.GetContentType())
		}
	}
	if got := s.chunks[0].GetFileName(); got != "velsen-responses.json" {
		t.Errorf("file name %q", got)
	}
	if n := strings.Count(string(s.file()), `"submittedAt"`); n != 3000 {
		t.Errorf("%d responses in the file, want 3000", n)
	}
}

// The file for a Dutch spreadsheet names each municipality beside its
// code and gives times in Dutch time.
func TestTheDutchSpreadsheetFileNamesMunicipalities(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, coordinator(), sharedPoll("namen")).GetId()
	f.seedResponses(t, id, "GM0375", 1)
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO tenant_regions (id, name, event_id) VALUES ('ijmond', 'IJmond', gen_random_uuid()) ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO tenant_municipalities (code, name, region_id, event_id) VALUES ('GM0375', 'Beverwijk', 'ijmond', gen_random_uuid()) ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	s, err := f.export(t, beverwijkChair(), &surveysv1.ExportResponsesRequest{PollId: id, Separator: "semicolon"})
	if err != nil {
		t.Fatal(err)
	}
	file := string(s.file())
	for _, want := range []string{"Ingediend op (Nederlandse tijd);Gemeente;Naam gemeente;", ";GM0375;Beverwijk;"} {
		if !strings.Contains(file, want) {
			t.Errorf("file lacks %q:\n%s", want, file)
		}
	}
	if strings.Contains(file, "Z;") {
		t.Errorf("a time in UTC in the Dutch file:\n%s", file)
	}
}
