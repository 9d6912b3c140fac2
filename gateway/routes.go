package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// routes is the API's routing table as the OpenAPI document describes it.
// grpc-gateway knows it too, but only answers "not implemented" for a known
// path with another method, and cannot say which methods would do.
type routes []route

type route struct {
	// segments of the path template below apiPrefix; "" stands for a
	// parameter such as {id}.
	segments []string
	// params names the parameter of each segment as the OpenAPI document
	// does ("municipalityCode"), "" for a literal segment.
	params []string
	// allow lists the methods, ready for an Allow header.
	allow string
	// bodies holds the methods that take a request body, and whether it is
	// required.
	bodies map[string]bool
}

// parseDocument reads the routing table and the API version from the
// OpenAPI document.
func parseDocument(doc []byte) (routes, string, error) {
	var d struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, "", err
	}
	if len(d.Servers) != 1 || d.Servers[0].URL != apiPrefix {
		return nil, "", fmt.Errorf("want one server with url %s", apiPrefix)
	}
	var rt routes
	for path, item := range d.Paths {
		r := route{bodies: map[string]bool{}}
		var methods []string
		for key, raw := range item {
			switch m := strings.ToUpper(key); m {
			case "GET", "PUT", "POST", "DELETE", "PATCH":
				methods = append(methods, m)
				if m == "GET" {
					methods = append(methods, "HEAD")
				}
				var op struct {
					RequestBody *struct {
						Required bool `json:"required"`
					} `json:"requestBody"`
				}
				if err := json.Unmarshal(raw, &op); err != nil {
					return nil, "", fmt.Errorf("%s %s: %w", m, path, err)
				}
				if op.RequestBody != nil {
					r.bodies[m] = op.RequestBody.Required
				}
			}
		}
		methods = append(methods, "OPTIONS")
		slices.Sort(methods)
		r.allow = strings.Join(methods, ", ")
		for _, s := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
			param := ""
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				s, param = "", s[1:len(s)-1]
			}
			r.segments = append(r.segments, s)
			r.params = append(r.params, param)
		}
		rt = append(rt, r)
	}
	return rt, d.Info.Version, nil
}

// find returns the route that matches path (escaped, below apiPrefix), and
// whether one does. Literal segments win over parameters, as in
// grpc-gateway.
func (rt routes) find(path string) (route, bool) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best route
	bestLiterals := -1
	for _, r := range rt {
		if n, ok := r.match(segs); ok && n > bestLiterals {
			best, bestLiterals = r, n
		}
	}
	return best, bestLiterals >= 0
}

// match reports whether segs fit the route and how many literal segments
// they matched.
func (r route) match(segs []string) (int, bool) {
	if len(segs) != len(r.segments) {
		return 0, false
	}
	literals := 0
	for i, s := range segs {
		switch {
		case s == "":
			return 0, false
		case r.segments[i] == "":
		case r.segments[i] == s:
			literals++
		default:
			return 0, false
		}
	}
	return literals, true
}

// readable checks that every route with a PATCH has a GET, which the
// gateway reads the resource with before it merges a patch into it.
func (rt routes) readable() error {
	for _, r := range rt {
		if r.allows(http.MethodPatch) && !r.allows(http.MethodGet) {
			return fmt.Errorf("/%s has PATCH but no GET to read what a patch merges into", strings.Join(r.segments, "/"))
		}
	}
	return nil
}

// allows reports whether the route answers method.
func (r route) allows(method string) bool {
	return slices.Contains(strings.Split(r.allow, ", "), method)
}
