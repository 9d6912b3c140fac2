package webtest

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"testing"

	"github.com/fullstorydev/grpchan"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/rpc"
)

// Serve runs the service that register registers on a loopback gRPC
// server for the test's duration and returns a plain client connection to
// it, as the gateway's would be.
func Serve(t testing.TB, register func(grpc.ServiceRegistrar), opts ...grpc.DialOption) grpc.ClientConnInterface {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	register(srv)
	serve(t, srv, lis)
	conn, err := grpc.NewClient(lis.Addr().String(), append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// serve serves srv on lis until the test ends.
func serve(t testing.TB, srv *grpc.Server, lis net.Listener) {
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-served
	})
}

// Connections are the two ways the gateway reaches a service: through the
// in-process channel as -target=all connects, and with rpc.Dial's clients
// as a gateway on its own connects.
var Connections = []string{"in process", "over the network"}

// Connect registers a service with register and returns a connection to
// it made the way cmd/meedoen makes it (how is one of Connections), with
// internal/rpc's checks of every request. unary, if set, is the client's
// own interceptor.
func Connect(t testing.TB, how string, register func(grpc.ServiceRegistrar), unary grpc.UnaryClientInterceptor) grpc.ClientConnInterface {
	t.Helper()
	if how == "in process" {
		ch := rpc.NewChannel(nil, nil, nil, nil)
		register(ch)
		if unary == nil {
			return ch
		}
		return grpchan.InterceptClientConn(ch, unary, nil)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := rpc.NewServer(nil, nil)
	register(srv)
	serve(t, srv, lis)
	var opts []grpc.DialOption
	if unary != nil {
		opts = append(opts, grpc.WithChainUnaryInterceptor(unary))
	}
	conn, err := rpc.Dial(lis.Addr().String(), nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// SubjectKey is the metadata key WithSubject passes the caller's subject
// under.
const SubjectKey = "x-test-subject"

// WithSubject passes the caller's subject on, as the gateway's internal
// token does, for a fake service that records who called it.
func WithSubject(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if id, ok := auth.FromContext(ctx); ok {
		ctx = metadata.AppendToOutgoingContext(ctx, SubjectKey, id.Subject)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// ErrorLog collects what a site logs at error level.
type ErrorLog struct{ bytes.Buffer }

// Logger is a logger that writes to l.
func (l *ErrorLog) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&l.Buffer, &slog.HandlerOptions{Level: slog.LevelError}))
}

// Invalid is the InvalidArgument status the real services answer bad
// input with: every offending field, by JSON pointer, then its reason.
func Invalid(fields ...string) error {
	br := &errdetails.BadRequest{}
	for i := 0; i+1 < len(fields); i += 2 {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: fields[i], Description: fields[i+1]})
	}
	st, err := status.New(codes.InvalidArgument, "invalid input").WithDetails(br)
	if err != nil {
		panic(err)
	}
	return st.Err()
}

// Unmet is the FailedPrecondition status of a gate or another condition:
// each subject, then its reason.
func Unmet(msg string, subjects ...string) error {
	pf := &errdetails.PreconditionFailure{}
	for i := 0; i+1 < len(subjects); i += 2 {
		pf.Violations = append(pf.Violations, &errdetails.PreconditionFailure_Violation{Type: "GATE", Subject: subjects[i], Description: subjects[i+1]})
	}
	st, err := status.New(codes.FailedPrecondition, msg).WithDetails(pf)
	if err != nil {
		panic(err)
	}
	return st.Err()
}
