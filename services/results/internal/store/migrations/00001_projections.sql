-- +goose Up
-- The results service's projections of the other services' events: the
-- councils' participation processes and field activities, the surveys'
-- closed polls, the focus groups' sessions and findings, and the feedback
-- deliveries of the services that mail participants. No service reads
-- another's tables; each row names the event (or thing) it came from, so
-- that a redelivered event counts once.
CREATE TABLE processes (
    id           uuid        PRIMARY KEY,
    -- '' until process.created arrives (an event about a process may
    -- overtake it when a projection is rebuilt).
    tenant       text        NOT NULL DEFAULT '',
    participants text[]      NOT NULL DEFAULT '{}',
    theme        text        NOT NULL DEFAULT '',
    origin       text        NOT NULL DEFAULT '',
    phase        text        NOT NULL DEFAULT 'intake',
    closed       boolean     NOT NULL DEFAULT false,
    started_at   timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX processes_tenant ON processes (tenant);

-- Residents reached through a form: the councils' field activities.
CREATE TABLE process_activities (
    source       text   PRIMARY KEY,
    process_id   uuid   NOT NULL,
    form         text   NOT NULL,
    municipality text   NOT NULL DEFAULT '',
    day          date,
    residents    bigint NOT NULL CHECK (residents >= 0)
);

CREATE INDEX process_activities_process ON process_activities (process_id);

-- Closed polls, with their responses per municipality ('' unknown).
CREATE TABLE process_polls (
    poll_id    uuid NOT NULL PRIMARY KEY,
    process_id uuid NOT NULL,
    form       text NOT NULL,
    closed_on  date NOT NULL
);

CREATE INDEX process_polls_process ON process_polls (process_id);

CREATE TABLE process_poll_counts (
    poll_id      uuid   NOT NULL REFERENCES process_polls ON DELETE CASCADE,
    municipality text   NOT NULL,
    responses    bigint NOT NULL CHECK (responses >= 0),
    PRIMARY KEY (poll_id, municipality)
);

-- Focus-group sessions held, and findings recorded.
CREATE TABLE process_sessions (
    session_id uuid   PRIMARY KEY,
    process_id uuid   NOT NULL,
    day        date,
    attendees  bigint NOT NULL CHECK (attendees >= 0)
);

CREATE INDEX process_sessions_process ON process_sessions (process_id);

CREATE TABLE process_findings (
    source     text    PRIMARY KEY,
    process_id uuid    NOT NULL,
    findings   integer NOT NULL CHECK (findings >= 0)
);

CREATE INDEX process_findings_process ON process_findings (process_id);

-- Participants told of a report, as each mailing service reports it.
CREATE TABLE feedback_deliveries (
    source     text    PRIMARY KEY,
    report_id  text    NOT NULL,
    process_id uuid    NOT NULL,
    service    text    NOT NULL,
    delivered  integer NOT NULL CHECK (delivered >= 0),
    failed     integer NOT NULL CHECK (failed >= 0)
);

CREATE INDEX feedback_deliveries_process ON feedback_deliveries (process_id);

-- +goose Down
DROP TABLE feedback_deliveries;
DROP TABLE process_findings;
DROP TABLE process_sessions;
DROP TABLE process_poll_counts;
DROP TABLE process_polls;
DROP TABLE process_activities;
DROP TABLE processes;
