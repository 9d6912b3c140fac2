// Package errs defines the one error type that domain code returns. A code
// says what kind of failure it is; the gRPC layer maps codes to status codes
// once (internal/rpc), and the gateway maps those to problem+json once.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies a domain error independent of any transport.
type Code string

// The codes domain code may use.
const (
	Invalid            Code = "invalid"             // input is malformed or breaks a rule; see Fields
	NotFound           Code = "not_found"           // the addressed thing does not exist (or is not visible)
	Conflict           Code = "conflict"            // it exists already, or a concurrent change won
	Stale              Code = "stale"               // the change was based on a version that is no longer current; see Fields for where the caller sent it
	FailedPrecondition Code = "failed_precondition" // an illegal state transition; see Fields for unmet conditions
	Unauthenticated    Code = "unauthenticated"     // no valid identity
	PermissionDenied   Code = "permission_denied"   // identity known, action not allowed
	Unavailable        Code = "unavailable"         // a dependency is down; retrying may help
	Internal           Code = "internal"            // a bug or an unexpected fault; never shown in detail
)

// Field names one offending input field or unmet condition.
type Field struct {
	// Path is a JSON-pointer-like path of the field in the request, e.g. "/code".
	Path string
	// Reason says what is wrong, in plain English.
	Reason string
}

// Error is a domain error with a code, a message safe to show to the caller,
// and the fields it concerns.
type Error struct {
	Code    Code
	Message string
	Fields  []Field
	// Err is the underlying cause; it is logged, never shown.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Path, f.Reason)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Violations collects invalid fields so that a caller hears about all of
// them at once rather than one per attempt.
type Violations []Field

// Add records that the field at path is invalid for reason.
func (v *Violations) Add(path, reason string) { *v = append(*v, Field{Path: path, Reason: reason}) }

// Err returns nil when nothing was recorded, else an Invalid error listing
// every violation.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid input", Fields: append([]Field(nil), v...)}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
