package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// problem is an RFC 9457 problem details object, with the extension
// members of the Dutch API Design Rules.
type problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail"`
	Instance      string         `json:"instance,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
	InvalidParams []invalidParam `json:"invalidParams,omitempty"`

	allow string // for 405: the Allow header
}

// invalidParam names one offending input field or unmet condition.
type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

func notFound() *problem {
	return &problem{Status: http.StatusNotFound, Detail: "no such resource"}
}

func methodNotAllowed(allow string) *problem {
	return &problem{Status: http.StatusMethodNotAllowed, Detail: "method not allowed; see the Allow header", allow: allow}
}

// writeProblem sends p, filling in what every problem has.
func (g *Gateway) writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	if err := sendProblem(w, r, p); err != nil {
		g.log.DebugContext(r.Context(), "writing problem response failed", "error", err)
	}
}

// sendProblem is writeProblem for handlers without a gateway.
func sendProblem(w http.ResponseWriter, r *http.Request, p *problem) error {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = statusText(p.Status)
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
	if p.allow != "" {
		h.Set("Allow", p.allow)
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

func statusText(code int) string {
	if code == statusClientClosedRequest {
		return "Client Closed Request"
	}
	return http.StatusText(code)
}

// statusClientClosedRequest is nginx's status for a client that went away
// before the answer; nobody reads it, but logs and metrics do.
const statusClientClosedRequest = 499

// handleError is grpc-gateway's error handler: it answers every failed
// call, whether grpc-gateway failed to read the request or the service
// returned an error status.
func (g *Gateway) handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errChecked) {
		// A patch decoded as its resource (patch.go).
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var httpErr *runtime.HTTPStatusError
	if errors.As(err, &httpErr) {
		g.writeProblem(w, r, &problem{Status: httpErr.HTTPStatus, Detail: status.Convert(httpErr.Err).Message()})
		return
	}
	g.writeProblem(w, r, g.problemFromStatus(ctx, r, status.Convert(err)))
}

// handleRoutingError answers requests grpc-gateway has no handler for.
// serveAPI filters those out first, so this is a safety net.
func (g *Gateway) handleRoutingError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		rt, _ := g.routes.find(strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix))
		g.writeProblem(w, r, methodNotAllowed(rt.allow))
	case http.StatusNotFound:
		g.writeProblem(w, r, notFound())
	default:
		g.writeProblem(w, r, &problem{Status: httpStatus})
	}
}

// problemFromStatus maps a gRPC status to a problem. Messages of client
// errors are meant for the caller (internal/rpc writes them); messages of
// server errors are not, so those are logged and replaced.
func (g *Gateway) problemFromStatus(ctx context.Context, r *http.Request, st *status.Status) *problem {
	p := &problem{Status: httpStatus(st.Code()), Detail: st.Message()}
	switch st.Code() {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange, codes.Aborted, codes.AlreadyExists:
		var body []byte
		if req := requestFrom(ctx); req != nil {
			body = req.body
		}
		p.InvalidParams = invalidParams(st, len(body) > 0)
		if st.Code() == codes.InvalidArgument && len(st.Details()) == 0 {
			// The generated handlers report unreadable input as bare
			// InvalidArgument statuses.
			p.Detail, p.InvalidParams = decodeProblem(st.Message(), body)
		}
	case codes.Canceled:
		p.Detail = "request canceled"
	case codes.DeadlineExceeded, codes.Unavailable, codes.Unimplemented:
		g.log.WarnContext(ctx, "api call failed", "method", r.Method, "path", r.URL.Path, "code", st.Code().String(), "message", st.Message())
		p.Detail = strings.ToLower(statusText(p.Status))
	case codes.Internal, codes.Unknown, codes.DataLoss:
		p.CorrelationID = correlationID(st)
		p.Detail = "internal error; correlation id " + p.CorrelationID
		g.log.ErrorContext(ctx, "api call failed", "method", r.Method, "path", r.URL.Path, "code", st.Code().String(), "message", st.Message(), "correlation_id", p.CorrelationID)
	}
	return p
}

// httpStatus maps gRPC codes to HTTP statuses. It differs from
// grpc-gateway's mapping in two places: FailedPrecondition, an illegal
// state change, is a 409 Conflict with the resource's state, not a 400;
// and Aborted, which services answer only for a change based on a version
// of the resource that is no longer current (errs.Stale), is 412
// Precondition Failed, what HTTP answers a stale If-Match.
func httpStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK
	case codes.Canceled:
		return statusClientClosedRequest
	case codes.InvalidArgument, codes.OutOfRange:
		return http.StatusBadRequest
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists, codes.FailedPrecondition:
		return http.StatusConflict
	case codes.Aborted:
		return http.StatusPreconditionFailed
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.Unimplemented:
		return http.StatusNotImplemented
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	default:
		return http.StatusInternalServerError
	}
}

// invalidParams collects the field violations (errdetails.BadRequest) and
// unmet conditions (errdetails.PreconditionFailure) of a status. hasBody
// tells whether the request had a body for the fields to be in.
func invalidParams(st *status.Status, hasBody bool) []invalidParam {
	var ps []invalidParam
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				ps = append(ps, invalidParam{Name: fieldName(v.GetField(), hasBody), Reason: v.GetDescription()})
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				name := v.GetSubject()
				if name == "" {
					name = v.GetType()
				}
				ps = append(ps, invalidParam{Name: name, Reason: v.GetDescription()})
			}
		}
	}
	return ps
}

// decodeProblem rewords the message of an InvalidArgument status that
// grpc-gateway raised while reading the request, naming the field when the
// message does. body is the request body the message is about, if any.
// protojson stops at the first problem, so only one field is named.
func decodeProblem(msg string, body []byte) (string, []invalidParam) {
	if m := regexp.MustCompile(`^parsing field "([^"]+)": (.*)$`).FindStringSubmatch(msg); m != nil {
		// grpc-gateway names the field as the proto file does
		// (expected_update_time); the API and its clients spell it in
		// lowerCamelCase.
		return "invalid query parameter", []invalidParam{{Name: lowerCamel(m[1]), Reason: m[2]}}
	}
	// The API's marshaler names the member at fault (apijson.go).
	if m := bodyErrorPattern.FindStringSubmatch(msg); m != nil {
		ptr, err := strconv.Unquote(m[1])
		if err == nil {
			return bodyProblem(ptr, m[2])
		}
	}
	// protojson's own errors carry the position (line:column) of the key
	// or value at fault.
	if m := protojsonPosition.FindStringSubmatch(msg); m != nil && body != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return bodyProblem(pointerAt(body, offsetAt(body, line, col)), m[3])
	}
	if m := regexp.MustCompile(`unknown field "([^"]+)"`).FindStringSubmatch(msg); m != nil {
		return "request body has an unknown field", []invalidParam{{Name: "/" + escapePointer(m[1]), Reason: "unknown field"}}
	}
	if msg == io.ErrUnexpectedEOF.Error() {
		return "request body is not valid JSON: it ends early", nil
	}
	// The prefixes of protojson's and encoding/json's errors.
	for _, prefix := range []string{"proto: ", "json: ", "invalid character "} {
		if strings.HasPrefix(msg, prefix) {
			return "request body is not valid JSON for this resource: " + strings.TrimPrefix(msg, "proto: "), nil
		}
	}
	return msg, nil
}

// bodyProblem words a body refused at the member ptr for reason, as
// protojson or the API's marshaler gave it.
func bodyProblem(ptr, reason string) (string, []invalidParam) {
	if strings.HasPrefix(reason, "unknown field ") {
		return "request body has an unknown field", []invalidParam{{Name: ptr, Reason: "unknown field"}}
	}
	if v := regexp.MustCompile(`^invalid value for (\S+) field \S+: (.*)$`).FindStringSubmatch(reason); v != nil {
		reason = "not a valid " + v[1] + ": " + v[2]
	}
	reason = strings.Replace(reason, "unexpected token ", "unexpected value ", 1)
	if ptr == "" {
		return "request body has the wrong type: " + reason, nil
	}
	return "request body has a value of the wrong type or format", []invalidParam{{Name: ptr, Reason: reason}}
}

// fieldName names a violated field the way the client sent it. Services
// write body fields as JSON pointers ("/regionId") and parameters by name
// ("limit"); a name in errdetails' dotted form ("municipality.region_id")
// is a body field when there is a body, else a query parameter, whose keys
// grpc-gateway also writes dotted ("filter.regionId").
func fieldName(field string, hasBody bool) string {
	if strings.HasPrefix(field, "/") || hasBody {
		return jsonPointer(field)
	}
	segs := strings.Split(field, ".")
	for i, s := range segs {
		segs[i] = lowerCamel(s)
	}
	return strings.Join(segs, ".")
}

// jsonPointer turns a field path, either a JSON pointer ("/region_id") or
// the dotted form of errdetails ("municipality.region_id"), into a JSON
// pointer with the lowerCamelCase names clients see ("/regionId").
func jsonPointer(field string) string {
	var segs []string
	if rest, ok := strings.CutPrefix(field, "/"); ok {
		segs = strings.Split(rest, "/")
	} else {
		segs = strings.Split(field, ".")
	}
	for i, s := range segs {
		segs[i] = lowerCamel(s)
	}
	return "/" + strings.Join(segs, "/")
}

func lowerCamel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	var b strings.Builder
	upper := false
	for _, c := range s {
		switch {
		case c == '_':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(c)))
			upper = false
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// correlationID finds the id under which the service logged an internal
// error: in a RequestInfo detail, or in the message ("... correlation id
// X"). A status without one, such as a transport failure, gets a new id,
// which the caller logs.
func correlationID(st *status.Status) string {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RequestInfo); ok && ri.GetRequestId() != "" {
			return ri.GetRequestId()
		}
	}
	labelled := regexp.MustCompile(`(?i)correlation[ _-]?id[:= ]+([A-Za-z0-9_-]+)`)
	if m := labelled.FindStringSubmatch(st.Message()); m != nil {
		return m[1]
	}
	bare := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	if id := bare.FindString(st.Message()); id != "" {
		return id
	}
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
