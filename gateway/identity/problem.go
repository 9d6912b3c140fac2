package identity

import (
	"errors"
	"net/http"

	"github.com/meedoen/meedoen/gateway/problem"
)

// writeProblem answers with the problem document of status, as the API
// does (gateway/problem).
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	// The status is sent; a failed write leaves nothing to tell the client.
	_ = problem.Write(w, r, &problem.Problem{Status: status, Detail: detail})
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	_ = problem.Write(w, r, problem.MethodNotAllowed(allow))
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
