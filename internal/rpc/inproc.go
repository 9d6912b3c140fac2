package rpc

import (
	"context"
	"log/slog"

	"github.com/fullstorydev/grpchan/inprocgrpc"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// NewChannel returns an in-process channel to services registered on it:
// a gRPC client connection whose calls run the service's handlers directly,
// with copies of the messages, instead of through HTTP/2 over loopback. It
// gives a call what NewServer gives one, in the same order (tracing and
// metrics through tel, errors mapped to statuses, panics recovered, bad
// text refused), and
// then the given interceptors, as NewServer's options do.
//
// A gateway running in the same process as a service calls it through
// this: the resident's answer is the busiest call in the system, and the
// loopback connection's framing, copies and goroutine hand-offs were about
// a sixth of the process's work under load (docs/benchmarks.md). The
// service still verifies every caller's internal token.
func NewChannel(tel *telemetry.Telemetry, logger *slog.Logger, unary grpc.UnaryServerInterceptor, stream grpc.StreamServerInterceptor) *inprocgrpc.Channel {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := mapper{logger: logger}
	ch := &inprocgrpc.Channel{}
	if tel != nil {
		ch.WithServerStatsHandler(tel.GRPCServerStatsHandler()).WithClientStatsHandler(tel.GRPCClientStatsHandler())
	}
	unaries := []grpc.UnaryServerInterceptor{m.unary, recoverUnary, textUnary}
	if unary != nil {
		unaries = append(unaries, unary)
	}
	streams := []grpc.StreamServerInterceptor{m.stream, recoverStream, textStream}
	if stream != nil {
		streams = append(streams, stream)
	}
	return ch.WithServerUnaryInterceptor(chainUnary(unaries)).WithServerStreamInterceptor(chainStream(streams))
}

// chainUnary runs interceptors outermost first, as grpc.ChainUnaryInterceptor does.
func chainUnary(interceptors []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		next := handler
		for i := len(interceptors) - 1; i >= 0; i-- {
			ic, inner := interceptors[i], next
			next = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, inner) }
		}
		return next(ctx, req)
	}
}

// chainStream runs interceptors outermost first, as grpc.ChainStreamInterceptor does.
func chainStream(interceptors []grpc.StreamServerInterceptor) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		next := handler
		for i := len(interceptors) - 1; i >= 0; i-- {
			ic, inner := interceptors[i], next
			next = func(srv any, ss grpc.ServerStream) error { return ic(srv, ss, info, inner) }
		}
		return next(srv, ss)
	}
}

// Registrars registers a service on each of rs, with one implementation:
// a service's gRPC server and its in-process channel share its state.
type Registrars []grpc.ServiceRegistrar

// RegisterService implements grpc.ServiceRegistrar.
func (rs Registrars) RegisterService(desc *grpc.ServiceDesc, impl any) {
	for _, r := range rs {
		r.RegisterService(desc, impl)
	}
}
