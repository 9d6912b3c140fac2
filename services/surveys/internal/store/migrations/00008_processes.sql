-- +goose Up
-- The surveys service's projection of the councils' participation
-- processes: a poll belongs to one, and takes its tenant and participating
-- municipalities from it. Filled by the "processes" consumer from
-- process.created and process.closed events.
CREATE TABLE processes (
    id           uuid        PRIMARY KEY,
    tenant       text        NOT NULL,
    participants text[]      NOT NULL DEFAULT '{}',
    closed       boolean     NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE processes;
