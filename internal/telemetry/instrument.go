package telemetry

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
)

// GRPCServerOptions returns the options that trace and measure every RPC a
// gRPC server handles, continuing traces started by the caller.
func (t *Telemetry) GRPCServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.StatsHandler(t.GRPCServerStatsHandler())}
}

// GRPCServerStatsHandler traces and measures every RPC a server serves,
// continuing the caller's trace.
func (t *Telemetry) GRPCServerStatsHandler() stats.Handler {
	return otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(t.TracerProvider),
		otelgrpc.WithMeterProvider(t.MeterProvider),
		otelgrpc.WithPropagators(t.Propagator),
	)
}

// GRPCClientStatsHandler traces and measures every RPC a client makes and
// passes the trace context on to the server.
func (t *Telemetry) GRPCClientStatsHandler() stats.Handler {
	return otelgrpc.NewClientHandler(
		otelgrpc.WithTracerProvider(t.TracerProvider),
		otelgrpc.WithMeterProvider(t.MeterProvider),
		otelgrpc.WithPropagators(t.Propagator),
	)
}

// GRPCDialOptions returns the options that trace and measure every RPC a
// gRPC client makes and pass the trace context on to the server.
func (t *Telemetry) GRPCDialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithStatsHandler(t.GRPCClientStatsHandler())}
}
