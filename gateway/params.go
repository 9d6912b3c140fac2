package gateway

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/meedoen/meedoen/internal/textcheck"
)

// paramProblem refuses a request whose path parameters, query parameter
// names or query values, once percent-decoded, are not text the system can
// hold (package textcheck), or cannot be percent-decoded at all; nil when
// they are fine. It names path parameters as the OpenAPI document does
// ("municipalityCode") and query keys in lowerCamelCase, as the API spells
// them ("theme", "regionId"). grpc-gateway would pass a NUL on to the
// service, whose database refuses it as an internal error; this refuses it
// before any service is called.
func paramProblem(r *http.Request, rt route) *problem {
	var ps []invalidParam
	add := func(name, reason string) {
		if len(ps) < maxTextProblems {
			ps = append(ps, invalidParam{Name: name, Reason: reason})
		}
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix+"/"), "/")
	for i, param := range rt.params {
		if param == "" || i >= len(segs) {
			continue
		}
		v, err := url.PathUnescape(segs[i])
		switch {
		case err != nil:
			add(param, reasonEscape)
		case !textcheck.Valid(v):
			add(param, textcheck.Problem(v))
		}
	}
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, errKey := url.QueryUnescape(rawKey)
		value, errValue := url.QueryUnescape(rawValue)
		name := lowerCamel(textcheck.Printable(key))
		switch {
		case errKey != nil:
			add(rawKey, reasonEscape)
		case !textcheck.Valid(key):
			add(name, "name "+textcheck.Problem(key))
		case errValue != nil:
			add(name, reasonEscape)
		case !textcheck.Valid(value):
			add(name, textcheck.Problem(value))
		}
	}
	if ps == nil {
		return nil
	}
	return &problem{Status: http.StatusBadRequest, Detail: textDetail, InvalidParams: ps}
}

// reasonEscape refuses a parameter with a broken percent-escape ("%zz").
const reasonEscape = "is not properly percent-encoded"
