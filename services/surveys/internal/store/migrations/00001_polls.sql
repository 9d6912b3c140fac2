-- +goose Up
-- A poll's lifecycle and schedule are columns, so that lists and the
-- scheduler filter on indexes; what it asks (title, intro, sections,
-- audience, the results statement) is one jsonb document, read and written
-- whole. tenant is a municipality's CBS code or a region's id; participants
-- lists a shared poll's municipalities (empty for a local poll), an array so
-- that "which polls may this caller see" is one indexed overlap test.
CREATE TABLE polls (
    id            uuid        PRIMARY KEY,
    process_id    uuid        NOT NULL,
    tenant        text        NOT NULL,
    participants  text[]      NOT NULL DEFAULT '{}',
    kind          text        NOT NULL CHECK (kind IN ('flash_poll', 'questionnaire')),
    -- NULL when the poll has no open link, so that the unique index below
    -- ignores it.
    slug          text        UNIQUE CHECK (slug <> ''),
    status        text        NOT NULL CHECK (status IN ('draft', 'scheduled', 'open', 'closed', 'cancelled')),
    opens_at      timestamptz,
    closes_at     timestamptz,
    cancel_reason text        NOT NULL DEFAULT '',
    definition    jsonb       NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE INDEX polls_tenant ON polls (tenant, id);
CREATE INDEX polls_participants ON polls USING gin (participants);
CREATE INDEX polls_process ON polls (process_id, id);
-- The scheduler asks for what is due to open and to close; few polls wait
-- at any time, so partial indexes stay small.
CREATE INDEX polls_due_to_open ON polls (opens_at) WHERE status = 'scheduled';
CREATE INDEX polls_due_to_close ON polls (closes_at) WHERE status = 'open';

-- Single-use invitations. Only the SHA-256 hash of a link's token is kept,
-- so that a leaked table yields no usable links. used_on is a day, not a
-- time: a time equal to a response's submitted_at would tie the invitation,
-- and so the panel member, to the answer.
CREATE TABLE invitations (
    id              uuid        PRIMARY KEY,
    poll_id         uuid        NOT NULL REFERENCES polls (id),
    token_hash      bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    panel_member_id uuid,
    municipality    text        NOT NULL,
    created_at      timestamptz NOT NULL,
    used_on         date
);

-- One invitation per panel member and poll, so that inviting a panel twice
-- invites nobody twice.
CREATE UNIQUE INDEX invitations_member ON invitations (poll_id, panel_member_id)
    WHERE panel_member_id IS NOT NULL;

-- +goose Down
DROP TABLE invitations;
DROP TABLE polls;
