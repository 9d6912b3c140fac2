package rpc

import (
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// Dial returns a client connection to target (a grpc.NewClient target such
// as "dns:///surveys:9090" or "127.0.0.1:9090", or a comma-separated list
// of addresses) that spreads calls round robin over every address the
// target resolves to (balance.go), that traces and measures
// every call through tel (nil turns that off) and passes the trace context
// on, and that refuses to send a request holding text the system cannot
// hold (text.go). It connects lazily, on the first call. opts are applied
// last; interceptors among them run inside the text check.
//
// A target with several addresses ("dns:///surveys-pods:9090" for a
// headless Service) spreads calls over all of them, round robin.
//
// The connection is plaintext: services talk over loopback or a private
// cluster network, and TLS between them is a deployment concern (a service
// mesh or an mTLS sidecar) rather than something each service configures.
func Dial(target string, tel *telemetry.Telemetry, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	all := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                clientPingEvery,
			Timeout:             pingTimeout,
			PermitWithoutStream: true,
		}),
		grpc.WithChainUnaryInterceptor(textClientUnary),
		grpc.WithChainStreamInterceptor(textClientStream),
	}
	if tel != nil {
		all = append(all, tel.GRPCDialOptions()...)
	}
	dialed, balancing := balance(target)
	all = append(all, balancing...)
	conn, err := grpc.NewClient(dialed, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("creating grpc client for %s: %w", target, err)
	}
	return conn, nil
}
