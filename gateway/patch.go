package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A PATCH in this API is a JSON merge patch (RFC 7396) of the resource the
// GET of the same path returns: members it leaves out stay as they are,
// null removes (clears) a member, objects merge member by member, and
// arrays and other values replace what was there. The gateway does the
// merge, the same way for every resource, so that services only ever
// replace whole top-level fields (an update mask, as in Google's AIP-134):
//
//  0. it has grpc-gateway decode the patch as the resource, without
//     calling the service, so that a member of the wrong type or an
//     unknown one is refused before anything is read, pointing into the
//     body as sent;
//  1. it reads the resource with a GET of the same path, as the caller;
//  2. it merges the patch into what it read and sends the merged resource
//     to the service's Update method, with an update mask naming the
//     top-level fields whose value the patch changed and, as the
//     resource's etag, the version the change is based on: the one If-Match
//     (RFC 9110) or the body's etag names, else the one it read;
//  3. the service applies the change only if the resource is still that
//     version, checked in the transaction that writes (errs.Stale, 412
//     here), so a change made between the read and the write is never
//     overwritten. Without If-Match the gateway then reads, merges and
//     writes again, a few times; with it, the answer is 412.
//
// docs/architecture.md says why the gateway merges rather than the
// services.

// etagMember is the member of a resource that holds its version (Google's
// AIP-154); the ETag header repeats it.
const etagMember = "etag"

// patchAttempts bounds how often a PATCH without If-Match is read, merged
// and written when others keep changing the resource in between.
const patchAttempts = 3

// jsonPatchType is RFC 6902's JSON Patch, a list of operations; this API
// takes merge patches.
const jsonPatchType = "application/json-patch+json"

// servePatch answers a PATCH whose body (checked to be JSON) is patch.
func (g *Gateway) servePatch(w http.ResponseWriter, r *http.Request, patch []byte) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == jsonPatchType {
		g.writeProblem(w, r, &problem{Status: http.StatusUnsupportedMediaType,
			Detail: "JSON Patch (RFC 6902) is not supported: send a JSON merge patch (RFC 7396) as application/merge-patch+json"})
		return
	}
	if query, err := url.ParseQuery(r.URL.RawQuery); err == nil && query.Has(maskParameter) {
		// A client that names fields expects those it leaves out of the
		// body to be cleared; a merge patch would leave them alone. Saying
		// so beats doing something else than asked without a word.
		g.writeProblem(w, r, &problem{Status: http.StatusBadRequest, Detail: "invalid query parameter",
			InvalidParams: []invalidParam{{Name: maskParameter,
				Reason: "is not accepted: the body is a JSON merge patch (RFC 7396), whose members say what changes; set a member to null to clear it"}}})
		return
	}
	cond, p := parseIfMatch(r.Header.Values("If-Match"))
	if p != nil {
		g.writeProblem(w, r, p)
		return
	}
	sent := patch
	patch, bodyTag, p := splitPatch(patch)
	if p != nil {
		g.writeProblem(w, r, p)
		return
	}
	if checked := g.subRequest(withCheckOnly(r), http.MethodPatch, r.URL.RawQuery, sent); checked.status != http.StatusNoContent {
		checked.replay(w)
		return
	}
	if cond.pins() && bodyTag != "" && !slices.Contains(cond.tags, bodyTag) {
		// Both must be the current version, and they differ.
		g.writeProblem(w, r, preconditionFailed("If-Match", "names other versions than the body's etag; both must be the current one"))
		return
	}
	for attempt := 1; ; attempt++ {
		read := g.subRequest(r, http.MethodGet, "", nil)
		if read.status != http.StatusOK {
			g.refuseUnread(w, r, read)
			return
		}
		current := read.body.Bytes()
		// The version the change is based on: the caller's, if it named
		// one, else the one just read. The service compares it with the
		// stored one where it writes; the gateway compares nothing, so
		// that the service's other checks come first (RFC 9110, 13.2.1).
		version := versionOf(current)
		switch {
		case bodyTag != "":
			version = bodyTag
		case cond.pins():
			version = cond.choose(version)
		}
		merged, changed, err := mergePatch(current, patch, version)
		if err != nil {
			// Both are JSON objects by now, so this is a bug.
			id := correlationID(status.New(codes.Internal, ""))
			g.log.ErrorContext(r.Context(), "merging a patch failed", "path", r.URL.Path, "error", err, "correlation_id", id)
			g.writeProblem(w, r, &problem{Status: http.StatusInternalServerError, CorrelationID: id, Detail: "internal error; correlation id " + id})
			return
		}
		written := g.subRequest(r, http.MethodPatch, withMask(r.URL.RawQuery, changed), merged)
		if written.status != http.StatusPreconditionFailed || !staleByRead(written.body.Bytes()) {
			// Done, or refused for another reason, or a version the
			// caller sent in the query (a poll's expectedUpdateTime) is
			// out of date.
			written.replay(w)
			return
		}
		switch {
		case cond.pins():
			g.writeProblem(w, r, preconditionFailed("If-Match", "does not match the resource's current version (its ETag)"))
		case bodyTag != "":
			written.replay(w)
		case attempt < patchAttempts:
			// Someone changed it since it was read: merge into theirs.
			continue
		default:
			g.writeProblem(w, r, &problem{Status: http.StatusConflict,
				Detail: "others kept changing the resource while this change was applied; send it again"})
		}
		return
	}
}

// refuseUnread answers a PATCH whose resource could not be read: as the
// read was answered (404, mostly), unless the service refuses the caller
// the update itself (401, 403), which comes first for a PATCH as for every
// other method. It asks with an update of no fields, which writes nothing.
func (g *Gateway) refuseUnread(w http.ResponseWriter, r *http.Request, read *recorder) {
	asked := g.subRequest(r, http.MethodPatch, withMask(r.URL.RawQuery, nil), []byte("{}"))
	if asked.status == http.StatusUnauthorized || asked.status == http.StatusForbidden {
		asked.replay(w)
		return
	}
	read.replay(w)
}

// withMask adds the update mask of fields to a query.
func withMask(query string, fields []string) string {
	if query != "" {
		query += "&"
	}
	return query + maskParameter + "=" + url.QueryEscape(strings.Join(fields, ","))
}

// preconditionFailed is the answer to a change based on a version that is
// no longer the resource's; name says where the caller sent that version.
func preconditionFailed(name, reason string) *problem {
	return &problem{Status: http.StatusPreconditionFailed,
		Detail:        "the resource changed since the version this change is based on; read it again and make the change to what is there now",
		InvalidParams: []invalidParam{{Name: name, Reason: reason}}}
}

// splitPatch checks that patch is a JSON object, as a merge patch of a
// resource must be, and takes out its etag member: not a change, but the
// version the change is based on, like If-Match (AIP-154). It returns the
// patch without it and the version, "" if none.
func splitPatch(patch []byte) ([]byte, string, *problem) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(patch, &members); err != nil || members == nil {
		return nil, "", &problem{Status: http.StatusBadRequest,
			Detail: "request body must be a JSON object: a merge patch (RFC 7396) of the resource, naming the members to change"}
	}
	raw, ok := members[etagMember]
	if !ok {
		return patch, "", nil
	}
	delete(members, etagMember)
	var tag *string
	if err := json.Unmarshal(raw, &tag); err != nil {
		return nil, "", &problem{Status: http.StatusBadRequest, Detail: "invalid input", InvalidParams: []invalidParam{{
			Name: "/" + etagMember, Reason: "must be a string: the version (ETag) this change is based on"}}}
	}
	rest, err := json.Marshal(members)
	if err != nil {
		return nil, "", &problem{Status: http.StatusBadRequest, Detail: "request body could not be read"}
	}
	if tag == nil {
		return rest, "", nil
	}
	return rest, strings.Trim(*tag, `"`), nil
}

// mergePatch applies patch, a JSON merge patch, to current, a resource as
// a GET returns it, and sets the merged resource's etag to version, the
// version the change is based on. It returns the merged resource and the
// JSON names of the top-level members whose value the patch changed, in
// order: the update mask. A member left out or set to what it is already
// is no change, so a patch may repeat output-only members as read; one
// that changes them is named, and the service refuses it.
func mergePatch(current, patch []byte, version string) ([]byte, []string, error) {
	merged, err := jsonpatch.MergePatch(current, patch)
	if err != nil {
		return nil, nil, err
	}
	var before map[string]any
	if err := json.Unmarshal(current, &before); err != nil {
		return nil, nil, err
	}
	// Raw values, so that the service decodes exactly what was sent.
	var after map[string]json.RawMessage
	if err := json.Unmarshal(merged, &after); err != nil {
		return nil, nil, err
	}
	names := map[string]bool{}
	for name := range before {
		names[name] = true
	}
	for name := range after {
		names[name] = true
	}
	delete(names, etagMember)
	var changed []string
	for _, name := range slices.Sorted(maps.Keys(names)) {
		var value any
		raw, kept := after[name]
		if kept {
			if err := json.Unmarshal(raw, &value); err != nil {
				return nil, nil, err
			}
		}
		if !sameValue(before[name], value) {
			changed = append(changed, name)
		}
	}
	delete(after, etagMember)
	if version != "" {
		tag, err := json.Marshal(version)
		if err != nil {
			return nil, nil, err
		}
		after[etagMember] = tag
	}
	out, err := json.Marshal(after)
	return out, changed, err
}

// sameValue reports whether a member's values a and b are the same. A
// missing member (nil) is the same as one that holds its type's zero
// value, which is how a GET shows a field that is not set: removing it
// with null changes nothing.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return isZero(a) && isZero(b)
	}
	return reflect.DeepEqual(a, b)
}

func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// versionOf returns the etag member of a resource as a GET returns it, or
// "" if it has none.
func versionOf(resource []byte) string {
	var r struct {
		Etag string `json:"etag"`
	}
	if json.Unmarshal(resource, &r) != nil {
		return ""
	}
	return r.Etag
}

// staleByRead reports whether a 412 problem from a write names only the
// resource's etag: the version the gateway read (or the caller sent in the
// body), not one the caller sent elsewhere.
func staleByRead(problem []byte) bool {
	var p struct {
		InvalidParams []invalidParam `json:"invalidParams"`
	}
	if json.Unmarshal(problem, &p) != nil || len(p.InvalidParams) == 0 {
		return false
	}
	for _, ip := range p.InvalidParams {
		if ip.Name != "/"+etagMember {
			return false
		}
	}
	return true
}

// subRequest serves a request like r, with method, query and body, through
// the API's handlers as the same caller, and records the answer.
func (g *Gateway) subRequest(r *http.Request, method, query string, body []byte) *recorder {
	state := &request{method: method, path: r.URL.EscapedPath(), query: query, body: body}
	sub := r.Clone(context.WithValue(r.Context(), requestKey{}, state))
	sub.Method = method
	sub.URL.RawQuery = query
	sub.RequestURI = ""
	sub.Header.Del("If-Match")
	if body == nil {
		sub.Body, sub.ContentLength = http.NoBody, 0
		sub.Header.Del("Content-Type")
	} else {
		sub.Body, sub.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		sub.Header.Set("Content-Type", "application/json")
	}
	rec := &recorder{header: http.Header{}}
	g.api.ServeHTTP(rec, sub)
	return rec
}

// checkOnlyKey marks, in a request's context, a request that grpc-gateway
// is to decode but not send to the service.
type checkOnlyKey struct{}

func withCheckOnly(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), checkOnlyKey{}, true))
}

// errChecked is what a service connection answers a request marked check
// only: it got as far as the call, so it decoded.
var errChecked = errors.New("gateway: request decoded; not sent (check only)")

// checkingConn is a service's connection that sends no request marked
// check only.
type checkingConn struct{ grpc.ClientConnInterface }

// Invoke sends a unary call, unless ctx marks it check only.
func (c checkingConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	if only, _ := ctx.Value(checkOnlyKey{}).(bool); only {
		return errChecked
	}
	return c.ClientConnInterface.Invoke(ctx, method, args, reply, opts...)
}

// recorder keeps a response to look at it before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// replay sends the recorded response to w; headers w has already (the
// API version, the rate limit) stay unless the response sets them.
func (rec *recorder) replay(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}
