package inputs_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/inputs"
	"github.com/meedoen/meedoen/services/councils/internal/process"
	"github.com/meedoen/meedoen/services/councils/internal/region"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func TestConsumersFollowTheEventContracts(t *testing.T) {
	t.Parallel()
	want := map[string][]proto.Message{
		"process-inputs-focusgroups": {&eventsv1.SessionHeld{}},
		"process-inputs-surveys":     {&eventsv1.PollClosed{}},
		"process-polls":              {&eventsv1.PollOpened{}, &eventsv1.PollClosed{}, &eventsv1.PollCancelled{}},
		"process-results":            {&eventsv1.AdviceSent{}, &eventsv1.ReportPublished{}},
	}
	cfgs := inputs.Consumers(slog.New(slog.DiscardHandler))
	if len(cfgs) != len(want) {
		t.Fatalf("%d consumers, want %d", len(cfgs), len(want))
	}
	for _, c := range cfgs {
		msgs, ok := want[c.Name]
		if !ok || c.Handle == nil {
			t.Errorf("unexpected consumer %q (or no handler)", c.Name)
			continue
		}
		var subjects []string
		stream := ""
		for _, m := range msgs {
			kind, err := events.KindOf(m)
			if err != nil {
				t.Fatal(err)
			}
			subjects = append(subjects, events.SubjectPrefix+"."+kind.Service+".*."+kind.Name)
			stream = events.StreamName(kind.Service)
		}
		if diff := cmp.Diff(subjects, c.Subjects); diff != "" || c.Stream != stream {
			t.Errorf("consumer %s reads %s %v, want %s (-want +got):\n%s", c.Name, c.Stream, c.Subjects, stream, diff)
		}
	}
}

// world is a councils schema with the IJmond and one process, and the
// consumers' handlers logging to a buffer.
type world struct {
	pool   *pgxpool.Pool
	st     *store.Store
	handle map[string][]events.Handler // by event name: every consumer's
	logs   *testkit.Buffer
}

func newWorld(t *testing.T) world {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "councils", Sets: []pg.MigrationSet{events.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "councils")
	w := world{pool: pool, st: store.New(pool), handle: map[string][]events.Handler{}, logs: &testkit.Buffer{}}
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, c := range inputs.Consumers(log) {
		for _, s := range c.Subjects {
			name := s[strings.LastIndex(s, "*.")+2:]
			w.handle[name] = append(w.handle[name], c.Handle)
		}
	}
	ctx := context.Background()
	r, err := region.NewRegion("ijmond", "IJmond", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.CreateRegion(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]string{{"GM0453", "Velsen"}, {"GM0375", "Beverwijk"}, {"GM0396", "Heemskerk"}} {
		mm, err := region.NewMunicipality(m[0], m[1], "ijmond", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.st.CreateMunicipality(ctx, mm); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// process starts a process for tenant and puts it in phase.
func (w world) process(t *testing.T, phase process.Phase, tenant string, participants ...string) string {
	t.Helper()
	ctx := context.Background()
	dir, err := w.st.Directory(ctx, append([]string{tenant}, participants...)...)
	if err != nil {
		t.Fatal(err)
	}
	q, err := agenda.NewQuestion(agenda.Draft{Title: "Mantelzorg", Theme: "mantelzorg",
		Origin: agenda.Solicited, Tenant: tenant, Participants: participants, AdviceNeededBy: "2099-01-01"},
		dir, "po-1", council.Today(time.Now()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Decide(true, "", "chair-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := w.st.RaiseQuestion(ctx, q); err != nil {
		t.Fatal(err)
	}
	p, err := w.st.StartProcess(ctx, q.ID(), func(q agenda.Question) (process.Process, []events.Event, error) {
		p, err := process.Start(q, "cm-1", time.Now())
		return p, nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.pool.Exec(ctx, `UPDATE processes SET phase = $2 WHERE id = $1`, p.ID(), string(phase)); err != nil {
		t.Fatal(err)
	}
	return p.ID()
}

// deliver hands ev to its handler in a transaction, as the consumer does.
func (w world) deliver(t *testing.T, ev events.Event) error {
	t.Helper()
	hs, ok := w.handle[ev.Name]
	if !ok {
		t.Fatalf("no handler for %s", ev.Name)
	}
	// Each consumer applies the event in a transaction of its own.
	for _, h := range hs {
		if err := pg.InTx(context.Background(), w.pool, func(tx pgx.Tx) error { return h(context.Background(), tx, ev) }); err != nil {
			return err
		}
	}
	return nil
}

func (w world) state(t *testing.T, id string) (process.Phase, []process.FormKind) {
	t.Helper()
	p, err := w.st.Process(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Phase(), p.ExecutedForms()
}

func event(t *testing.T, tenant string, msg proto.Message) events.Event {
	t.Helper()
	ev, err := events.New(context.Background(), tenant, "x", msg)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestFormsThatRanCountAsInputOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.process(t, process.Execute, "ijmond", "GM0375", "GM0453")
	session := event(t, "ijmond", &eventsv1.SessionHeld{SessionId: "s1", FocusGroupId: "g1", ProcessId: id, Attendees: 8})

	tests := []struct {
		name     string
		ev       events.Event
		wantForm []process.FormKind
		wantLog  string
	}{
		{name: "a session held", ev: session, wantForm: []process.FormKind{process.FocusGroup}},
		{name: "the same session redelivered", ev: session, wantForm: []process.FormKind{process.FocusGroup}, wantLog: "event applied before"},
		{name: "a flash poll closed in a participating municipality",
			ev:       event(t, "GM0453", &eventsv1.PollClosed{PollId: "p1", ProcessId: id, Kind: "flash_poll", Responses: 120}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll}},
		{name: "a questionnaire closed",
			ev:       event(t, "ijmond", &eventsv1.PollClosed{PollId: "p2", ProcessId: id, Kind: "questionnaire", Responses: 200}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll, process.Questionnaire}},
		{name: "a poll of unknown kind",
			ev:       event(t, "ijmond", &eventsv1.PollClosed{PollId: "p3", ProcessId: id, Kind: "referendum"}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll, process.Questionnaire}, wantLog: "unknown kind"},
		{name: "from a municipality not taking part",
			ev:       event(t, "GM0396", &eventsv1.SessionHeld{SessionId: "s2", ProcessId: id}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll, process.Questionnaire}, wantLog: "does not belong to"},
		{name: "for an unknown process",
			ev:       event(t, "ijmond", &eventsv1.SessionHeld{SessionId: "s3", ProcessId: uuid.Must(uuid.NewV7()).String()}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll, process.Questionnaire}, wantLog: "unknown process"},
		{name: "for no process",
			ev:       event(t, "ijmond", &eventsv1.SessionHeld{SessionId: "s4"}),
			wantForm: []process.FormKind{process.FocusGroup, process.FlashPoll, process.Questionnaire}, wantLog: "for no process"},
	}
	for _, tc := range tests {
		if err := w.deliver(t, tc.ev); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		phase, forms := w.state(t, id)
		if diff := cmp.Diff(tc.wantForm, forms); diff != "" || phase != process.Execute {
			t.Errorf("%s: phase %s, executed forms (-want +got):\n%s", tc.name, phase, diff)
		}
		if tc.wantLog != "" && !strings.Contains(w.logs.String(), tc.wantLog) {
			t.Errorf("%s: nothing logged about %q", tc.name, tc.wantLog)
		}
	}
	var inputs int
	if err := w.pool.QueryRow(context.Background(), `SELECT count(*) FROM process_inputs`).Scan(&inputs); err != nil {
		t.Fatal(err)
	}
	if inputs != 3 {
		t.Errorf("%d inputs stored, want 3", inputs)
	}
}

func TestResultsCompleteAdviseAndFeedbackOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.process(t, process.Advise, "GM0375")
	sent := event(t, "GM0375", &eventsv1.AdviceSent{AdviceId: "a1", ProcessId: id, Recommendations: 5})
	published := event(t, "GM0375", &eventsv1.ReportPublished{ReportId: "r1", ProcessId: id})

	for _, step := range []struct {
		ev   events.Event
		want process.Phase
	}{
		{sent, process.Feedback},
		{sent, process.Feedback},
		{published, process.Closed},
		{published, process.Closed},
	} {
		if err := w.deliver(t, step.ev); err != nil {
			t.Fatal(err)
		}
		if phase, _ := w.state(t, id); phase != step.want {
			t.Errorf("after %s: phase %s, want %s", step.ev.Name, phase, step.want)
		}
	}
	rows, err := w.pool.Query(context.Background(), `SELECT from_phase || '>' || to_phase || ' by ' || actor FROM transitions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	moves, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"advise>feedback by system", "feedback>closed by system"}, moves); diff != "" {
		t.Errorf("transitions (-want +got):\n%s", diff)
	}
	rows, err = w.pool.Query(context.Background(), `SELECT subject FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	subjects, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var processEvents []string
	for _, s := range subjects {
		if strings.Contains(s, ".process.") {
			processEvents = append(processEvents, s)
		}
	}
	want := []string{
		"meedoen.councils.GM0375.process.phase_changed",
		"meedoen.councils.GM0375.process.phase_changed",
		"meedoen.councils.GM0375.process.closed",
	}
	if diff := cmp.Diff(want, processEvents); diff != "" {
		t.Errorf("announced (-want +got):\n%s", diff)
	}
}

func TestAMalformedEventIsAnErrorForTheConsumerToRetry(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ev := event(t, "GM0375", &eventsv1.AdviceSent{AdviceId: "a1", ProcessId: "x"})
	ev.Data = []byte(`{"processId": 7}`)
	if err := w.deliver(t, ev); err == nil {
		t.Error("a payload that does not decode was accepted")
	}
}
