package inputs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/inputs"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// The councils service learns of a process's polls from the surveys
// service's events on JetStream, never from its tables: an opened poll is
// running, a closed one brings its answers per municipality and counts
// them as residents reached, a cancelled one says so; a late duplicate of
// an opening does not reopen a closed poll, and events from a
// municipality outside the process change nothing.
func TestProcessesLearnOfTheirPollsFromEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	id := w.process(t, process.Execute, "ijmond", "GM0375", "GM0396", "GM0453")
	_, _, js := testkit.NewJetStream(t)
	if err := events.ProvisionStreams(ctx, js, "surveys", events.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, cfg := range inputs.Consumers(log) {
		if cfg.Stream != events.StreamName("surveys") {
			continue
		}
		cfg.Service = "councils"
		c, err := events.NewConsumer(cfg, w.pool, js, log, noop.NewTracerProvider(), metricnoop.NewMeterProvider())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Provision(ctx); err != nil {
			t.Fatal(err)
		}
		testkit.Start(t, c.Run)
	}
	publish := func(tenant string, msg proto.Message) {
		t.Helper()
		if _, err := js.PublishMsg(ctx, event(t, tenant, msg).Msg()); err != nil {
			t.Fatal(err)
		}
	}
	polls := func(want []process.Poll, reached int, executed []process.FormKind) {
		t.Helper()
		testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
			p, err := w.st.Process(ctx, id)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, p.Polls()); diff != "" {
				return fmt.Errorf("polls (-want +got):\n%s", diff)
			}
			if p.ResidentsReached() != reached || !cmp.Equal(p.ExecutedForms(), executed) {
				return fmt.Errorf("residents reached %d, executed %v; want %d, %v", p.ResidentsReached(), p.ExecutedForms(), reached, executed)
			}
			return nil
		})
	}
	pollA, pollB := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	closes := time.Date(2026, 12, 21, 23, 0, 0, 0, time.UTC)

	publish("ijmond", &eventsv1.PollOpened{PollId: pollA, ProcessId: id, Kind: "flash_poll",
		ParticipatingMunicipalities: []string{"GM0375", "GM0396", "GM0453"}, ClosesAt: closes.Format(time.RFC3339)})
	publish("GM0453", &eventsv1.PollOpened{PollId: pollB, ProcessId: id, Kind: "questionnaire", ClosesAt: closes.Format(time.RFC3339)})
	openA := process.Poll{ID: pollA, Form: process.FlashPoll, Status: process.PollOpen, ClosesAt: closes, PerMunicipality: map[string]int{}}
	openB := process.Poll{ID: pollB, Form: process.Questionnaire, Status: process.PollOpen, ClosesAt: closes, PerMunicipality: map[string]int{}}
	polls([]process.Poll{openB, openA}, 0, nil)

	publish("GM0453", &eventsv1.PollCancelled{PollId: pollB, ProcessId: id})
	cancelledB := openB
	cancelledB.Status = process.PollCancelled
	polls([]process.Poll{cancelledB, openA}, 0, nil)

	closedEv := event(t, "ijmond", &eventsv1.PollClosed{PollId: pollA, ProcessId: id, Kind: "flash_poll", Responses: 39,
		PerMunicipality: []*eventsv1.MunicipalityResponses{{MunicipalityCode: "GM0453", Responses: 20}, {MunicipalityCode: "GM0375", Responses: 12}, {MunicipalityCode: "GM0396", Responses: 7}}})
	if _, err := js.PublishMsg(ctx, closedEv.Msg()); err != nil {
		t.Fatal(err)
	}
	closedA := openA
	closedA.Status, closedA.Responses, closedA.ClosesAt = process.PollClosed, 39, closedEv.Time.UTC().Truncate(time.Microsecond)
	closedA.PerMunicipality = map[string]int{"GM0453": 20, "GM0375": 12, "GM0396": 7}
	polls([]process.Poll{cancelledB, closedA}, 39, []process.FormKind{process.FlashPoll})

	// A late duplicate of the opening, and a poll announced by a
	// municipality that does not take part, change nothing.
	publish("ijmond", &eventsv1.PollOpened{PollId: pollA, ProcessId: id, Kind: "flash_poll", ClosesAt: closes.Format(time.RFC3339)})
	publish("GM0999", &eventsv1.PollOpened{PollId: uuid.Must(uuid.NewV7()).String(), ProcessId: id, Kind: "flash_poll"})
	time.Sleep(300 * time.Millisecond)
	polls([]process.Poll{cancelledB, closedA}, 39, []process.FormKind{process.FlashPoll})
}
