-- +goose Up
-- A repeated create (a double-clicked form, a client's retry) with the
-- same idempotency key by the same caller gets the first result back and
-- creates nothing. The row is claimed in the creating transaction, so that
-- of two concurrent requests one creates and the other waits for it and
-- replays. target is what the key was used on (the process of a new group,
-- the group of a session, invitations or a finding): the same key on
-- another target is refused. Rows matter only while clients retry: a key
-- older than 24 hours is claimed afresh, and the service purges them.
CREATE TABLE idempotency_keys (
    operation    text        NOT NULL,
    subject      text        NOT NULL,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    target       text        NOT NULL,
    resource_ids uuid[]      NOT NULL DEFAULT '{}',
    skipped      integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (operation, subject, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
