package pg_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestConnectScopesSessionsToSchema(t *testing.T) {
	t.Parallel()
	db := testkit.NewDatabase(t, testkit.Schema{Name: "surveys", Sets: []pg.MigrationSet{serviceSet}})
	pool := testkit.NewPool(t, db, "surveys")

	type session struct{ Schema, Application string }
	var got session
	if err := pool.QueryRow(t.Context(), "SELECT current_schema(), current_setting('application_name')").Scan(&got.Schema, &got.Application); err != nil {
		t.Fatal(err)
	}
	want := session{Schema: "surveys", Application: "meedoen-surveys"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("session settings (-want +got):\n%s", diff)
	}
	// Unqualified names resolve in the schema.
	if _, err := pool.Exec(t.Context(), "SELECT count(*) FROM polls"); err != nil {
		t.Errorf("unqualified query: %v", err)
	}
}

func TestConnectFailsForUnreachableServer(t *testing.T) {
	t.Parallel()
	if pool, err := pg.Connect(t.Context(), "postgres://meedoen@127.0.0.1:1/none?connect_timeout=1", "surveys"); err == nil {
		pool.Close()
		t.Fatal("Connect() = nil error, want one")
	}
}
