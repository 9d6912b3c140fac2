package schedule

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

type fixture struct {
	st   *store.Store
	pool *pgxpool.Pool
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "surveys")
	if _, err := pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ('01957a3c-2b1e-7c00-8000-000000000001', 'GM0453', '{}')`); err != nil {
		t.Fatalf("projecting the polls' process: %v", err)
	}
	return fixture{st: store.New(pool), pool: pool}
}

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// scheduled stores a shared IJmond flash poll, scheduled at now to open at
// opens and close at closes.
func (f fixture) scheduled(t *testing.T, now, opens, closes time.Time) poll.Poll {
	t.Helper()
	p, err := poll.New(poll.Spec{
		ProcessID:    "01957a3c-2b1e-7c00-8000-000000000001",
		Tenant:       "ijmond",
		Participants: []string{"GM0453", "GM0375"},
		Kind:         poll.FlashPoll,
		Title:        poll.Text{NL: "Eenzaamheid in de IJmond"},
		Sections: []poll.Section{{ID: "s1", Questions: []poll.Question{{ID: "q1", Type: poll.SingleChoice,
			Text: poll.Text{NL: "Hoe vaak?"}, Options: []poll.Option{{ID: "a", Label: poll.Text{NL: "A"}}, {ID: "b", Label: poll.Text{NL: "B"}}}}}}},
		Audience:       poll.Audience{Kind: poll.Panel},
		OpensAt:        opens,
		ClosesAt:       closes,
		ResultsSharing: poll.Text{NL: "In juni."},
		CreatedBy:      "test",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Schedule(now); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f fixture) status(t *testing.T, id string) poll.Status {
	t.Helper()
	p, err := f.st.Poll(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Status()
}

// outbox decodes the events in the outbox, oldest first, as the names and
// payloads a consumer would get.
func (f fixture) outbox(t *testing.T) (names []string, payloads []proto.Message) {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT event_id::text, subject, ce_time, data FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev events.Event
		var subject string
		if err := rows.Scan(&ev.ID, &subject, &ev.Time, &ev.Data); err != nil {
			t.Fatal(err)
		}
		parts := strings.SplitN(subject, ".", 4)
		ev.Service, ev.Tenant, ev.Name = parts[1], parts[2], parts[3]
		ev.Type = events.TypeOf(ev.Service, ev.Name)
		var msg proto.Message
		switch ev.Name {
		case "poll.opened":
			msg = &eventsv1.PollOpened{}
		case "poll.closed":
			msg = &eventsv1.PollClosed{}
		default:
			t.Fatalf("unexpected event %s", ev.Name)
		}
		if err := ev.Decode(msg); err != nil {
			t.Fatal(err)
		}
		names = append(names, ev.Tenant+" "+ev.Name)
		payloads = append(payloads, msg)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names, payloads
}

// A scheduled poll opens at its opening time and closes at its closing
// time, each announced, while the scheduler runs on its own; it stops
// with its context.
func TestAScheduledPollOpensAndClosesOnTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	start := time.Now().UTC().Truncate(time.Second)
	opens, closes := start.Add(time.Hour), start.Add(3*time.Hour)
	p := f.scheduled(t, start, opens, closes)
	// Three Velsen respondents and one Beverwijk respondent, as tallied.
	err := pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error {
		return store.ApplyTally(context.Background(), tx, p.ID(), poll.TallyRecord{Counters: []poll.Counter{
			{Municipality: "GM0453", Count: 3}, {Municipality: "GM0375", Count: 1}}})
	})
	if err != nil {
		t.Fatal(err)
	}

	c := &clock{t: start}
	s := New(f.st, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*time.Millisecond)
	s.now = c.now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the scheduler did not stop with its context")
		}
	}()

	waitFor := func(want poll.Status) {
		t.Helper()
		testkit.CheckFor(t, 10*time.Second, 10*time.Millisecond, func() error {
			if got := f.status(t, p.ID()); got != want {
				return errStatus{got, want}
			}
			return nil
		})
	}
	// Before the opening time nothing is due.
	if n, err := s.Tick(ctx); err != nil || n != 0 || f.status(t, p.ID()) != poll.Scheduled {
		t.Fatalf("before its opening time: advanced %d, %v", n, err)
	}
	c.set(opens.Add(time.Second))
	waitFor(poll.Open)
	c.set(closes.Add(time.Second))
	waitFor(poll.Closed)

	names, payloads := f.outbox(t)
	if diff := cmp.Diff([]string{"ijmond poll.opened", "ijmond poll.closed"}, names); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	want := []proto.Message{
		&eventsv1.PollOpened{PollId: p.ID(), ProcessId: p.ProcessID(), Kind: "flash_poll",
			ParticipatingMunicipalities: []string{"GM0375", "GM0453"}, ClosesAt: closes.Format(time.RFC3339)},
		&eventsv1.PollClosed{PollId: p.ID(), ProcessId: p.ProcessID(), Kind: "flash_poll", Responses: 4,
			PerMunicipality: []*eventsv1.MunicipalityResponses{
				{MunicipalityCode: "GM0375", Responses: 1}, {MunicipalityCode: "GM0453", Responses: 3}}},
	}
	if diff := cmp.Diff(want, payloads, protocmp.Transform()); diff != "" {
		t.Errorf("payloads (-want +got):\n%s", diff)
	}
	got, err := f.st.Poll(context.Background(), p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if !got.OpensAt().Equal(opens) || !got.ClosesAt().Equal(closes) {
		t.Errorf("a poll advanced late keeps its times: opened %v, closed %v; want %v, %v", got.OpensAt(), got.ClosesAt(), opens, closes)
	}
}

type errStatus struct{ got, want poll.Status }

func (e errStatus) Error() string { return "poll is " + string(e.got) + ", want " + string(e.want) }

// A poll whose opener ran past its closing time too opens and closes in
// one step, announcing both; polls not due stay as they are.
func TestTickCatchesUpOnOverduePolls(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	start := time.Now().UTC().Truncate(time.Second)
	overdue := f.scheduled(t, start, start.Add(time.Hour), start.Add(2*time.Hour))
	later := f.scheduled(t, start, start.Add(24*time.Hour), start.Add(48*time.Hour))

	s := New(f.st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	s.now = func() time.Time { return start.Add(3 * time.Hour) }
	n, err := s.Tick(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("Tick: advanced %d, %v; want 1", n, err)
	}
	if got := f.status(t, overdue.ID()); got != poll.Closed {
		t.Errorf("the overdue poll is %s, want closed", got)
	}
	if got := f.status(t, later.ID()); got != poll.Scheduled {
		t.Errorf("the later poll is %s, want scheduled", got)
	}
	names, _ := f.outbox(t)
	if diff := cmp.Diff([]string{"ijmond poll.opened", "ijmond poll.closed"}, names); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if n, err := s.Tick(context.Background()); err != nil || n != 0 {
		t.Errorf("a second Tick advanced %d, %v; want nothing", n, err)
	}
}

// TestAnOutageCostsAFewLogLines: while the database is away the scheduler
// keeps trying, waiting longer after each failure in a row, so three
// seconds of outage at a 20 ms interval log a handful of warnings rather
// than one per tick (about 150); once the database is back, polls advance
// again.
func TestAnOutageCostsAFewLogLines(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logged syncCounter
	s := New(f.st, slog.New(slog.NewTextHandler(&logged, nil)), 20*time.Millisecond)
	// The store's pool, closed: every query fails as with PostgreSQL down.
	f.pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := logged.lines(); n == 0 || n > 10 {
		t.Errorf("%d warnings in 3 s of outage, want a few (1 to 10)", n)
	}
}

// syncCounter counts the log lines written to it.
type syncCounter struct {
	mu sync.Mutex
	n  int
}

func (c *syncCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += strings.Count(string(p), "\n")
	return len(p), nil
}

func (c *syncCounter) lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
