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
)

// Config configures the feedback mails.
type Config struct {
	// ReportURL is the address of a published report, with "{id}" where
	// the report's id goes; empty leaves the link out of the mail.
	ReportURL string
}

// Consumer returns the consumer of the results service's report.published
// events. The events inbox records each event in the transaction that
// queues its mails, and the report is recorded too, so each report mails
// each address once.
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

// ReportPublished queues, in tx, one feedback mail per address that asked
// about a poll of the report's process, deletes those requests, and
// records how many mails the report's batch holds. A report no one asked
// about is announced as delivered to none at once.
func ReportPublished(ctx context.Context, tx pgx.Tx, ev events.Event, cfg Config) error {
	msg := &eventsv1.ReportPublished{}
	if err := ev.Decode(msg); err != nil {
		return err
	}
	reportID, processID := msg.GetReportId(), msg.GetProcessId()
	if reportID == "" {
		return fmt.Errorf("report.published %s: no report id", ev.ID)
	}
	if _, err := uuid.Parse(processID); err != nil {
		return fmt.Errorf("report.published %s: process id %q: %w", ev.ID, processID, err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO feedback_reports (report_id, process_id, tenant, queued_at)
VALUES ($1, $2, $3, $4) ON CONFLICT (report_id) DO NOTHING`, reportID, processID, ev.Tenant, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("recording report %s: %w", reportID, err)
	}
	if tag.RowsAffected() == 0 {
		return nil // this report's feedback was queued before
	}
	// One mail per address, even if it asked about several of the
	// process's polls; its newest request decides the language.
	const q = `WITH taken AS (
    DELETE FROM feedback_requests WHERE process_id = $1 RETURNING address, language, created_on
)
SELECT DISTINCT ON (lower(address)) address, language FROM taken ORDER BY lower(address), created_on DESC`
	rows, err := tx.Query(ctx, q, processID)
	if err != nil {
		return fmt.Errorf("taking feedback requests of process %s: %w", processID, err)
	}
	type asked struct{ Address, Language string }
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[asked])
	if err != nil {
		return fmt.Errorf("taking feedback requests of process %s: %w", processID, err)
	}
	link := ""
	if cfg.ReportURL != "" {
		link = strings.ReplaceAll(cfg.ReportURL, "{id}", reportID)
	}
	for _, a := range all {
		m := Mail(a.Language, link)
		m.To, m.Batch = a.Address, reportID
		if err := mailq.Enqueue(ctx, tx, m); err != nil {
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

// Delivered announces, in tx, the delivery counts of report b.Key's
// feedback mails: the mailq.SettleFunc for Kind.
func Delivered(ctx context.Context, tx pgx.Tx, b mailq.Batch) error {
	var processID, tenant string
	err := tx.QueryRow(ctx, `SELECT process_id::text, tenant FROM feedback_reports WHERE report_id = $1`, b.Key).Scan(&processID, &tenant)
	if err != nil {
		return fmt.Errorf("reading report %s: %w", b.Key, err)
	}
	ev, err := events.New(ctx, tenant, b.Key, &eventsv1.FeedbackDelivered{
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

// Mail is the feedback mail, linking to the report if link is set: Dutch
// first, then English, as everything residents read; for one who chose
// English (language "en") it opens by pointing to the English part. Its
// recipient and batch are left to the caller.
func Mail(language, link string) mailq.Mail {
	nl := "Hallo,\n\n" +
		"Je hebt meegedaan aan een peiling van je gemeente en gevraagd te horen wat er met je antwoord gebeurt. " +
		"Het verslag van het participatietraject is nu gepubliceerd."
	en := "Hello,\n\n" +
		"You took part in a poll of your municipality and asked to hear what happens with your answer. " +
		"The report of the participation process has now been published."
	if link != "" {
		nl += " Je leest het hier:\n\n" + link
		en += " You can read it here:\n\n" + link
	}
	nl += "\n\nJe e-mailadres is na het versturen van deze mail gewist. Je krijgt hierover geen berichten meer."
	en += "\n\nYour e-mail address was deleted once this mail was sent. You will receive no further messages about this."
	text := nl + "\n\n---\n\n" + en + "\n"
	if language == "en" {
		text = "(English below)\n\n" + text
	}
	return mailq.Mail{
		Kind:     Kind,
		Language: "nl",
		Subject:  "Wat er met je antwoord gebeurt / What happens with your answer",
		Text:     text,
	}
}
