package gateway

import (
	"context"
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

	apiproblem "github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/internal/reasons"
)

// problem and invalidParam are the shared problem document
// (gateway/problem), under the names the API's code has always used.
type (
	problem      = apiproblem.Problem
	invalidParam = apiproblem.InvalidParam
)

func notFound() *problem {
	return &problem{Status: http.StatusNotFound, Detail: "no such resource"}
}

func methodNotAllowed(allow string) *problem { return apiproblem.MethodNotAllowed(allow) }

// writeProblem sends p, filling in what every problem has: also a code for
// each invalid parameter, the catalogue's for a reason it knows
// (internal/reasons), the gateway's own for what it found reading the
// request.
func (g *Gateway) writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	for i := range p.InvalidParams {
		ip := &p.InvalidParams[i]
		if ip.Code == "" {
			ip.Code = reasons.Code(ip.Reason)
		}
		if ip.Code == "" {
			ip.Code = gatewayCode(p.Status, ip.Reason)
		}
	}
	if err := apiproblem.Write(w, r, p); err != nil {
		g.log.DebugContext(r.Context(), "writing problem response failed", "error", err)
	}
}

// gatewayCode is the code of a problem the catalogue of reasons does not
// know: one the gateway finds itself while reading a request (a member the
// resource does not have, a value it cannot read: malformed JSON, a wrong
// type, a bad header or parameter), or, were a service's reason missing
// from the catalogue (its test prevents that), the kind of the refusal.
func gatewayCode(status int, reason string) string {
	switch {
	case reason == "unknown field":
		return "UNKNOWN_FIELD"
	case reasons.Code(strings.TrimPrefix(reason, "name ")) != "":
		// A query parameter's name that cannot be held, as its value.
		return reasons.Code(strings.TrimPrefix(reason, "name "))
	case status == http.StatusConflict:
		return "UNMET_CONDITION"
	case status == http.StatusPreconditionFailed:
		return "STALE_VERSION"
	}
	return "INVALID_VALUE"
}

// handleError is grpc-gateway's error handler: it answers every failed
// call, whether grpc-gateway failed to read the request or the service
// returned an error status.
func (g *Gateway) handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	_ = g.noteRoute(ctx, w, nil)
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
	p := &problem{Status: apiproblem.HTTPStatus(st.Code()), Detail: st.Message()}
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
		p.Detail = strings.ToLower(apiproblem.StatusText(p.Status))
	case codes.Internal, codes.Unknown, codes.DataLoss:
		p.CorrelationID = correlationID(st)
		p.Detail = "internal error; correlation id " + p.CorrelationID
		g.log.ErrorContext(ctx, "api call failed", "method", r.Method, "path", r.URL.Path, "code", st.Code().String(), "message", st.Message(), "correlation_id", p.CorrelationID)
	}
	return p
}

// invalidParams collects the field violations and unmet conditions of a
// status (apiproblem.Violations). hasBody tells whether the request had a
// body for the fields to be in.
func invalidParams(st *status.Status, hasBody bool) []invalidParam {
	var ps []invalidParam
	for _, v := range apiproblem.Violations(st.Err()) {
		name := v.Field
		switch {
		case !v.Condition:
			name = fieldName(v.Field, hasBody)
		case name == "":
			name = v.Type
		}
		ps = append(ps, invalidParam{Name: name, Reason: v.Reason, Code: reasons.Code(v.Reason)})
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
