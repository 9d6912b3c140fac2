-- +goose Up
CREATE TABLE regions (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE municipalities (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    region_id  text NOT NULL REFERENCES regions (id),
    created_at timestamptz NOT NULL
);

CREATE INDEX municipalities_region ON municipalities (region_id, code);

-- +goose Down
DROP TABLE municipalities;
DROP TABLE regions;
