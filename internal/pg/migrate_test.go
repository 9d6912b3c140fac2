package pg_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

// Two sets that both start at version 1, as the platform's and a service's
// migrations do.
var (
	platformSet = pg.MigrationSet{Name: "platform", FS: fstest.MapFS{
		"00001_outbox.sql": {Data: []byte("-- +goose Up\nCREATE TABLE outbox (id bigserial PRIMARY KEY, payload bytea NOT NULL);\n-- +goose Down\nDROP TABLE outbox;\n")},
	}}
	serviceSet = pg.MigrationSet{Name: "service", FS: fstest.MapFS{
		"00001_polls.sql":   {Data: []byte("-- +goose Up\nCREATE TABLE polls (id uuid PRIMARY KEY, title text NOT NULL);\n-- +goose Down\nDROP TABLE polls;\n")},
		"00002_answers.sql": {Data: []byte("-- +goose Up\nCREATE TABLE answers (poll_id uuid NOT NULL REFERENCES polls (id));\n-- +goose Down\nDROP TABLE answers;\n")},
	}}
)

func TestMigrateTwiceIsNoOp(t *testing.T) {
	t.Parallel()
	db := testkit.NewDatabase(t)
	for range 2 {
		if err := pg.Migrate(t.Context(), db, "surveys", platformSet, serviceSet); err != nil {
			t.Fatal(err)
		}
	}
	pool := testkit.NewPool(t, db, "surveys")
	assertMigrated(t, pool)
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	db := testkit.NewDatabase(t)
	const replicas = 5
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { errs[i] = pg.Migrate(t.Context(), db, "surveys", platformSet, serviceSet) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	assertMigrated(t, testkit.NewPool(t, db, "surveys"))
}

func TestMigrateRejectsInvalidNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		schema string
		set    string
	}{
		{name: "empty schema", schema: "", set: "service"},
		{name: "quoted schema", schema: `a"; DROP TABLE x; --`, set: "service"},
		{name: "upper-case schema", schema: "Surveys", set: "service"},
		{name: "set with a dot", schema: "surveys", set: "a.b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := pg.MigrationSet{Name: tt.set, FS: serviceSet.FS}
			// No server is needed: names are checked before connecting.
			if err := pg.Migrate(t.Context(), "postgres://nobody@127.0.0.1:1/none", tt.schema, set); err == nil {
				t.Error("Migrate() = nil, want an error")
			}
		})
	}
}

// assertMigrated checks that both sets are fully applied, each exactly once
// and versioned in its own table, inside the surveys schema.
func assertMigrated(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	var tables []string
	rows, err := pool.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'surveys' ORDER BY table_name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	wantTables := []string{"answers", "goose_platform", "goose_service", "outbox", "polls"}
	if diff := cmp.Diff(wantTables, tables); diff != "" {
		t.Errorf("tables in schema surveys (-want +got):\n%s", diff)
	}
	for set, want := range map[string][]int64{"goose_platform": {1}, "goose_service": {1, 2}} {
		var got []int64
		rows, err := pool.Query(ctx, "SELECT version_id FROM "+set+" WHERE version_id > 0 ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("versions applied in %s (-want +got):\n%s", set, diff)
		}
	}
}

// Sub cuts out a folder; a folder name fs.Sub refuses gives a file system
// whose every Open fails with the reason, for the migration to report.
func TestSubReportsABadFolderOnOpen(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{"migrations/00001_a.sql": {Data: []byte("-- +goose Up\n")}}
	if _, err := fs.ReadFile(pg.Sub(files, "migrations"), "00001_a.sql"); err != nil {
		t.Errorf("reading from the folder: %v", err)
	}
	if _, err := pg.Sub(files, "../migrations").Open("00001_a.sql"); err == nil {
		t.Error("a bad folder name opened a file")
	}
}
