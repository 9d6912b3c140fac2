package testkit_test

import (
	"errors"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

var notes = testkit.Schema{Name: "notes", Sets: []pg.MigrationSet{{Name: "service", FS: fstest.MapFS{
	"00001_notes.sql": {Data: []byte("-- +goose Up\nCREATE TABLE notes (body text NOT NULL);\n-- +goose Down\nDROP TABLE notes;\n")},
}}}}

func TestNewDatabaseIsolatesTests(t *testing.T) {
	t.Parallel()
	first := testkit.NewPool(t, testkit.NewDatabase(t, notes), "notes")
	second := testkit.NewPool(t, testkit.NewDatabase(t, notes), "notes")

	if _, err := first.Exec(t.Context(), "INSERT INTO notes VALUES ('only in the first')"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pool *pgxpool.Pool
		want int
	}{
		{name: "first database has its row", pool: first, want: 1},
		{name: "second database is untouched", pool: second, want: 0},
	}
	for _, tt := range tests {
		var got int
		if err := tt.pool.QueryRow(t.Context(), "SELECT count(*) FROM notes").Scan(&got); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: %d notes, want %d", tt.name, got, tt.want)
		}
	}
}

func TestNewDatabaseWithoutSchemasIsEmpty(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t, testkit.NewDatabase(t), "public")
	var tables int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d tables, want 0", tables)
	}
}

func TestNewJetStreamDeliversAMessage(t *testing.T) {
	t.Parallel()
	_, _, js := testkit.NewJetStream(t)
	ctx := t.Context()
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TEST", Subjects: []string{"test.>"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "test.hello", []byte("hoi")); err != nil {
		t.Fatal(err)
	}
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for msg := range batch.Messages() {
		got = append(got, string(msg.Data()))
		if err := msg.Ack(); err != nil {
			t.Error(err)
		}
	}
	if diff := cmp.Diff([]string{"hoi"}, got); diff != "" {
		t.Errorf("fetched messages (-want +got):\n%s", diff)
	}
}

func TestCheckForRetriesUntilNil(t *testing.T) {
	t.Parallel()
	calls := 0
	testkit.CheckFor(t, time.Second, time.Millisecond, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if calls != 3 {
		t.Errorf("fn called %d times, want 3", calls)
	}
}
