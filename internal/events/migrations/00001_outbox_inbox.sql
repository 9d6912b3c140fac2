-- +goose Up
-- The outbox holds events written in the same transaction as the state change
-- that caused them. The relay publishes unpublished rows in id order. The
-- CloudEvents type and source follow from the subject, so they are not stored.
-- Published rows are found for clean-up by id (ids grow with created_at), so
-- published_at needs no index of its own and marking stays cheap.
CREATE TABLE outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    subject      text        NOT NULL,
    ce_subject   text        NOT NULL,
    ce_time      timestamptz NOT NULL,
    data         bytea       NOT NULL,
    traceparent  text        NOT NULL DEFAULT '',
    tracestate   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- +goose StatementBegin
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One notification per statement; PostgreSQL delivers it at commit.
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The inbox records which events a consumer has applied, in the same
-- transaction as the effect, so a redelivered event changes nothing.
CREATE TABLE inbox (
    consumer   text        NOT NULL,
    event_id   uuid        NOT NULL,
    stream_seq bigint      NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX inbox_applied_at ON inbox (applied_at);

-- Ordered projections record the last stream sequence they applied instead.
CREATE TABLE consumer_positions (
    consumer   text        PRIMARY KEY,
    stream_seq bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE consumer_positions;
DROP TABLE inbox;
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
DROP TABLE outbox;
