// Package feedback tells the members of a process's focus groups what
// came of their input. When the results service publishes the report of
// the process, the consumer here queues one mail per member who has an
// address and has not left or been erased (mailq, in the consumer's
// transaction), linking the process's public results page; once the mail
// worker has settled every mail of the report, it announces the delivery
// counts as a feedback.delivered event, which names nobody.
//
// It is the focus groups' side of what the surveys service does for
// respondents who asked to hear back (services/surveys/internal/feedback):
// the same events, the same once-per-report record.
package feedback

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/notice"
)

// Kind is the mailq kind of the report mails.
const Kind = "focusgroup_report"

// ResultsPath is the path of a process's public results page, served by
// the gateway, with "{id}" where the process's id goes.
const ResultsPath = "/resultaten/{id}"

// Config configures the report mails.
type Config struct {
	// PublicURL is the gateway's base URL as residents reach it; empty
	// leaves the link out of the mail.
	PublicURL string
}

// Consumer returns the consumer of the results service's report.published
// events. The events inbox records each event in the transaction that
// queues its mails, and the report is recorded too, so that each report
// mails each member once, however often it is delivered or published.
func Consumer(cfg Config) events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:     "feedback",
		Stream:   events.StreamName("results"),
		Subjects: []string{"meedoen.results.*.report.published"},
		Handle: func(ctx context.Context, tx pgx.Tx, ev events.Event) error {
			return ReportPublished(ctx, tx, ev, cfg)
		},
	}
}

// member is a focus-group member as the report mail addresses them.
type member struct {
	Email, Name, Language, Group string
}

// ReportPublished queues, in tx, one report mail per member of the
// process's focus groups who has an address and is still a member, and
// records how many mails the report's batch holds. A person in two of the
// process's groups under one address gets one mail. A report whose
// process has no one to mail is announced as delivered to none at once.
func ReportPublished(ctx context.Context, tx pgx.Tx, ev events.Event, cfg Config) error {
	msg := &eventsv1.ReportPublished{}
	if err := ev.Decode(msg); err != nil {
		return err
	}
	reportID, processID := msg.GetReportId(), msg.GetProcessId()
	if reportID == "" {
		return fmt.Errorf("report.published %s: no report id", ev.ID)
	}
	if err := uuid.Validate(processID); err != nil {
		return fmt.Errorf("report.published %s: process id %q: %w", ev.ID, processID, err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO feedback_reports (report_id, process_id, tenant, queued_at)
VALUES ($1, $2, $3, $4) ON CONFLICT (report_id) DO NOTHING`, reportID, processID, ev.Tenant, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("recording report %s: %w", reportID, err)
	}
	if tag.RowsAffected() == 0 {
		return nil // this report's mail was queued before
	}
	// The membership that joined last decides the name, language and
	// group a person is addressed with.
	const q = `SELECT DISTINCT ON (lower(m.email)) m.email, m.name, m.language, g.name
FROM members m JOIN focus_groups g ON g.id = m.group_id
WHERE g.process_id = $1 AND m.status = 'active' AND m.email <> ''
ORDER BY lower(m.email), m.joined_at DESC, m.id`
	rows, err := tx.Query(ctx, q, processID)
	if err != nil {
		return fmt.Errorf("finding the members of process %s's focus groups: %w", processID, err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[member])
	if err != nil {
		return fmt.Errorf("finding the members of process %s's focus groups: %w", processID, err)
	}
	link := ResultsURL(cfg.PublicURL, processID)
	for _, m := range all {
		l := notice.Report(m.Group, notice.Recipient{Name: m.Name, Email: m.Email, Link: link, Language: m.Language})
		err := mailq.Enqueue(ctx, tx, mailq.Mail{To: m.Email, Subject: l.Subject, Text: l.Text, Kind: Kind, Batch: reportID,
			Language: m.Language})
		if err != nil {
			return err
		}
	}
	settled, err := mailq.Expect(ctx, tx, Kind, reportID, int64(len(all)))
	if err != nil {
		return err
	}
	if settled {
		return Delivered(ctx, tx, mailq.Batch{Kind: Kind, Key: reportID, Expected: 0})
	}
	return nil
}

// ResultsURL is the public results page of the process with processID
// under publicURL; "" without a public URL.
func ResultsURL(publicURL, processID string) string {
	if publicURL == "" {
		return ""
	}
	return strings.TrimSuffix(publicURL, "/") + strings.ReplaceAll(ResultsPath, "{id}", processID)
}

// Delivered announces, in tx, the delivery counts of report b.Key's mails:
// the mailq.SettleFunc for Kind.
func Delivered(ctx context.Context, tx pgx.Tx, b mailq.Batch) error {
	var processID, tenant string
	err := tx.QueryRow(ctx, `SELECT process_id::text, tenant FROM feedback_reports WHERE report_id = $1`, b.Key).Scan(&processID, &tenant)
	if err != nil {
		return fmt.Errorf("reading report %s: %w", b.Key, err)
	}
	ev, err := events.New(ctx, tenant, b.Key, &eventsv1.FocusGroupFeedbackDelivered{
		ProcessId: processID,
		ReportId:  b.Key,
		Delivered: clamp(b.Sent),
		Failed:    clamp(b.Failed),
	})
	if err != nil {
		return err
	}
	return events.Enqueue(ctx, tx, ev)
}

func clamp(n int64) int32 { return int32(min(n, 1<<31-1)) }
