package problem

import (
	"context"
	"errors"
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Kind is what a service's answer means to whoever asked: the one
// classification of failures that the API and the pages both follow.
type Kind int

// The kinds of answers.
const (
	// OK is no failure.
	OK Kind = iota
	// Invalid is input the service refused: a field, a parameter, a
	// cursor (InvalidArgument, OutOfRange).
	Invalid
	// NotFound is what is not there, or not there for the caller.
	NotFound
	// Exists is something that is there already: a second answer, a
	// name taken (AlreadyExists).
	Exists
	// Unmet is a request the current state does not allow: a gate of the
	// step plan, a poll that is not open (FailedPrecondition).
	Unmet
	// Stale is a change based on a version that is no longer current:
	// someone else changed it meanwhile (Aborted, errs.Stale).
	Stale
	// Unauthenticated is a caller without a valid identity.
	Unauthenticated
	// Forbidden is a caller whose roles do not allow it (PermissionDenied).
	Forbidden
	// Exhausted is a limit reached (ResourceExhausted).
	Exhausted
	// Unimplemented is a method the service does not have.
	Unimplemented
	// Unavailable is a service that cannot answer now; trying again may
	// help (Unavailable, DeadlineExceeded).
	Unavailable
	// Canceled is a caller that went away before the answer.
	Canceled
	// Internal is everything else: a fault nobody but the log should
	// hear the details of.
	Internal
)

// row is one line of the table: what a gRPC code means and the HTTP
// status the API answers it with.
type row struct {
	code   codes.Code
	kind   Kind
	status int
}

// table maps gRPC codes to their kinds and HTTP statuses; the first row of
// a kind is the code Error makes for it. It differs from grpc-gateway's
// mapping in two places: FailedPrecondition, an illegal state change, is a
// 409 Conflict with the resource's state, not a 400; and Aborted, which
// services answer only for a change based on a version of the resource
// that is no longer current (errs.Stale), is 412 Precondition Failed, what
// HTTP answers a stale If-Match. Codes it lacks (Unknown, Internal,
// DataLoss) are Internal, 500.
var table = []row{
	{codes.OK, OK, http.StatusOK},
	{codes.Canceled, Canceled, StatusClientClosedRequest},
	{codes.InvalidArgument, Invalid, http.StatusBadRequest},
	{codes.OutOfRange, Invalid, http.StatusBadRequest},
	{codes.NotFound, NotFound, http.StatusNotFound},
	{codes.AlreadyExists, Exists, http.StatusConflict},
	{codes.FailedPrecondition, Unmet, http.StatusConflict},
	{codes.Aborted, Stale, http.StatusPreconditionFailed},
	{codes.Unauthenticated, Unauthenticated, http.StatusUnauthorized},
	{codes.PermissionDenied, Forbidden, http.StatusForbidden},
	{codes.ResourceExhausted, Exhausted, http.StatusTooManyRequests},
	{codes.Unimplemented, Unimplemented, http.StatusNotImplemented},
	{codes.Unavailable, Unavailable, http.StatusServiceUnavailable},
	{codes.DeadlineExceeded, Unavailable, http.StatusGatewayTimeout},
	{codes.Internal, Internal, http.StatusInternalServerError},
}

func lookup(c codes.Code) row {
	for _, r := range table {
		if r.code == c {
			return r
		}
	}
	return row{c, Internal, http.StatusInternalServerError}
}

// Of is the kind of err, a service's answer: OK for nil, Canceled also for
// a context the caller canceled, and Internal for an error that carries no
// status.
func Of(err error) Kind {
	if err == nil {
		return OK
	}
	if errors.Is(err, context.Canceled) {
		return Canceled
	}
	return lookup(status.Code(err)).kind
}

// HTTPStatus is the HTTP status the API answers gRPC code c with.
func HTTPStatus(c codes.Code) int { return lookup(c).status }

// Code is the gRPC code of err, for the log.
func Code(err error) codes.Code { return status.Code(err) }

// Message is the message a service gave with its refusal err: meant for
// developers, in English, and never shown on a page as it is.
func Message(err error) string { return status.Convert(err).Message() }

// Error makes an error of kind k, for the gateway's own refusals that go
// the same way as a service's: a poll of another tenant is NotFound.
func Error(k Kind, msg string) error {
	for _, r := range table {
		if r.kind == k {
			return status.Error(r.code, msg)
		}
	}
	return status.Error(codes.Internal, msg)
}
