// Package rpc builds the gRPC servers and client connections of all
// services the same way: instrumented with OpenTelemetry, protected against
// panics, refusing requests that hold text the system cannot store
// (text.go), and with domain errors (internal/errs) mapped to gRPC statuses
// in one place, so that handlers just return errors.
package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// Keepalive settings shared by server and client. The client pings an idle
// connection every clientPingEvery so that a peer lost without a FIN (a
// rescheduled pod, a dropped NAT entry) is noticed; the server must allow
// pings at least that often or it closes the connection with
// "too_many_pings".
const (
	clientPingEvery  = 30 * time.Second
	pingTimeout      = 10 * time.Second
	serverMinPing    = 15 * time.Second
	serverPingEvery  = time.Minute
	serverPingExpiry = 20 * time.Second
)

// A connection lives at most maxConnectionAge (gRPC adds ±10 %), then the
// server asks the client to connect again, leaving calls under way
// maxConnectionAgeGrace to finish. A client that connects again resolves
// its target again: a gateway dialling a headless service's name
// (dns:///surveys:9090, balance.go) thus finds the replicas added since,
// instead of keeping its calls on those it found at start.
var (
	maxConnectionAge      = 5 * time.Minute
	maxConnectionAgeGrace = time.Minute
)

// NewServer returns a gRPC server that traces and measures every call
// through tel (nil turns that off), recovers from handler panics, refuses
// requests holding text the system cannot hold (text.go), and turns the
// errors handlers return into gRPC statuses (see the error mapping in this
// package's errors.go). Internal errors are logged to logger with a
// correlation id that is also sent to the caller. opts are applied last;
// interceptors among them run inside the ones added here.
func NewServer(tel *telemetry.Telemetry, logger *slog.Logger, opts ...grpc.ServerOption) *grpc.Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := mapper{logger: logger}
	var all []grpc.ServerOption
	if tel != nil {
		all = append(all, tel.GRPCServerOptions()...)
	}
	all = append(all,
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             serverMinPing,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:                  serverPingEvery,
			Timeout:               serverPingExpiry,
			MaxConnectionAge:      maxConnectionAge,
			MaxConnectionAgeGrace: maxConnectionAgeGrace,
		}),
		// The mapper runs outside the recovery so that a recovered panic is
		// logged and answered like any other internal error. The text
		// check comes before the interceptors in opts (the guard): bad
		// text is refused for every caller, as the gateway refuses it.
		grpc.ChainUnaryInterceptor(m.unary, recoverUnary, textUnary),
		grpc.ChainStreamInterceptor(m.stream, recoverStream, textStream),
	)
	return grpc.NewServer(append(all, opts...)...)
}

// panicError carries a recovered panic to the error mapper, which logs it
// with its stack and answers Internal without showing it.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

func recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, &panicError{value: r, stack: string(debug.Stack())}
		}
	}()
	return handler(ctx, req)
}

func recoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: string(debug.Stack())}
		}
	}()
	return handler(srv, ss)
}
