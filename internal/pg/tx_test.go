package pg_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestInTx(t *testing.T) {
	t.Parallel()
	errAbort := errors.New("abort")
	tests := []struct {
		name     string
		fnErr    error
		wantRows int
	}{
		{name: "commits when fn returns nil", fnErr: nil, wantRows: 1},
		{name: "rolls back when fn fails", fnErr: errAbort, wantRows: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testkit.NewDatabase(t, testkit.Schema{Name: "surveys", Sets: []pg.MigrationSet{serviceSet}})
			pool := testkit.NewPool(t, db, "surveys")

			err := pg.InTx(t.Context(), pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(t.Context(), "INSERT INTO polls (id, title) VALUES (gen_random_uuid(), 'bus stop')"); err != nil {
					return err
				}
				return tt.fnErr
			})
			if !errors.Is(err, tt.fnErr) {
				t.Errorf("InTx() = %v, want %v", err, tt.fnErr)
			}
			var rows int
			if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM polls").Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows != tt.wantRows {
				t.Errorf("polls after InTx = %d, want %d", rows, tt.wantRows)
			}
		})
	}
}
