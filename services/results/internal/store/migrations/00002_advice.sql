-- +goose Up
-- Advice documents and their versions. One advice per process. A sent
-- version is frozen: its text, evidence and content hash never change
-- (the trigger below refuses it even to a mistaken UPDATE), and a
-- correction is a new version.
CREATE TABLE reference_counters (
    tenant text    NOT NULL,
    year   integer NOT NULL,
    last   integer NOT NULL,
    PRIMARY KEY (tenant, year)
);

CREATE TABLE advices (
    id             uuid        PRIMARY KEY,
    process_id     uuid        NOT NULL UNIQUE,
    tenant         text        NOT NULL,
    participants   text[]      NOT NULL DEFAULT '{}',
    addressees     text[]      NOT NULL,
    origin         text        NOT NULL DEFAULT '',
    theme          text        NOT NULL DEFAULT '',
    reference      text        NOT NULL UNIQUE,
    status         text        NOT NULL CHECK (status IN ('draft', 'adopted', 'sent')),
    latest_version integer     NOT NULL,
    sent_version   integer     NOT NULL DEFAULT 0,
    first_sent_at  timestamptz,
    sent_at        timestamptz,
    content_hash   text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX advices_tenant ON advices (tenant);
CREATE INDEX advices_addressees ON advices USING gin (addressees);
CREATE INDEX advices_sent ON advices (first_sent_at DESC, process_id) WHERE sent_version > 0;

CREATE TABLE advice_versions (
    advice_id    uuid        NOT NULL REFERENCES advices ON DELETE CASCADE,
    number       integer     NOT NULL CHECK (number >= 1),
    content      jsonb       NOT NULL,
    change_note  text        NOT NULL DEFAULT '',
    correction   boolean     NOT NULL DEFAULT false,
    status       text        NOT NULL CHECK (status IN ('draft', 'adopted', 'sent', 'superseded')),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    adopted_by   text        NOT NULL DEFAULT '',
    adopted_at   timestamptz,
    sent_at      timestamptz,
    evidence     jsonb,
    content_hash text        NOT NULL DEFAULT '',
    PRIMARY KEY (advice_id, number),
    CHECK ((status = 'sent') = (content_hash <> '' AND evidence IS NOT NULL AND sent_at IS NOT NULL))
);

-- +goose StatementBegin
CREATE FUNCTION advice_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'sent' THEN
        RAISE EXCEPTION 'version % of advice % was sent and cannot change', OLD.number, OLD.advice_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER advice_versions_frozen BEFORE UPDATE OR DELETE ON advice_versions
    FOR EACH ROW EXECUTE FUNCTION advice_versions_frozen();

-- +goose Down
DROP TABLE advice_versions;
DROP FUNCTION advice_versions_frozen();
DROP TABLE advices;
DROP TABLE reference_counters;
