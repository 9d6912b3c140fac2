package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeHealth serves the health API as a vehicle for errors: the service
// name in the request picks the handler outcome, for unary Check and
// server-streaming Watch alike.
type fakeHealth struct {
	healthpb.UnimplementedHealthServer
	outcome func(ctx context.Context, service string) error
}

func (f fakeHealth) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if err := f.outcome(ctx, req.GetService()); err != nil {
		return nil, err
	}
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (f fakeHealth) Watch(req *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	return f.outcome(stream.Context(), req.GetService())
}

// syncBuffer is a log sink that the server's goroutines write while the
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines decodes the JSON log lines written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("decoding log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// serve runs an rpc.NewServer with outcome behind the health API on a
// loopback port and returns a client connected through rpc.Dial.
func serve(t *testing.T, tel *telemetry.Telemetry, logger *slog.Logger, outcome func(context.Context, string) error) healthpb.HealthClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	s := rpc.NewServer(tel, logger)
	healthpb.RegisterHealthServer(s, fakeHealth{outcome: outcome})
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	conn, err := rpc.Dial(lis.Addr().String(), tel)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() {
		conn.Close()
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return healthpb.NewHealthClient(conn)
}

// transports returns clients of one fake behind each way a service is
// reached: over loopback gRPC (rpc.NewServer, rpc.Dial) and through its
// in-process channel (rpc.NewChannel), which must behave the same.
func transports(t *testing.T, tel *telemetry.Telemetry, logger *slog.Logger, outcome func(context.Context, string) error) map[string]healthpb.HealthClient {
	t.Helper()
	ch := rpc.NewChannel(tel, logger, nil, nil)
	healthpb.RegisterHealthServer(ch, fakeHealth{outcome: outcome})
	return map[string]healthpb.HealthClient{
		"loopback":   serve(t, tel, logger, outcome),
		"in-process": healthpb.NewHealthClient(ch),
	}
}

// callers returns the unary and the streaming way to reach the fake's
// outcome for service, both giving the status the client sees.
func callers(client healthpb.HealthClient) map[string]func(ctx context.Context, service string) error {
	return map[string]func(context.Context, string) error{
		"unary": func(ctx context.Context, service string) error {
			_, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
			return err
		},
		"stream": func(ctx context.Context, service string) error {
			stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{Service: service})
			if err != nil {
				return err
			}
			_, err = stream.Recv()
			return err
		},
	}
}

func TestErrorsBecomeStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		err         error
		wantCode    codes.Code
		wantMessage string
		wantDetails []proto.Message
	}{
		{
			name: "invalid lists every field as a bad request",
			err: func() error {
				var v errs.Violations
				v.Add("/code", "must be a municipality code like GM0453")
				v.Add("/closes_at", "must be after opens_at")
				return v.Err()
			}(),
			wantCode:    codes.InvalidArgument,
			wantMessage: "invalid input",
			wantDetails: []proto.Message{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "/code", Description: "must be a municipality code like GM0453"},
				{Field: "/closes_at", Description: "must be after opens_at"},
			}}},
		},
		{
			name: "a reason from the catalogue carries its code and its Dutch",
			err: func() error {
				var v errs.Violations
				v.Add("/title", "must be at most 200 characters")
				v.Add("/odd", "a reason no service gives")
				return v.Err()
			}(),
			wantCode:    codes.InvalidArgument,
			wantMessage: "invalid input",
			wantDetails: []proto.Message{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "/title", Description: "must be at most 200 characters", Reason: "TOO_LONG",
					LocalizedMessage: &errdetails.LocalizedMessage{Locale: "nl-NL", Message: "Dit mag hoogstens 200 tekens lang zijn."}},
				{Field: "/odd", Description: "a reason no service gives"},
			}}},
		},
		{
			name: "failed precondition lists unmet gates",
			err: &errs.Error{Code: errs.FailedPrecondition, Message: "process cannot move to advice", Fields: []errs.Field{
				{Path: "/findings", Reason: "no findings recorded"},
			}},
			wantCode:    codes.FailedPrecondition,
			wantMessage: "process cannot move to advice",
			wantDetails: []proto.Message{&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
				{Type: "GATE", Subject: "/findings", Description: "no findings recorded"},
			}}},
		},
		{
			name: "stale is aborted naming where the old version came in",
			err: &errs.Error{Code: errs.Stale, Message: "the poll changed since it was read", Fields: []errs.Field{
				{Path: "/etag", Reason: "is not the poll's version any more"},
			}},
			wantCode:    codes.Aborted,
			wantMessage: "the poll changed since it was read",
			wantDetails: []proto.Message{&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
				{Type: "STALE", Subject: "/etag", Description: "is not the poll's version any more"},
			}}},
		},
		{name: "not found", err: errs.New(errs.NotFound, "poll %s not found", "p1"), wantCode: codes.NotFound, wantMessage: "poll p1 not found"},
		{name: "conflict is already exists", err: errs.New(errs.Conflict, "code taken"), wantCode: codes.AlreadyExists, wantMessage: "code taken"},
		{name: "unauthenticated", err: errs.New(errs.Unauthenticated, "no token"), wantCode: codes.Unauthenticated, wantMessage: "no token"},
		{name: "permission denied", err: errs.New(errs.PermissionDenied, "not a chair"), wantCode: codes.PermissionDenied, wantMessage: "not a chair"},
		{
			name:        "unavailable hides its cause",
			err:         &errs.Error{Code: errs.Unavailable, Message: "try again later", Err: errors.New("dial tcp 10.0.0.7:5432: refused")},
			wantCode:    codes.Unavailable,
			wantMessage: "try again later",
		},
		{name: "empty message is named after the code", err: &errs.Error{Code: errs.NotFound}, wantCode: codes.NotFound, wantMessage: "not found"},
		{name: "wrapped domain error", err: fmt.Errorf("closing poll: %w", errs.New(errs.NotFound, "no such poll")), wantCode: codes.NotFound, wantMessage: "no such poll"},
		{name: "status passes through", err: status.Error(codes.ResourceExhausted, "slow down"), wantCode: codes.ResourceExhausted, wantMessage: "slow down"},
		// PostgreSQL gone: 503 for the caller, not 500.
		{name: "database unreachable", err: fmt.Errorf("listing polls: %w", connectError(t)), wantCode: codes.Unavailable, wantMessage: unreachableMessage},
		{name: "database unreachable inside an internal error", err: &errs.Error{Code: errs.Internal, Message: "x", Err: connectError(t)},
			wantCode: codes.Unavailable, wantMessage: unreachableMessage},
		{name: "database shutting down", err: &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
			wantCode: codes.Unavailable, wantMessage: unreachableMessage},
		{name: "a query error is still internal", err: &pgconn.PgError{Code: "42P01", Message: "relation does not exist"},
			wantCode: codes.Internal, wantMessage: "internal error"},
		{name: "canceled", err: fmt.Errorf("querying: %w", context.Canceled), wantCode: codes.Canceled, wantMessage: "request canceled"},
		{name: "deadline exceeded", err: context.DeadlineExceeded, wantCode: codes.DeadlineExceeded, wantMessage: "deadline exceeded"},
	}
	errByName := map[string]error{}
	for _, tt := range tests {
		errByName[tt.name] = tt.err
	}
	clients := transports(t, nil, nil, func(_ context.Context, service string) error { return errByName[service] })

	for _, tt := range tests {
		for transport, client := range clients {
			for how, call := range callers(client) {
				t.Run(tt.name+"/"+transport+"/"+how, func(t *testing.T) {
					t.Parallel()
					st := status.Convert(call(t.Context(), tt.name))
					msg, wantDetails := st.Message(), tt.wantDetails
					if tt.wantCode == codes.Internal && internalMessage.MatchString(msg) {
						// TestInternalErrorsAreHiddenAndLogged checks the id.
						msg, wantDetails = "internal error", details(t, st)
					}
					if st.Code() != tt.wantCode || msg != tt.wantMessage {
						t.Errorf("status = %s %q, want %s %q", st.Code(), st.Message(), tt.wantCode, tt.wantMessage)
					}
					if diff := cmp.Diff(wantDetails, details(t, st), protocmp.Transform()); diff != "" {
						t.Errorf("details (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// unreachableMessage is what a caller hears while PostgreSQL is away.
const unreachableMessage = "the service cannot reach its database; try again later"

// connectError is what pgx says when no PostgreSQL listens.
func connectError(t *testing.T) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err == nil {
		conn.Close(ctx)
		t.Fatal("connected to port 1")
	}
	return err
}

// details returns st's details as messages, failing on undecodable ones.
func details(t *testing.T, st *status.Status) []proto.Message {
	t.Helper()
	var out []proto.Message
	for _, d := range st.Details() {
		m, ok := d.(proto.Message)
		if !ok {
			t.Fatalf("undecodable status detail: %v", d)
		}
		out = append(out, m)
	}
	return out
}

var internalMessage = regexp.MustCompile(`^internal error \(correlation id: ([0-9a-f-]{36})\)$`)

func TestInternalErrorsAreHiddenAndLogged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		outcome   func() error
		secret    string // must reach the log, never the caller
		wantStack bool
	}{
		{name: "unknown error", outcome: func() error { return errors.New("pq: relation secret_table missing") }, secret: "secret_table"},
		{name: "domain internal", outcome: func() error {
			return &errs.Error{Code: errs.Internal, Message: "tally drift", Err: errors.New("sum 41 != 42")}
		}, secret: "tally drift"},
		{name: "panic", outcome: func() error { panic("nil map in secret_handler") }, secret: "secret_handler", wantStack: true},
	}
	outcomes := map[string]func() error{}
	for _, tt := range tests {
		outcomes[tt.name] = tt.outcome
	}
	var logs syncBuffer
	clients := transports(t, nil, slog.New(slog.NewJSONHandler(&logs, nil)), func(_ context.Context, service string) error {
		return outcomes[service]()
	})

	for _, tt := range tests {
		for transport, client := range clients {
			for how, call := range callers(client) {
				t.Run(tt.name+"/"+transport+"/"+how, func(t *testing.T) {
					t.Parallel()
					st := status.Convert(call(t.Context(), tt.name))

					if st.Code() != codes.Internal {
						t.Errorf("code = %s, want Internal", st.Code())
					}
					match := internalMessage.FindStringSubmatch(st.Message())
					if match == nil {
						t.Fatalf("message = %q, want it to match %s", st.Message(), internalMessage)
					}
					id := match[1]
					wantDetails := []proto.Message{&errdetails.RequestInfo{RequestId: id}}
					if diff := cmp.Diff(wantDetails, details(t, st), protocmp.Transform()); diff != "" {
						t.Errorf("details (-want +got):\n%s", diff)
					}

					line := logLineWith(t, &logs, "correlation_id", id)
					if line["level"] != "ERROR" {
						t.Errorf("log level = %v, want ERROR", line["level"])
					}
					if msg, _ := line["error"].(string); !strings.Contains(msg, tt.secret) {
						t.Errorf("logged error = %q, want the cause %q", msg, tt.secret)
					}
					if stack, _ := line["stack"].(string); tt.wantStack != strings.Contains(stack, "rpc_test.go") {
						t.Errorf("logged stack = %q, want a stack through the handler: %v", stack, tt.wantStack)
					}
				})
			}
		}
	}
}

// logLineWith returns the one log line whose key equals value.
func logLineWith(t *testing.T, logs *syncBuffer, key, value string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, line := range logs.lines(t) {
		if line[key] == value {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		t.Fatalf("found %d log lines with %s=%s, want 1", len(found), key, value)
	}
	return found[0]
}

func TestCallsCarryTheTrace(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "test"}, &logs)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	clients := transports(t, tel, tel.Logger, func(ctx context.Context, service string) error {
		tel.Logger.InfoContext(ctx, "handling", "via", service)
		return nil
	})

	for transport, client := range clients {
		ctx, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "caller")
		_, err = client.Check(ctx, &healthpb.HealthCheckRequest{Service: transport})
		span.End()
		if err != nil {
			t.Fatalf("Check %s: %v", transport, err)
		}
		line := logLineWith(t, &logs, "via", transport)
		if got, want := line["trace_id"], span.SpanContext().TraceID().String(); got != want {
			t.Errorf("%s: server log trace_id = %v, want the caller's %s", transport, got, want)
		}
	}
}
