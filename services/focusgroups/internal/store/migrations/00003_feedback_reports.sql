-- +goose Up
-- The published reports whose mail to the members of the process's focus
-- groups was queued (package feedback): one row per report, so that a
-- report.published delivered again mails nobody twice, and so that the
-- mail worker, once a report's last mail is settled, knows whose report
-- it was when it announces the counts.
CREATE TABLE feedback_reports (
    report_id  text        PRIMARY KEY,
    process_id uuid        NOT NULL,
    tenant     text        NOT NULL,
    queued_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE feedback_reports;
