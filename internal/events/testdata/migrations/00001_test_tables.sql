-- +goose Up
-- An aggregate whose version orders its events, and what a consumer applied.
CREATE TABLE aggregates (id text PRIMARY KEY, version int NOT NULL);
CREATE TABLE applied (
    pos      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid   NOT NULL,
    payload  text   NOT NULL,
    trace_id text   NOT NULL DEFAULT ''
);
-- +goose Down
DROP TABLE applied;
DROP TABLE aggregates;
