-- +goose Up
-- The id of the last event an ordered consumer applied, next to its stream
-- position: when a stream is lost and rebuilt from the outbox, its sequence
-- numbers start over, and this says from which outbox row the consumer
-- still needs events (docs/operations.md, "Rebuilding a stream").
ALTER TABLE consumer_positions ADD COLUMN last_event_id uuid;

-- +goose Down
ALTER TABLE consumer_positions DROP COLUMN last_event_id;
