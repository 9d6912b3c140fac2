package rpc

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

// A connection is renewed after its maximum age, so that a client
// resolves its target again and finds replicas added since; calls go on
// without a failure meanwhile.
func TestConnectionsAreRenewedWithoutFailingCalls(t *testing.T) {
	defer func(age, grace time.Duration) { maxConnectionAge, maxConnectionAgeGrace = age, grace }(maxConnectionAge, maxConnectionAgeGrace)
	maxConnectionAge, maxConnectionAgeGrace = 200*time.Millisecond, time.Second
	var mu sync.Mutex
	conns := map[string]bool{} // the client's address of each connection
	srv := NewServer(nil, nil, grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if p, ok := peer.FromContext(ctx); ok {
			mu.Lock()
			conns[p.Addr.String()] = true
			mu.Unlock()
		}
		return h(ctx, req)
	}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Serve(lis); close(done) }()
	defer func() { srv.Stop(); <-done }()
	conn, err := Dial(lis.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatalf("a call failed while connections were renewed: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(conns) < 3 {
		t.Errorf("calls over 1.5 s came on %d connections; with a maximum age of 0.2 s, want several", len(conns))
	}
}
