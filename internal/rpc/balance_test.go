package rpc_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/meedoen/meedoen/internal/rpc"
)

// A list of addresses is one connection that spreads calls over all of
// them, as a gateway in front of several replicas of a service needs.
func TestAListOfAddressesSpreadsCalls(t *testing.T) {
	var served [2]atomic.Int64
	var addrs []string
	for i := range served {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			served[i].Add(1)
			return h(ctx, req)
		}))
		healthpb.RegisterHealthServer(srv, health.NewServer())
		go func() { _ = srv.Serve(lis) }()
		t.Cleanup(srv.Stop)
		addrs = append(addrs, lis.Addr().String())
	}
	conn, err := rpc.Dial(addrs[0]+", "+addrs[1], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	call := func() {
		if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	// Round robin uses an address once it is connected; until the second
	// is, calls go to the first. On a busy machine that takes a moment.
	for deadline := time.Now().Add(5 * time.Second); served[0].Load() == 0 || served[1].Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("the two servers served %d and %d calls, want both some", served[0].Load(), served[1].Load())
		}
		call()
	}
	before := [2]int64{served[0].Load(), served[1].Load()}
	for range 20 {
		call()
	}
	if a, b := served[0].Load()-before[0], served[1].Load()-before[1]; a < 5 || b < 5 || a+b != 20 {
		t.Errorf("once both were connected the two servers served %d and %d of 20 calls, want about half each", a, b)
	}
}
