-- +goose Up
-- Themes of the social domain that questions are filed under. New themes
-- are added by a migration; the keys are stable, the names are for display.
CREATE TABLE themes (
    key     text PRIMARY KEY,
    name_nl text NOT NULL,
    name_en text NOT NULL
);

INSERT INTO themes (key, name_nl, name_en) VALUES
    ('toegankelijkheid', 'Toegankelijkheid', 'Accessibility'),
    ('minimabeleid', 'Minimabeleid', 'Minimum income policy'),
    ('mantelzorg', 'Mantelzorg', 'Informal care'),
    ('huishoudelijke-hulp', 'Huishoudelijke hulp', 'Household help'),
    ('jeugd', 'Jeugd', 'Youth'),
    ('ouderen', 'Ouderen', 'Older people'),
    ('wonen-en-zorg', 'Wonen en zorg', 'Housing and care'),
    ('schulden', 'Schulden', 'Debt');

-- Agenda questions (vraagstukken). tenant is a municipality's CBS code for
-- local work or a region's id for regional work; participants lists the
-- municipalities taking part in regional work (empty for local work). Both
-- are checked against municipalities and regions when the question is
-- raised; an array keeps "which questions may this caller see" one indexed
-- overlap test.
CREATE TABLE questions (
    id               uuid PRIMARY KEY,
    tenant           text NOT NULL,
    participants     text[] NOT NULL DEFAULT '{}',
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    theme            text NOT NULL REFERENCES themes (key),
    origin           text NOT NULL CHECK (origin IN ('solicited', 'unsolicited')),
    advice_needed_by date,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    decision_reason  text NOT NULL DEFAULT '',
    raised_by        text NOT NULL,
    decided_by       text NOT NULL DEFAULT '',
    decided_at       timestamptz,
    created_at       timestamptz NOT NULL,
    CHECK (origin = 'unsolicited' OR advice_needed_by IS NOT NULL)
);

CREATE INDEX questions_tenant ON questions (tenant, id DESC);
CREATE INDEX questions_participants ON questions USING gin (participants);

-- Participation processes (trajecten), at most one per question. Scope,
-- title, theme and origin are the question's and are read through it.
CREATE TABLE processes (
    id                  uuid PRIMARY KEY,
    question_id         uuid NOT NULL UNIQUE REFERENCES questions (id),
    phase               text NOT NULL CHECK (phase IN ('intake', 'concretise', 'choose_forms', 'execute', 'analyse', 'advise', 'feedback', 'closed')),
    precise_question    text NOT NULL DEFAULT '',
    approach            text NOT NULL DEFAULT '',
    target_group        text NOT NULL DEFAULT '',
    residents_reached   integer NOT NULL DEFAULT 0 CHECK (residents_reached >= 0),
    advice_sent_at      timestamptz,
    report_published_at timestamptz,
    started_by          text NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE INDEX processes_phase ON processes (phase, id DESC);

-- The participation forms chosen for a process.
CREATE TABLE process_forms (
    process_id uuid NOT NULL REFERENCES processes (id),
    form       text NOT NULL,
    PRIMARY KEY (process_id, form)
);

-- Executed input: one row per thing that brought input to a process, keyed
-- by its source (a field activity's id, or the id of a consumed
-- session.held or poll.closed event) so that a redelivered event counts
-- once.
CREATE TABLE process_inputs (
    source      text PRIMARY KEY,
    process_id  uuid NOT NULL REFERENCES processes (id),
    form        text NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL
);

CREATE INDEX process_inputs_process ON process_inputs (process_id);

-- What the results service reported about a process (advice sent, report
-- published), keyed by the consumed event's id for the same reason.
CREATE TABLE process_milestones (
    source      text PRIMARY KEY,
    process_id  uuid NOT NULL REFERENCES processes (id),
    kind        text NOT NULL CHECK (kind IN ('advice_sent', 'report_published')),
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL
);

CREATE INDEX process_milestones_process ON process_milestones (process_id);

-- Every move of a process between phases; actor is the caller's subject, or
-- "system" for moves caused by consumed events.
CREATE TABLE transitions (
    id         uuid PRIMARY KEY,
    process_id uuid NOT NULL REFERENCES processes (id),
    from_phase text NOT NULL,
    to_phase   text NOT NULL,
    reason     text NOT NULL DEFAULT '',
    actor      text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX transitions_process ON transitions (process_id, id);

-- Visits, stands and meetings where council members met residents.
CREATE TABLE field_activities (
    id                uuid PRIMARY KEY,
    process_id        uuid NOT NULL REFERENCES processes (id),
    form              text NOT NULL,
    day               date NOT NULL,
    place             text NOT NULL,
    municipality_code text NOT NULL REFERENCES municipalities (code),
    residents_reached integer NOT NULL CHECK (residents_reached BETWEEN 0 AND 100000),
    notes             text NOT NULL DEFAULT '',
    recorded_by       text NOT NULL,
    created_at        timestamptz NOT NULL
);

CREATE INDEX field_activities_process ON field_activities (process_id, day, id);

-- Declarations of interest of council members in a process. That the
-- member sits on a council taking part is checked when it is declared.
CREATE TABLE declarations (
    id          uuid PRIMARY KEY,
    process_id  uuid NOT NULL REFERENCES processes (id),
    member_id   uuid NOT NULL REFERENCES members (id),
    statement   text NOT NULL,
    declared_by text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX declarations_process ON declarations (process_id, id);

-- +goose Down
DROP TABLE declarations;
DROP TABLE field_activities;
DROP TABLE transitions;
DROP TABLE process_milestones;
DROP TABLE process_inputs;
DROP TABLE process_forms;
DROP TABLE processes;
DROP TABLE questions;
DROP TABLE themes;
