package process_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const id = "01957a3c-2b1e-7c00-8000-000000000396"

// TestProjection applies the councils' events as the consumer would, each
// in its own transaction: the process is known with its tenant and
// question, takes groups until it leaves the analyse phase, and its groups
// are ended exactly then.
func TestProjection(t *testing.T) {
	ctx := context.Background()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "focusgroups", Sets: []pg.MigrationSet{events.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "focusgroups")
	var ended []string
	c := process.Consumer(func(_ context.Context, _ pgx.Tx, processID string) error {
		ended = append(ended, processID)
		return nil
	})
	apply := func(tenant string, msg proto.Message) {
		t.Helper()
		ev, err := events.New(ctx, tenant, id, msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := pg.InTx(ctx, pool, func(tx pgx.Tx) error { return c.Handle(ctx, tx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := process.Lookup(ctx, pool, id, false); err != process.ErrUnknown {
		t.Fatalf("before its event: %v, want unknown", err)
	}
	apply("ijmond", &eventsv1.ProcessCreated{ProcessId: id, Theme: "mantelzorg", QuestionId: "01957a3c-2b1e-7c00-8000-0000000000a1",
		ParticipatingMunicipalities: []string{"GM0453", "GM0375"}})
	p, err := process.Lookup(ctx, pool, id, false)
	if err != nil || p.Tenant != "ijmond" || !slices.Equal(p.Participants, []string{"GM0375", "GM0453"}) || !p.TakesGroups() {
		t.Fatalf("after process.created: %+v, %v", p, err)
	}
	for _, step := range [][2]string{{"intake", "concretise"}, {"execute", "analyse"}} {
		apply("ijmond", &eventsv1.ProcessPhaseChanged{ProcessId: id, FromPhase: step[0], ToPhase: step[1]})
	}
	if len(ended) != 0 {
		t.Errorf("groups ended before the process left its analysis: %v", ended)
	}
	apply("ijmond", &eventsv1.ProcessPhaseChanged{ProcessId: id, FromPhase: "analyse", ToPhase: "advise"})
	if !slices.Equal(ended, []string{id}) {
		t.Errorf("ended %v after analyse → advise, want the process's groups once", ended)
	}
	if p, _ := process.Lookup(ctx, pool, id, false); p.TakesGroups() {
		t.Error("a process in advise still takes new groups")
	}
}
