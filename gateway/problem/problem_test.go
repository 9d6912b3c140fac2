package problem

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestKindsAndStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   codes.Code
		kind   Kind
		status int
	}{
		{codes.InvalidArgument, Invalid, 400},
		{codes.OutOfRange, Invalid, 400},
		{codes.NotFound, NotFound, 404},
		{codes.AlreadyExists, Exists, 409},
		{codes.FailedPrecondition, Unmet, 409},
		{codes.Aborted, Stale, 412},
		{codes.PermissionDenied, Forbidden, 403},
		{codes.Unavailable, Unavailable, 503},
		{codes.DeadlineExceeded, Unavailable, 504},
		{codes.Canceled, Canceled, 499},
		{codes.DataLoss, Internal, 500},
		{codes.Unknown, Internal, 500},
	}
	for _, tt := range tests {
		if got := Of(status.Error(tt.code, "x")); got != tt.kind {
			t.Errorf("Of(%s) = %d, want %d", tt.code, got, tt.kind)
		}
		if got := HTTPStatus(tt.code); got != tt.status {
			t.Errorf("HTTPStatus(%s) = %d, want %d", tt.code, got, tt.status)
		}
	}
	if got := Of(fmt.Errorf("calling: %w", context.Canceled)); got != Canceled {
		t.Errorf("a canceled context is %d, want Canceled", got)
	}
	if got := Of(nil); got != OK {
		t.Errorf("Of(nil) = %d, want OK", got)
	}
}

func TestErrorIsOfItsKind(t *testing.T) {
	t.Parallel()
	for k := OK + 1; k <= Internal; k++ {
		if got := Of(Error(k, "x")); got != k {
			t.Errorf("Of(Error(%d)) = %d", k, got)
		}
	}
}

func TestViolations(t *testing.T) {
	t.Parallel()
	st, err := status.New(codes.FailedPrecondition, "refused").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "/title", Description: "is required"}}},
		&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{Type: "GATE", Subject: "/forms", Description: "no forms"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []Violation{
		{Field: "/title", Reason: "is required"},
		{Field: "/forms", Type: "GATE", Reason: "no forms", Condition: true},
	}
	if diff := cmp.Diff(want, Violations(st.Err())); diff != "" {
		t.Errorf("Violations (-want +got):\n%s", diff)
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	w.Header().Set("Location", "/elsewhere")
	r := httptest.NewRequest(http.MethodPost, "/api/v1/x%20y", nil)
	if err := Write(w, r, &Problem{Status: http.StatusUnauthorized}); err != nil {
		t.Fatal(err)
	}
	h := w.Result().Header
	if h.Get("Location") != "" || h.Get("WWW-Authenticate") == "" || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("headers %v", h)
	}
	want := `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"unauthorized","instance":"/api/v1/x%20y"}` + "\n"
	if got := w.Body.String(); got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}
