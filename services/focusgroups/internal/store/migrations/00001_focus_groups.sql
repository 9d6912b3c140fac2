-- +goose Up
-- The focus groups service's projection of the councils' participation
-- processes: a group works for one, takes its tenant, municipalities, theme
-- and question from it, and ends when it leaves the analyse phase. Filled
-- by the "processes" consumer from process.created, process.phase_changed
-- and process.closed.
CREATE TABLE processes (
    id           uuid        PRIMARY KEY,
    tenant       text        NOT NULL,
    participants text[]      NOT NULL DEFAULT '{}',
    theme        text        NOT NULL DEFAULT '',
    question_id  uuid,
    phase        text        NOT NULL DEFAULT 'intake',
    closed       boolean     NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE focus_groups (
    id               uuid        PRIMARY KEY,
    process_id       uuid        NOT NULL REFERENCES processes (id),
    tenant           text        NOT NULL,
    participants     text[]      NOT NULL,
    theme            text        NOT NULL,
    question_id      uuid,
    name             text        NOT NULL,
    purpose          text        NOT NULL,
    planned_sessions integer     NOT NULL CHECK (planned_sessions >= 0),
    -- [{"roles": [...], "seats": n}]
    seats            jsonb       NOT NULL,
    total_seats      integer     NOT NULL CHECK (total_seats >= 0),
    reminder_hours   integer     NOT NULL CHECK (reminder_hours > 0),
    organisers       text[]      NOT NULL,
    status           text        NOT NULL CHECK (status IN ('forming', 'active', 'concluded', 'dissolved')),
    dissolve_reason  text        NOT NULL DEFAULT '',
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    ended_at         timestamptz
);

CREATE INDEX focus_groups_process ON focus_groups (process_id);
CREATE INDEX focus_groups_tenant ON focus_groups (tenant, id DESC);

-- Members. Name, address and login subject are cleared on erasure; the row
-- stays with its role and what it counted for.
CREATE TABLE members (
    id             uuid        PRIMARY KEY,
    group_id       uuid        NOT NULL REFERENCES focus_groups (id),
    kind           text        NOT NULL CHECK (kind IN ('staff', 'resident')),
    role           text        NOT NULL,
    name           text        NOT NULL,
    email          text        NOT NULL,
    subject        text        NOT NULL,
    language       text        NOT NULL,
    consent_method text        NOT NULL DEFAULT '',
    consent_at     timestamptz,
    consent_by     text        NOT NULL DEFAULT '',
    status         text        NOT NULL CHECK (status IN ('active', 'left', 'erased')),
    joined_at      timestamptz NOT NULL,
    left_at        timestamptz,
    CHECK (status = 'erased' OR name <> '')
);

CREATE INDEX members_group ON members (group_id);
-- One active membership per address and per login in a group.
CREATE UNIQUE INDEX members_active_email ON members (group_id, lower(email)) WHERE status = 'active' AND email <> '';
CREATE UNIQUE INDEX members_active_subject ON members (group_id, subject) WHERE status = 'active' AND subject <> '';

-- Hashes of the tokens of members' links: 'link' for the member's page
-- (one per mail, all valid until the member leaves), 'feed' for their
-- calendar feed (one at a time).
CREATE TABLE member_tokens (
    hash       bytea       PRIMARY KEY,
    member_id  uuid        NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('link', 'feed')),
    created_at timestamptz NOT NULL
);

CREATE INDEX member_tokens_member ON member_tokens (member_id, purpose);

-- Invitations to join, by mail, each with a single-use token kept as its
-- hash. The address and name are cleared once accepted (the member has
-- them) and when the member is erased.
CREATE TABLE invitations (
    id          uuid        PRIMARY KEY,
    group_id    uuid        NOT NULL REFERENCES focus_groups (id),
    token_hash  bytea       UNIQUE,
    email       text        NOT NULL,
    name        text        NOT NULL,
    role        text        NOT NULL,
    language    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    member_id   uuid        REFERENCES members (id)
);

CREATE INDEX invitations_group ON invitations (group_id);

CREATE TABLE sessions (
    id                    uuid        PRIMARY KEY,
    group_id              uuid        NOT NULL REFERENCES focus_groups (id),
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL CHECK (ends_at > starts_at),
    address               text        NOT NULL,
    accessibility         text        NOT NULL,
    online_url            text        NOT NULL,
    agenda                text        NOT NULL,
    capacity              integer     NOT NULL CHECK (capacity >= 0),
    notes                 text        NOT NULL,
    status                text        NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    sequence              integer     NOT NULL,
    cancel_reason         text        NOT NULL DEFAULT '',
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    held_at               timestamptz,
    attendance_updated_at timestamptz
);

CREATE INDEX sessions_group ON sessions (group_id, starts_at);
-- What the reminder loop scans.
CREATE INDEX sessions_upcoming ON sessions (starts_at) WHERE status = 'scheduled';

-- Members' answers. arrival orders the "yes" answers of a session: the
-- waitlists are in arrival order.
CREATE TABLE rsvps (
    session_id       uuid        NOT NULL REFERENCES sessions (id),
    member_id        uuid        NOT NULL REFERENCES members (id),
    answer           text        NOT NULL CHECK (answer IN ('yes', 'no', 'maybe')),
    state            text        NOT NULL CHECK (state IN ('confirmed', 'waitlisted', 'declined', 'tentative')),
    arrival          bigint      NOT NULL,
    access_needs     text[]      NOT NULL DEFAULT '{}',
    access_note      text        NOT NULL DEFAULT '',
    answered_at      timestamptz NOT NULL,
    changed_by       text        NOT NULL,
    promoted_at      timestamptz,
    promotion_reason text        NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, member_id)
);

CREATE INDEX rsvps_member ON rsvps (member_id);

-- Every change of an answer, so that nothing about the waitlists happens
-- silently: who changed what, when, and why for a seat given out of turn.
CREATE TABLE rsvp_log (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id),
    member_id  uuid        NOT NULL REFERENCES members (id),
    answer     text        NOT NULL,
    state      text        NOT NULL,
    changed_by text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    at         timestamptz NOT NULL
);

CREATE INDEX rsvp_log_session ON rsvp_log (session_id, id);

CREATE TABLE attendance (
    session_id uuid    NOT NULL REFERENCES sessions (id),
    member_id  uuid    NOT NULL REFERENCES members (id),
    present    boolean NOT NULL,
    PRIMARY KEY (session_id, member_id)
);

-- People who came without being members: a count per role, nothing else.
CREATE TABLE walk_ins (
    session_id uuid    NOT NULL REFERENCES sessions (id),
    role       text    NOT NULL,
    count      integer NOT NULL CHECK (count > 0),
    PRIMARY KEY (session_id, role)
);

-- Findings with their quotes ([{"id", "text", "consent", "speakerName",
-- "memberId"}]).
CREATE TABLE findings (
    id          uuid        PRIMARY KEY,
    group_id    uuid        NOT NULL REFERENCES focus_groups (id),
    session_id  uuid        REFERENCES sessions (id),
    question_id uuid,
    statement   text        NOT NULL,
    breadth     text        NOT NULL CHECK (breadth IN ('all', 'most', 'some', 'one')),
    quotes      jsonb       NOT NULL DEFAULT '[]',
    status      text        NOT NULL CHECK (status IN ('draft', 'agreed')),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    agreed_at   timestamptz
);

CREATE INDEX findings_group ON findings (group_id, id);

-- Reminders sent: one row per member, session and start time, claimed in
-- the transaction that queues the mail, so that of several replicas one
-- sends it. A session that moves starts at another time, so its new time
-- gets a reminder of its own.
CREATE TABLE reminders (
    session_id uuid        NOT NULL REFERENCES sessions (id),
    member_id  uuid        NOT NULL REFERENCES members (id),
    starts_at  timestamptz NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (session_id, member_id, starts_at)
);

-- +goose Down
DROP TABLE reminders;
DROP TABLE findings;
DROP TABLE walk_ins;
DROP TABLE attendance;
DROP TABLE rsvp_log;
DROP TABLE rsvps;
DROP TABLE sessions;
DROP TABLE invitations;
DROP TABLE member_tokens;
DROP TABLE members;
DROP TABLE focus_groups;
DROP TABLE processes;
