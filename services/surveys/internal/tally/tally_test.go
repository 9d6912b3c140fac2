package tally_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
	"github.com/meedoen/meedoen/services/surveys/internal/tally"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func nl(s string) poll.Text { return poll.Text{NL: s} }

func opts(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: nl("optie " + id)}
	}
	return out
}

// sharedQuestionnaire is an open IJmond questionnaire with a question of
// every type, on an open link that checks postcodes.
func sharedQuestionnaire(t *testing.T, st *store.Store, now time.Time) poll.Poll {
	t.Helper()
	p, err := poll.New(poll.Spec{
		ProcessID:    "01957a3c-2b1e-7c00-8000-000000000001",
		Tenant:       "ijmond",
		Participants: []string{"GM0453", "GM0375", "GM0396"},
		Kind:         poll.Questionnaire,
		Title:        nl("Mantelzorg in de IJmond"),
		Sections: []poll.Section{
			{ID: "s1", Title: nl("Over u"), Questions: []poll.Question{
				{ID: "single", Type: poll.SingleChoice, Text: nl("Hoe vaak?"), Required: true, Options: opts("a", "b", "c"), Other: true},
				{ID: "multi", Type: poll.MultipleChoice, Text: nl("Welke?"), Options: opts("a", "b", "c", "d"), MaxChoices: 2},
				{ID: "likert", Type: poll.Likert, Text: nl("Mee eens?")},
				{ID: "scale", Type: poll.Scale, Text: nl("Welk cijfer?")},
			}},
			{ID: "s2", Title: nl("Meer"), Questions: []poll.Question{
				{ID: "rank", Type: poll.Ranking, Text: nl("Wat eerst?"), Options: opts("x", "y", "z")},
				{ID: "matrix", Type: poll.Matrix, Text: nl("Hoe tevreden?"), Rows: opts("r1", "r2"), Columns: opts("c1", "c2", "c3")},
				{ID: "number", Type: poll.Number, Text: nl("Hoeveel uur?"), Min: poll.DecimalFromInt(-10), Max: poll.DecimalFromInt(100), Step: poll.Decimal(500)},
				{ID: "short", Type: poll.ShortText, Text: nl("Uw wijk?")},
				{ID: "long", Type: poll.LongText, Text: nl("Toelichting")},
			}},
		},
		Slug:           "mantelzorg",
		Audience:       poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true},
		OpensAt:        now.Add(-time.Minute),
		ClosesAt:       now.Add(7 * 24 * time.Hour),
		ResultsSharing: nl("In juni."),
		CreatedBy:      "test",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Schedule(now); err != nil {
		t.Fatal(err)
	}
	if err := p.Open(now); err != nil {
		t.Fatal(err)
	}
	if err := st.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// answers is the i-th respondent's answers: every type, varied, some left
// open, some with texts.
func answers(i int) poll.Answers {
	ms := []string{"GM0453", "GM0375", "GM0396"}
	q := map[string]poll.Answer{
		"single": {Choice: []string{"a", "b", "c", "other"}[i%4]},
		"multi":  {Choices: [][]string{{"a"}, {"b", "d"}, {"c", "a"}}[i%3]},
		"likert": {Value: strconv.Itoa(1 + i%5)},
		"rank":   {Ranks: []map[string]int{{"x": 1, "y": 2, "z": 3}, {"x": 3, "y": 1, "z": 2}}[i%2]},
		"matrix": {Rows: map[string]string{"r1": []string{"c1", "c2", "c3"}[i%3], "r2": "c2"}},
		"number": {Value: fmt.Sprintf("%d,5", i%90)},
	}
	if i%4 == 3 {
		q["single"] = poll.Answer{Choice: "other", Other: "iets anders " + strconv.Itoa(i)}
	}
	if i%2 == 0 {
		q["scale"] = poll.Answer{Value: strconv.Itoa(i % 11)}
	}
	if i%5 == 0 {
		q["short"] = poll.Answer{Text: "wijk " + strconv.Itoa(i)}
		q["long"] = poll.Answer{Text: "Een langere toelichting, nummer " + strconv.Itoa(i) + "."}
	}
	return poll.Answers{Municipality: ms[i%3], Questions: q}
}

// Responses submitted through the store reach the tally through the
// outbox, JetStream and the consumer, and the stored tally is the one the
// domain computes from the responses themselves. Events that several
// replicas read, or that are read again after a restart, count once.
func TestTheConsumerTalliesEveryResponseOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "surveys")
	_, _, js := testkit.NewJetStream(t)
	if _, err := pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ('01957a3c-2b1e-7c00-8000-000000000001', 'GM0453', '{}')`); err != nil {
		t.Fatalf("projecting the polls' process: %v", err)
	}
	if err := events.ProvisionStreams(ctx, js, "surveys", events.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	now := time.Now()
	p := sharedQuestionnaire(t, st, now)

	const n = 300
	want := poll.NewTally(p)
	submit := func(from, to int) {
		for i := from; i < to; i++ {
			r, err := p.Check(answers(i), now)
			if err != nil {
				t.Fatalf("respondent %d: %v", i, err)
			}
			sub := store.Submission{Response: r, Respondent: store.CookieRespondent(fmt.Sprintf("browser-%d", i)),
				Accepted: announce.Accepted(r), Tenant: p.Tenant()}
			if _, err := st.SubmitResponse(ctx, sub); err != nil {
				t.Fatalf("respondent %d: %v", i, err)
			}
			if err := want.Add(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	tallied := func(k int) {
		t.Helper()
		testkit.CheckFor(t, 30*time.Second, 20*time.Millisecond, func() error {
			got, err := st.Tally(ctx, p.ID(), store.Texts{})
			if err != nil {
				return err
			}
			if got.Responses() != int64(k) {
				return fmt.Errorf("tallied %d responses, want %d", got.Responses(), k)
			}
			return nil
		})
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	relay, err := events.NewRelay(events.RelayConfig{Service: "surveys"}, pool, js, log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	cfg := tally.Consumer(nil)
	cfg.Service = "surveys"
	replica := func() *events.Consumer {
		c, err := events.NewConsumer(cfg, pool, js, log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Provision(ctx); err != nil {
			t.Fatal(err)
		}
		return c
	}

	// Two replicas read every event; the stream position recorded with
	// each batch lets only one of them count it.
	submit(0, n/2)
	testkit.Start(t, relay.Run)
	stopFirst := testkit.Start(t, replica().Run)
	testkit.Start(t, replica().Run)
	tallied(n / 2)
	// One stops, the rest arrives, a third replica starts from the
	// recorded position; nothing is counted twice or left out.
	stopFirst()
	submit(n/2, n)
	testkit.Start(t, replica().Run)
	tallied(n)
	time.Sleep(200 * time.Millisecond) // a second count would show now
	compare(t, st, p, want)

	var pos, last int64
	if err := pool.QueryRow(ctx, `SELECT stream_seq FROM consumer_positions WHERE consumer = $1`, cfg.Durable()).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, events.StreamName("surveys"))
	if err != nil {
		t.Fatal(err)
	}
	last = int64(s.CachedInfo().State.LastSeq)
	if pos != last {
		t.Errorf("the tally's recorded position is %d, want the stream's last %d", pos, last)
	}
}

// compare checks that the stored tally of p equals want, the tally the
// domain computed.
func compare(t *testing.T, st *store.Store, p poll.Poll, want poll.Tally) {
	t.Helper()
	ctx := context.Background()
	got, err := st.Tally(ctx, p.ID(), store.Texts{})
	if err != nil {
		t.Fatal(err)
	}
	w, g := want.Record(), got.Record()
	if diff := cmp.Diff(w.Counters, g.Counters); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(w.Numbers, g.Numbers); diff != "" {
		t.Errorf("number sums (-want +got):\n%s", diff)
	}
	texts, _, err := st.TallyTexts(ctx, p.ID(), "", false, store.Page{Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	byKey := cmpopts.SortSlices(func(a, b poll.TextAnswer) bool {
		return a.ResponseID+a.Question < b.ResponseID+b.Question
	})
	if diff := cmp.Diff(w.Texts, texts, byKey); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}
}

// Apply refuses what it cannot count rather than count it wrong, so that
// the consumer retries and in the end dead-letters that one event.
func TestApplyRefusesEventsItCannotCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "surveys")
	st := store.New(pool)
	if _, err := pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ('01957a3c-2b1e-7c00-8000-000000000001', 'GM0453', '{}')`); err != nil {
		t.Fatalf("projecting the polls' process: %v", err)
	}
	now := time.Now()
	p := sharedQuestionnaire(t, st, now)
	r, err := p.Check(answers(0), now) // answers 0 has texts
	if err != nil {
		t.Fatal(err)
	}
	other := p.Record()
	other.ID = "01957a3c-2b1e-7c00-8000-0000000000ff"
	announced := func(p poll.Poll, r poll.Response) events.Event {
		t.Helper()
		evs, err := announce.ResponsesAccepted(ctx, p.Tenant(), p.ID(), []*eventsv1.ResponseAccepted{announce.Accepted(r)})
		if err != nil {
			t.Fatal(err)
		}
		return evs[0]
	}
	unknownPoll := announced(poll.Restore(other), poll.Response{ID: r.ID, PollID: other.ID})
	notStored := announced(p, r)
	for _, tc := range []struct {
		name string
		ev   events.Event
		want string
	}{
		{"a poll this service does not have", unknownPoll, "not found"},
		{"texts of a response that was never stored", notStored, "has no text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := pg.InTx(ctx, pool, func(tx pgx.Tx) error { return tally.Apply(ctx, tx, []events.Event{tc.ev}, nil) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Apply: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	got, err := st.Tally(ctx, p.ID(), store.Texts{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Responses() != 0 {
		t.Errorf("refused events counted %d responses", got.Responses())
	}
}
