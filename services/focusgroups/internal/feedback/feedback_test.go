package feedback_test

import (
	"context"
	"os"
	"strings"
	"testing"

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
	"github.com/meedoen/meedoen/services/focusgroups/internal/feedback"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const (
	processA = "01957a3c-2b1e-7c00-8000-00000000000a"
	processB = "01957a3c-2b1e-7c00-8000-00000000000b"
	public   = "https://meedoen.test"
)

type fixture struct{ pool *pgxpool.Pool }

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "focusgroups",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}})
	f := fixture{pool: testkit.NewPool(t, url, "focusgroups")}
	f.exec(t, `INSERT INTO processes (id, tenant, participants, theme, phase) VALUES
($1, 'ijmond', '{GM0375,GM0396,GM0453}', 'mantelzorg', 'feedback'), ($2, 'GM0453', '{}', 'armoede', 'feedback')`, processA, processB)
	return f
}

func (f fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// group stores a concluded focus group of process named name.
func (f fixture) group(t *testing.T, process, name string) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	f.exec(t, `INSERT INTO focus_groups (id, process_id, tenant, participants, theme, name, purpose, planned_sessions, seats, total_seats,
    reminder_hours, organisers, status, created_by, created_at, updated_at, ended_at)
VALUES ($1, $2, 'ijmond', '{}', 'mantelzorg', $3, '', 2, '[]', 0, 24, '{}', 'concluded', 'test', now(), now(), now())`, id, process, name)
	return id
}

// member stores a member of group; status "erased" clears name and address
// as erasure does.
func (f fixture) member(t *testing.T, group, name, email, language, status string) {
	t.Helper()
	if status == "erased" {
		name, email = "", ""
	}
	f.exec(t, `INSERT INTO members (id, group_id, kind, role, name, email, subject, language, status, joined_at)
VALUES ($1, $2, 'resident', 'client', $3, $4, '', $5, $6, now())`, uuid.Must(uuid.NewV7()).String(), group, name, email, language, status)
}

// publish applies a report.published event as the consumer does.
func (f fixture) publish(t *testing.T, reportID, process string) {
	t.Helper()
	ev, err := events.New(context.Background(), "ijmond", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: process})
	if err != nil {
		t.Fatal(err)
	}
	err = pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error {
		return feedback.ReportPublished(context.Background(), tx, ev, feedback.Config{PublicURL: public + "/"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

type queued struct{ To, Batch, Kind, Text string }

func (f fixture) queue(t *testing.T) []queued {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT to_address, batch, kind, text_body FROM outgoing_mail ORDER BY lower(to_address)`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[queued])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// delivered lists the feedback.delivered events in the outbox, with their
// subjects and raw data.
func (f fixture) delivered(t *testing.T) ([]*eventsv1.FocusGroupFeedbackDelivered, []string) {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT subject, data FROM outbox WHERE subject LIKE '%.feedback.delivered' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Subject string
		Data    []byte
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*eventsv1.FocusGroupFeedbackDelivered
	var raw []string
	for _, r := range list {
		msg := &eventsv1.FocusGroupFeedbackDelivered{}
		if err := (events.Event{Data: r.Data, Type: events.TypeOf("focusgroups", "feedback.delivered")}).Decode(msg); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, msg)
		raw = append(raw, r.Subject+" "+string(r.Data))
	}
	return msgs, raw
}

// Every current member of the process's groups with an address is mailed
// once, linking the public results page, in their language; members who
// left or were erased, members without an address and other processes'
// members are not. The same report again mails nobody, even a member who
// joined since.
func TestAReportMailsEachCurrentMemberOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	g1, g2, other := f.group(t, processA, "Mantelzorg in de IJmond"), f.group(t, processA, "Jonge mantelzorgers"), f.group(t, processB, "Armoede")
	f.member(t, g1, "Ans de Vries", "ans@example.nl", "nl", "active")
	f.member(t, g1, "John Smith", "john@example.nl", "en", "active")
	f.member(t, g1, "Henk Smit", "henk@example.nl", "nl", "left")
	f.member(t, g1, "", "", "nl", "erased")
	f.member(t, g1, "Kees Bakker", "", "nl", "active") // joined without an address
	f.member(t, g2, "Ans de Vries", "ANS@example.nl", "nl", "active")
	f.member(t, other, "Fatima el Amrani", "fatima@example.nl", "nl", "active")

	f.publish(t, "report-a", processA)

	got := f.queue(t)
	var to []string
	for _, q := range got {
		to = append(to, strings.ToLower(q.To))
		if q.Batch != "report-a" || q.Kind != feedback.Kind {
			t.Errorf("mail to %s in batch %q of kind %q, want report-a, %s", q.To, q.Batch, q.Kind, feedback.Kind)
		}
	}
	if diff := cmp.Diff([]string{"ans@example.nl", "john@example.nl"}, to); diff != "" {
		t.Fatalf("mailed (-want +got):\n%s", diff)
	}
	page := public + "/resultaten/" + processA
	ans, john := got[0].Text, got[1].Text
	if !strings.Contains(ans, page+"\n") || strings.Contains(ans, "lang=") {
		t.Errorf("Ans's mail does not link %s plainly:\n%s", page, ans)
	}
	if !strings.Contains(john, page+"?lang=en") {
		t.Errorf("John's mail does not link %s?lang=en:\n%s", page, john)
	}
	for _, text := range []string{ans, john} {
		nl, en := strings.Index(text, "Je hebt meegedaan"), strings.Index(text, "You took part")
		if nl < 0 || en < nl {
			t.Errorf("the mail is not Dutch first, then English:\n%s", text)
		}
	}
	b, err := mailq.BatchOf(context.Background(), f.pool, feedback.Kind, "report-a")
	if err != nil {
		t.Fatal(err)
	}
	if b.Expected != 2 {
		t.Errorf("the batch expects %d mails, want 2", b.Expected)
	}

	f.member(t, g2, "Mehmet Yilmaz", "mehmet@example.nl", "nl", "active")
	f.publish(t, "report-a", processA)
	if n := len(f.queue(t)); n != 2 {
		t.Errorf("%d mails queued after the report came again, want 2", n)
	}
	if msgs, _ := f.delivered(t); len(msgs) != 0 {
		t.Errorf("delivery announced before any mail was sent: %v", msgs)
	}
}

// A report of a process whose groups have no one to mail is announced at
// once, as delivered to none.
func TestAReportWithNoOneToMailIsDeliveredToNone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	g := f.group(t, processB, "Armoede")
	f.member(t, g, "Henk Smit", "henk@example.nl", "nl", "left")
	f.publish(t, "report-b", processB)
	msgs, _ := f.delivered(t)
	want := []*eventsv1.FocusGroupFeedbackDelivered{{ProcessId: processB, ReportId: "report-b"}}
	if diff := cmp.Diff(want, msgs, protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered (-want +got):\n%s", diff)
	}
}

// Once the batch settles, feedback.delivered carries the process, the
// report and the counts, in the focus groups' stream, and nothing of the
// members.
func TestDeliveredCarriesCountsOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	g := f.group(t, processA, "Mantelzorg in de IJmond")
	f.member(t, g, "Ans de Vries", "ans@example.nl", "nl", "active")
	f.publish(t, "report-c", processA)
	err := pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error {
		return feedback.Delivered(context.Background(), tx, mailq.Batch{Kind: feedback.Kind, Key: "report-c", Sent: 7, Failed: 2, Expected: 9})
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs, raw := f.delivered(t)
	want := []*eventsv1.FocusGroupFeedbackDelivered{{ProcessId: processA, ReportId: "report-c", Delivered: 7, Failed: 2}}
	if diff := cmp.Diff(want, msgs, protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered (-want +got):\n%s", diff)
	}
	for _, r := range raw {
		if !strings.HasPrefix(r, "meedoen.focusgroups.ijmond.feedback.delivered ") {
			t.Errorf("published as %q, want on meedoen.focusgroups.ijmond.feedback.delivered", r)
		}
		for _, secret := range []string{"ans@", "Ans", "Vries", "Mantelzorg"} {
			if strings.Contains(r, secret) {
				t.Errorf("feedback.delivered carries %q: %s", secret, r)
			}
		}
	}
}
