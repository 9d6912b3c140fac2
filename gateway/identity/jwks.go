package identity

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// minKeyRefresh is the least time between two requests for the provider's
// signing keys (JWKS).
const minKeyRefresh = 10 * time.Second

// jwksThrottle is the HTTP transport of the provider's key set. go-oidc
// asks the provider for its keys again whenever a token's signature does
// not verify with the keys it holds: right for a key rotation, but it lets
// anyone make the gateway call the provider once per forged bearer token,
// and the rate limit only starts after authentication. Within
// minKeyRefresh of a request, jwksThrottle answers with that request's
// outcome instead, so a flood of forged tokens costs the provider one
// request per interval, and a token signed with a newly rotated key
// verifies at most minKeyRefresh late.
type jwksThrottle struct {
	next http.RoundTripper
	now  func() time.Time

	// mu is held during a request to the provider, so that the misses of
	// concurrent verifications share it.
	mu     sync.Mutex
	last   time.Time // of the last request to the provider; zero before the first
	status int
	header http.Header
	body   []byte
	err    error
}

func newJWKSThrottle(next http.RoundTripper) *jwksThrottle {
	if next == nil {
		next = http.DefaultTransport
	}
	return &jwksThrottle{next: next, now: time.Now}
}

// RoundTrip implements http.RoundTripper.
func (t *jwksThrottle) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := t.now(); t.last.IsZero() || now.Sub(t.last) >= minKeyRefresh {
		t.last = now
		t.fetch(req)
	}
	if t.err != nil {
		return nil, t.err
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", t.status, http.StatusText(t.status)),
		StatusCode:    t.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        t.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       req,
	}, nil
}

// fetch asks the provider and keeps the outcome.
func (t *jwksThrottle) fetch(req *http.Request) {
	t.status, t.header, t.body, t.err = 0, nil, nil, nil
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.err = err
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.err = fmt.Errorf("reading the provider's keys: %w", err)
		return
	}
	t.status, t.header, t.body = resp.StatusCode, resp.Header, body
}
