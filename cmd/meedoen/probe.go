package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/config"
)

// probeTimeout bounds one probe; container engines give a health check a
// few seconds more than this before they count it as failed.
const probeTimeout = 3 * time.Second

// probeArgs says whether args ask for a probe ("-probe URL" or
// "-probe=URL", nothing else) and of what. A probe is the binary's health
// check for images without a shell or curl (deploy/Dockerfile): it needs
// none of the configuration, so it is recognised before the flags are
// parsed.
func probeArgs(args []string) (string, bool) {
	if len(args) == 2 && (args[0] == "-probe" || args[0] == "--probe") {
		return args[1], true
	}
	if len(args) == 1 {
		for _, p := range []string{"-probe=", "--probe="} {
			if v, ok := strings.CutPrefix(args[0], p); ok {
				return v, true
			}
		}
	}
	return "", false
}

// probe GETs target and succeeds on a 2xx answer; main prints its error
// and exits 1, which a container engine counts as unhealthy. A target that
// is only a path, such as /readyz, is asked of this container's own HTTP
// listener: MEEDOEN_HTTP_ADDR (the -http-addr default), with an
// unspecified host (":8080", "0.0.0.0:8080") taken as loopback.
func probe(ctx context.Context, target string) error {
	if strings.HasPrefix(target, "/") {
		target = "http://" + probeHost(config.Env("MEEDOEN_HTTP_ADDR", "127.0.0.1:8080")) + target
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("-probe: %w", err)
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return fmt.Errorf("-probe: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("-probe: %s answered %s", target, resp.Status)
	}
	return nil
}

// probeHost turns a listen address into one to connect to.
func probeHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
