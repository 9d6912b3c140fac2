package api

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// fixture is a councils API on a fresh database holding the IJmond demo
// tenants, called in-process (the guard's per-method check is tested
// elsewhere; these tests exercise what the methods themselves decide).
type fixture struct {
	srv  *Server
	pool *pgxpool.Pool
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "councils", Sets: []pg.MigrationSet{events.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "councils")
	f := fixture{srv: New(store.New(pool)), pool: pool}
	ctx := as("root", "admin@*")
	if _, err := f.srv.CreateRegion(ctx, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "ijmond", Name: "IJmond"}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]string{{"GM0453", "Velsen"}, {"GM0375", "Beverwijk"}, {"GM0396", "Heemskerk"}} {
		if _, err := f.srv.CreateMunicipality(ctx, &councilsv1.CreateMunicipalityRequest{
			Municipality: &councilsv1.Municipality{Code: m[0], Name: m[1], RegionId: "ijmond"},
		}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// as returns a context carrying an identity with grants "<role>@<tenant>".
func as(subject string, grants ...string) context.Context {
	id := auth.Identity{Subject: subject}
	for _, g := range grants {
		gr, err := auth.ParseGrant(g)
		if err != nil {
			panic(err)
		}
		id.Grants = append(id.Grants, gr)
	}
	return auth.WithIdentity(context.Background(), id)
}

// count runs a count query on the councils schema.
func (f fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// outboxTypes lists the CloudEvents types in the outbox, oldest first.
func (f fixture) outboxTypes(t *testing.T) []string {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT subject FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		parts := strings.SplitN(s, ".", 4)
		out = append(out, parts[3])
	}
	return out
}

// today is the date the service considers today, for term tests.
func today() string { return time.Now().In(amsterdam()).Format(time.DateOnly) }

func amsterdam() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}
