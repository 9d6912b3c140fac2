package gateway

import (
	"fmt"
	"net/http"
	"strings"

	apiproblem "github.com/meedoen/meedoen/gateway/problem"
)

// Limits on the head of a request (its request line and header fields),
// answered as problems like every other error. net/http enforces one
// limit itself, http.Server.MaxHeaderBytes, and answers it with a text/plain
// 431 before any handler runs; set to MaxHeadBytes it is only the outer
// bound, and CannedProblems turns even that answer into a problem.
const (
	// MaxTargetBytes bounds the request target, path and query as sent:
	// RFC 9110 asks for at least 8000 octets; longer gets 414.
	MaxTargetBytes = 8 << 10
	// MaxHeaderBytes bounds the header fields, names and values; larger
	// gets 431.
	MaxHeaderBytes = 64 << 10
	// MaxHeadBytes is for http.Server.MaxHeaderBytes: room for the two
	// limits above, so that the handler, not net/http, answers them.
	MaxHeadBytes = 128 << 10
)

// LimitHead answers a request whose target is longer than MaxTargetBytes
// with 414 URI Too Long, and one whose header fields are larger than
// MaxHeaderBytes with 431 Request Header Fields Too Large, as problems and
// before next sees it: such a request is no one's honest use, and the
// rest of the chain (traces, logs, the rate limit's key) should not carry
// it around.
func LimitHead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.RequestURI
		if target == "" {
			target = r.URL.RequestURI()
		}
		switch {
		case len(target) > MaxTargetBytes:
			_ = apiproblem.Write(w, r, &problem{Status: http.StatusRequestURITooLong,
				Detail: fmt.Sprintf("the request's path and query are longer than %d bytes", MaxTargetBytes)})
		case headerBytes(r) > MaxHeaderBytes:
			_ = apiproblem.Write(w, r, &problem{Status: http.StatusRequestHeaderFieldsTooLarge,
				Detail: fmt.Sprintf("the request's header fields are larger than %d bytes", MaxHeaderBytes)})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// headerBytes is the size of r's header fields as HTTP/1.1 writes them.
func headerBytes(r *http.Request) int {
	n := len("Host: \r\n") + len(r.Host)
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + len(": \r\n") + len(v)
		}
	}
	return n
}

// WithAPIVersion puts the API-Version header on every answer to a request
// under /api/, whoever gives it: the limits above, the authentication in
// front of the API (401), the rate limit (429) and the API itself, so that
// a client can read the version from any answer (API Design Rules,
// API-57).
func WithAPIVersion(version string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("API-Version", version)
		}
		next.ServeHTTP(w, r)
	})
}
