package rpc_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"

	"github.com/meedoen/meedoen/internal/rpc"
)

// TestCallsSpreadOverReplicas: a name that resolves to several replicas of
// a service (a headless Service's DNS name) gets its calls spread over all
// of them, not all sent to the first, so that added replicas share the
// gateway's calls.
func TestCallsSpreadOverReplicas(t *testing.T) {
	t.Parallel()
	var served [3]atomic.Int64
	addrs := make([]resolver.Address, len(served))
	for i := range served {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := rpc.NewServer(nil, nil)
		healthpb.RegisterHealthServer(s, fakeHealth{outcome: func(context.Context, string) error {
			served[i].Add(1)
			return nil
		}})
		done := make(chan struct{})
		go func() { s.Serve(lis); close(done) }()
		t.Cleanup(func() { s.Stop(); <-done })
		addrs[i] = resolver.Address{Addr: lis.Addr().String()}
	}
	r := manual.NewBuilderWithScheme("replicas")
	r.InitialState(resolver.State{Addresses: addrs})
	conn, err := rpc.Dial(r.Scheme()+":///surveys", nil, grpc.WithResolvers(r))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	call := func() {
		if _, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	// Round robin uses a replica once it is connected: wait until every
	// one has been, then count.
	all := func() bool { return served[0].Load() > 0 && served[1].Load() > 0 && served[2].Load() > 0 }
	for deadline := time.Now().Add(5 * time.Second); !all(); {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the replicas served %d, %d and %d calls, want all some", served[0].Load(), served[1].Load(), served[2].Load())
		}
		call()
	}
	var before [3]int64
	for i := range served {
		before[i] = served[i].Load()
	}
	const calls = 60
	for range calls {
		call()
	}
	for i := range served {
		if n := int(served[i].Load() - before[i]); n < calls/len(served)/2 {
			t.Errorf("replica %d served %d of %d calls, want about %d", i, n, calls, calls/len(served))
		}
	}
}
