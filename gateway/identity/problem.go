package identity

import (
	"encoding/json"
	"errors"
	"net/http"
)

// problem is an RFC 9457 problem details object. The gateway has a richer
// one; this package cannot import the gateway (the gateway imports it), and
// its few answers need only these members.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// The status is sent; a failed write leaves nothing to tell the client.
	_ = json.NewEncoder(w).Encode(problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   detail,
		Instance: r.URL.EscapedPath(),
	})
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeProblem(w, r, http.StatusMethodNotAllowed, "method not allowed; see the Allow header")
}

func issuerUnavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "5")
	writeProblem(w, r, http.StatusServiceUnavailable, "the identity provider cannot be reached; try again shortly")
}

// issuerMisconfigured answers a request that needs the provider while its
// setting is wrong. 500, not 503: retrying will not help until an
// administrator fixes it, and the log and /readyz say what is wrong.
func issuerMisconfigured(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusInternalServerError,
		"the identity provider is configured wrongly; an administrator finds the reason in the log and at /readyz")
}

// discoveryFailed answers a request that needed the provider's
// configuration and could not get it.
func discoveryFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errIssuerMisconfigured) {
		issuerMisconfigured(w, r)
		return
	}
	issuerUnavailable(w, r)
}
