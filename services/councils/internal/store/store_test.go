package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/region"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	st  *store.Store
	url string
	q   func(t *testing.T, query string) int
}

func newStore(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "councils", Sets: []pg.MigrationSet{events.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "councils")
	return fixture{
		st:  store.New(pool),
		url: url,
		q: func(t *testing.T, query string) int {
			t.Helper()
			var n int
			if err := pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		},
	}
}

func mustRegion(t *testing.T, id, name string) region.Region {
	t.Helper()
	r, err := region.NewRegion(id, name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustMunicipality(t *testing.T, code, name, regionID string) region.Municipality {
	t.Helper()
	m, err := region.NewMunicipality(code, name, regionID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func municipalityEvent(t *testing.T, m region.Municipality) events.Event {
	t.Helper()
	ev, err := events.New(context.Background(), m.Code(), m.Code(), &eventsv1.MunicipalityCreated{Code: m.Code(), Name: m.Name(), RegionId: m.RegionID()})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func codeOf(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}

func TestCreateMunicipalityWritesRowAndEventTogether(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	if err := f.st.CreateRegion(ctx, mustRegion(t, "ijmond", "IJmond")); err != nil {
		t.Fatal(err)
	}
	velsen := mustMunicipality(t, "GM0453", "Velsen", "ijmond")
	if err := f.st.CreateMunicipality(ctx, velsen, municipalityEvent(t, velsen)); err != nil {
		t.Fatal(err)
	}
	if n := f.q(t, `SELECT count(*) FROM outbox WHERE subject = 'meedoen.councils.GM0453.municipality.created'`); n != 1 {
		t.Errorf("outbox holds %d events for the new municipality, want 1", n)
	}

	tests := []struct {
		name     string
		m        region.Municipality
		wantCode errs.Code
		wantPath string
	}{
		{name: "same code again", m: mustMunicipality(t, "GM0453", "Velsen bis", "ijmond"), wantCode: errs.Conflict},
		{name: "unknown region", m: mustMunicipality(t, "GM0375", "Beverwijk", "kennemerland"), wantCode: errs.Invalid, wantPath: "/regionId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.st.CreateMunicipality(ctx, tc.m, municipalityEvent(t, tc.m))
			if got := codeOf(err); got != tc.wantCode {
				t.Fatalf("error %v has code %q, want %q", err, got, tc.wantCode)
			}
			var e *errs.Error
			if tc.wantPath != "" && (!errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Path != tc.wantPath) {
				t.Errorf("error %v does not name %s", err, tc.wantPath)
			}
		})
	}
	// The failed attempts stored nothing and announced nothing.
	if n := f.q(t, `SELECT count(*) FROM municipalities`); n != 1 {
		t.Errorf("%d municipalities stored, want 1", n)
	}
	if n := f.q(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Errorf("%d events in the outbox, want 1", n)
	}
}

func TestListMunicipalitiesPagesWithCursor(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	for _, r := range [][2]string{{"ijmond", "IJmond"}, {"zaanstreek", "Zaanstreek"}} {
		if err := f.st.CreateRegion(ctx, mustRegion(t, r[0], r[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][3]string{{"GM0453", "Velsen", "ijmond"}, {"GM0375", "Beverwijk", "ijmond"}, {"GM0396", "Heemskerk", "ijmond"}, {"GM0479", "Zaanstad", "zaanstreek"}} {
		if err := f.st.CreateMunicipality(ctx, mustMunicipality(t, m[0], m[1], m[2])); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	cursor := ""
	pages := 0
	for {
		list, next, err := f.st.Municipalities(ctx, "ijmond", store.Page{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range list {
			got = append(got, m.Code())
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if diff := cmp.Diff([]string{"GM0375", "GM0396", "GM0453"}, got); diff != "" {
		t.Errorf("IJmond municipalities (-want +got):\n%s", diff)
	}
	if pages != 2 {
		t.Errorf("%d pages of 2 for 3 municipalities, want 2", pages)
	}
	if _, _, err := f.st.Municipalities(ctx, "", store.Page{Limit: 2, Cursor: "not base64!"}); codeOf(err) != errs.Invalid {
		t.Errorf("a made-up cursor gave %v, want an invalid-input error", err)
	}
}
