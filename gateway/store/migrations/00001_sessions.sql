-- +goose Up
-- Staff logins (gateway/identity). The browser's cookie holds a random
-- session id, sealed; a row is found by the id's SHA-256, so the table
-- alone lets nobody make a cookie that works. Every gateway replica reads
-- the same rows, so a session that ends here ends everywhere at once.
CREATE TABLE sessions (
    id_hash       bytea       PRIMARY KEY,
    subject       text        NOT NULL,
    name          text        NOT NULL DEFAULT '',
    grants        text[]      NOT NULL DEFAULT '{}',
    roles_missing boolean     NOT NULL DEFAULT false,
    -- The provider's refresh and ID token, sealed with the session key.
    tokens        bytea,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    -- When the provider last confirmed the session, and until when one
    -- replica holds the right to confirm it again.
    checked_at    timestamptz NOT NULL,
    check_until   timestamptz
);

CREATE INDEX sessions_subject ON sessions (subject);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Keys the gateway made itself, for settings left empty: the session key
-- without -session-key, shared by every replica and kept across restarts.
CREATE TABLE secrets (
    name       text        PRIMARY KEY,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Council members' terms, from the councils service's member.joined and
-- member.left events. Once a term has ended (ends_at, the first moment of
-- the day after its last day, Amsterdam time), the sessions of the
-- member's login subject that began before the end, or before the end was
-- announced (a term ended yesterday, recorded today), are over.
CREATE TABLE member_terms (
    member_id      text        PRIMARY KEY,
    -- The login subject's SHA-256, as the event carries it
    -- (auth.SubjectHash): the subject itself stays in councils.
    subject_sha256 text        NOT NULL,
    ends_at        timestamptz,
    announced_at   timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX member_terms_subject ON member_terms (subject_sha256) WHERE ends_at IS NOT NULL;

-- +goose Down
DROP TABLE member_terms;
DROP TABLE secrets;
DROP TABLE sessions;
