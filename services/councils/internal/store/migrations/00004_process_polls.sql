-- +goose Up
-- The councils service's projection of its processes' polls, from the
-- surveys service's poll.opened, poll.closed and poll.cancelled events
-- (never from the surveys service's tables). Ids, kind, status and counts
-- only: a poll's title and questions stay in the surveys service.
CREATE TABLE process_polls (
    poll_id          uuid        PRIMARY KEY,
    process_id       uuid        NOT NULL REFERENCES processes (id),
    form             text        NOT NULL CHECK (form IN ('flash_poll', 'questionnaire')),
    status           text        NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    closes_at        timestamptz,
    responses        integer     NOT NULL DEFAULT 0 CHECK (responses >= 0),
    -- Answers per municipality once closed: {"GM0453": 12, ...}.
    per_municipality jsonb       NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX process_polls_process ON process_polls (process_id, poll_id DESC);

-- +goose Down
DROP TABLE process_polls;
