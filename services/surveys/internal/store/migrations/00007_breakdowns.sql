-- +goose Up
-- Counts per panel attribute value (age band, neighbourhood), as tallies
-- has them per municipality. Kept in their own table so that the totals
-- in tallies never have to tell a municipality from a breakdown, and a
-- public read never touches them.
CREATE TABLE tally_breakdowns (
    poll_id   uuid   NOT NULL,
    attribute text   NOT NULL,
    value     text   NOT NULL,
    question  text   NOT NULL,
    row_key   text   NOT NULL,
    cell_key  text   NOT NULL,
    count     bigint NOT NULL,
    PRIMARY KEY (poll_id, attribute, value, question, row_key, cell_key)
);

-- +goose Down
DROP TABLE tally_breakdowns;
