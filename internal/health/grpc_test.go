package health

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// serveHealth registers c's health service on a gRPC server listening on
// loopback and returns a client for it and Register's stop function.
func serveHealth(t *testing.T, c *Checker, services ...string) (healthpb.HealthClient, func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	s := grpc.NewServer()
	stop := Register(s, c, services...)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	t.Cleanup(func() {
		conn.Close()
		stop()
		s.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return healthpb.NewHealthClient(conn), stop
}

// waitForStatus polls service's health until it reports want, failing the
// test after five seconds.
func waitForStatus(t *testing.T, client healthpb.HealthClient, service string, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		resp, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			last = err.Error()
			continue
		}
		if resp.GetStatus() == want {
			return
		}
		last = resp.GetStatus().String()
	}
	t.Fatalf("health of %q is %s, want %s", service, last, want)
}

func TestRegisterFollowsChecks(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	failing.Store(true)
	c := New()
	c.pollEvery = 10 * time.Millisecond
	c.Add("postgres", pass)
	c.Add("nats", func(context.Context) error {
		if failing.Load() {
			return errors.New("disconnected")
		}
		return nil
	})
	client, _ := serveHealth(t, c, "meedoen.surveys.v1.SurveyService")

	for _, service := range []string{"", "meedoen.surveys.v1.SurveyService"} {
		waitForStatus(t, client, service, healthpb.HealthCheckResponse_NOT_SERVING)
	}

	failing.Store(false)
	for _, service := range []string{"", "meedoen.surveys.v1.SurveyService"} {
		waitForStatus(t, client, service, healthpb.HealthCheckResponse_SERVING)
	}

	failing.Store(true)
	waitForStatus(t, client, "meedoen.surveys.v1.SurveyService", healthpb.HealthCheckResponse_NOT_SERVING)
}

func TestRegisterStopSetsNotServing(t *testing.T) {
	t.Parallel()
	c := New()
	c.pollEvery = 10 * time.Millisecond
	c.Add("postgres", pass)
	client, stop := serveHealth(t, c, "svc")
	waitForStatus(t, client, "svc", healthpb.HealthCheckResponse_SERVING)

	stop()
	stop() // a second call must not panic or block

	for _, service := range []string{"", "svc"} {
		resp, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatalf("Check(%q): %v", service, err)
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Errorf("health of %q after stop = %s, want NOT_SERVING", service, resp.GetStatus())
		}
	}
}

func TestRegisterUnknownServiceIsNotFound(t *testing.T) {
	t.Parallel()
	client, _ := serveHealth(t, New(), "svc")

	_, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{Service: "other"})

	if got := status.Code(err); got != codes.NotFound {
		t.Errorf("Check(other) code = %s, want NotFound", got)
	}
}
