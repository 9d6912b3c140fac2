package gateway

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOverlongHeadsAnswerProblems sends requests with over-long targets
// and headers, and ones net/http cannot parse, to a server set up as
// cmd/meedoen sets it up: every answer is a problem, none net/http's
// text/plain. The probe's 70 KB query string answered a text/plain 431.
func TestOverlongHeadsAnswerProblems(t *testing.T) {
	t.Parallel()
	addr := serveHead(t, LimitHead(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plain" {
			// A handler's own text/plain answer, with the fields of
			// net/http's canned one, goes out as it is.
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "400 Bad Request")
			return
		}
		_, _ = io.WriteString(w, "ok")
	})))
	big := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name        string
		request     string
		wantStatus  int
		wantType    string
		wantDetail  string
		wantClosed  bool
		wantBodyRaw string
	}{
		{name: "an ordinary request passes", request: "GET /api/v1/regions?limit=2 HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 200, wantType: "text/plain; charset=utf-8", wantBodyRaw: "ok"},
		{name: "the probe's 70 KB query string", request: "GET /api/v1/regions?q=" + big(70<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 414, wantType: "application/problem+json", wantDetail: "the request's path and query are longer than 8192 bytes"},
		{name: "a long path", request: "GET /" + big(MaxTargetBytes) + " HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 414, wantType: "application/problem+json"},
		{name: "a target just within the limit", request: "GET /?q=" + big(MaxTargetBytes-len("/?q=")) + " HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 200, wantType: "text/plain; charset=utf-8", wantBodyRaw: "ok"},
		{name: "large headers", request: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big(MaxHeaderBytes) + "\r\n\r\n",
			wantStatus: 431, wantType: "application/problem+json", wantDetail: "the request's header fields are larger than 65536 bytes"},
		{name: "a head beyond net/http's own bound", request: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big(MaxHeadBytes+8<<10) + "\r\n\r\n",
			wantStatus: 431, wantType: "application/problem+json", wantDetail: "the request line and header fields are too large", wantClosed: true},
		{name: "a target beyond net/http's own bound", request: "GET /?q=" + big(MaxHeadBytes+8<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 431, wantType: "application/problem+json", wantClosed: true},
		{name: "a malformed header line", request: "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
			wantStatus: 400, wantType: "application/problem+json", wantDetail: "bad request", wantClosed: true},
		{name: "a broken escape in the path", request: "GET /api/v1/regions/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 400, wantType: "application/problem+json", wantDetail: "bad request", wantClosed: true},
		{name: "an unknown transfer coding", request: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zstd\r\n\r\n",
			wantStatus: 501, wantType: "application/problem+json", wantDetail: "Unsupported transfer encoding", wantClosed: true},
		{name: "a handler's own text/plain answer is left alone", request: "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n",
			wantStatus: 400, wantType: "text/plain; charset=utf-8", wantBodyRaw: "400 Bad Request", wantClosed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := roundTrip(t, addr, tt.request)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantType)
			}
			if resp.Close != tt.wantClosed {
				t.Errorf("Connection: close is %v, want %v", resp.Close, tt.wantClosed)
			}
			if tt.wantBodyRaw != "" && body != tt.wantBodyRaw {
				t.Errorf("body = %q, want %q", body, tt.wantBodyRaw)
			}
			if tt.wantType != "application/problem+json" {
				return
			}
			var p problem
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("decoding the problem %q: %v", body, err)
			}
			if p.Status != tt.wantStatus || p.Title != http.StatusText(tt.wantStatus) || p.Type != "about:blank" {
				t.Errorf("problem = %+v, want status %d with its title", p, tt.wantStatus)
			}
			if tt.wantDetail != "" && p.Detail != tt.wantDetail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.wantDetail)
			}
		})
	}
}

// serveHead serves h as cmd/meedoen does: net/http's limit at MaxHeadBytes,
// its own answers rewritten by CannedProblems.
func serveHead(t *testing.T, h http.Handler) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// net/http lingers half a second on a connection it refused (so that
	// the client reads the answer); the test waits for every connection
	// to close, so that none outlives it.
	var conns sync.WaitGroup
	srv := &http.Server{Handler: h, MaxHeaderBytes: MaxHeadBytes, ReadHeaderTimeout: 5 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			switch state {
			case http.StateNew:
				conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				conns.Done()
			}
		}}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(CannedProblems(lis)) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		conns.Wait()
	})
	return lis.Addr().String()
}

// roundTrip writes request to a new connection and reads the answer.
func roundTrip(t *testing.T, addr, request string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// The server may answer and close before it read everything.
	go func() { _, _ = io.WriteString(conn, request) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp, string(body)
}
