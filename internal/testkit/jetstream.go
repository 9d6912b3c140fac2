package testkit

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NewJetStream starts an in-process NATS server with JetStream on a random
// loopback port, storing in a temporary directory, and connects to it. The
// connection is closed and the server shut down when the test ends.
func NewJetStream(t testing.TB) (srv *server.Server, nc *nats.Conn, js jetstream.JetStream) {
	t.Helper()
	// Asked for before our cleanup is registered, so the directory is removed
	// only after the server has stopped.
	storeDir := t.TempDir()
	srv, err := server.NewServer(&server.Options{
		Host:               "127.0.0.1",
		Port:               server.RANDOM_PORT,
		JetStream:          true,
		StoreDir:           storeDir,
		JetStreamMaxMemory: 256 << 20,
		JetStreamMaxStore:  1 << 30,
		NoSigs:             true,
		NoLog:              true,
	})
	if err != nil {
		t.Fatalf("testkit: configuring nats server: %v", err)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	if !srv.ReadyForConnections(5 * time.Second) {
		t.Fatal("testkit: nats server not ready for connections after 5s")
	}
	nc, err = nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatalf("testkit: connecting to nats server: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err = jetstream.New(nc)
	if err != nil {
		t.Fatalf("testkit: opening jetstream: %v", err)
	}
	return srv, nc, js
}
