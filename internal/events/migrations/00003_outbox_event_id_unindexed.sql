-- +goose Up
-- Event ids are UUIDv7 drawn by events.New, and JetStream drops a second
-- copy of an id (Nats-Msg-Id) anyway; a unique index on them cost every
-- event two index entries (one when written, one when marked published,
-- as marking is not a HOT update) on the busiest path, where nothing
-- looks events up by id.
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_key;

-- +goose Down
ALTER TABLE outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id);
