package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// The hand-written resident gets what a browser would from the gateway:
// the redirect of an accepted answer, the page of a refused one whatever
// its framing, on one connection while the server keeps it, and a new one
// when the server closes it.
func TestResidentPostsAndReadsResponses(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "wrong request", http.StatusBadRequest)
			return
		}
		switch r.URL.Path {
		case "/base/i/ok":
			if string(body) != "a=1&b=2" {
				http.Error(w, "wrong body "+string(body), http.StatusBadRequest)
				return
			}
			http.Redirect(w, r, "/i/ok/bedankt", http.StatusSeeOther)
		case "/base/i/chunked":
			w.WriteHeader(http.StatusUnprocessableEntity)
			for range 3 {
				io.WriteString(w, strings.Repeat("x", 5000))
				w.(http.Flusher).Flush()
			}
		case "/base/i/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, "<title>Al beantwoord</title>")
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	res, err := newResident(srv.URL+"/base/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.close()
	ctx := context.Background()
	post := func(path string) (int, string) {
		t.Helper()
		status, body, err := res.post(ctx, path, "a=1&b=2")
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		return status, string(body)
	}

	for range 3 {
		if status, body := post("/i/ok"); status != http.StatusSeeOther || body != "" {
			t.Errorf("accepted: %d %q", status, body)
		}
	}
	if status, body := post("/i/chunked"); status != http.StatusUnprocessableEntity || len(body) != 15000 {
		t.Errorf("chunked page: %d, %d bytes", status, len(body))
	}
	if status, _ := post("/i/ok"); status != http.StatusSeeOther {
		t.Errorf("after a chunked page: %d", status)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for five requests the server kept open", n)
	}
	if status, body := post("/i/close"); status != http.StatusConflict || !strings.Contains(body, "Al beantwoord") {
		t.Errorf("closing: %d %q", status, body)
	}
	if status, _ := post("/i/ok"); status != http.StatusSeeOther {
		t.Errorf("after the server closed: %d", status)
	}
	// The server drops an idle connection; the next post goes out again on
	// a new one.
	srv.CloseClientConnections()
	if status, _ := post("/i/ok"); status != http.StatusSeeOther {
		t.Errorf("after the server dropped the connection: %d", status)
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3 (the first, after Connection: close, after the drop)", n)
	}
}
