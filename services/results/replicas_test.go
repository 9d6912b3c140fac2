package results_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/broker"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/results"
)

// Two replicas of the service share its consumers: a process's phase
// changes, published back to back, leave its projection in the last
// phase, whichever replica reads which.
func TestTwoReplicasKeepTheLastPhaseOfAProcess(t *testing.T) {
	ctx := context.Background()
	srv, _, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "results-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	db := testkit.NewDatabase(t)
	for range 2 {
		// Each replica has a connection of its own, as a process has.
		nc, rjs, err := broker.Connect(srv.ClientURL(), "results-test", tel.Logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		deps := platform.Deps{DatabaseURL: db, NATS: nc, JetStream: rjs, Telemetry: tel, Health: health.New(),
			Guard: auth.NewGuard(auth.NewVerifier(signer.Public()), auth.NewPolicy(results.Policy()...), tel.Logger)}
		r, err := results.New(ctx, results.Config{GRPCAddr: "127.0.0.1:0", PublicURL: publicURL}, deps)
		if err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- r.Run(runCtx) }()
		t.Cleanup(func() {
			stop()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Error("a replica did not stop with its context")
			}
		})
	}
	const processID = "01957a3c-2b1e-7c00-8000-0000000000c3"
	send := func(ev events.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, ev.Msg()); err != nil {
			t.Fatal(err)
		}
	}
	send(events.New(ctx, "GM0453", processID, &eventsv1.ProcessCreated{ProcessId: processID, Theme: "eenzaamheid", Origin: "solicited"}))
	phases := []string{"concretise", "choose_forms", "execute"}
	const rounds = 30
	for i := range rounds * len(phases) {
		send(events.New(ctx, "GM0453", processID, &eventsv1.ProcessPhaseChanged{ProcessId: processID,
			FromPhase: phases[(i+len(phases)-1)%len(phases)], ToPhase: phases[i%len(phases)]}))
	}
	s, err := js.Stream(ctx, events.StreamName("councils"))
	if err != nil {
		t.Fatal(err)
	}
	last := int(s.CachedInfo().State.LastSeq)
	pool := testkit.NewPool(t, db, "results")
	count := func(q string) int {
		var n int
		if err := pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	testkit.CheckFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		applied := count(`SELECT coalesce(max(stream_seq), 0) FROM consumer_positions WHERE consumer = 'results-councils'`)
		if count(`SELECT count(*) FROM inbox WHERE consumer = 'results-councils'`) == last {
			applied = last
		}
		if applied < last {
			return fmt.Errorf("%d of %d process events applied", applied, last)
		}
		return nil
	})
	var phase string
	if err := pool.QueryRow(ctx, `SELECT phase FROM processes WHERE id = $1`, processID).Scan(&phase); err != nil {
		t.Fatal(err)
	}
	if phase != "execute" {
		t.Errorf("after %d phase changes ending in execute, the projection says %s", rounds*len(phases), phase)
	}
}
