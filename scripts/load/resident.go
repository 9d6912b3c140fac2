package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A resident posts answers to the gateway, one request at a time.
type resident interface {
	// post sends form (URL-encoded) to path and returns the response's
	// status and, unless it is 303, its body.
	post(ctx context.Context, path, form string) (status int, body []byte, err error)
	close()
}

// newResident returns a resident for the gateway at base: for plain HTTP
// one that speaks HTTP/1.1 itself on a keep-alive connection of its own,
// as a browser does; otherwise one on client.
//
// Why by hand: Go's HTTP client costs ≈ 55 µs of processor per request
// (its transport hands every request to two goroutines of the
// connection), which on the two cores the gateway, PostgreSQL and this
// tool share is 14 % of all the processor time an answer takes, time the
// server under test would have in production, where residents' browsers
// run elsewhere. Writing the request by hand and reading the response
// with net/http's parser on one connection costs half of that
// (docs/benchmarks.md). Either way the work
// per request is the same: one POST, its whole response read.
func newResident(base string, client *http.Client) (resident, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return &clientResident{base: base, client: client}, nil
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &connResident{addr: addr, host: u.Host, prefix: strings.TrimSuffix(u.Path, "/")}, nil
}

// clientResident posts through an http.Client.
type clientResident struct {
	base   string
	client *http.Client
}

func (c *clientResident) post(ctx context.Context, path, form string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+path, strings.NewReader(form))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func (c *clientResident) close() {}

// connResident speaks HTTP/1.1 on one keep-alive connection, dialled when
// first needed and again after the server closed it.
type connResident struct {
	addr, host, prefix string

	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	req  []byte
}

// requestTimeout bounds one request, as the client's Timeout does.
const requestTimeout = 30 * time.Second

func (c *connResident) post(ctx context.Context, path, form string) (int, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	reused := c.conn != nil
	status, body, err := c.try(path, form)
	if err != nil && reused && errors.Is(err, errStale) {
		// The server closed the idle connection before reading the
		// request. Sending it again is safe whatever happened: the form
		// carries its idempotency key.
		status, body, err = c.try(path, form)
	}
	return status, body, err
}

// errStale marks a connection that ended before any of the response.
var errStale = errors.New("connection closed before the response")

func (c *connResident) try(path, form string) (int, []byte, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, requestTimeout)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.r, c.w = conn, bufio.NewReaderSize(conn, 4096), bufio.NewWriterSize(conn, 4096)
	}
	if err := c.conn.SetDeadline(time.Now().Add(requestTimeout)); err != nil {
		c.close()
		return 0, nil, err
	}
	c.req = append(c.req[:0], "POST "...)
	c.req = append(c.req, c.prefix...)
	c.req = append(c.req, path...)
	c.req = append(c.req, " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.host...)
	c.req = append(c.req, "\r\nUser-Agent: meedoen-load\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "...)
	c.req = strconv.AppendInt(c.req, int64(len(form)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, form...)
	if _, err := c.w.Write(c.req); err != nil {
		c.close()
		return 0, nil, err
	}
	if err := c.w.Flush(); err != nil {
		c.close()
		return 0, nil, fmt.Errorf("%w: %w", errStale, err)
	}
	if _, err := c.r.Peek(1); err != nil {
		c.close()
		return 0, nil, fmt.Errorf("%w: %w", errStale, err)
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.close()
		return 0, nil, err
	}
	var body []byte
	if resp.StatusCode == http.StatusSeeOther {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		body, err = io.ReadAll(resp.Body)
	}
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode, body, err
}

func (c *connResident) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn, c.r, c.w = nil, nil, nil
	}
}
