package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/auth"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// fakeFiles answers with small files of the right type and keeps the
// requests it was sent.
type fakeFiles struct {
	resultsv1.UnimplementedFilesServiceServer
	mu    sync.Mutex
	calls []proto.Message
}

const missingAdvice = "0190f0e0-0000-7000-8000-00000000dead"

func (f *fakeFiles) record(m proto.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, proto.Clone(m))
}

func (f *fakeFiles) last() proto.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return nil
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeFiles) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeFiles) RenderAdvice(_ context.Context, req *resultsv1.RenderAdviceRequest) (*resultsv1.File, error) {
	f.record(req)
	if req.GetId() == missingAdvice {
		return nil, status.Error(codes.NotFound, `advice "`+missingAdvice+`" not found`)
	}
	if req.GetFormat() == resultsv1.DocumentFormat_DOCUMENT_FORMAT_HTML {
		return &resultsv1.File{Data: []byte("<!doctype html><html lang=\"nl\"><title>Advies</title></html>"),
			ContentType: "text/html; charset=utf-8", FileName: "advies-ADV-2027-001-v1.html"}, nil
	}
	return &resultsv1.File{Data: []byte("%PDF-1.7\nadvies\n%%EOF\n"), ContentType: "application/pdf", FileName: "advies-ADV-2027-001-v1.pdf"}, nil
}

func (f *fakeFiles) RenderChart(_ context.Context, req *resultsv1.RenderChartRequest) (*resultsv1.File, error) {
	f.record(req)
	if req.GetChart() != "adoption" {
		st, _ := status.New(codes.InvalidArgument, "invalid input").WithDetails(&errdetails.BadRequest{
			FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "chart", Description: "must be one of adoption, response-days, reach"}}})
		return nil, st.Err()
	}
	return &resultsv1.File{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title></svg>`),
		ContentType: "image/svg+xml", FileName: "adoption.svg"}, nil
}

func (f *fakeFiles) ExportFigures(_ context.Context, req *resultsv1.ExportFiguresRequest) (*resultsv1.File, error) {
	f.record(req)
	if req.GetFormat() == resultsv1.DataFormat_DATA_FORMAT_JSON {
		return &resultsv1.File{Data: []byte(`[{"kind":"municipality"}]`), ContentType: "application/json", FileName: "meedoen-evaluation-figures.json"}, nil
	}
	return &resultsv1.File{Data: []byte("\uFEFFsoort,code\r\nmunicipality,GM0453\r\n"), ContentType: "text/csv; charset=utf-8", FileName: "meedoen-evaluatiecijfers.csv"}, nil
}

func (f *fakeFiles) ExportResults(_ context.Context, req *resultsv1.ExportResultsRequest) (*resultsv1.File, error) {
	f.record(req)
	return &resultsv1.File{Data: []byte("\uFEFFkenmerk\r\nADV-2027-001\r\n"), ContentType: "text/csv; charset=utf-8", FileName: "meedoen-adviezen-en-antwoorden.csv"}, nil
}

func (f *fakeFiles) GetDataCatalog(_ context.Context, req *resultsv1.GetDataCatalogRequest) (*resultsv1.File, error) {
	f.record(req)
	return &resultsv1.File{Data: []byte(`{"@type":"dcat:Catalog"}`), ContentType: "application/ld+json", FileName: "meedoen-catalogus.jsonld"}, nil
}

// newFilesServer is a gateway on a fake files service; a request with an
// X-Test-Subject header comes as that signed-in subject.
func newFilesServer(t *testing.T, limit ...RateLimit) (*httptest.Server, *fakeFiles) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeFiles{}
	grpcServer := grpc.NewServer()
	resultsv1.RegisterFilesServiceServer(grpcServer, fake)
	served := make(chan error, 1)
	go func() { served <- grpcServer.Serve(lis) }()
	t.Cleanup(func() {
		grpcServer.Stop()
		if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			t.Errorf("grpc server: %v", err)
		}
	})
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	// Each case asks for its file some times over.
	cfg := Config{RateLimit: RateLimit{PerMinute: -1, AnonymousPerMinute: -1}}
	if len(limit) > 0 {
		cfg.RateLimit = limit[0]
	}
	g, err := New(t.Context(), cfg, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h := g.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sub := r.Header.Get("X-Test-Subject"); sub != "" {
			r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{Subject: sub}))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, fake
}

// get sends a request with the headers given as name, value pairs.
func get(t *testing.T, method, url string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

const adviceID = "0190f0e0-0000-7000-8000-000000000016"

func TestFilesAreServedWithTheirTypeNameAndCaching(t *testing.T) {
	srv, fake := newFilesServer(t)
	api := srv.URL + "/api/v1"
	for _, tc := range []struct {
		name, path                         string
		contentType, disposition, cacheCtl string
		csp                                bool
		want                               proto.Message
	}{
		{"the PDF of the advice sent last", "/advices/" + adviceID + "/document", "application/pdf",
			`inline; filename=advies-ADV-2027-001-v1.pdf`, "public, max-age=300", false,
			&resultsv1.RenderAdviceRequest{Id: adviceID, Format: resultsv1.DocumentFormat_DOCUMENT_FORMAT_PDF}},
		{"a version as HTML in English", "/advices/" + adviceID + "/document?format=html&version=2&language=en", "text/html; charset=utf-8",
			`inline; filename=advies-ADV-2027-001-v1.html`, "public, max-age=300", true,
			&resultsv1.RenderAdviceRequest{Id: adviceID, Number: 2, Format: resultsv1.DocumentFormat_DOCUMENT_FORMAT_HTML, Language: "en"}},
		{"a chart of a region", "/figures/charts/adoption?regionId=ijmond&language=nl", "image/svg+xml",
			`inline; filename=adoption.svg`, "public, max-age=300", true,
			&resultsv1.RenderChartRequest{Chart: "adoption", RegionId: "ijmond", Language: "nl"}},
		{"the figures as CSV", "/open-data/evaluation-figures", "text/csv; charset=utf-8",
			`attachment; filename=meedoen-evaluatiecijfers.csv`, "public, max-age=300", false,
			&resultsv1.ExportFiguresRequest{Format: resultsv1.DataFormat_DATA_FORMAT_CSV}},
		{"the figures as JSON in English", "/open-data/evaluation-figures?format=json&language=en", "application/json",
			`attachment; filename=meedoen-evaluation-figures.json`, "public, max-age=300", false,
			&resultsv1.ExportFiguresRequest{Format: resultsv1.DataFormat_DATA_FORMAT_JSON, Language: "en"}},
		{"the results as CSV", "/open-data/process-results?format=csv", "text/csv; charset=utf-8",
			`attachment; filename=meedoen-adviezen-en-antwoorden.csv`, "public, max-age=300", false,
			&resultsv1.ExportResultsRequest{Format: resultsv1.DataFormat_DATA_FORMAT_CSV}},
		{"the catalog", "/open-data/catalog", "application/ld+json",
			`inline; filename=meedoen-catalogus.jsonld`, "public, max-age=300", false,
			&resultsv1.GetDataCatalogRequest{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, http.MethodGet, api+tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s: %s", resp.Status, body)
			}
			h := resp.Header
			for name, want := range map[string]string{"Content-Type": tc.contentType, "Content-Disposition": tc.disposition,
				"Cache-Control": tc.cacheCtl, "X-Content-Type-Options": "nosniff"} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if h.Get("Content-Length") != itoa(len(body)) {
				t.Errorf("Content-Length %q for %d bytes", h.Get("Content-Length"), len(body))
			}
			if h.Get("API-Version") == "" {
				t.Error("no API-Version header: the file is not served inside the API")
			}
			csp := h.Get("Content-Security-Policy")
			if tc.csp && (!strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src")) {
				t.Errorf("Content-Security-Policy %q does not forbid scripts", csp)
			}
			if !proto.Equal(fake.last(), tc.want) {
				t.Errorf("the service was asked %v, want %v", fake.last(), tc.want)
			}

			// The entity tag names these bytes: asked again with it, 304.
			etag := h.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag %q", etag)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				resp, body = get(t, http.MethodGet, api+tc.path, "If-None-Match", inm)
				if resp.StatusCode != http.StatusNotModified || body != "" || resp.Header.Get("ETag") != etag {
					t.Errorf("If-None-Match %s: %s, ETag %q, %d bytes", inm, resp.Status, resp.Header.Get("ETag"), len(body))
				}
			}
			resp, _ = get(t, http.MethodGet, api+tc.path, "If-None-Match", `"something-else"`)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("another entity tag: %s, want 200", resp.Status)
			}

			// HEAD: the headers alone.
			resp, body = get(t, http.MethodHead, api+tc.path)
			if resp.StatusCode != http.StatusOK || body != "" || resp.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("HEAD: %s, %q, %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(body))
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestFilesForASignedInCallerAreNotCachedByOthers(t *testing.T) {
	srv, _ := newFilesServer(t)
	resp, _ := get(t, http.MethodGet, srv.URL+"/api/v1/advices/"+adviceID+"/document", "X-Test-Subject", "raadslid")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("a signed-in caller's document: %s, Cache-Control %q, want private, no-store", resp.Status, resp.Header.Get("Cache-Control"))
	}
}

func TestFilesRefuseBadParametersWithoutCallingTheService(t *testing.T) {
	srv, fake := newFilesServer(t)
	api := srv.URL + "/api/v1"
	for _, tc := range []struct {
		name, path string
		params     []string
	}{
		{"a document format", "/advices/" + adviceID + "/document?format=docx", []string{"format"}},
		{"version 0", "/advices/" + adviceID + "/document?version=0", []string{"version"}},
		{"a version that is no number", "/advices/" + adviceID + "/document?version=twee", []string{"version"}},
		{"an empty version", "/advices/" + adviceID + "/document?version=", []string{"version"}},
		{"a language and a format at once", "/advices/" + adviceID + "/document?language=fr&format=odt", []string{"language", "format"}},
		{"a data format", "/open-data/evaluation-figures?format=xlsx", []string{"format"}},
		{"a data language", "/open-data/process-results?language=de", []string{"language"}},
		{"a chart language", "/figures/charts/adoption?language=fy", []string{"language"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fake.count()
			resp, body := get(t, http.MethodGet, api+tc.path)
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s %q: %s", resp.Status, resp.Header.Get("Content-Type"), body)
			}
			var p struct {
				InvalidParams []struct{ Name string } `json:"invalidParams"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, ip := range p.InvalidParams {
				names = append(names, ip.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.params, ",") {
				t.Errorf("invalid params %v, want %v: %s", names, tc.params, body)
			}
			if fake.count() != before {
				t.Error("the service was called")
			}
		})
	}
}

func TestFileErrorsAreProblems(t *testing.T) {
	srv, _ := newFilesServer(t)
	resp, body := get(t, http.MethodGet, srv.URL+"/api/v1/advices/"+missingAdvice+"/document")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("a missing advice: %s %q: %s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, http.MethodGet, srv.URL+"/api/v1/figures/charts/pie")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"name":"chart"`) {
		t.Errorf("an unknown chart: %s: %s", resp.Status, body)
	}
	resp, body = get(t, http.MethodPost, srv.URL+"/api/v1/open-data/catalog")
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("POST on the catalog: %s, Allow %q: %s", resp.Status, resp.Header.Get("Allow"), body)
	}
}

func TestFilesAreRateLimitedLikeTheAPI(t *testing.T) {
	srv, fake := newFilesServer(t, RateLimit{AnonymousPerMinute: 1, Burst: 1})
	url := srv.URL + "/api/v1/open-data/evaluation-figures"
	if resp, body := get(t, http.MethodGet, url); resp.StatusCode != http.StatusOK {
		t.Fatalf("first download: %s: %s", resp.Status, body)
	}
	resp, body := get(t, http.MethodGet, url)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("second download at once: %s %q: %s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
	if fake.count() != 1 {
		t.Errorf("the service made %d files, want 1", fake.count())
	}
}
