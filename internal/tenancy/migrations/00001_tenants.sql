-- +goose Up
-- A service's own copy of the regions and municipalities the councils
-- service owns, built from its events. No service reads another's tables.
CREATE TABLE tenant_regions (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    event_id   uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_municipalities (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    region_id  text NOT NULL,
    event_id   uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tenant_municipalities_region ON tenant_municipalities (region_id);

-- +goose Down
DROP TABLE tenant_municipalities;
DROP TABLE tenant_regions;
