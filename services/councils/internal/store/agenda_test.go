package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// agendaFixture is a store holding the IJmond and Zaanstad, with a pool for
// checks and for rows other parts of the service own (members).
type agendaFixture struct {
	fixture
	pool *pgxpool.Pool
}

func newAgendaStore(t *testing.T) agendaFixture {
	t.Helper()
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
	return agendaFixture{fixture: f, pool: testkit.NewPool(t, f.url, "councils")}
}

func (f agendaFixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var storeToday = council.NewDate(2025, time.March, 10)

// raise stores a question for tenant (with participants for regional work)
// and returns its id.
func (f agendaFixture) raise(t *testing.T, origin agenda.Origin, theme, tenant string, participants ...string) string {
	t.Helper()
	ctx := context.Background()
	dir, err := f.st.Directory(ctx, append([]string{tenant}, participants...)...)
	if err != nil {
		t.Fatal(err)
	}
	q, err := agenda.NewQuestion(agenda.Draft{
		Title: "Vraag van " + tenant, Theme: theme, Origin: origin, Tenant: tenant, Participants: participants,
		AdviceNeededBy: "2025-09-01",
	}, dir, "po-1", storeToday, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := events.New(ctx, tenant, q.ID(), &eventsv1.QuestionRaised{QuestionId: q.ID(), Theme: theme, Origin: string(origin)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.RaiseQuestion(ctx, q, ev); err != nil {
		t.Fatal(err)
	}
	return q.ID()
}

func TestDirectoryKnowsThemesTenantsAndCouncilSettings(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	if _, err := f.pool.Exec(ctx, `UPDATE councils SET takes_unsolicited_questions = true WHERE municipality_code = 'GM0375'`); err != nil {
		t.Fatal(err)
	}
	dir, err := f.st.Directory(ctx, "ijmond", "GM0375", "GM0453", "GM9999", "nergens")
	if err != nil {
		t.Fatal(err)
	}
	want := agenda.Directory{
		Themes: map[string]bool{"toegankelijkheid": true, "minimabeleid": true, "mantelzorg": true, "huishoudelijke-hulp": true,
			"jeugd": true, "ouderen": true, "wonen-en-zorg": true, "schulden": true},
		Municipalities: map[string]agenda.Municipality{
			"GM0375": {Name: "Beverwijk", RegionID: "ijmond", TakesUnsolicited: true},
			"GM0453": {Name: "Velsen", RegionID: "ijmond"},
		},
		Regions: map[string]bool{"ijmond": true},
	}
	if diff := cmp.Diff(want, dir); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

func TestQuestionsListsOnlyWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	beverwijk := f.raise(t, agenda.Solicited, "mantelzorg", "GM0375")
	velsen := f.raise(t, agenda.Solicited, "minimabeleid", "GM0453")
	regional := f.raise(t, agenda.Solicited, "mantelzorg", "ijmond", "GM0453", "GM0375")
	zaanstad := f.raise(t, agenda.Unsolicited, "jeugd", "GM0479")

	tests := []struct {
		name   string
		filter store.QuestionFilter
		want   []string
	}{
		{name: "Beverwijk sees its own and the regional one", filter: store.QuestionFilter{Visibility: store.Visibility{Tenants: []string{"GM0375"}}},
			want: []string{regional, beverwijk}},
		{name: "Velsen likewise", filter: store.QuestionFilter{Visibility: store.Visibility{Tenants: []string{"GM0453"}}},
			want: []string{regional, velsen}},
		{name: "Heemskerk takes part in nothing", filter: store.QuestionFilter{Visibility: store.Visibility{Tenants: []string{"GM0396"}}}},
		{name: "the region sees its regional work", filter: store.QuestionFilter{Visibility: store.Visibility{Tenants: []string{"ijmond"}}},
			want: []string{regional}},
		{name: "a platform admin sees everything", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}},
			want: []string{zaanstad, regional, velsen, beverwijk}},
		{name: "one municipality's agenda includes its regional work", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}, Tenant: "GM0375"},
			want: []string{regional, beverwijk}},
		{name: "one region's agenda", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}, Tenant: "ijmond"},
			want: []string{regional}},
		{name: "a tenant filter does not widen what may be seen", filter: store.QuestionFilter{Visibility: store.Visibility{Tenants: []string{"GM0375"}}, Tenant: "GM0453"},
			want: []string{regional}},
		{name: "by theme", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}, Theme: "mantelzorg"},
			want: []string{regional, beverwijk}},
		{name: "by origin", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}, Origin: agenda.Unsolicited},
			want: []string{zaanstad}},
		{name: "by status", filter: store.QuestionFilter{Visibility: store.Visibility{All: true}, Status: agenda.Accepted}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, next, err := f.st.Questions(context.Background(), tc.filter, store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range list {
				got = append(got, q.ID())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("questions (-want +got):\n%s", diff)
			}
			if next != "" {
				t.Errorf("next cursor %q on the only page", next)
			}
		})
	}

	t.Run("paging newest first", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 10 {
			list, next, err := f.st.Questions(context.Background(), store.QuestionFilter{Visibility: store.Visibility{All: true}}, store.Page{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range list {
				got = append(got, q.ID())
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if diff := cmp.Diff([]string{zaanstad, regional, velsen, beverwijk}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		_, _, err := f.st.Questions(context.Background(), store.QuestionFilter{}, store.Page{Limit: 3, Cursor: "bm90LWEtdXVpZA"})
		if codeOf(err) != errs.Invalid {
			t.Errorf("a cursor that is not an id gave %v, want invalid input", err)
		}
	})
}

func TestUpdateQuestionStoresTheDecisionWithItsEvent(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	id := f.raise(t, agenda.Solicited, "mantelzorg", "GM0375")

	_, err := f.st.UpdateQuestion(ctx, id, func(q agenda.Question) (agenda.Question, []events.Event, error) {
		return q, nil, q.Decide(false, "", "chair-1", time.Now())
	})
	if codeOf(err) != errs.Invalid {
		t.Fatalf("rejecting without a reason gave %v, want invalid input", err)
	}
	q, err := f.st.UpdateQuestion(ctx, id, func(q agenda.Question) (agenda.Question, []events.Event, error) {
		if err := q.Decide(true, "", "chair-1", time.Now()); err != nil {
			return q, nil, err
		}
		ev, err := events.New(ctx, "GM0375", id, &eventsv1.QuestionAccepted{QuestionId: id})
		return q, []events.Event{ev}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.Question(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status() != agenda.Accepted || got.DecidedBy() != "chair-1" || got.DecidedAt().IsZero() || q.Status() != agenda.Accepted {
		t.Errorf("stored question is %s, decided by %q at %v; want accepted by chair-1", got.Status(), got.DecidedBy(), got.DecidedAt())
	}
	if !got.AdviceNeededBy().Time().Equal(council.NewDate(2025, time.September, 1).Time()) {
		t.Errorf("advice needed by %v, want 2025-09-01", got.AdviceNeededBy())
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.question.%'`); n != 2 {
		t.Errorf("%d question events in the outbox, want raised and accepted", n)
	}
	for _, missing := range []string{"not-a-uuid", uuid.Must(uuid.NewV7()).String()} {
		if _, err := f.st.Question(ctx, missing); codeOf(err) != errs.NotFound {
			t.Errorf("question %q gave %v, want not found", missing, err)
		}
	}
}
