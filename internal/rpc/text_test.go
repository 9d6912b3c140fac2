package rpc_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/reasons"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/textcheck"
)

// TestBadTextNeverReachesTheHandler sends requests whose string holds a
// NUL or bytes that are not UTF-8 through every way a service is reached,
// unary and streaming: each is refused with InvalidArgument naming the
// field, the handler never runs, and nothing is logged at error level.
func TestBadTextNeverReachesTheHandler(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var handled atomic.Int64
	outcome := func(context.Context, string) error {
		handled.Add(1)
		return nil
	}
	clients := transports(t, nil, logger, outcome)
	// A client that is not made by rpc.Dial checks nothing itself: what
	// stops it is the server.
	clients["loopback, plain client"] = plainClient(t, logger, outcome)

	tests := []struct {
		name, service, reason string
	}{
		{"NUL", "meedoen\x00surveys", textcheck.ReasonNUL},
		{"invalid UTF-8", "meedoen\xffsurveys", textcheck.ReasonUTF8},
	}
	for _, tt := range tests {
		for transport, client := range clients {
			if transport == "loopback, plain client" && tt.reason == textcheck.ReasonUTF8 {
				// protobuf refuses to marshal it in that client.
				continue
			}
			for how, call := range callers(client) {
				t.Run(tt.name+"/"+transport+"/"+how, func(t *testing.T) {
					t.Parallel()
					st := status.Convert(call(t.Context(), tt.service))

					if st.Code() != codes.InvalidArgument || st.Message() != "invalid input" {
						t.Errorf("status = %s %q, want InvalidArgument %q", st.Code(), st.Message(), "invalid input")
					}
					dutch, _ := reasons.Dutch(tt.reason)
					want := []proto.Message{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
						{Field: "/service", Description: tt.reason, Reason: "INVALID_TEXT",
							LocalizedMessage: &errdetails.LocalizedMessage{Locale: "nl-NL", Message: dutch}},
					}}}
					if diff := cmp.Diff(want, details(t, st), protocmp.Transform()); diff != "" {
						t.Errorf("details (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
	t.Cleanup(func() {
		if n := handled.Load(); n != 0 {
			t.Errorf("the handler ran %d times, want 0", n)
		}
		for _, line := range logs.lines(t) {
			if line["level"] == "ERROR" || line["level"] == "WARN" {
				t.Errorf("logged at %v: %v", line["level"], line)
			}
		}
	})
}

// TestCleanTextPasses makes sure the check lets ordinary text through.
func TestCleanTextPasses(t *testing.T) {
	t.Parallel()
	var handled atomic.Int64
	clients := transports(t, nil, nil, func(context.Context, string) error {
		handled.Add(1)
		return nil
	})
	calls := 0
	for transport, client := range clients {
		for how, call := range callers(client) {
			// The fake's Watch ends the stream without a message: EOF.
			if err := call(t.Context(), "Zoë fietst 🚲 naar de dagbesteding\t\n"); err != nil && !errors.Is(err, io.EOF) {
				t.Errorf("%s/%s: %v", transport, how, err)
			}
			calls++
		}
	}
	if got := handled.Load(); got != int64(calls) {
		t.Errorf("the handler ran %d times, want %d", got, calls)
	}
}

// plainClient serves outcome on an rpc.NewServer and returns a client
// made by grpc.NewClient alone, without rpc.Dial's checks.
func plainClient(t *testing.T, logger *slog.Logger, outcome func(context.Context, string) error) healthpb.HealthClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	s := rpc.NewServer(nil, logger)
	healthpb.RegisterHealthServer(s, fakeHealth{outcome: outcome})
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
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
