package events_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/events"
)

// TestProvisioningWaitsForJetStreamToStart: a component that starts before
// its NATS server (compose, a rollout) provisions its streams once the
// server is up instead of failing at the first timeout.
func TestProvisioningWaitsForJetStreamToStart(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	nc, err := nats.Connect(
		fmt.Sprintf("nats://127.0.0.1:%d", port),
		nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}

	provisioned := make(chan error, 1)
	go func() {
		// No deadline: each JetStream request gives up after its own
		// second, as at a real start.
		provisioned <- events.ProvisionStreams(context.Background(), js, "surveys", events.StreamConfig{})
	}()

	// The server comes up two seconds later.
	time.Sleep(2 * time.Second)
	storeDir := t.TempDir()
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: storeDir, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()

	select {
	case err := <-provisioned:
		if err != nil {
			t.Fatalf("provisioning while the server started: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("provisioning did not finish")
	}
	if _, err := js.Stream(t.Context(), events.StreamName("surveys")); err != nil {
		t.Errorf("the stream after provisioning: %v", err)
	}
}
