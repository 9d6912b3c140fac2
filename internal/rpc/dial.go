package rpc

import (
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/meedoen/meedoen/internal/telemetry"
)

// Dial returns a client connection to target (a grpc.NewClient target such
// as "dns:///surveys:9090" or "127.0.0.1:9090") that traces and measures
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
		// Calls go round the addresses the name resolves to, so that every
		// replica of a service behind a headless Service (or a DNS name
		// with several addresses) takes its share; gRPC's default,
		// pick-first, would send them all to one. The servers' maximum
		// connection age makes clients resolve again, finding new replicas.
		grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`),
	}
	if tel != nil {
		all = append(all, tel.GRPCDialOptions()...)
	}
	conn, err := grpc.NewClient(target, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("creating grpc client for %s: %w", target, err)
	}
	return conn, nil
}
