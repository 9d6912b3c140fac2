-- +goose Up
-- Outgoing mail, written in the transaction whose commit promises it, so
-- that a commit and its mail are never split. A worker claims due rows
-- with FOR UPDATE SKIP LOCKED, sends them and deletes them: an address does
-- not outlive its mail. A mail that keeps failing is given up after a few
-- attempts, and deleted too. The surveys service made these tables in its
-- own migrations before this set existed (its 00005 and 00013); they have
-- the same shape.
CREATE TABLE outgoing_mail (
    id              uuid        PRIMARY KEY,
    to_address      text        NOT NULL CHECK (to_address <> ''),
    subject         text        NOT NULL,
    text_body       text        NOT NULL,
    html_body       text        NOT NULL DEFAULT '',
    unsubscribe_url text        NOT NULL DEFAULT '',
    language        text        NOT NULL DEFAULT 'nl',
    kind            text        NOT NULL CHECK (kind <> ''),
    -- A grouping key under which deliveries are counted in mail_batches;
    -- '' counts nowhere.
    batch           text        NOT NULL DEFAULT '',
    -- Files sent with the mail, such as an iCalendar invitation:
    -- [{"name", "contentType", "data" (base64)}].
    attachments     jsonb       NOT NULL DEFAULT '[]',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);

CREATE INDEX outgoing_mail_due ON outgoing_mail (next_attempt_at);

-- Delivery counts per batch, kept without the addresses. expected is set
-- by whoever knows how many mails a batch holds (NULL: unknown); when sent
-- and failed add up to it, the batch is settled, once.
CREATE TABLE mail_batches (
    kind       text        NOT NULL,
    batch      text        NOT NULL,
    sent       bigint      NOT NULL DEFAULT 0,
    failed     bigint      NOT NULL DEFAULT 0,
    expected   bigint,
    settled_at timestamptz,
    PRIMARY KEY (kind, batch)
);

-- +goose Down
DROP TABLE mail_batches;
DROP TABLE outgoing_mail;
