-- +goose Up
-- The phase of each projected participation process, from the councils'
-- process.created (intake) and process.phase_changed events: a poll is
-- scheduled and opens only while its process is in execute. NULL is a
-- process projected before this column existed, whose phase this service
-- has not heard yet; it does not hold its polls back.
ALTER TABLE processes ADD COLUMN phase text;

-- +goose Down
ALTER TABLE processes DROP COLUMN phase;
