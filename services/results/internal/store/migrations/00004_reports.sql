-- +goose Up
-- Final reports, frozen when published, and the version of everything the
-- evaluation figures are computed from: every change that can move a
-- figure bumps it in its own transaction, so that a cached computation is
-- known to be current by one row's read.
CREATE TABLE reports (
    id             uuid        PRIMARY KEY,
    process_id     uuid        NOT NULL UNIQUE,
    tenant         text        NOT NULL,
    participants   text[]      NOT NULL DEFAULT '{}',
    advice_id      uuid        NOT NULL REFERENCES advices,
    advice_version integer     NOT NULL,
    advice_hash    text        NOT NULL,
    summary        text        NOT NULL DEFAULT '',
    responses      jsonb       NOT NULL,
    evidence       jsonb       NOT NULL,
    content_hash   text        NOT NULL,
    published_by   text        NOT NULL,
    published_at   timestamptz NOT NULL
);

CREATE INDEX reports_published ON reports (published_at DESC, id DESC);

CREATE TABLE figures_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint  NOT NULL
);

INSERT INTO figures_version (one, version) VALUES (true, 0);

-- +goose Down
DROP TABLE figures_version;
DROP TABLE reports;
