// Package mailq is the services' transactional mail queue. A mail is
// enqueued in the transaction that makes the change it reports (a panel
// sign-up, an invitation, a published report, a rescheduled focus-group
// session), so a commit and the mail it promises are never split; a Worker
// sends what is due and deletes each mail once sent, so that no address
// lingers.
//
// Deliveries are counted per batch (a grouping key such as a report id) in
// mail_batches, without the addresses, so that "how many were delivered"
// can be answered after the mails are gone.
//
// The queue lives in the schema of the service that uses it: Migrations
// makes its tables (the surveys service made the same tables in its own
// migrations before this package was shared).
package mailq

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/pg"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the queue's tables as a migration set, for a service
// that applies it to its schema.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "mailq", FS: pg.Sub(migrationFiles, "migrations")}
}

// Mail is one message to enqueue.
type Mail struct {
	// To is the recipient's address.
	To string
	// Subject is the subject line.
	Subject string
	// Text is the plain-text body; every mail has one.
	Text string
	// HTML is an optional HTML alternative of Text.
	HTML string
	// UnsubscribeURL, when set, is sent as the List-Unsubscribe header.
	UnsubscribeURL string
	// Kind says what the mail is for, e.g. "panel_confirm", "invitation",
	// "reminder" or "feedback".
	Kind string
	// Batch groups mails whose deliveries are counted together, e.g. a
	// report id; empty counts nowhere.
	Batch string
	// Language is the body's main language ("nl" or "en"); empty means
	// "nl".
	Language string
	// Attachments are files sent with the mail, such as an iCalendar
	// invitation.
	Attachments []mail.Attachment
}

// Enqueue writes m to the queue of the schema tx works in. Call it in the
// transaction that makes the change the mail reports; the worker sees the
// mail only once that transaction commits.
func Enqueue(ctx context.Context, tx pgx.Tx, m Mail) error {
	b := &pgx.Batch{}
	if err := Queue(b, m); err != nil {
		return err
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("enqueueing %s mail: %w", m.Kind, err)
	}
	return nil
}

// Queue adds the statement that writes m to the queue to b, for a caller
// that sends many mails in one round trip; b must run in the transaction
// that makes the change the mail reports, as Enqueue's does.
func Queue(b *pgx.Batch, m Mail) error {
	if m.To == "" {
		return errors.New("enqueueing mail: no recipient")
	}
	if m.Kind == "" {
		return errors.New("enqueueing mail: no kind")
	}
	if m.Language == "" {
		m.Language = "nl"
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("enqueueing %s mail: %w", m.Kind, err)
	}
	attachments, err := json.Marshal(attachmentsOf(m.Attachments))
	if err != nil {
		return fmt.Errorf("enqueueing %s mail: %w", m.Kind, err)
	}
	now := time.Now().UTC()
	const q = `INSERT INTO outgoing_mail
    (id, to_address, subject, text_body, html_body, unsubscribe_url, language, kind, batch, attachments, next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`
	b.Queue(q, id, m.To, m.Subject, m.Text, m.HTML, m.UnsubscribeURL, m.Language, m.Kind, m.Batch, attachments, now)
	return nil
}

// storedAttachment is how an attachment is kept in the queue; encoding/json
// writes Data as base64.
type storedAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Data        []byte `json:"data"`
}

func attachmentsOf(as []mail.Attachment) []storedAttachment {
	out := make([]storedAttachment, len(as))
	for i, a := range as {
		out[i] = storedAttachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data}
	}
	return out
}

func mailAttachments(raw []byte) ([]mail.Attachment, error) {
	var stored []storedAttachment
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, fmt.Errorf("reading a queued mail's attachments: %w", err)
	}
	if len(stored) == 0 {
		return nil, nil
	}
	out := make([]mail.Attachment, len(stored))
	for i, a := range stored {
		out[i] = mail.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data}
	}
	return out, nil
}
