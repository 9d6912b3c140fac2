// Package problem is the gateway's one reading of what a service answered,
// shared by everything that answers people and programs: a table that maps
// a gRPC status to its Kind (what it means to whoever asked) and to the
// HTTP status the API answers, the field violations and unmet conditions a
// refusal carries, and the RFC 9457 problem+json document the API and the
// login answer with. The web pages show the same kinds as pages
// (gateway/web/kit); the API writes them as problem documents (gateway).
//
// It is a leaf: it imports only the standard library and gRPC's status
// types, so that every part of the gateway can use it.
package problem

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Problem is an RFC 9457 problem details object, with the extension
// members of the Dutch API Design Rules.
type Problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail"`
	Instance      string         `json:"instance,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
	InvalidParams []InvalidParam `json:"invalidParams,omitempty"`

	// Allow is the Allow header of a 405 answer.
	Allow string `json:"-"`
}

// InvalidParam names one offending input field or unmet condition.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
	// Code names the reason for a client to switch on and word in its
	// own language (internal/reasons); empty for a reason without one.
	Code string `json:"code,omitempty"`
}

// MethodNotAllowed is the problem of a method the path does not take;
// allow lists those it does.
func MethodNotAllowed(allow string) *Problem {
	return &Problem{Status: http.StatusMethodNotAllowed, Detail: "method not allowed; see the Allow header", Allow: allow}
}

// Write sends p as the answer to r, filling in what every problem has: the
// type, the title and a detail when p lacks them, and the instance.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) error {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = StatusText(p.Status)
	}
	if p.Detail == "" {
		p.Detail = strings.ToLower(p.Title)
	}
	p.Instance = r.URL.EscapedPath()
	h := w.Header()
	// A response option may have set these before the error surfaced.
	h.Del("Location")
	h.Del("Trailer")
	h.Del("Transfer-Encoding")
	if p.Allow != "" {
		h.Set("Allow", p.Allow)
	}
	if p.Status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		// RFC 9110 requires a challenge with every 401.
		h.Set("WWW-Authenticate", `Bearer realm="meedoen"`)
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	return json.NewEncoder(w).Encode(p)
}

// StatusText is http.StatusText, which also names StatusClientClosedRequest.
func StatusText(code int) string {
	if code == StatusClientClosedRequest {
		return "Client Closed Request"
	}
	return http.StatusText(code)
}

// StatusClientClosedRequest is nginx's status for a client that went away
// before the answer; nobody reads it, but logs and metrics do.
const StatusClientClosedRequest = 499
