-- +goose Up
-- Outgoing mail, written in the transaction whose commit promises it, so
-- that a commit and its mail are never split. A worker claims due rows
-- with FOR UPDATE SKIP LOCKED, sends them and deletes them: an address
-- does not outlive its mail. A mail that keeps failing is given up after a
-- few attempts, and deleted too.
--
-- IF NOT EXISTS: the surveys service made these tables in its own
-- migrations (00005_mail.sql) before the queue became a platform package
-- that any service's schema can have.
CREATE TABLE IF NOT EXISTS outgoing_mail (
    id              uuid        PRIMARY KEY,
    to_address      text        NOT NULL CHECK (to_address <> ''),
    subject         text        NOT NULL,
    text_body       text        NOT NULL,
    html_body       text        NOT NULL DEFAULT '',
    unsubscribe_url text        NOT NULL DEFAULT '',
    language        text        NOT NULL DEFAULT 'nl',
    kind            text        NOT NULL CHECK (kind <> ''),
    -- A grouping key (a report id, a poll id) under which deliveries are
    -- counted in mail_batches; '' counts nowhere.
    batch           text        NOT NULL DEFAULT '',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS outgoing_mail_due ON outgoing_mail (next_attempt_at);

-- Delivery counts per batch, kept without the addresses. expected is set
-- by whoever knows how many mails a batch holds (NULL: unknown); when sent
-- and failed add up to it, the batch is settled, once.
CREATE TABLE IF NOT EXISTS mail_batches (
    kind       text        NOT NULL,
    batch      text        NOT NULL,
    sent       bigint      NOT NULL DEFAULT 0,
    failed     bigint      NOT NULL DEFAULT 0,
    expected   bigint,
    settled_at timestamptz,
    PRIMARY KEY (kind, batch)
);

-- +goose Down
-- Nothing: the tables may be the surveys service's own.
