-- +goose Up
-- Responses are pseudonymous: no e-mail address, invitation or browser id.
-- municipality is '' when a shared poll's open link does not ask for it.
CREATE TABLE responses (
    id           uuid        PRIMARY KEY,
    poll_id      uuid        NOT NULL REFERENCES polls (id),
    municipality text        NOT NULL DEFAULT '',
    answers      jsonb       NOT NULL,
    submitted_at timestamptz NOT NULL
);

-- Exports stream a poll's responses in this order.
CREATE INDEX responses_export ON responses (poll_id, submitted_at, id);

-- Who has answered, apart from what was answered. key_hash is the SHA-256
-- of "inv:" and an invitation id, or of "ck:" and a browser's respondent
-- cookie id. The primary key is what allows one response per invitation
-- and per browser: of concurrent submits, one inserts and the others wait
-- for it and fail. There is deliberately no response id here: the hash of
-- an invitation id is easily computed, so a response id beside it would
-- name the panel member behind every answer.
CREATE TABLE respondent_keys (
    poll_id  uuid  NOT NULL,
    key_hash bytea NOT NULL CHECK (length(key_hash) = 32),
    PRIMARY KEY (poll_id, key_hash)
);

-- A retried submit (same Idempotency-Key) gets the first result back;
-- request_hash tells a retry from another request under the same key.
-- Rows are only needed for as long as clients retry, and are purged after.
CREATE TABLE idempotency_keys (
    poll_id      uuid        NOT NULL,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea       NOT NULL,
    response_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (poll_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE respondent_keys;
DROP TABLE responses;
