package projection_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/projection"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// TestProjectionsThroughJetStream publishes the other services' events to
// their streams on a real JetStream server and runs the results service's
// consumers on them: a shared IJmond process, a street interview, a closed
// poll, a held session, findings and a feedback delivery become the
// process's evidence and figures; the same facts announced again under new
// event ids (a republished outbox) count once; an event naming no process
// is skipped without stopping the consumer (what follows it is applied); the process closes.
func TestProjectionsThroughJetStream(t *testing.T) {
	ctx := context.Background()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "results",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "results")
	_, _, js := testkit.NewJetStream(t)
	for _, s := range []string{"councils", "surveys", "focusgroups"} {
		if err := events.ProvisionStreams(ctx, js, s, events.StreamConfig{}); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, cfg := range projection.Consumers(log) {
		cfg.Service = "results"
		c, err := events.NewConsumer(cfg, pool, js, log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Provision(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(testkit.Start(t, c.Run))
	}
	publish := func(tenant string, msg proto.Message) {
		t.Helper()
		ev, err := events.New(ctx, tenant, "", msg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, ev.Msg()); err != nil {
			t.Fatal(err)
		}
	}
	process := uuid.NewString()
	poll, session, activity := uuid.NewString(), uuid.NewString(), uuid.NewString()
	facts := []proto.Message{
		&eventsv1.FieldActivityRecorded{FieldActivityId: activity, ProcessId: process, Form: "street_interview",
			MunicipalityCode: "GM0375", ResidentsReached: 23, Date: "2027-01-20"},
		&eventsv1.PollClosed{PollId: poll, ProcessId: process, Kind: "flash_poll", Responses: 203,
			PerMunicipality: []*eventsv1.MunicipalityResponses{{MunicipalityCode: "GM0453", Responses: 120},
				{MunicipalityCode: "GM0375", Responses: 80}, {MunicipalityCode: "GM0396", Responses: 3}}},
		&eventsv1.SessionHeld{SessionId: session, FocusGroupId: uuid.NewString(), ProcessId: process, Attendees: 9},
	}
	// The process's events may arrive after what happened in it (a
	// projection being rebuilt reads the streams side by side).
	for _, m := range facts {
		publish("ijmond", m)
	}
	publish("ijmond", &eventsv1.ProcessCreated{ProcessId: process, Theme: "mantelzorg", Origin: "council",
		ParticipatingMunicipalities: []string{"GM0453", "GM0375", "GM0396"}})
	publish("ijmond", &eventsv1.FindingsRecorded{FocusGroupId: uuid.NewString(), ProcessId: process,
		Findings: []*eventsv1.RecordedFinding{{FindingId: uuid.NewString(), Breadth: "most"}, {FindingId: uuid.NewString(), Breadth: "one"}}})
	publish("ijmond", &eventsv1.PollClosed{PollId: uuid.NewString(), ProcessId: "not-a-process", Responses: 5})
	for _, m := range facts { // again, under new event ids
		publish("ijmond", m)
	}
	publish("ijmond", &eventsv1.FeedbackDelivered{ProcessId: process, ReportId: "r1", Delivered: 41, Failed: 1})
	publish("ijmond", &eventsv1.ProcessPhaseChanged{ProcessId: process, FromPhase: "analyse", ToPhase: "advise"})

	st := store.New(pool)
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		var phase string
		var delivered int
		if err := pool.QueryRow(ctx, `SELECT p.phase, coalesce((SELECT sum(delivered) FROM feedback_deliveries WHERE process_id = p.id), 0)
FROM processes p WHERE p.id = $1`, process).Scan(&phase, &delivered); err != nil {
			return err
		}
		if phase != "advise" || delivered != 41 {
			return fmt.Errorf("phase %q, %d told: want advise and 41", phase, delivered)
		}
		return nil
	})
	raw, err := st.RawEvidence(ctx, process)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Activities) != 1 || raw.Activities[0].Residents != 23 || raw.Activities[0].Municipality != "GM0375" || raw.Activities[0].Day != "2027-01-20" {
		t.Errorf("activities %+v: want the street interview once, 23 residents in Beverwijk", raw.Activities)
	}
	if len(raw.Polls) != 1 || raw.Polls[0].PerMunicipality["GM0453"] != 120 || raw.Polls[0].PerMunicipality["GM0396"] != 3 {
		t.Errorf("polls %+v: want the poll once with its answers per municipality", raw.Polls)
	}
	if len(raw.Sessions) != 1 || raw.Sessions[0].Attendees != 9 || raw.Findings != 2 {
		t.Errorf("sessions %+v, findings %d: want one session of 9, two findings", raw.Sessions, raw.Findings)
	}
	snap, err := st.Evidence(ctx, process, evidence.MinCells{Default: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range snap.Polls {
		for _, m := range pr.PerMunicipality {
			if m.Municipality == "GM0396" && (!m.Count.Hidden || m.Count.Value != 0) {
				t.Errorf("Heemskerk's 3 poll answers shown in the evidence: %+v", m)
			}
		}
	}
	in, _, err := st.FiguresInput(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var answers, reached int64
	for _, p := range in.Polls {
		answers += p.Responses
	}
	for _, r := range in.Reach {
		reached += r.Residents
	}
	if answers != 203 {
		t.Errorf("figures count %d poll answers, want 203 (once)", answers)
	}
	if len(in.Processes) != 1 || in.Processes[0].Theme != "mantelzorg" || len(in.Processes[0].Municipalities) != 3 {
		t.Errorf("figures' processes %+v: want the shared process in three municipalities", in.Processes)
	}
	if reached != 23+203+9 {
		t.Errorf("figures' reach %d: want the interview's 23, the poll's 203 and the session's 9, each once", reached)
	}

	publish("ijmond", &eventsv1.ProcessClosed{ProcessId: process})
	publish("ijmond", &eventsv1.ProcessPhaseChanged{ProcessId: process, FromPhase: "feedback", ToPhase: "closed"})
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		var closed bool
		if err := pool.QueryRow(ctx, `SELECT closed FROM processes WHERE id = $1`, process).Scan(&closed); err != nil {
			return err
		}
		if !closed {
			return fmt.Errorf("process not closed")
		}
		return nil
	})
}
