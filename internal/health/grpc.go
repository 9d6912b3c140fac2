package health

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// Register adds the grpc.health.v1 service to s and keeps the status of the
// server as a whole ("") and of each named service SERVING while all of c's
// checks pass and NOT_SERVING otherwise. Until the first checks finish the
// statuses are NOT_SERVING, so no client is sent to a server that cannot
// serve yet.
//
// The checks run in a goroutine every few seconds until stop is called.
// stop waits for that goroutine, then sets every status to NOT_SERVING for
// good, which tells clients to go elsewhere while the server drains; call
// it before GracefulStop. stop may be called more than once.
func Register(s *grpc.Server, c *Checker, services ...string) (stop func()) {
	hs := health.NewServer()
	names := append([]string{""}, services...)
	for _, name := range names {
		hs.SetServingStatus(name, healthpb.HealthCheckResponse_NOT_SERVING)
	}
	healthpb.RegisterHealthServer(s, hs)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		poll(ctx, c, c.pollEvery, func(status healthpb.HealthCheckResponse_ServingStatus) {
			for _, name := range names {
				hs.SetServingStatus(name, status)
			}
		})
	}()

	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			hs.Shutdown()
		})
	}
}

// poll runs c's checks at once and then every interval, reporting the
// outcome to set, until ctx is done.
func poll(ctx context.Context, c *Checker, interval time.Duration, set func(healthpb.HealthCheckResponse_ServingStatus)) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		status := healthpb.HealthCheckResponse_SERVING
		for _, err := range c.Check(ctx) {
			if err != nil {
				status = healthpb.HealthCheckResponse_NOT_SERVING
			}
		}
		// Checks cut short by stop say nothing about the dependencies.
		if ctx.Err() != nil {
			return
		}
		set(status)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
