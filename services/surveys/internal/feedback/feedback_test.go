package feedback_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/feedback"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const (
	processA = "01957a3c-2b1e-7c00-8000-00000000000a"
	processB = "01957a3c-2b1e-7c00-8000-00000000000b"
)

func TestParseAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "inwoner@example.nl", want: "inwoner@example.nl"},
		{in: "  inwoner@example.nl ", want: "inwoner@example.nl"},
		{in: "<inwoner@example.nl>", want: "inwoner@example.nl"},
		{in: "Inwoner <inwoner@example.nl>", wantErr: true},
		{in: "inwoner at example.nl", wantErr: true},
		{in: "inwoner@localhost", wantErr: true},
		{in: "a@b.nl, c@d.nl", wantErr: true},
		{in: strings.Repeat("a", 250) + "@example.nl", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := feedback.ParseAddress(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseAddress(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMailIsDutchFirstAndLinksTheReport(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"nl", "en"} {
		m := feedback.Mail(lang, "https://meedoen.test/verslagen/r1")
		nl, en := strings.Index(m.Text, "Het verslag"), strings.Index(m.Text, "The report")
		if nl < 0 || en < 0 || nl > en {
			t.Errorf("%s: Dutch at %d, English at %d; want both, Dutch first", lang, nl, en)
		}
		if strings.Count(m.Text, "https://meedoen.test/verslagen/r1") != 2 {
			t.Errorf("%s: the link is not in both parts:\n%s", lang, m.Text)
		}
		if got := strings.HasPrefix(m.Text, "(English below)"); got != (lang == "en") {
			t.Errorf("%s: points to the English part: %v", lang, got)
		}
	}
	if m := feedback.Mail("nl", ""); strings.Contains(m.Text, "http") {
		t.Errorf("without a report URL the mail still links:\n%s", m.Text)
	}
}

type fixture struct {
	pool  *pgxpool.Pool
	store *feedback.Store
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "surveys")
	return fixture{pool: pool, store: feedback.NewStore(pool)}
}

// poll stores a bare poll of process and returns its id.
func (f fixture) poll(t *testing.T, process string) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	_, err := f.pool.Exec(context.Background(), `INSERT INTO polls (id, process_id, tenant, kind, status, definition, created_by, created_at, updated_at)
VALUES ($1, $2, 'GM0453', 'flash_poll', 'open', '{}', 'test', now(), now())`, id, process)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f fixture) add(t *testing.T, pollID, process, address, lang string) {
	t.Helper()
	if err := f.store.Add(context.Background(), feedback.Request{PollID: pollID, ProcessID: process, Address: address, Language: lang}); err != nil {
		t.Fatal(err)
	}
}

// publish applies a report.published event as the consumer does.
func (f fixture) publish(t *testing.T, reportID, process string) {
	t.Helper()
	ev, err := events.New(context.Background(), "GM0453", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: process})
	if err != nil {
		t.Fatal(err)
	}
	err = pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error {
		return feedback.ReportPublished(context.Background(), tx, ev, feedback.Config{ReportURL: "https://meedoen.test/verslagen/{id}"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

type queued struct{ To, Batch, Kind string }

func (f fixture) queue(t *testing.T) []queued {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT to_address, batch, kind FROM outgoing_mail ORDER BY to_address`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[queued])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f fixture) requests(t *testing.T) []string {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT address FROM feedback_requests ORDER BY address`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// delivered lists the feedback.delivered events in the outbox.
func (f fixture) delivered(t *testing.T) []*eventsv1.FeedbackDelivered {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT data FROM outbox WHERE subject LIKE '%.feedback.delivered' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	data, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	var out []*eventsv1.FeedbackDelivered
	for _, d := range data {
		msg := &eventsv1.FeedbackDelivered{}
		if err := (events.Event{Data: d, Type: events.TypeOf("surveys", "feedback.delivered")}).Decode(msg); err != nil {
			t.Fatal(err)
		}
		out = append(out, msg)
	}
	return out
}

func TestAReportQueuesOneMailPerAddressOfItsProcess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pollA1, pollA2, pollB := f.poll(t, processA), f.poll(t, processA), f.poll(t, processB)
	f.add(t, pollA1, processA, "een@example.nl", "nl")
	f.add(t, pollA1, processA, "een@example.nl", "nl") // the same request twice
	f.add(t, pollA2, processA, "EEN@example.nl", "en") // and for another poll
	f.add(t, pollA2, processA, "twee@example.nl", "nl")
	f.add(t, pollB, processB, "drie@example.nl", "nl")

	f.publish(t, "report-a", processA)

	wantQueue := []queued{
		{To: "een@example.nl", Batch: "report-a", Kind: feedback.Kind},
		{To: "twee@example.nl", Batch: "report-a", Kind: feedback.Kind},
	}
	// Addresses are compared case-blind, so either spelling of "een" may
	// be the one kept.
	got := f.queue(t)
	for i := range got {
		got[i].To = strings.ToLower(got[i].To)
	}
	if diff := cmp.Diff(wantQueue, got); diff != "" {
		t.Errorf("queued mail (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"drie@example.nl"}, f.requests(t)); diff != "" {
		t.Errorf("requests left (-want +got):\n%s", diff)
	}
	b, err := mailq.BatchOf(context.Background(), f.pool, feedback.Kind, "report-a")
	if err != nil {
		t.Fatal(err)
	}
	if b.Expected != 2 {
		t.Errorf("batch expects %d mails, want 2", b.Expected)
	}

	// The same report again queues nothing.
	f.add(t, pollA1, processA, "vier@example.nl", "nl")
	f.publish(t, "report-a", processA)
	if n := len(f.queue(t)); n != 2 {
		t.Errorf("%d mails queued after the report came again, want 2", n)
	}
	if len(f.delivered(t)) != 0 {
		t.Error("delivery announced before any mail was sent")
	}
}

func TestAReportNoOneAskedAboutIsDeliveredToNone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.publish(t, "report-b", processB)
	want := []*eventsv1.FeedbackDelivered{{ProcessId: processB, ReportId: "report-b"}}
	if diff := cmp.Diff(want, f.delivered(t), protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered (-want +got):\n%s", diff)
	}
}

func TestDeliveredAnnouncesTheCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.add(t, f.poll(t, processA), processA, "een@example.nl", "nl")
	f.publish(t, "report-c", processA)
	err := pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error {
		return feedback.Delivered(context.Background(), tx, mailq.Batch{Kind: feedback.Kind, Key: "report-c", Sent: 7, Failed: 2, Expected: 9})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []*eventsv1.FeedbackDelivered{{ProcessId: processA, ReportId: "report-c", Delivered: 7, Failed: 2}}
	if diff := cmp.Diff(want, f.delivered(t), protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered (-want +got):\n%s", diff)
	}
}

func TestARequestTellsNotWhenItWasMade(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.add(t, f.poll(t, processA), processA, "een@example.nl", "nl")
	var id uuid.UUID
	var on time.Time
	if err := f.pool.QueryRow(context.Background(), `SELECT id, created_on FROM feedback_requests`).Scan(&id, &on); err != nil {
		t.Fatal(err)
	}
	if id.Version() != 4 {
		t.Errorf("request id is a version %d UUID, want a random (version 4) one", id.Version())
	}
	if on.Hour() != 0 || on.Minute() != 0 || on.Second() != 0 {
		t.Errorf("created_on %v carries a time of day", on)
	}
}
