package health

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// runNATS starts an in-process NATS server on a free loopback port; it is
// shut down when the test ends unless the test does so first.
func runNATS(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatalf("creating nats server: %v", err)
	}
	s.Start()
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	if !s.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats server not ready within 5s")
	}
	return s
}

func TestNATSCheck(t *testing.T) {
	t.Parallel()
	s := runNATS(t)
	nc, err := nats.Connect(s.ClientURL(), nats.NoReconnect())
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	defer nc.Close()
	check := NATS(nc)

	if err := check(t.Context()); err != nil {
		t.Errorf("check while connected = %v, want nil", err)
	}

	s.Shutdown()
	s.WaitForShutdown()
	// The client notices the closed socket asynchronously.
	deadline := time.Now().Add(5 * time.Second)
	for nc.Status() == nats.CONNECTED && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}

	err = check(t.Context())
	if err == nil || !strings.Contains(err.Error(), "nats connection is CLOSED") {
		t.Errorf("check after server shutdown = %v, want the connection status named", err)
	}
}

func TestPostgresCheckFailsWithoutServer(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback refuses connections; pgxpool connects lazily, so
	// the failure surfaces in the check.
	pool, err := pgxpool.New(t.Context(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatalf("creating pool: %v", err)
	}
	defer pool.Close()

	err = Postgres(pool)(t.Context())
	if err == nil || !strings.HasPrefix(err.Error(), "pinging postgres: ") {
		t.Errorf("check = %v, want a ping error", err)
	}
}

func TestPostgresCheckPassesWithServer(t *testing.T) {
	t.Parallel()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Skip("TEST_DATABASE_URL not set")
	}
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatalf("creating pool: %v", err)
	}
	defer pool.Close()

	if err := Postgres(pool)(t.Context()); err != nil {
		t.Errorf("check = %v, want nil", err)
	}
}
