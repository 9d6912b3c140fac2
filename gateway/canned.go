package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	apiproblem "github.com/meedoen/meedoen/gateway/problem"
)

// CannedProblems wraps l so that the few answers net/http writes on its
// own, before any handler runs, go out as problems like every other error:
// 431 for a head larger than http.Server.MaxHeaderBytes, 400 for a request
// it cannot parse (a malformed request line or header, an invalid
// percent-escape in the path), 501 for an unknown transfer coding.
//
// net/http offers no hook for these; it writes them as one fixed
// text/plain response straight to the connection and closes it. So the
// connection recognises that response by its exact form, which no handler's
// response has (those always carry a Date header after their first
// fields), and replaces it. Should a future Go change the form, the
// original answer goes out unchanged, which a test would notice.
func CannedProblems(l net.Listener) net.Listener { return cannedListener{l} }

type cannedListener struct{ net.Listener }

func (l cannedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &cannedConn{Conn: c}, nil
}

// cannedConn is a connection whose writes of net/http's own answers are
// replaced. It keeps the methods net/http looks for on a *net.TCPConn.
type cannedConn struct{ net.Conn }

// cannedPrefix starts every answer net/http writes on its own.
const cannedPrefix = "HTTP/1.1 "

// canned matches such an answer whole: the status line, two fixed header
// fields, and the text.
var canned = regexp.MustCompile(`^HTTP/1\.1 ([0-9]{3}) [^\r\n]*\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n([^\r\n]*)$`)

func (c *cannedConn) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte(cannedPrefix)) && len(p) < 1024 {
		if m := canned.FindSubmatch(p); m != nil {
			if _, err := c.Conn.Write(cannedProblem(m[1], m[2])); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	return c.Conn.Write(p)
}

// cannedProblem is the problem response for net/http's answer with status
// code and text ("400 Bad Request: malformed Host header").
func cannedProblem(code, text []byte) []byte {
	status, _ := strconv.Atoi(string(code))
	title := apiproblem.StatusText(status)
	detail := strings.TrimPrefix(string(text), string(code)+" "+title)
	detail = strings.TrimPrefix(detail, ": ")
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		detail = "the request line and header fields are too large"
	case detail == "":
		detail = strings.ToLower(title)
	}
	body, _ := json.Marshal(&problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		status, title, len(body), body)
}

// CloseWrite lets net/http half-close the connection after its 431, as it
// does on a plain TCP connection, so that the client reads the answer.
func (c *cannedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the TCP connection's fast path for file downloads;
// net/http writes its own answers with Write, never through here.
func (c *cannedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// writerOnly hides all but Write, so that io.Copy cannot come back to
// ReadFrom.
type writerOnly struct{ io.Writer }
