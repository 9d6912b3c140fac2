-- +goose Up
-- Each addressed municipality's response to a sent advice, its versions,
-- the council's requests for revision, the municipality's settings, and
-- the reminders sent (a row per reminder, claimed in the transaction that
-- queues its mail, so that several replicas send each once).
CREATE TABLE responses (
    advice_id       uuid        NOT NULL REFERENCES advices,
    municipality    text        NOT NULL,
    advice_version  integer     NOT NULL,
    recommendations integer     NOT NULL,
    status          text        NOT NULL CHECK (status IN ('received', 'acknowledged', 'answered', 'revision_requested')),
    term_days       integer     NOT NULL CHECK (term_days BETWEEN 1 AND 365),
    deadline        date        NOT NULL,
    due_at          timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    acknowledged_at timestamptz,
    owner_name      text        NOT NULL DEFAULT '',
    owner_email     text        NOT NULL DEFAULT '',
    version         integer     NOT NULL DEFAULT 0,
    decided_on      date,
    answers         jsonb       NOT NULL DEFAULT '[]',
    answered_at     timestamptz,
    on_time         boolean     NOT NULL DEFAULT false,
    revisions       jsonb       NOT NULL DEFAULT '[]',
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (advice_id, municipality)
);

CREATE INDEX responses_municipality ON responses (municipality, due_at);
-- The reminder loop looks for awaited responses by due time.
CREATE INDEX responses_awaited ON responses (due_at) WHERE status <> 'answered';

CREATE TABLE response_versions (
    advice_id    uuid        NOT NULL,
    municipality text        NOT NULL,
    version      integer     NOT NULL,
    decided_on   date        NOT NULL,
    answers      jsonb       NOT NULL,
    recorded_by  text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (advice_id, municipality, version),
    FOREIGN KEY (advice_id, municipality) REFERENCES responses
);

CREATE TABLE response_settings (
    municipality    text        PRIMARY KEY,
    term_days       integer     NOT NULL CHECK (term_days BETWEEN 1 AND 365),
    officer_email   text        NOT NULL DEFAULT '',
    secretary_email text        NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL
);

CREATE TABLE reminders (
    advice_id    uuid        NOT NULL,
    municipality text        NOT NULL,
    round        integer     NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('week_before', 'deadline', 'overdue')),
    sent_at      timestamptz NOT NULL,
    PRIMARY KEY (advice_id, municipality, round, kind),
    FOREIGN KEY (advice_id, municipality) REFERENCES responses
);

-- +goose Down
DROP TABLE reminders;
DROP TABLE response_settings;
DROP TABLE response_versions;
DROP TABLE responses;
