-- +goose Up
-- Respondents who asked to hear what came of their answers. Nothing here
-- points at a response or an invitation: the id is random (a UUIDv7 would
-- carry the moment of the submit), and created_on is a day, not a time, so
-- that neither can be matched to a response's submitted_at. The rows of a
-- process are deleted in the transaction that queues their mails, when its
-- report is published.
CREATE TABLE feedback_requests (
    id         uuid  PRIMARY KEY,
    poll_id    uuid  NOT NULL REFERENCES polls (id),
    process_id uuid  NOT NULL,
    address    text  NOT NULL CHECK (address <> ''),
    language   text  NOT NULL CHECK (language IN ('nl', 'en')),
    created_on date  NOT NULL
);

-- One request per poll and address, however often it is given.
CREATE UNIQUE INDEX feedback_requests_address ON feedback_requests (poll_id, lower(address));
CREATE INDEX feedback_requests_process ON feedback_requests (process_id);

-- The reports whose feedback was queued: one row per report, so a report
-- published twice mails nobody twice, and so that the worker, once the
-- last mail of a report is settled, knows whose report it was.
CREATE TABLE feedback_reports (
    report_id  text        PRIMARY KEY,
    process_id uuid        NOT NULL,
    tenant     text        NOT NULL,
    queued_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE feedback_reports;
DROP TABLE feedback_requests;
