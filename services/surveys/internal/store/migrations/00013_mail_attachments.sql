-- +goose Up
-- The mail queue's code moved to internal/mailq, shared with the focus
-- groups service, whose mails carry iCalendar files: the queue keeps a
-- mail's attachments beside its body (none for the surveys' mails).
ALTER TABLE outgoing_mail ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE outgoing_mail DROP COLUMN attachments;
