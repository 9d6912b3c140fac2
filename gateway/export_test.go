package gateway

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/openapi"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// fakeExports streams a file of three chunks, and fails as asked by the
// poll id.
type fakeExports struct {
	surveysv1.UnimplementedExportServiceServer
	mu   sync.Mutex
	last *surveysv1.ExportResponsesRequest
	// hugeSent is how many chunks of hugePoll's export were sent, once it
	// ended (hugeDone closed).
	hugeSent int
	hugeDone chan struct{}
}

const (
	missingPoll = "0190f0e0-0000-7000-8000-00000000dead"
	brokenPoll  = "0190f0e0-0000-7000-8000-0000000000bb" // fails after the first chunk
	hugePoll    = "0190f0e0-0000-7000-8000-0000000000cc" // 1 GiB, in 16,384 chunks of 64 KiB
)

func (f *fakeExports) ExportResponses(req *surveysv1.ExportResponsesRequest, stream grpc.ServerStreamingServer[surveysv1.ExportChunk]) error {
	f.mu.Lock()
	f.last = proto.Clone(req).(*surveysv1.ExportResponsesRequest)
	f.mu.Unlock()
	switch req.GetPollId() {
	case missingPoll:
		return status.Error(codes.NotFound, `poll "`+missingPoll+`" not found`)
	case brokenPoll:
		if err := stream.Send(&surveysv1.ExportChunk{Data: []byte("a,b\r\n"), ContentType: "text/csv; charset=utf-8", FileName: "kapot.csv"}); err != nil {
			return err
		}
		return status.Error(codes.Internal, "the database went away")
	case hugePoll:
		defer close(f.hugeDone)
		chunk := &surveysv1.ExportChunk{Data: make([]byte, 64<<10), ContentType: "text/csv; charset=utf-8", FileName: "groot.csv"}
		for range 16384 {
			if err := stream.Send(chunk); err != nil {
				return err
			}
			chunk = &surveysv1.ExportChunk{Data: chunk.Data}
			f.mu.Lock()
			f.hugeSent++
			f.mu.Unlock()
		}
		return nil
	}
	chunks := []*surveysv1.ExportChunk{
		{Data: []byte("\uFEFFAntwoord-id,Gemeente\r\n"), ContentType: "text/csv; charset=utf-8", FileName: "velsen-antwoorden.csv"},
		{Data: []byte("r1,GM0453\r\n")},
		{Data: []byte("r2,GM0453\r\n")},
	}
	for _, c := range chunks {
		if err := stream.Send(c); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeExports) request() *surveysv1.ExportResponsesRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func newExportServer(t *testing.T) (*httptest.Server, *fakeExports) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeExports{hugeDone: make(chan struct{})}
	grpcServer := grpc.NewServer()
	surveysv1.RegisterExportServiceServer(grpcServer, fake)
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
	g, err := New(t.Context(), Config{}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(srv.Close)
	return srv, fake
}

const pollID = "0190f0e0-0000-7000-8000-000000000001"

func TestExportsDownloadAsAFile(t *testing.T) {
	t.Parallel()
	srv, _ := newExportServer(t)
	resp, err := http.Get(srv.URL + "/api/v1/polls/" + pollID + "/responses")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s: %s", resp.Status, body)
	}
	want := map[string]string{
		"Content-Type":        "text/csv; charset=utf-8",
		"Content-Disposition": "attachment; filename=velsen-antwoorden.csv",
		"Cache-Control":       "no-store",
		"API-Version":         openapi.Version(),
	}
	got := map[string]string{}
	for k := range want {
		got[k] = resp.Header.Get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if want := "\uFEFFAntwoord-id,Gemeente\r\nr1,GM0453\r\nr2,GM0453\r\n"; string(body) != want {
		t.Errorf("body %q, want %q", body, want)
	}
}

func TestExportParametersAndContentNegotiation(t *testing.T) {
	t.Parallel()
	srv, fake := newExportServer(t)
	tests := []struct {
		name   string
		query  string
		accept string
		want   *surveysv1.ExportResponsesRequest
	}{
		{"defaults", "", "", &surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_CSV}},
		{"format parameter", "?format=xlsx&language=en&public=true", "application/json",
			&surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_XLSX, Language: "en", Public: true}},
		{"accept header", "", "text/html, application/json;q=0.9, text/csv;q=0.5",
			&surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_JSON}},
		{"accept header with nothing we make", "", "text/html", &surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_CSV}},
		{"semicolons for Dutch spreadsheets", "?separator=semicolon", "",
			&surveysv1.ExportResponsesRequest{PollId: pollID, Format: surveysv1.ExportFormat_EXPORT_FORMAT_CSV, Separator: "semicolon"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/polls/"+pollID+"/responses"+tc.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			// Subtests run one after the other, so the last request is theirs.
			if diff := cmp.Diff(tc.want, fake.request(), cmp.Comparer(proto.Equal)); diff != "" {
				t.Errorf("request to the service (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExportErrorsAreProblemsUntilTheFileHasStarted(t *testing.T) {
	t.Parallel()
	srv, _ := newExportServer(t)
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantInBody string
	}{
		{"unknown poll", "/api/v1/polls/" + missingPoll + "/responses", http.StatusNotFound, "not found"},
		{"bad parameters", "/api/v1/polls/" + pollID + "/responses?format=pdf&language=fr&public=soms", http.StatusBadRequest, `"name":"public"`},
		{"unknown separator", "/api/v1/polls/" + pollID + "/responses?separator=tab", http.StatusBadRequest, `"name":"separator"`},
		{"semicolons outside CSV", "/api/v1/polls/" + pollID + "/responses?format=json&separator=semicolon", http.StatusBadRequest, `"name":"separator"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), tc.wantInBody) {
				t.Errorf("got %s (%s) %s, want %d problem with %s", resp.Status, resp.Header.Get("Content-Type"), body, tc.wantStatus, tc.wantInBody)
			}
		})
	}

	t.Run("failure after the first chunk", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/api/v1/polls/" + brokenPoll + "/responses")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || err == nil {
			t.Errorf("got %s, %q, read error %v; want the download broken off, not ended", resp.Status, body, err)
		}
	})
}

func TestTheExportIsAKnownRoute(t *testing.T) {
	t.Parallel()
	srv, _ := newExportServer(t)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/polls/"+pollID+"/responses", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("POST: %s, Allow %q; want 405 with GET, HEAD, OPTIONS", resp.Status, resp.Header.Get("Allow"))
	}
}

// HEAD tells what a download would be without making it: a client that
// checks a link must not have the service format a million responses.
func TestHeadOnAnExportDoesNotMakeTheFile(t *testing.T) {
	t.Parallel()
	srv, fake := newExportServer(t)
	resp, err := http.Head(srv.URL + "/api/v1/polls/" + hugePoll + "/responses")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != "attachment; filename=groot.csv" {
		t.Errorf("HEAD: %s, Content-Disposition %q; want 200 naming the file", resp.Status, resp.Header.Get("Content-Disposition"))
	}
	select {
	case <-fake.hugeDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the export went on after the HEAD request was answered")
	}
	fake.mu.Lock()
	sent := fake.hugeSent
	fake.mu.Unlock()
	if sent >= 16384 {
		t.Errorf("the whole file was made (%d chunks) for a HEAD request", sent)
	}
}
