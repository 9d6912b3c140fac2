package problem

import (
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

// Violation is one thing a refusal names: an offending field of the
// request (errdetails.BadRequest) or an unmet condition
// (errdetails.PreconditionFailure).
type Violation struct {
	// Field names the field as the service wrote it: a JSON pointer
	// ("/scope/tenant") or errdetails' dotted path
	// ("question.advice_needed_by"); for a condition, its subject, which
	// may be empty.
	Field string
	// Type is a condition's type (internal/rpc's GATE, STALE); empty for
	// a field.
	Type string
	// Reason says what is wrong, in English, for developers.
	Reason string
	// Condition marks an unmet condition rather than a field.
	Condition bool
}

// Violations lists the fields and conditions err names, in its order;
// none for an error without such details.
func Violations(err error) []Violation {
	var out []Violation
	for _, d := range status.Convert(err).Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				out = append(out, Violation{Field: v.GetField(), Reason: v.GetDescription()})
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				out = append(out, Violation{Field: v.GetSubject(), Type: v.GetType(), Reason: v.GetDescription(), Condition: true})
			}
		}
	}
	return out
}
