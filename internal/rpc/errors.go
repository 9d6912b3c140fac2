package rpc

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/reasons"
)

// grpcCode maps a domain code to a gRPC code; ok is false for
// errs.Internal and unknown codes, which take the internal-error path.
// Conflict becomes AlreadyExists rather than Aborted, which is kept for
// Stale: a change based on an old version (an etag that no longer
// matches) is Aborted in Google's API design (AIP-154), and the gateway
// answers it 412 Precondition Failed, where a duplicate is a 409.
func grpcCode(c errs.Code) (code codes.Code, ok bool) {
	switch c {
	case errs.Invalid:
		return codes.InvalidArgument, true
	case errs.NotFound:
		return codes.NotFound, true
	case errs.Conflict:
		return codes.AlreadyExists, true
	case errs.Stale:
		return codes.Aborted, true
	case errs.FailedPrecondition:
		return codes.FailedPrecondition, true
	case errs.Unauthenticated:
		return codes.Unauthenticated, true
	case errs.PermissionDenied:
		return codes.PermissionDenied, true
	case errs.Unavailable:
		return codes.Unavailable, true
	default:
		return codes.Internal, false
	}
}

// GateViolation is the PreconditionFailure violation type of an
// errs.FailedPrecondition field: a gate of a state transition that is not
// met.
const GateViolation = "GATE"

// StaleViolation is the PreconditionFailure violation type of an
// errs.Stale field: the version the caller based its change on, which is
// no longer the resource's.
const StaleViolation = "STALE"

// mapper turns handler errors into gRPC statuses, logging what the caller
// must not see.
type mapper struct {
	logger *slog.Logger
}

func (m mapper) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		return nil, m.toStatus(ctx, info.FullMethod, err)
	}
	return resp, nil
}

func (m mapper) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := handler(srv, ss); err != nil {
		return m.toStatus(ss.Context(), info.FullMethod, err)
	}
	return nil
}

// toStatus maps err, in this order of precedence:
//
//   - PostgreSQL out of reach (pg.Unreachable) becomes Unavailable, unless
//     a *errs.Error other than Internal in the chain says otherwise; its
//     cause is logged at warn level, not sent;
//   - a *errs.Error anywhere in the chain becomes a status with the mapped
//     code and the error's Message; its Fields become BadRequest field
//     violations (Invalid) or PreconditionFailure violations of type GATE
//     (FailedPrecondition) or STALE (Stale); its cause is logged, not sent;
//   - an error that already is a gRPC status, say from a call this handler
//     made, passes through unchanged;
//   - context.Canceled and context.DeadlineExceeded become Canceled and
//     DeadlineExceeded;
//   - anything else, errs.Internal and recovered panics included, becomes
//     Internal "internal error (correlation id: …)", with the same id in a
//     RequestInfo detail and in an error-level log line with the cause.
func (m mapper) toStatus(ctx context.Context, method string, err error) error {
	var e *errs.Error
	isDomain := errors.As(err, &e)
	if (!isDomain || e.Code == errs.Internal) && pg.Unreachable(err) {
		e = &errs.Error{Code: errs.Unavailable, Message: "the service cannot reach its database; try again later", Err: err}
		m.logCause(ctx, method, codes.Unavailable, e)
		return domainStatus(codes.Unavailable, e)
	}
	if isDomain {
		if code, ok := grpcCode(e.Code); ok {
			m.logCause(ctx, method, code, e)
			return domainStatus(code, e)
		}
		return m.internal(ctx, method, err)
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	return m.internal(ctx, method, err)
}

// logCause logs the hidden cause of a domain error, if it has one: at warn
// level for Unavailable, which an operator should see, and at debug level
// for errors the caller caused.
func (m mapper) logCause(ctx context.Context, method string, code codes.Code, e *errs.Error) {
	if e.Err == nil {
		return
	}
	level := slog.LevelDebug
	if code == codes.Unavailable {
		level = slog.LevelWarn
	}
	m.logger.Log(ctx, level, "rpc failed", "method", method, "code", code.String(), "error", e.Error())
}

func domainStatus(code codes.Code, e *errs.Error) error {
	msg := e.Message
	if msg == "" {
		msg = strings.ReplaceAll(string(e.Code), "_", " ")
	}
	st := status.New(code, msg)
	if len(e.Fields) == 0 {
		return st.Err()
	}
	var detail protoadapt.MessageV1
	switch e.Code {
	case errs.Invalid:
		br := &errdetails.BadRequest{}
		for _, f := range e.Fields {
			br.FieldViolations = append(br.FieldViolations, violation(f))
		}
		detail = br
	case errs.FailedPrecondition, errs.Stale:
		kind := GateViolation
		if e.Code == errs.Stale {
			kind = StaleViolation
		}
		pf := &errdetails.PreconditionFailure{}
		for _, f := range e.Fields {
			pf.Violations = append(pf.Violations, &errdetails.PreconditionFailure_Violation{Type: kind, Subject: f.Path, Description: f.Reason})
		}
		detail = pf
	default:
		return st.Err()
	}
	return withDetails(st, detail)
}

// violation is a field violation with the reason's code and its Dutch
// from the catalogue of reasons, when it has them.
func violation(f errs.Field) *errdetails.BadRequest_FieldViolation {
	v := &errdetails.BadRequest_FieldViolation{Field: f.Path, Description: f.Reason}
	if m, ok := reasons.Lookup(f.Reason); ok {
		v.Reason = m.Code
		v.LocalizedMessage = &errdetails.LocalizedMessage{Locale: "nl-NL", Message: m.InDutch()}
	}
	return v
}

// internal logs err under a fresh correlation id and returns a status that
// carries only that id, so that a user's report can be matched to the log.
func (m mapper) internal(ctx context.Context, method string, err error) error {
	id := uuid.NewString()
	attrs := []any{"method", method, "correlation_id", id, "error", err.Error()}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", p.stack)
	}
	m.logger.ErrorContext(ctx, "rpc failed with internal error", attrs...)
	st := status.New(codes.Internal, "internal error (correlation id: "+id+")")
	return withDetails(st, &errdetails.RequestInfo{RequestId: id})
}

// withDetails adds detail to st. Adding fails only for a message that
// cannot be marshalled, which the errdetails types always can; the status
// without details is still the right answer then.
func withDetails(st *status.Status, detail protoadapt.MessageV1) error {
	if withDetail, err := st.WithDetails(detail); err == nil {
		st = withDetail
	}
	return st.Err()
}
