package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProbeArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
		ok   bool
	}{
		{args: []string{"-probe", "/readyz"}, want: "/readyz", ok: true},
		{args: []string{"--probe", "http://127.0.0.1:8081/healthz"}, want: "http://127.0.0.1:8081/healthz", ok: true},
		{args: []string{"-probe=/healthz"}, want: "/healthz", ok: true},
		{args: []string{"-target=surveys"}},
		{args: []string{"-probe", "/readyz", "-target=surveys"}},
		{args: nil},
	}
	for _, tt := range tests {
		got, ok := probeArgs(tt.args)
		if got != tt.want || ok != tt.ok {
			t.Errorf("probeArgs(%q) = %q, %v; want %q, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// The probe is the container's health check: a healthy answer exits 0, a
// 503, a closed port and a wrong address exit non-zero.
func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			_, _ = w.Write([]byte("ok"))
			return
		}
		http.Error(w, "postgres: not ready", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	if err := realMain(ctx, []string{"-probe", srv.URL + "/healthz"}); err != nil {
		t.Errorf("probe of a healthy address: %v", err)
	}
	if err := realMain(ctx, []string{"-probe=" + srv.URL + "/readyz"}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("probe of a 503: %v, want an error naming 503", err)
	}

	// A path alone asks this container's own listener, MEEDOEN_HTTP_ADDR,
	// whose unspecified host means loopback.
	for _, addr := range []string{":" + port, "0.0.0.0:" + port, "[::]:" + port} {
		t.Setenv("MEEDOEN_HTTP_ADDR", addr)
		if err := probe(ctx, "/healthz"); err != nil {
			t.Errorf("probe /healthz with MEEDOEN_HTTP_ADDR=%s: %v", addr, err)
		}
		if err := probe(ctx, "/readyz"); err == nil {
			t.Errorf("probe /readyz with MEEDOEN_HTTP_ADDR=%s succeeded on a 503", addr)
		}
	}

	srv.Close()
	if err := probe(ctx, srv.URL+"/healthz"); err == nil {
		t.Error("probe of a closed port succeeded")
	}
	if err := probe(ctx, "::not a url"); err == nil {
		t.Error("probe of a malformed address succeeded")
	}
}
