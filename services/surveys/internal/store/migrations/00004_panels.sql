-- +goose Up
-- Resident panels. A member's address is unique per municipality regardless
-- of case. Unsubscribing erases the address and attributes at once and
-- leaves a tombstone: the row (so that the panel's figures add up) and
-- email_hash, the SHA-256 of the lower-cased address, so that a later import
-- of an old file cannot sign the resident up again against their objection.
-- Erasure on request deletes the row outright.
CREATE TABLE panel_members (
    id              uuid        PRIMARY KEY,
    municipality    text        NOT NULL,
    email           text        CHECK (email <> ''),
    email_hash      bytea       CHECK (length(email_hash) = 32),
    postcode        text,
    neighbourhood   text,
    age_band        text        CHECK (age_band IN ('0-17', '18-26', '27-40', '41-65', '66-75', '76+')),
    status          text        NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
    source          text        NOT NULL CHECK (source IN ('import', 'sign_up')),
    consent_at      timestamptz NOT NULL,
    consent_version text        NOT NULL,
    language        text        NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    unsubscribed_at timestamptz,
    -- When the last sign-up mail went out, so that signing an address up
    -- again and again cannot flood its owner's mailbox.
    last_mailed_at  timestamptz,
    CHECK ((status = 'unsubscribed') = (email IS NULL)),
    CHECK ((status = 'unsubscribed') = (unsubscribed_at IS NOT NULL))
);

CREATE UNIQUE INDEX panel_members_email ON panel_members (municipality, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX panel_members_municipality ON panel_members (municipality, id);
CREATE INDEX panel_members_status ON panel_members (municipality, status);
CREATE INDEX panel_members_tombstones ON panel_members (municipality, email_hash) WHERE status = 'unsubscribed';

-- Tokens of the links in panel mails: "confirm" (a sign-up, single use,
-- expires) and "unsubscribe" (one per mail, so that the link in every mail
-- a member ever got keeps working; kept for the tombstone, so that a second
-- click says "done" rather than "unknown"). Only SHA-256 hashes are kept,
-- as for invitations.
CREATE TABLE panel_tokens (
    token_hash bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    member_id  uuid        NOT NULL REFERENCES panel_members (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz
);

CREATE INDEX panel_tokens_member ON panel_tokens (member_id);

-- Each member's consent history: given (signed up or imported), confirmed
-- (double opt-in), withdrawn (unsubscribed). Erasure deletes it with the
-- member.
CREATE TABLE panel_consents (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id       uuid        NOT NULL REFERENCES panel_members (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('given', 'confirmed', 'withdrawn')),
    consent_version text        NOT NULL,
    source          text        NOT NULL CHECK (source IN ('import', 'sign_up', 'confirmation', 'unsubscribe')),
    at              timestamptz NOT NULL
);

CREATE INDEX panel_consents_member ON panel_consents (member_id, id);

-- An invitation records its member's age band and neighbourhood as they
-- were when invited, so that breakdowns can count by attribute after the
-- member is erased and the link to them is gone. reminded_at allows one
-- reminder per invitation.
ALTER TABLE invitations
    ADD COLUMN age_band      text,
    ADD COLUMN neighbourhood text,
    ADD COLUMN reminded_at   timestamptz;

CREATE INDEX invitations_poll_unused ON invitations (poll_id) WHERE used_on IS NULL AND reminded_at IS NULL;
CREATE INDEX invitations_panel_member ON invitations (panel_member_id) WHERE panel_member_id IS NOT NULL;

-- +goose Down
DROP INDEX invitations_panel_member;
DROP INDEX invitations_poll_unused;
ALTER TABLE invitations
    DROP COLUMN reminded_at,
    DROP COLUMN neighbourhood,
    DROP COLUMN age_band;
DROP TABLE panel_consents;
DROP TABLE panel_tokens;
DROP TABLE panel_members;
